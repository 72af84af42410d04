import { useQuery, keepPreviousData } from "@tanstack/react-query";
import { Button, Card, DatePicker, Form, Input, InputNumber, Select, Space, Table, Tag, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { callText, call, download, type Service } from "../api/client";
import type { components } from "../api/finance";
import { ProblemAlert } from "../components/ProblemAlert";
import { useI18n } from "../i18n";
import { useOrg } from "../scope";
import { useConsolidated } from "./finance/ConsolidatedTab";

type AuditPage = components["schemas"]["Page_AuditEntry_"];
type AuditEntry = components["schemas"]["AuditEntry"];

const enc = encodeURIComponent;

export default function AuditDesk() {
  const { t } = useI18n();
  const org = useOrg();
  return (
    <div data-testid="audit-desk">
      <Typography.Title level={2}>{t.audit}</Typography.Title>
      <Space direction="vertical" size="large" style={{ width: "100%" }}>
        <Chains org={org} />
        <AuditPack org={org} />
        <AuditLog org={org} />
        <Card title={`${t.signedHead} · ${t.reconcile}`} size="small">
          <Typography.Paragraph type="secondary">{t.signedHeadCli}</Typography.Paragraph>
          <Typography.Paragraph>
            <Typography.Text code copyable>{`uv run unionfed finance export-head --org ${org} --auditor NAME --out head.json`}</Typography.Text>
            <br />
            <Typography.Text code copyable>{`uv run unionfed finance verify-chain --org ${org} --against head.json`}</Typography.Text>
          </Typography.Paragraph>
          <Typography.Paragraph type="secondary">{t.reconcileCli}</Typography.Paragraph>
          <Typography.Text code copyable>
            uv run unionfed finance reconcile
          </Typography.Text>
        </Card>
      </Space>
    </div>
  );
}

/**
 * Each ledger of the subtree with its head, and a check of its hash chain. The check is the one the
 * audit pack runs (finance recomputes every hash); the pack for today only is fetched to read it.
 */
function Chains({ org }: { org: string }) {
  const { t } = useI18n();
  const ledgers = useConsolidated(org);
  const [results, setResults] = useState<Record<string, boolean | "checking" | Error>>({});
  const verify = async (id: string) => {
    setResults((r) => ({ ...r, [id]: "checking" }));
    try {
      const today = dayjs().format("YYYY-MM-DD");
      const html = await callText("finance", `/v1/organizations/${enc(id)}/audit-pack`, { query: { from: today, to: today } });
      const status = new DOMParser().parseFromString(html, "text/html").querySelector("p.meta strong")?.textContent;
      setResults((r) => ({ ...r, [id]: status === "chain intact" }));
    } catch (error) {
      setResults((r) => ({ ...r, [id]: error as Error }));
    }
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
              if (result === undefined)
                return (
                  <Button size="small" onClick={() => void verify(l.organization_id)}>
                    {t.verify}
                  </Button>
                );
              if (result === "checking") return <Tag>…</Tag>;
              if (result instanceof Error) return <ProblemAlert error={result} />;
              return result ? <Tag color="#237804">{t.chainIntact}</Tag> : <Tag color="#a8071a">{t.chainBroken}</Tag>;
            },
          },
        ]}
      />
    </Card>
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
