import { useQuery, keepPreviousData } from "@tanstack/react-query";
import { UploadOutlined } from "@ant-design/icons";
import { Alert, Button, Card, DatePicker, Form, Input, InputNumber, Select, Space, Table, Tabs, Tag, Tooltip, Typography, Upload } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { useNavigate, useParams } from "react-router-dom";
import { call, download, type Service } from "../api/client";
import type { components } from "../api/finance";
import { ProblemAlert } from "../components/ProblemAlert";
import { CHAIN_AUDITORS } from "../auth";
import { useI18n } from "../i18n";
import { useSession } from "../session";
import { useOrg } from "../scope";
import { useConsolidated } from "./finance/ConsolidatedTab";
import { yuan } from "../money";
import { FindingsTab } from "./audit/FindingsTab";
import { SignOffTab } from "./audit/SignOffTab";
import { RecordChains } from "./audit/RecordChains";

type AuditPage = components["schemas"]["Page_AuditEntry_"];
type AuditEntry = components["schemas"]["AuditEntry"];

const enc = encodeURIComponent;

type ChainVerification = components["schemas"]["ChainVerification"];
type HeadVerification = components["schemas"]["HeadVerification"];
type ReconcileResult = components["schemas"]["ReconcileResult"];
type ReconcileCheck = components["schemas"]["ReconcileCheck"];
type ReconcileFinding = components["schemas"]["ReconcileFinding"];

export default function AuditDesk() {
  const { t } = useI18n();
  const org = useOrg();
  const { claims } = useSession();
  // Officers open the desk for the audit pack; the chain checks are the review group's and the federation's.
  const checks = CHAIN_AUDITORS.includes(claims.role);
  const { tab = "checks" } = useParams();
  const navigate = useNavigate();
  const a = t.auditCommittee;
  return (
    <div data-testid="audit-desk">
      <Typography.Title level={2}>{t.audit}</Typography.Title>
      <Tabs
        activeKey={tab}
        destroyInactiveTabPane
        onChange={(key) => navigate(`/o/${encodeURIComponent(org)}/audit/${key}`)}
        items={[
          {
            key: "checks",
            label: a.checksTab,
            children: (
              <Space direction="vertical" size="large" style={{ width: "100%" }}>
                {checks && <Chains org={org} />}
                {checks && <RecordChains org={org} />}
                {checks && <VerifyHead />}
                {checks && <Reconcile />}
                <AuditPack org={org} />
                <AuditLog org={org} />
              </Space>
            ),
          },
          // 经审: the audit committee's findings, the treasurers' answers, its sign-off of a term.
          { key: "findings", label: a.findingsTab, children: <FindingsTab org={org} /> },
          { key: "sign-off", label: a.signOffTab, children: <SignOffTab org={org} /> },
        ]}
      />
    </div>
  );
}

const verifyChain = (id: string) => call<ChainVerification>("finance", `/v1/organizations/${enc(id)}/ledger/chain`);

function ChainResult({ result }: { result: ChainVerification }) {
  const { t } = useI18n();
  return (
    <Tooltip title={result.summary}>
      <Space direction="vertical" size={0} data-testid={`chain-result-${result.organization_id}`}>
        {result.intact ? <Tag color="#237804">{t.chainIntact}</Tag> : <Tag color="#a8071a">{t.chainBroken}</Tag>}
        {!result.intact && <Typography.Text type="danger">{result.summary}</Typography.Text>}
      </Space>
    </Tooltip>
  );
}

/**
 * Each ledger of the subtree with its head: finance re-verifies its hash chain from sequence 1 on
 * request, and signs off its head for the auditor to keep (a JSON file verified later below).
 */
