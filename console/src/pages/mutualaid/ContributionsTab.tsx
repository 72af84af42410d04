import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, DatePicker, Form, Input, InputNumber, Radio, Space, Table } from "antd";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { call } from "../../api/client";
import { useRequestKeys } from "../../api/members";
import type { Contribution, RecordContribution } from "../../api/mutualAidRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { toFen, yuan } from "../../money";
import { MemberPicker } from "../welfare/shared";
import { FinanceStatusTag, useMemberNames } from "./shared";

const enc = encodeURIComponent;

interface Values {
  contributor: RecordContribution["contributor"];
  member_id?: string;
  amount?: number | null;
  received_on?: Dayjs | null;
  note?: string;
}

/** Money paid into the union's own fund: recorded here, then booked (or refused) by finance. */
export function ContributionsTab({ target, union, mayRecord }: { target: string; union?: string; mayRecord: boolean }) {
  const { t } = useI18n();
  const m = t.mutualAid;
  const list = useQuery({
    queryKey: ["mutual-aid-contributions", target],
    queryFn: () => call<Contribution[]>("welfare", `/v1/organizations/${enc(target)}/mutual-aid/contributions`),
    refetchInterval: (q) => (q.state.data?.some((c) => c.finance_status === "pending") ? 2000 : false),
  });
  const nameOf = useMemberNames((list.data ?? []).map((c) => c.member_id));
  // The newest first: the service answers in the order they were received.
  const rows = [...(list.data ?? [])].sort(
    (a, b) => b.received_on.localeCompare(a.received_on) || (b.created_at ?? "").localeCompare(a.created_at ?? ""),
  );
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large">
      {mayRecord && (union ? <RecordForm union={union} /> : <Alert type="info" showIcon message={m.needUnion} />)}
      {list.error ? (
        <ProblemAlert error={list.error} />
      ) : (
        <Table<Contribution>
          data-testid="contributions"
          rowKey="id"
          size="small"
          loading={list.isLoading}
          dataSource={rows}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: "max-content" }}
          columns={[
            { title: m.receivedOn, dataIndex: "received_on", width: 110 },
            { title: m.contributor, dataIndex: "contributor", render: (c: string) => m.contributors[c] ?? c },
            { title: m.member, dataIndex: "member_id", render: (id: string | null) => (id ? nameOf(id) : "—") },
            {
              title: m.amount,
              dataIndex: "amount_fen",
              align: "right",
              render: (fen: number) => <span data-testid="contribution-amount">{yuan(fen)}</span>,
            },
            { title: m.note, dataIndex: "note", render: (n: string) => n || "—" },
            {
              title: m.financeStatus,
              key: "finance",
              render: (_, c) => <FinanceStatusTag status={c.finance_status} reason={c.finance_reason} />,
            },
          ]}
        />
      )}
    </Space>
  );
}

function RecordForm({ union }: { union: string }) {
  const { t } = useI18n();
  const m = t.mutualAid;
  const client = useQueryClient();
  const [form] = Form.useForm<Values>();
  const contributor = Form.useWatch("contributor", form);
  // One key per form filled: a double click records once; the next contribution is a new one.
  const [round, setRound] = useState(0);
  const keyOf = useRequestKeys();
  const record = useMutation({
    mutationFn: (body: RecordContribution) =>
      call<Contribution>("welfare", `/v1/organizations/${enc(union)}/mutual-aid/contributions`, {
        method: "POST",
        body,
        idempotencyKey: keyOf([body, round]),
      }),
    onSuccess: () => {
      setRound((r) => r + 1);
      form.resetFields();
      void client.invalidateQueries({ queryKey: ["mutual-aid-contributions"] });
      void client.invalidateQueries({ queryKey: ["mutual-aid-statement"] });
    },
  });
  return (
    <Card size="small" title={m.recordContribution}>
      <Form<Values>
        form={form}
        name="record-contribution"
        layout="inline"
        style={{ rowGap: 8 }}
        data-testid="record-contribution"
        initialValues={{ contributor: "member" }}
        onValuesChange={() => record.reset()}
        onFinish={(v) =>
          record.mutate({
            contributor: v.contributor,
            member_id: v.contributor === "member" ? v.member_id ?? null : null,
            amount_fen: toFen(v.amount ?? undefined) ?? 0,
            received_on: v.received_on ? v.received_on.format("YYYY-MM-DD") : null,
            note: v.note?.trim() ?? "",
          })
        }
      >
        <Form.Item name="contributor" label={m.contributor}>
          <Radio.Group options={(["member", "union"] as const).map((c) => ({ value: c, label: m.contributors[c] }))} />
        </Form.Item>
        {contributor === "member" && (
          <Form.Item name="member_id" label={m.member} tooltip={m.memberHint}>
            <MemberPicker org={union} />
          </Form.Item>
        )}
        <Form.Item name="amount" label={m.amountYuan} rules={[{ required: true, message: t.required }]}>
          <InputNumber min={0.01} precision={2} style={{ width: 140 }} />
        </Form.Item>
        <Form.Item name="received_on" label={m.receivedOn} tooltip={t.todayIfBlank}>
          <DatePicker data-testid="received-on" />
        </Form.Item>
        <Form.Item name="note" label={m.note}>
          <Input maxLength={200} style={{ width: 200 }} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" loading={record.isPending} data-testid="record-contribution-submit">
            {m.recordContribution}
          </Button>
        </Form.Item>
      </Form>
      {record.error ? <ProblemAlert error={record.error} /> : null}
      {record.isSuccess && <Alert type="success" showIcon message={m.recorded} style={{ marginTop: 8 }} data-testid="contribution-recorded" />}
    </Card>
  );
}
