import { keepPreviousData, useMutation, useQuery } from "@tanstack/react-query";
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  InputNumber,
  Progress,
  Select,
  Space,
  Table,
  TreeSelect,
} from "antd";
import type { Dayjs } from "dayjs";
import { useEffect, useMemo, useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { call, newIdempotencyKey, url as apiUrl } from "../../api/client";
import type { components } from "../../api/welfare";
import { FormSelect } from "../../components/FormControls";
import { DownloadButton } from "../../components/DownloadButton";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { toFen, yuan } from "../../money";
import { scopeTree, useSubtree } from "../../scope";
import { EligibilityFields, useSettled, useWelfareBudget } from "./shared";

type CreateGreeting = components["schemas"]["CreateGreeting"];
type Preview = components["schemas"]["GreetingPreview"];
type Accepted = components["schemas"]["Accepted"];
type Greeting = components["schemas"]["GreetingOut"];
type GreetingPage = components["schemas"]["Page_GreetingOut_"];
type Recipient = components["schemas"]["Recipient"];
type RecipientPage = components["schemas"]["Page_Recipient_"];
type Festival = CreateGreeting["festival"];

const enc = encodeURIComponent;
const FESTIVALS: Festival[] = ["spring_festival", "womens_day", "teachers_day", "mid_autumn", "dragon_boat"];
const PAGE_SIZE = 20;

interface Values {
  scope?: string;
  festival?: Festival;
  amount?: number | null;
  paid_on?: Dayjs;
  gender?: "" | "female" | "male";
  statuses?: ("active" | "retired")[];
}

function bodyOf(v: Values): CreateGreeting | null {
  const amount = toFen(v.amount ?? undefined);
  if (!v.festival || !amount || !v.paid_on || !v.statuses?.length) return null;
  return {
    festival: v.festival,
    amount_fen: amount,
    paid_on: v.paid_on.format("YYYY-MM-DD"),
    eligibility: { gender: v.gender || null, statuses: v.statuses },
  };
}

export function GreetingsTab({ org, mayLaunch }: { org: string; mayLaunch: boolean }) {
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large">
      {mayLaunch && <LaunchGreeting org={org} />}
      <GreetingList org={org} />
    </Space>
  );
}

function LaunchGreeting({ org }: { org: string }) {
  const { t } = useI18n();
  const w = t.welfare;
  const navigate = useNavigate();
  const subtree = useSubtree();
  const tree = useMemo(() => scopeTree(subtree.data ?? []), [subtree.data]);
  const [form] = Form.useForm<Values>();
  const values = Form.useWatch([], form) as Values | undefined;
  const scope = values?.scope ?? org;
  const settled = useSettled(values ? bodyOf(values) : null);
  const preview = useQuery({
    queryKey: ["greeting-preview", scope, settled],
    queryFn: () =>
      call<Preview>("welfare", `/v1/organizations/${enc(scope)}/festival-greeting-previews`, { method: "POST", body: settled }),
    enabled: settled !== null,
    placeholderData: keepPreviousData, // the query client's retry: a busy moment (5xx) is asked again, a refusal is shown
  });
  const budget = useWelfareBudget(scope, values?.paid_on?.year());
  const launch = useMutation({
    mutationFn: async (greeting: CreateGreeting) => {
      const accepted = await call<Accepted>("welfare", `/v1/organizations/${enc(scope)}/festival-greetings`, {
        method: "POST",
        body: greeting,
        idempotencyKey: newIdempotencyKey(),
      });
      // Paying runs on the server chunk by chunk; the progress page follows it (and can resume it).
      void call("welfare", `${accepted.status_url}/run`, { method: "POST" }).catch(() => undefined);
      return accepted;
    },
    onSuccess: (accepted) => navigate(`/o/${enc(scope)}/welfare/greetings/${enc(accepted.id)}`),
  });
  const shown = settled ? preview.data : undefined;
  const covered = shown && (budget.left === null || shown.total_fen <= budget.left);

  return (
    <Card title={w.launchGreeting} size="small" data-testid="launch-greeting">
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{ scope: org, gender: "", statuses: ["active"] }}
        onFinish={(v) => {
          const greeting = bodyOf(v);
          if (greeting) launch.mutate(greeting);
        }}
      >
        <Space wrap align="start" size="large">
          <Form.Item name="scope" label={w.greetingScope}>
            <TreeSelect
              style={{ width: 260 }}
              treeData={tree.length ? tree : [{ value: org, title: org, children: [] }]}
              treeDefaultExpandAll
              showSearch
              treeNodeFilterProp="title"
            />
          </Form.Item>
          <Form.Item name="festival" label={w.festival} rules={[{ required: true, message: t.required }]}>
            <FormSelect style={{ width: 180 }} data-testid="festival" options={FESTIVALS.map((f) => ({ value: f, label: w.festivals[f] }))} />
          </Form.Item>
          <Form.Item name="amount" label={w.amountEachYuan} rules={[{ required: true, message: t.required }]}>
            <InputNumber min={0.01} precision={2} style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="paid_on" label={w.paidOn} rules={[{ required: true, message: t.required }]}>
            <DatePicker data-testid="paid-on" />
          </Form.Item>
          <EligibilityFields />
        </Space>
        {settled && preview.error ? <ProblemAlert error={preview.error} /> : null}
        {shown && (
          <Descriptions size="small" bordered column={{ xs: 1, md: 4 }} data-testid="greeting-preview" style={{ marginBottom: 16 }}>
            <Descriptions.Item label={w.recipients}>
              <span data-testid="preview-recipients">{shown.recipients}</span>
            </Descriptions.Item>
            <Descriptions.Item label={w.amountEach}>{yuan(shown.amount_fen)}</Descriptions.Item>
            <Descriptions.Item label={w.total}>
              <span data-testid="preview-total">{yuan(shown.total_fen)}</span>
            </Descriptions.Item>
            <Descriptions.Item label={w.budgetLeft}>
              {budget.left === null ? w.noBudget : yuan(budget.left)}
              {" · "}
              <span data-testid="budget-covers">{covered ? w.budgetCovers : w.budgetShort}</span>
            </Descriptions.Item>
          </Descriptions>
        )}
        {shown && !covered && <Alert type="warning" showIcon message={w.overBudget} style={{ marginBottom: 16 }} />}
        {launch.error ? <ProblemAlert error={launch.error} /> : null}
        <Button type="primary" htmlType="submit" loading={launch.isPending} disabled={!shown?.recipients} data-testid="launch">
          {w.launch}
        </Button>
      </Form>
    </Card>
  );
}

