import { useQuery } from "@tanstack/react-query";
import { Alert, Descriptions, Modal, Space, Table, Typography } from "antd";
import { call } from "../../api/client";
import type { Evaluation, EvaluationResults, SubjectResult } from "../../api/evaluationsRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

type Figures = Pick<EvaluationResults, "return_rates" | "options" | "results" | "withheld_forms" | "min_group">;

/** Return rates and the tallies per subject and form kind, as read live or as submitted upward. */
export function ResultFigures({ figures }: { figures: Figures }) {
  const e = useI18n().t.evaluations;
  const rates = figures.return_rates;
  const rows = figures.results.flatMap((s: SubjectResult, i) => [
    ...s.forms.map((f) => ({ key: `${i}-${f.form}`, subject: `${s.post} ${s.name}`, ...f, formLabel: e.forms[f.form] })),
    ...(s.total ? [{ key: `${i}-total`, subject: `${s.post} ${s.name}`, ...s.total, formLabel: e.total }] : []),
  ]);
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Descriptions size="small" bordered column={1} data-testid="return-rates">
        {rates.forms.map((f) => (
          <Descriptions.Item key={f.form} label={e.forms[f.form]}>
            {e.issued} {f.issued}，{e.returned} {f.returned}，{e.returnRate} {f.rate ?? "—"}
          </Descriptions.Item>
        ))}
        <Descriptions.Item label={e.overall}>
          <span data-testid="overall-rate">
            {e.issued} {rates.issued}，{e.returned} {rates.returned}，{e.returnRate} {rates.rate ?? "—"}
          </span>
        </Descriptions.Item>
      </Descriptions>
      {figures.withheld_forms.length ? (
        <Alert type="info" showIcon message={e.withheld.replace("{n}", String(figures.min_group))} />
      ) : null}
      <Table
        data-testid="results-table"
        size="small"
        pagination={false}
        dataSource={rows}
        columns={[
          { title: e.subjects, dataIndex: "subject" },
          { title: e.form, dataIndex: "formLabel" },
          { title: e.answers, dataIndex: "answers", align: "right" },
          ...figures.options.map((o) => ({
            title: o,
            key: o,
            align: "right" as const,
            render: (_: unknown, r: { counts: Record<string, number> }) => r.counts[o] ?? 0,
          })),
          { title: e.approving, dataIndex: "approving_share", align: "right", render: (v: string | null) => v ?? "—" },
        ]}
      />
      {figures.results.some((s) => s.comments.length) && (
        <div>
          <Typography.Title level={5}>{e.comments}</Typography.Title>
          {figures.results.map((s) =>
            s.comments.length ? (
              <div key={`${s.post}${s.name}`}>
                <Typography.Text strong>
                  {s.post} {s.name}：
                </Typography.Text>
                <ul>
                  {s.comments.map((c, i) => (
                    <li key={i}>{c}</li>
                  ))}
                </ul>
              </div>
            ) : null,
          )}
        </div>
      )}
    </Space>
  );
}

export function ResultsModal({ evaluation, onClose }: { evaluation: Evaluation; onClose: () => void }) {
  const e = useI18n().t.evaluations;
  const results = useQuery({
    queryKey: ["evaluation-results", evaluation.id],
    queryFn: () => call<EvaluationResults>("events", `/v1/evaluations/${evaluation.id}/results`),
  });
  return (
    <Modal open width={900} title={`${e.results}：${evaluation.title}`} onCancel={onClose} footer={null}>
      {results.error ? <ProblemAlert error={results.error} /> : null}
      {results.data ? <ResultFigures figures={results.data} /> : null}
    </Modal>
  );
}
