import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Descriptions, Form, Input, InputNumber, Modal, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { call, url } from "../../api/client";
import { useRequestKeys } from "../../api/members";
import type { FillStatisticsReport, ReportRow, StatisticsReport } from "../../api/reportRows";
import { shown } from "../../api/reportRows";
import { fill } from "../../api/streetRows";
import { DownloadButton } from "../../components/DownloadButton";
import { LayoutPicker } from "./LayoutPicker";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

const enc = encodeURIComponent;
export const REPORT_QUERIES = ["statistics-report", "statistics-reports", "statistics-board", "statistics-rollup"];

export function useRefreshReports() {
  const client = useQueryClient();
  return () => {
    for (const key of REPORT_QUERIES) void client.invalidateQueries({ queryKey: [key] });
  };
}

// Solid colours with white text: antd's light presets fall short of 4.5:1 contrast.
const STATE_COLOURS: Record<string, string> = {
  not_opened: "#595959",
  collecting: "#0050b3",
  ready: "#006d75",
  submitted: "#531dab",
  returned: "#a8071a",
  accepted: "#237804",
  open: "#0050b3",
};

export function StateTag({ state }: { state: string }) {
  const { t } = useI18n();
  return (
    <Tag color={STATE_COLOURS[state] ?? "#595959"} data-testid="report-state">
      {t.reports.states[state] ?? state}
    </Tag>
  );
}