/** Settled recipients (paid, skipped or refused) out of all, as a whole percentage. */
export function settledShare(g: Pick<Greeting, "total" | "paid" | "skipped" | "refused">): number {
  return g.total ? Math.floor(((g.paid + g.skipped + g.refused) * 100) / g.total) : 0;
}

function GreetingList({ org }: { org: string }) {
  const { t } = useI18n();
  const w = t.welfare;
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const list = useQuery({
    queryKey: ["greetings", org, cursor],
    queryFn: () =>
      call<GreetingPage>("welfare", `/v1/organizations/${enc(org)}/festival-greetings`, { query: { cursor, limit: PAGE_SIZE } }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.items.some((g) => !g.done) ? 2000 : false),
  });
  if (list.error) return <ProblemAlert error={list.error} />;
  return (
    <>
      <Table<Greeting>
        data-testid="greetings"
        rowKey="id"
        size="small"
        loading={list.isLoading}
        pagination={false}
        dataSource={list.data?.items}
        columns={[
          {
            title: w.festival,
            render: (_, g) => (
              <Link to={`/o/${enc(g.organization_id)}/welfare/greetings/${enc(g.id)}`}>{w.festivals[g.festival as Festival] ?? g.festival_name}</Link>
            ),
          },
          { title: w.paidOn, dataIndex: "paid_on", width: 110 },
          { title: w.amountEach, dataIndex: "amount_fen", align: "right", render: yuan },
          { title: w.recipients, dataIndex: "total", align: "right" },
          { title: w.paidTotal, dataIndex: "paid_fen", align: "right", render: yuan },
          {
            title: w.progress,
            render: (_, g) => <Progress percent={settledShare(g)} size="small" aria-label={`${g.festival_name} ${settledShare(g)}%`} />,
          },
        ]}
      />
      <Space style={{ marginTop: 16 }}>
        <Button disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t.previous}
        </Button>
        <Button disabled={!list.data?.next_cursor} onClick={() => list.data?.next_cursor && setCursors([...cursors, list.data.next_cursor])}>
          {t.next}
        </Button>
      </Space>
    </>
  );
}

