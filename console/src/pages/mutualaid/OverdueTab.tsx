import { useQuery } from "@tanstack/react-query";
import { Table, Typography } from "antd";
import { call } from "../../api/client";
import { useOrganizationNames } from "../../api/members";
import type { OverdueInstalment } from "../../api/mutualAidRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";
import { fill } from "./shared";

/** Instalments due before today (the federation's calendar) and not fully repaid, the oldest first. */
export function OverdueTab({ target }: { target: string }) {
  const { t } = useI18n();
  const m = t.mutualAid;
  const { nameOf } = useOrganizationNames();
  const overdue = useQuery({
    queryKey: ["mutual-aid-overdue", target],
    queryFn: () => call<OverdueInstalment[]>("welfare", `/v1/organizations/${encodeURIComponent(target)}/mutual-aid/overdue`),
  });
  if (overdue.error) return <ProblemAlert error={overdue.error} />;
  return (
    <Table<OverdueInstalment>
      data-testid="overdue"
      rowKey={(i) => `${i.loan_id}/${i.number}`}
      size="small"
      loading={overdue.isLoading}
      dataSource={overdue.data}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      scroll={{ x: "max-content" }}
      columns={[
        { title: m.borrower, dataIndex: "borrower", render: (name: string | null) => <span data-testid="overdue-borrower">{name ?? "—"}</span> },
        { title: m.union, dataIndex: "organization_id", render: (id: string) => nameOf(id) },
        { title: m.instalment, dataIndex: "number", render: (n: number) => fill(m.instalmentOf, { n }) },
        { title: m.dueOn, dataIndex: "due_on" },
        { title: m.amount, dataIndex: "amount_fen", align: "right", render: yuan },
        { title: m.repaidFen, dataIndex: "repaid_fen", align: "right", render: yuan },
        {
          title: m.unpaid,
          dataIndex: "unpaid_fen",
          align: "right",
          render: (fen: number) => <Typography.Text type="danger" data-testid="overdue-unpaid">{yuan(fen)}</Typography.Text>,
        },
        { title: m.daysOverdue, dataIndex: "days_overdue", align: "right", render: (d: number) => <span data-testid="overdue-days">{d}</span> },
      ]}
    />
  );
}
