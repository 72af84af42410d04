import { useQuery } from "@tanstack/react-query";
import { Card, Space, Spin, Table, Tag } from "antd";
import { call } from "../../api/client";
import type { ActivityBudget } from "../../api/eventRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";

type Item = ActivityBudget["items"][number];

// Holds finance has not answered yet: the page asks again every second until it has.
const IN_FLIGHT = ["requested", "capture_requested", "void_requested"];
const COLOURS: Record<string, string> = { reserved: "#0050b3", captured: "#237804", refused: "#a8071a", voided: "default" };

/** The activity's budget lines, each with its hold in the organizer's books and what finance answered. */
export function BudgetCard({ activityId }: { activityId: string }) {
  const { t } = useI18n();
  const a = t.activities;
  const budget = useQuery({
    queryKey: ["activity", activityId, "budget"],
    queryFn: () => call<ActivityBudget>("events", `/v1/activities/${encodeURIComponent(activityId)}/budget`),
    refetchInterval: (q) => (q.state.data?.items.some((i) => IN_FLIGHT.includes(i.hold_status)) ? 1000 : false),
  });
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
          { title: a.paidOn, dataIndex: "paid_on", render: (d: string | null) => d ?? "—" },
        ]}
      />
    </Card>
  );
}
