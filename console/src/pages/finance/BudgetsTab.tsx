import { useQuery } from "@tanstack/react-query";
import { Progress, Table } from "antd";
import type { Budget } from "../../api/budgets";
import { call } from "../../api/client";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";

export function BudgetsTab({ org }: { org: string }) {
  const { t } = useI18n();
  const query = useQuery({
    queryKey: ["budgets", org],
    queryFn: () => call<Budget[]>("finance", `/v1/organizations/${encodeURIComponent(org)}/budgets`),
  });
  if (query.error) return <ProblemAlert error={query.error} />;
  return (
    <Table<Budget>
      data-testid="budgets"
      rowKey={(b) => `${b.fiscal_year}-${b.category_account}`}
      size="small"
      loading={query.isLoading}
      pagination={false}
      dataSource={query.data}
      columns={[
        { title: t.year, dataIndex: "fiscal_year" },
        { title: t.category, dataIndex: "category_account" },
        { title: t.budgetAmount, dataIndex: "amount_fen", align: "right", render: yuan },
        { title: t.spent, dataIndex: "spent_fen", align: "right", render: yuan },
        { title: t.reserved, dataIndex: "reserved_fen", align: "right", render: yuan },
        {
          title: t.shareUsed,
          render: (_, b) => {
            const used = b.amount_fen ? Math.round(((b.spent_fen + b.reserved_fen) / b.amount_fen) * 100) : 0;
            return (
              <Progress
                percent={used}
                size="small"
                status={used > 100 ? "exception" : used >= 90 ? "active" : "normal"}
                aria-label={`${b.category_account} ${used}%`}
              />
            );
          },
        },
        { title: t.policy, dataIndex: "policy" },
      ]}
    />
  );
}
