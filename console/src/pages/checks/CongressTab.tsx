import { useQuery } from "@tanstack/react-query";
import { Table, Typography } from "antd";
import { call } from "../../api/client";
import type { CongressRollup } from "../../api/checksRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

type Union = CongressRollup["unions"][number];
const FIGURES = ["sessions", "proposals", "answered_in_time", "answered_late", "overdue"] as const;

/** Each school's staff congress of the year: sessions held, proposals, answered in time or late, overdue. */
export function CongressTab({ org, year }: { org: string; year: number }) {
  const { t } = useI18n();
  const s = t.checks;
  const rollup = useQuery({
    queryKey: ["congress-rollup", org, year],
    queryFn: () => call<CongressRollup>("events", `/v1/organizations/${encodeURIComponent(org)}/congress-rollup`, { query: { year } }),
  });
  const total = rollup.data?.total;
  const titles: Record<(typeof FIGURES)[number], string> = {
    sessions: s.sessions,
    proposals: s.proposals,
    answered_in_time: s.answeredInTime,
    answered_late: s.answeredLate,
    overdue: s.overdue,
  };
  const warn = (key: string, n: number) => (key === "overdue" || key === "answered_late") && n > 0;
  return rollup.error ? (
    <ProblemAlert error={rollup.error} />
  ) : (
    <Table<Union>
      data-testid="checks-congress"
      rowKey="organization_id"
      size="small"
      loading={rollup.isFetching}
      pagination={false}
      dataSource={rollup.data?.unions}
      onRow={(u) => ({ "data-org": u.organization_id }) as React.HTMLAttributes<HTMLElement>}
      columns={[
        { title: s.union, dataIndex: "name" },
        ...FIGURES.map((key) => ({
          title: titles[key],
          dataIndex: key,
          align: "right" as const,
          width: 110,
          render: (n: number) => (
            <span data-testid={`congress-${key}`} style={warn(key, n) ? { color: "#a8071a", fontWeight: 600 } : undefined}>
              {n}
            </span>
          ),
        })),
      ]}
      summary={() =>
        total ? (
          <Table.Summary fixed>
            <Table.Summary.Row data-testid="congress-total">
              <Table.Summary.Cell index={0}>
                <Typography.Text strong>{s.total}</Typography.Text>
              </Table.Summary.Cell>
              {FIGURES.map((key, i) => (
                <Table.Summary.Cell key={key} index={i + 1} align="right">
                  <Typography.Text strong>{total[key]}</Typography.Text>
                </Table.Summary.Cell>
              ))}
            </Table.Summary.Row>
          </Table.Summary>
        ) : null
      }
    />
  );
}