/** One report: its figures, what is missing, and what the caller may do (fill and submit, or review). */
export function ReportView({
  reportId,
  mayFill,
  mayReview,
  onClose,
}: {
  reportId: string;
  mayFill: boolean;
  mayReview: boolean;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const s = t.reports;
  const keyOf = useRequestKeys();
  const refresh = useRefreshReports();
  const [returning, setReturning] = useState(false);
  const [layout, setLayout] = useState("");
  const report = useQuery({
    queryKey: ["statistics-report", reportId],
    queryFn: () => call<StatisticsReport>("membership", `/v1/statistics-reports/${enc(reportId)}`),
    // The sections arrive from welfare, events and finance after opening: look again until they are in.
    refetchInterval: (q) => (q.state.data?.sections_missing.length ? 2000 : false),
  });
  const act = useMutation({
    mutationFn: ({ path, body }: { path: string; body?: object }) =>
      call<StatisticsReport>("membership", `/v1/statistics-reports/${enc(reportId)}/${path}`, {
        method: path === "manual-figures" ? "PUT" : "POST",
        body,
        idempotencyKey: keyOf({ path, body }),
      }),
    onSuccess: () => {
      refresh();
      setReturning(false);
    },
  });
  const r = report.data;
  const editable = r && (r.state === "open" || r.state === "returned");
  const manual = r?.rows.filter((row) => row.source === "manual") ?? [];
  return (
    <Modal open width={900} title={r ? fill(s.reportOf, { period: r.period, version: r.version }) : s.report} onCancel={onClose} footer={null}>
      {report.error ? <ProblemAlert error={report.error} /> : null}
      {r ? (
        <Space direction="vertical" style={{ width: "100%" }} data-testid="report-view">
          <Descriptions size="small" column={3}>
            <Descriptions.Item label={s.state}>
              <StateTag state={r.board_state} />
            </Descriptions.Item>
            <Descriptions.Item label={s.deadline}>{r.deadline}</Descriptions.Item>
            <Descriptions.Item label={s.rate}>
              {r.membership_rate_per_mille === null || r.membership_rate_per_mille === undefined ? "—" : `${(r.membership_rate_per_mille / 10).toFixed(1)}%`}
            </Descriptions.Item>
          </Descriptions>
          {r.return_reason && r.state === "returned" ? <Alert type="error" showIcon message={fill(s.returnedBecause, { reason: r.return_reason })} /> : null}
          {r.sections_missing.length ? (
            <Alert type="info" showIcon data-testid="sections-missing" message={fill(s.waitingFor, { sections: r.sections_missing.map((x) => s.sections[x] ?? x).join("、") })} />
          ) : null}
          <Table<ReportRow>
            rowKey="code"
            size="small"
            dataSource={r.rows}
            pagination={false}
            data-testid="report-rows"
            columns={[
              { title: s.code, dataIndex: "code", width: 200 },
              { title: s.indicator, dataIndex: "zh" },
              { title: s.value, key: "value", align: "right", width: 140, render: (_: unknown, row: ReportRow) => shown(row.value, row.unit) },
              {
                title: s.source,
                key: "source",
                render: (_: unknown, row: ReportRow) => (row.note ? `${s.sources[row.source] ?? row.source}：${row.note}` : s.sources[row.source] ?? row.source),
              },
            ]}
          />
          {mayFill && editable && manual.length ? <ManualForm rows={manual} onSave={(body) => act.mutate({ path: "manual-figures", body })} saving={act.isPending} /> : null}
          {act.error ? <ProblemAlert error={act.error} /> : null}
          <Space wrap>
            {mayFill && editable ? (
              <>
                <Button type="primary" data-testid="report-submit" loading={act.isPending} onClick={() => act.mutate({ path: "submission" })}>
                  {s.submit}
                </Button>
                <Button data-testid="report-refresh" onClick={() => act.mutate({ path: "refresh" })}>
                  {s.refresh}
                </Button>
              </>
            ) : null}
            {mayFill && r.state === "accepted" ? (
              <Button data-testid="report-correct" onClick={() => act.mutate({ path: "corrections" })}>
                {s.correct}
              </Button>
            ) : null}
            {mayReview && r.state === "submitted" ? (
              <>
                <Button type="primary" data-testid="report-accept" onClick={() => act.mutate({ path: "acceptance" })}>
                  {s.accept}
                </Button>
                <Button danger data-testid="report-return" onClick={() => setReturning(true)}>
                  {s.return}
                </Button>
              </>
            ) : null}
            <LayoutPicker org={r.organization_id} kind={r.kind} value={layout} onChange={setLayout} testId="report-layout" />
            <DownloadButton
              url={url("membership", `/v1/statistics-reports/${enc(r.id)}`, { format: "xlsx", layout })}
              filename={`report-${r.organization_id}-${r.period}-v${r.version}.xlsx`}
              label={t.exportExcel}
              data-testid="export-report-xlsx"
            />
          </Space>
          {returning ? (
            <Form<{ reason: string }> layout="vertical" name="return-report" onFinish={(v) => act.mutate({ path: "return", body: v })}>
              <Form.Item name="reason" label={s.returnReason} rules={[{ required: true, whitespace: true, message: t.required }]}>
                <Input.TextArea rows={2} maxLength={1000} data-testid="return-reason" />
              </Form.Item>
              <Button danger htmlType="submit" data-testid="return-confirm">
                {s.return}
              </Button>
            </Form>
          ) : null}
        </Space>
      ) : (
        <Typography.Text type="secondary">{t.loading}</Typography.Text>
      )}
    </Modal>
  );
}

type ManualValues = Record<string, { value?: number; note?: string }>;

/** The figures the platform cannot know: a whole number (yuan for an amount) and a note for each. */
function ManualForm({ rows, onSave, saving }: { rows: ReportRow[]; onSave: (body: FillStatisticsReport) => void; saving: boolean }) {
  const { t } = useI18n();
  const s = t.reports;
  const initial: ManualValues = Object.fromEntries(
    rows.map((row) => [row.code, { value: row.value === null || row.value === undefined ? undefined : row.unit === "fen" ? row.value / 100 : row.value, note: row.note }]),
  );
  return (
    <Form<ManualValues>
      layout="inline"
      name="manual-figures"
      data-testid="manual-figures"
      initialValues={initial}
      onFinish={(v) =>
        onSave({
          figures: Object.fromEntries(
            rows.map((row) => {
              const entry = v[row.code] ?? {};
              const value = Number(entry.value ?? 0);
              return [row.code, { value: row.unit === "fen" ? Math.round(value * 100) : value, note: entry.note ?? "" }];
            }),
          ),
        })
      }
    >
      {rows.map((row) => (
        <Space key={row.code} wrap>
          <Form.Item name={[row.code, "value"]} label={row.zh} rules={[{ required: true, message: t.required }]}>
            <InputNumber min={0} precision={row.unit === "fen" ? 2 : 0} data-testid={`manual-${row.code}-value`} />
          </Form.Item>
          <Form.Item name={[row.code, "note"]} label={s.note} rules={[{ required: true, whitespace: true, message: s.noteRequired }]}>
            <Input maxLength={500} style={{ width: 240 }} data-testid={`manual-${row.code}-note`} />
          </Form.Item>
        </Space>
      ))}
      <Button htmlType="submit" loading={saving} data-testid="manual-save">
        {s.saveManual}
      </Button>
    </Form>
  );
}
