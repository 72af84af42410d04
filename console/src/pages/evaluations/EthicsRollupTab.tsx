import { useQuery } from "@tanstack/react-query";
import { Space, Table, Tag } from "antd";
import { call, url as apiUrl } from "../../api/client";
import type { EthicsRollup, EthicsUnion } from "../../api/evaluationsRows";
import { ETHICS_RESULTS } from "../../api/evaluationsRows";
import { DownloadButton } from "../../components/DownloadButton";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

/** The county's 师德 roll-up: per school the counts per result, the members not yet assessed, submitted or not. */
export function EthicsRollupTab({ org, year }: { org: string; year: number }) {
  const e = useI18n().t.evaluations;
  const path = `/v1/organizations/${encodeURIComponent(org)}/ethics-rollup`;
  const rollup = useQuery({
    queryKey: ["ethics-rollup", org, year],
    queryFn: () => call<EthicsRollup>("events", path, { query: { year } }),
  });
  const total = rollup.data?.total;
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <DownloadButton
        data-testid="ethics-rollup-xlsx"
        url={apiUrl("events", path, { year, format: "xlsx" })}
        filename={`ethics-rollup-${org}-${year}.xlsx`}
        label={e.download}
      />
      {rollup.error ? <ProblemAlert error={rollup.error} /> : null}
      <Table<EthicsUnion>
        data-testid="ethics-rollup"
        rowKey="organization_id"
        size="small"
        loading={rollup.isFetching}
        dataSource={rollup.data?.unions ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        onRow={(row) => ({ "data-union": row.organization_id }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: e.organization, dataIndex: "name" },
          { title: e.members, dataIndex: "members", align: "right" },
          ...ETHICS_RESULTS.map((r) => ({
            title: r,
            key: r,
            align: "right" as const,
            render: (_: unknown, u: EthicsUnion) => u.counts[r] ?? 0,
          })),
          {
            title: e.notAssessed,
            dataIndex: "not_assessed",
            align: "right",
            render: (n: number) => <span data-testid="rollup-not-assessed">{n}</span>,
          },
          {
            title: e.status,
            dataIndex: "submitted_at",
            render: (v: string | null) => (v ? <Tag color="blue">{e.submitted}</Tag> : <Tag>{e.notSubmitted}</Tag>),
          },
        ]}
        summary={() =>
          total ? (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0}>{e.total}</Table.Summary.Cell>
              <Table.Summary.Cell index={1} align="right">
                {total.members}
              </Table.Summary.Cell>
              {ETHICS_RESULTS.map((r, i) => (
                <Table.Summary.Cell key={r} index={2 + i} align="right">
                  {total.counts[r] ?? 0}
                </Table.Summary.Cell>
              ))}
              <Table.Summary.Cell index={6} align="right">
                {total.not_assessed}
              </Table.Summary.Cell>
              <Table.Summary.Cell index={7}>
                {e.submitted} {total.submitted}
              </Table.Summary.Cell>
            </Table.Summary.Row>
          ) : null
        }
      />
    </Space>
  );
}