function Chains({ org }: { org: string }) {
  const { t } = useI18n();
  const ledgers = useConsolidated(org);
  const [results, setResults] = useState<Record<string, ChainVerification | "checking" | Error>>({});
  const [exportError, setExportError] = useState<unknown>(null);
  const verify = async (id: string) => {
    setResults((r) => ({ ...r, [id]: "checking" }));
    try {
      const result = await verifyChain(id);
      setResults((r) => ({ ...r, [id]: result }));
    } catch (error) {
      setResults((r) => ({ ...r, [id]: error as Error }));
    }
  };
  const exportHead = (id: string) => {
    setExportError(null);
    download("finance", `/v1/organizations/${enc(id)}/ledger/head`, {}, `ledger-head-${id}.json`).catch(setExportError);
  };
  if (ledgers.error) return <ProblemAlert error={ledgers.error} />;
  return (
    <Card
      title={t.chains}
      size="small"
      extra={
        <Button size="small" onClick={() => ledgers.data?.ledgers.forEach((l) => void verify(l.organization_id))}>
          {t.verify}
        </Button>
      }
    >
      <ProblemAlert error={exportError} />
      <Table
        data-testid="chains"
        rowKey="organization_id"
        size="small"
        loading={ledgers.isLoading}
        pagination={{ pageSize: 10, hideOnSinglePage: true }}
        dataSource={ledgers.data?.ledgers}
        columns={[
          { title: t.organization, dataIndex: "name" },
          { title: t.lastSequence, dataIndex: "last_sequence" },
          {
            title: t.lastHash,
            dataIndex: "last_hash",
            render: (hash: string) => <Typography.Text code>{hash.slice(0, 16)}…</Typography.Text>,
          },
          {
            title: t.verify,
            render: (_, l) => {
              const result = results[l.organization_id];
              if (result === "checking") return <Tag>…</Tag>;
              if (result instanceof Error) return <ProblemAlert error={result} />;
              if (result !== undefined) return <ChainResult result={result} />;
              return (
                <Button size="small" data-testid={`verify-chain-${l.organization_id}`} onClick={() => void verify(l.organization_id)}>
                  {t.verify}
                </Button>
              );
            },
          },
          {
            title: t.signedHead,
            render: (_, l) => (
              <Button size="small" data-testid={`export-head-${l.organization_id}`} onClick={() => exportHead(l.organization_id)}>
                {t.exportHead}
              </Button>
            ),
          },
        ]}
      />
    </Card>
  );
}

const VERDICT_COLOR: Record<HeadVerification["verdict"], string> = {
  unchanged: "#237804",
  changed: "#a8071a",
  untrusted: "#a8071a",
};

/** A head exported earlier, chosen as a file or pasted, checked against the live ledger. */
function VerifyHead() {
  const { t } = useI18n();
  const [text, setText] = useState("");
  const [result, setResult] = useState<HeadVerification | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [checking, setChecking] = useState(false);
  const verdictText = { unchanged: t.verdictUnchanged, changed: t.verdictChanged, untrusted: t.verdictUntrusted };
  const submit = async () => {
    setResult(null);
    setError(null);
    let head: unknown;
    try {
      head = JSON.parse(text);
    } catch {
      setError(new Error(t.headNotJson));
      return;
    }
    setChecking(true);
    try {
      setResult(await call<HeadVerification>("finance", "/v1/ledger-heads/verify", { method: "POST", body: head }));
    } catch (failure) {
      setError(failure);
    } finally {
      setChecking(false);
    }
  };
  return (
    <Card title={`${t.signedHead} · ${t.verifyHead}`} size="small" data-testid="verify-head">
      <Typography.Paragraph type="secondary">{t.headHint}</Typography.Paragraph>
      <Space direction="vertical" style={{ width: "100%" }}>
        <Upload
          accept="application/json,.json"
          maxCount={1}
          showUploadList={false}
          beforeUpload={(file) => {
            void file.text().then(setText);
            return false; // read in the browser; nothing is uploaded until Verify
          }}
        >
          <Button icon={<UploadOutlined />}>{t.chooseHeadFile}</Button>
        </Upload>
        <Input.TextArea
          aria-label={t.signedHead}
          data-testid="head-text"
          rows={6}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder='{"organization_id": "…", "sequence": …, "signature": {…}}'
          style={{ fontFamily: "monospace" }}
        />
        <Button type="primary" onClick={() => void submit()} loading={checking} disabled={!text.trim()} data-testid="verify-head-button">
          {t.verifyHead}
        </Button>
        <ProblemAlert error={error} />
        {result && (
          <Alert
            data-testid="head-result"
            type={result.valid ? "success" : "error"}
            showIcon
            message={<Tag color={VERDICT_COLOR[result.verdict]}>{verdictText[result.verdict]}</Tag>}
            description={result.summary}
          />
        )}
      </Space>
    </Card>
  );
}

