import { useQuery } from "@tanstack/react-query";
import { Table, Tag } from "antd";
import { call } from "../../api/client";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import type { DuesPolicy } from "./shared";

const today = () => new Date().toLocaleDateString("sv-SE"); // YYYY-MM-DD in the browser's zone

/** The federation's dues rule over time: each policy from its valid-from date, the one in force marked. */
export function PolicyTab({ federation }: { federation: string }) {
  const { t } = useI18n();
  const d = t.duesDesk;
  const policies = useQuery({
    queryKey: ["dues-policies", federation],
    queryFn: () => call<DuesPolicy[]>("membership", `/v1/federations/${encodeURIComponent(federation)}/dues-policies`),
  });
  if (policies.error) return <ProblemAlert error={policies.error} />;
  const inForce = (policies.data ?? []).filter((p) => p.valid_from <= today()).map((p) => p.valid_from).sort().pop();
  return (
    <Table<DuesPolicy>
      data-testid="dues-policies"
      rowKey="valid_from"
      size="small"
      loading={policies.isLoading}
      dataSource={policies.data}
      locale={{ emptyText: d.noPolicy }}
      pagination={false}
      columns={[
        {
          title: d.validFrom,
          dataIndex: "valid_from",
          render: (day: string) => (
            <>
              {day} {day === inForce && <Tag color="#237804">{d.inForce}</Tag>}
            </>
          ),
        },
        { title: d.rate, dataIndex: "rate_per_mille", render: (rate: number) => `${(rate / 10).toFixed(1)}%` },
        {
          title: d.exemptStatuses,
          dataIndex: "exempt_statuses",
          render: (statuses: string[]) => statuses.map((s) => t.memberDesk.statuses[s] ?? s).join("、") || "—",
        },
        { title: d.exemptMembers, dataIndex: "exempt_member_ids", render: (ids: string[]) => ids.length },
      ]}
    />
  );
}
