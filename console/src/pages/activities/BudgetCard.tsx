import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, DatePicker, Form, Input, InputNumber, Modal, Space, Spin, Table, Tag } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { call, newIdempotencyKey } from "../../api/client";
import type { Activity, ActivityBudget, PayCost } from "../../api/eventRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { toFen, yuan } from "../../money";

type Item = ActivityBudget["items"][number];
type PayValues = { amount: number; paid_on: Dayjs; description: string };

// Holds finance has not answered yet: the page asks again every second until it has.
const IN_FLIGHT = ["requested", "capture_requested", "void_requested"];
const COLOURS: Record<string, string> = { reserved: "#0050b3", captured: "#237804", refused: "#a8071a", voided: "default" };

/** The activity's budget lines, each with its hold in the organizer's books and what finance answered. */
export function BudgetCard({ activity, manager }: { activity: Activity; manager: boolean }) {
  const { t } = useI18n();
  const a = t.activities;
  const d = t.eventsDesk;
  const client = useQueryClient();
  const key = ["activity", activity.id, "budget"];
  const url = `/v1/activities/${encodeURIComponent(activity.id)}/budget`;
  const budget = useQuery({
    queryKey: key,
    queryFn: () => call<ActivityBudget>("events", url),
    refetchInterval: (q) => (q.state.data?.items.some((i) => IN_FLIGHT.includes(i.hold_status)) ? 1000 : false),
  });
  const [paying, setPaying] = useState<Item | null>(null);
  const pay = useMutation({
    mutationFn: ({ item, body }: { item: Item; body: PayCost }) =>
      call<ActivityBudget>("events", `${url}/${encodeURIComponent(item.id)}/payment`, {
        method: "POST",
        body,
        idempotencyKey: newIdempotencyKey(),
      }),
    onSuccess: (answer) => {
      setPaying(null);
      // The answer is the budget with the line now being paid: the card follows finance from there.
      client.setQueryData(key, answer);
    },
  });
  const close = () => {
    setPaying(null);
    pay.reset();
  };
  // Only a cost line whose money finance has reserved can be paid, and only while the activity stands.
  const payable = (item: Item) => manager && activity.status === "published" && item.kind === "cost" && item.hold_status === "reserved";
  if (budget.error) return <ProblemAlert error={budget.error} />;
  return (
    <Card title={a.budget} size="small" data-testid="budget-card">
      <Table<Item>
        data-testid="budget"
        rowKey="id"
        size="small"
        pagination={false}
        loading={budget.isLoading}
        dataSource={budget.data?.items}
        columns={[
          { title: a.budgetLine, dataIndex: "label" },
          { title: a.amount, dataIndex: "amount_fen", align: "right", render: yuan },
          {
            title: a.holdStatus,
            render: (_, item) => (
              <Space direction="vertical" size={0}>
                <Tag data-testid="hold-status" data-status={item.hold_status} color={COLOURS[item.hold_status] ?? "#0050b3"}>
                  {IN_FLIGHT.includes(item.hold_status) && <Spin size="small" style={{ marginRight: 4 }} />}
                  {a.holdStatuses[item.hold_status] ?? item.hold_status}
                </Tag>
                {item.finance_reason && <span style={{ fontSize: 12 }}>{item.finance_reason}</span>}
              </Space>
            ),
          },
          { title: a.paid, dataIndex: "paid_fen", align: "right", render: yuan },
          { title: a.paidOn, dataIndex: "paid_on", render: (day: string | null) => day ?? "—" },
          {
            title: "",
            key: "actions",
            width: 80,
            render: (_, item) =>
              payable(item) && (
                <Button size="small" type="primary" data-testid="pay-cost" onClick={() => setPaying(item)}>
                  {d.payCost}
                </Button>
              ),
          },
        ]}
      />
      <Modal open={paying !== null} title={paying && d.payCostTitle(paying.label)} footer={null} onCancel={close} destroyOnClose>
        {paying && (
          <Form<PayValues>
            name="pay-cost"
            layout="vertical"
            data-testid="pay-cost-form"
            initialValues={{ amount: paying.amount_fen / 100, paid_on: dayjs(), description: paying.label }}
            onFinish={(v) =>
              pay.mutate({
                item: paying,
                body: { amount_fen: toFen(v.amount) ?? 0, paid_on: v.paid_on.format("YYYY-MM-DD"), description: v.description.trim() },
              })
            }
          >
            <Alert type="warning" showIcon message={d.payNote} style={{ marginBottom: 16 }} />
            <Form.Item
              name="amount"
              label={d.payAmount}
              rules={[
                { required: true, message: t.required },
                {
                  validator: (_, v: number | null) =>
                    v && (toFen(v) ?? 0) > paying.amount_fen
                      ? Promise.reject(new Error(d.overBudget((paying.amount_fen / 100).toFixed(2))))
                      : Promise.resolve(),
                },
              ]}
            >
              <InputNumber min={0.01} precision={2} style={{ width: 180 }} />
            </Form.Item>
            <Form.Item name="paid_on" label={d.payOn} rules={[{ required: true, message: t.required }]}>
              <DatePicker allowClear={false} />
            </Form.Item>
            <Form.Item name="description" label={d.payDescription} rules={[{ required: true, whitespace: true, message: t.required }]}>
              <Input maxLength={200} />
            </Form.Item>
            <Space direction="vertical" style={{ width: "100%" }}>
              <ProblemAlert error={pay.error} />
              <Button type="primary" htmlType="submit" loading={pay.isPending} data-testid="pay-cost-submit">
                {d.confirm}
              </Button>
            </Space>
          </Form>
        )}
      </Modal>
    </Card>
  );
}