/** Every invariant of the books re-checked by finance, each check PASS or FAIL. */
function Reconcile() {
  const { t } = useI18n();
  const [asked, setAsked] = useState(false);
  const query = useQuery({
    queryKey: ["reconcile"],
    queryFn: () => call<ReconcileResult>("finance", "/v1/reconcile"),
    enabled: asked,
  });
  return (
    <Card
      title={t.reconcile}
      size="small"
      data-testid="reconcile"
      extra={
        <Button size="small" loading={query.isFetching} onClick={() => (asked ? void query.refetch() : setAsked(true))}>
          {t.runReconcile}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">
        {t.reconcileScope} <Typography.Text code copyable>uv run unionfed finance reconcile</Typography.Text>
      </Typography.Paragraph>
      <ProblemAlert error={query.error} />
      {query.data && (
        <>
          <Alert type={query.data.ok ? "success" : "error"} showIcon message={query.data.summary} style={{ marginBottom: 12 }} />
          <Table<ReconcileCheck>
            data-testid="reconcile-checks"
            rowKey="name"
            size="small"
            pagination={false}
            dataSource={query.data.checks}
            columns={[
              { title: t.check, dataIndex: "name" },
              {
                title: t.outcome,
                dataIndex: "verdict",
                render: (v: ReconcileCheck["verdict"]) => <Tag color={v === "PASS" ? "#237804" : "#a8071a"}>{v}</Tag>,
              },
              { title: t.offenders, dataIndex: "offender_count" },
              { title: t.detail, dataIndex: "detail" },
            ]}
          />
          <Findings checks={query.data.checks} />
        </>
      )}
    </Card>
  );
}

/** A name with its id beneath, or the id alone when the name is unknown. */
function Named({ name, id }: { name: string | null; id: string | null }) {
  if (!id) return <>—</>;
  return name ? (
    <>
      {name}
      <br />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {id}
      </Typography.Text>
    </>
  ) : (
    <>{id}</>
  );
}

/** The ledgers and accounts at fault in the caller's scope, one row per finding of a failing check. */
function Findings({ checks }: { checks: ReconcileCheck[] }) {
  const { t } = useI18n();
  const rows = checks.flatMap((check) => check.findings.map((finding, index) => ({ ...finding, check: check.name, key: `${check.name}#${index}` })));
  if (rows.length === 0) return null;
  const fen = (value: number | null) => (value === null ? "—" : yuan(value));
  return (
    <>
      <Typography.Title level={3} style={{ fontSize: 14, marginTop: 16 }}>
        {t.findings}
      </Typography.Title>
      <Table<ReconcileFinding & { check: string; key: string }>
        data-testid="reconcile-findings"
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={rows}
        columns={[
          { title: t.mismatch, dataIndex: "kind", render: (kind: string, row) => <Tooltip title={row.check}>{t.mismatchKinds[kind] ?? kind}</Tooltip> },
          { title: t.organization, key: "organization", render: (_, row) => <Named name={row.organization_name} id={row.organization_id} /> },
          { title: t.account, key: "account", render: (_, row) => <Named name={row.account_name} id={row.account_code} /> },
          { title: t.expected, dataIndex: "expected_fen", align: "right", render: fen },
          { title: t.stored, dataIndex: "stored_fen", align: "right", render: fen },
          { title: t.counterparty, key: "counterparty", render: (_, row) => <Named name={row.counterparty_name} id={row.counterparty_id} /> },
          { title: t.detail, dataIndex: "detail" },
        ]}
      />
    </>
  );
}

function AuditPack({ org }: { org: string }) {
  const { t } = useI18n();
  const [term, setTerm] = useState<[Dayjs, Dayjs]>([dayjs().startOf("year"), dayjs()]);
  const [error, setError] = useState<unknown>(null);
  const get = (format: "html" | "csv") => {
    setError(null);
    download(
      "finance",
      `/v1/organizations/${enc(org)}/audit-pack`,
      { from: term[0].format("YYYY-MM-DD"), to: term[1].format("YYYY-MM-DD"), format },
      `audit-pack-${org}.${format}`,
    ).catch(setError);
  };
  return (
    <Card title={t.auditPack} size="small">
      <Space wrap>
        <DatePicker.RangePicker value={term} onChange={(v) => v?.[0] && v[1] && setTerm([v[0], v[1]])} allowClear={false} />
        <Button onClick={() => get("csv")}>{t.downloadCsv}</Button>
        <Button onClick={() => get("html")}>{t.downloadHtml}</Button>
      </Space>
      <ProblemAlert error={error} />
    </Card>
  );
}

interface LogFilters {
  route?: string;
  status?: number;
  actor?: string;
  from?: string;
  to?: string;
}

function AuditLog({ org }: { org: string }) {
  const { t } = useI18n();
  const [service, setService] = useState<Service>("finance");
  const [filters, setFilters] = useState<LogFilters>({});
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const query = useQuery({
    queryKey: ["audit-log", service, org, filters, cursor],
    queryFn: () =>
      call<AuditPage>(service, `/v1/organizations/${enc(org)}/audit-log`, { query: { ...filters, cursor, limit: 20 } }),
    placeholderData: keepPreviousData,
  });
  const onSearch = (v: { route?: string; status?: number; actor?: string; when?: [Dayjs, Dayjs] }) => {
    setFilters({
      route: v.route || undefined,
      status: v.status ?? undefined,
      actor: v.actor || undefined,
      from: v.when?.[0]?.startOf("day").toISOString(),
      to: v.when?.[1]?.endOf("day").toISOString(),
    });
    setCursors([undefined]);
  };
  return (
    <Card title={t.auditLog} size="small">
      <Form layout="inline" onFinish={onSearch} style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item label={t.service}>
          <Select<Service>
            aria-label={t.service}
            value={service}
            onChange={(s) => {
              setService(s);
              setCursors([undefined]);
            }}
            style={{ width: 130 }}
            options={(["finance", "membership", "welfare", "events"] as const).map((s) => ({ value: s, label: s }))}
          />
        </Form.Item>
        <Form.Item name="route" label={t.route}>
          <Input style={{ width: 220 }} placeholder="/v1/grants/{grant_id}/approval" />
        </Form.Item>
        <Form.Item name="status" label={t.status}>
          <InputNumber min={100} max={599} style={{ width: 90 }} />
        </Form.Item>
        <Form.Item name="actor" label={t.actor}>
          <Input style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="when" label={t.when}>
          <DatePicker.RangePicker />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t.search}
        </Button>
      </Form>
      {query.error ? (
        <ProblemAlert error={query.error} />
      ) : (
        <Table<AuditEntry>
          data-testid="audit-log"
          rowKey="id"
          size="small"
          loading={query.isFetching}
          pagination={false}
          dataSource={query.data?.items}
          columns={[
            { title: t.when, dataIndex: "occurred_at", render: (v: string) => dayjs(v).format("YYYY-MM-DD HH:mm:ss") },
            { title: t.actor, dataIndex: "subject" },
            { title: t.role, dataIndex: "role" },
            { title: t.route, render: (_, e) => `${e.method} ${e.route}` },
            { title: t.status, dataIndex: "status_code" },
            { title: t.outcome, dataIndex: "outcome" },
          ]}
        />
      )}
      <Space style={{ marginTop: 16 }}>
        <Button disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t.previous}
        </Button>
        <Button
          disabled={!query.data?.next_cursor}
          onClick={() => query.data?.next_cursor && setCursors([...cursors, query.data.next_cursor])}
        >
          {t.next}
        </Button>
      </Space>
    </Card>
  );
}
