import { useQuery } from "@tanstack/react-query";
import { Form, InputNumber, Table, Typography } from "antd";
import { useState } from "react";
import { call } from "../../api/client";
import type { CongressRollup } from "../../api/eventRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

type Union = CongressRollup["unions"][number];

const thisYear = () => Number(new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai", year: "numeric" }).format(new Date()));

/**
 * The year's congresses of every grassroots union under the organization — sessions held,
 * proposals, answered, overdue — one row a union and the totals, as the events service counts them.
 */
export function RollupTab({ org }: { org: string }) {
  const { t } = useI18n();
  const c = t.congress;
  const [year, setYear] = useState<number>(thisYear());
  const rollup = useQuery({
    queryKey: ["congress-rollup", org, year],
    queryFn: () => call<CongressRollup>("events", `/v1/organizations/${encodeURIComponent(org)}/congress-rollup`, { query: { year } }),
  });
  const figure = (key: keyof Union, overdue = false) => ({
    dataIndex: key,
    align: "right" as const,
    width: 110,
    render: (n: number) => (
      <span data-testid={`rollup-${key}`} style={overdue && n > 0 ? { color: "#a8071a", fontWeight: 600 } : undefined}>
        {n}
      </span>
    ),
  });
  const total = rollup.data?.total;
  return (
    <>
      <Form layout="inline" style={{ marginBottom: 16 }}>
        <Form.Item label={c.year} htmlFor="rollup-year">
          <InputNumber id="rollup-year" min={2000} max={2100} precision={0} value={year} onChange={(v) => v && setYear(v)} />
        </Form.Item>
      </Form>
      {rollup.error ? (
        <ProblemAlert error={rollup.error} />
      ) : (
        <Table<Union>
          data-testid="congress-rollup"
          rowKey="organization_id"
          size="small"
          loading={rollup.isFetching}
          pagination={false}
          dataSource={rollup.data?.unions}
          onRow={(u) => ({ "data-org": u.organization_id }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: c.union, dataIndex: "name" },
            { title: c.sessionsHeld, ...figure("sessions") },
            { title: c.proposalsFiled, ...figure("proposals") },
            { title: c.answered, ...figure("answered") },
            { title: c.overdueCount, ...figure("overdue", true) },
          ]}
          summary={() =>
            total ? (
              <Table.Summary fixed>
                <Table.Summary.Row data-testid="rollup-total">
                  <Table.Summary.Cell index={0}>
                    <Typography.Text strong>{c.total}</Typography.Text>
                  </Table.Summary.Cell>
                  {(["sessions", "proposals", "answered", "overdue"] as const).map((key, i) => (
                    <Table.Summary.Cell key={key} index={i + 1} align="right">
                      <Typography.Text strong data-testid={`total-${key}`}>
                        {total[key]}
                      </Typography.Text>
                    </Table.Summary.Cell>
                  ))}
                </Table.Summary.Row>
              </Table.Summary>
            ) : null
          }
        />
      )}
    </>
  );
}
