import { useQuery } from "@tanstack/react-query";
import { Empty, Space, Table } from "antd";
import { call, url as apiUrl } from "../../api/client";
import type { EvaluationRollup, Submitted } from "../../api/evaluationsRows";
import { DownloadButton } from "../../components/DownloadButton";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { ResultFigures } from "./ResultsModal";

/** The year's results the unions under the scope submitted upward: results only, never an answer. */
export function RollupTab({ org, year }: { org: string; year: number }) {
  const e = useI18n().t.evaluations;
  const path = `/v1/organizations/${encodeURIComponent(org)}/evaluation-rollup`;
  const rollup = useQuery({
    queryKey: ["evaluation-rollup", org, year],
    queryFn: () => call<EvaluationRollup>("events", path, { query: { year } }),
  });
  if (rollup.error) return <ProblemAlert error={rollup.error} />;
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      {/* The submitted results as the county reads them: a line per subject and form kind. */}
      <DownloadButton
        data-testid="evaluation-rollup-xlsx"
        url={apiUrl("events", path, { year, format: "xlsx" })}
        filename={`evaluation-rollup-${org}-${year}.xlsx`}
        label={e.download}
      />
      <Table<Submitted>
        data-testid="evaluation-rollup"
        rowKey="evaluation_id"
        size="small"
        loading={rollup.isFetching}
        dataSource={rollup.data?.submitted ?? []}
        pagination={false}
        locale={{ emptyText: <Empty description={e.none} /> }}
        expandable={{ expandedRowRender: (r) => <ResultFigures figures={r.results} /> }}
        columns={[
          { title: e.organization, dataIndex: "organization_name" },
          { title: e.title, dataIndex: "title" },
          {
            title: e.returnRate,
            render: (_, r) => (
              <span data-testid="rollup-rate">
                {r.results.return_rates.returned}/{r.results.return_rates.issued}（{r.results.return_rates.rate ?? "—"}）
              </span>
            ),
          },
          { title: e.submittedAt, dataIndex: "submitted_at", render: (v: string) => v.slice(0, 16).replace("T", " ") },
        ]}
      />
    </Space>
  );
}