/** One greeting's progress, polled until its last recipient is settled; opening it again resumes here. */
export function GreetingProgress({ org, batchId }: { org: string; batchId: string }) {
  const { t } = useI18n();
  const w = t.welfare;
  const url = `/v1/organizations/${enc(org)}/festival-greetings/${enc(batchId)}`;
  const greeting = useQuery({
    queryKey: ["greeting", org, batchId],
    queryFn: () => call<Greeting>("welfare", url),
    refetchInterval: (q) => (q.state.data?.done ? false : 1000),
  });
  const resume = useMutation({ mutationFn: () => call<Greeting>("welfare", `${url}/run`, { method: "POST" }) });
  const [status, setStatus] = useState<string | undefined>();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const done = greeting.data?.done ?? false;
  const recipients = useQuery({
    queryKey: ["greeting-recipients", org, batchId, status, cursor],
    queryFn: () => call<RecipientPage>("welfare", `${url}/recipients`, { query: { status, cursor, limit: PAGE_SIZE } }),
    placeholderData: keepPreviousData,
    refetchInterval: done ? false : 2000,
  });
  // The last poll may predate the last payment: once the greeting is done, read the states once more.
  const { refetch: refetchRecipients } = recipients;
  useEffect(() => {
    if (done) void refetchRecipients();
  }, [done, refetchRecipients]);
  if (greeting.error) return <ProblemAlert error={greeting.error} />;
  const g = greeting.data;
  if (!g) return null;
  const percent = settledShare(g);
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large" data-testid="greeting-progress">
      <Card size="small" title={`${w.festivals[g.festival as Festival] ?? g.festival_name} · ${g.paid_on}`}>
        <Progress
          percent={percent}
          status={done ? (g.refused ? "exception" : "success") : "active"}
          aria-label={`${w.progress} ${percent}%`}
          data-testid="greeting-bar"
          data-percent={percent}
        />
        <Descriptions size="small" column={{ xs: 2, md: 6 }} style={{ marginTop: 8 }}>
          <Descriptions.Item label={w.recipients}>
            <span data-testid="greeting-total">{g.total}</span>
          </Descriptions.Item>
          <Descriptions.Item label={w.paid}>
            <span data-testid="greeting-paid">{g.paid}</span>
          </Descriptions.Item>
          <Descriptions.Item label={w.pendingCount}>{g.pending + g.waiting_for_finance}</Descriptions.Item>
          <Descriptions.Item label={w.refusedCount}>{g.refused}</Descriptions.Item>
          <Descriptions.Item label={w.skippedCount}>{g.skipped}</Descriptions.Item>
          <Descriptions.Item label={w.paidTotal}>
            <span data-testid="greeting-paid-total">{yuan(g.paid_fen)}</span>
          </Descriptions.Item>
        </Descriptions>
        {!done && g.pending > 0 && (
          <Button onClick={() => resume.mutate()} loading={resume.isPending}>
            {w.resume}
          </Button>
        )}
        {g.refused > 0 && done && (
          <Button onClick={() => resume.mutate()} loading={resume.isPending}>
            {w.retryRefused}
          </Button>
        )}
        {resume.error ? <ProblemAlert error={resume.error} /> : null}
        <div style={{ marginTop: 8 }}>
          {/* Every recipient on A4 with a box to sign and the totals: the 签收单 the office files. */}
          <DownloadButton
            data-testid="print-sign-sheet"
            url={apiUrl("welfare", `${url}/recipients`, { format: "pdf" })}
            filename={t.printForms.signSheetFile}
            label={t.printForms.signSheet}
          />
        </div>
      </Card>
      <div>
        <Space style={{ marginBottom: 8 }}>
          <label htmlFor="recipient-status">{w.state}</label>
          <Select
            id="recipient-status"
            allowClear
            style={{ width: 160 }}
            value={status}
            onChange={(s?: string) => {
              setStatus(s);
              setCursors([undefined]);
            }}
            options={Object.entries(w.recipientStates).map(([value, label]) => ({ value, label }))}
          />
        </Space>
        <Table<Recipient>
          data-testid="greeting-recipients"
          rowKey="member_id"
          size="small"
          loading={recipients.isLoading}
          pagination={false}
          dataSource={recipients.data?.items}
          columns={[
            { title: w.member, dataIndex: "display_name" },
            {
              title: w.state,
              dataIndex: "status",
              render: (s: string) => w.recipientStates[s as keyof typeof w.recipientStates] ?? s,
            },
            { title: w.reason, dataIndex: "reason", render: (r: string | null) => r ?? "" },
          ]}
        />
        <Space style={{ marginTop: 16 }}>
          <Button disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            {t.previous}
          </Button>
          <Button
            disabled={!recipients.data?.next_cursor}
            onClick={() => recipients.data?.next_cursor && setCursors([...cursors, recipients.data.next_cursor])}
          >
            {t.next}
          </Button>
        </Space>
      </div>
    </Space>
  );
}
