import { useQuery } from "@tanstack/react-query";
import { Button, Card, Modal, Space, Table, Typography } from "antd";
import { useState } from "react";
import { call, url } from "../../api/client";
import type { Contribution, ReportKind, ReportRow, RollupTrace, StatisticsRollup } from "../../api/reportRows";
import { lastMonth, shown } from "../../api/reportRows";
import { fill, shanghaiToday } from "../../api/streetRows";
import { DownloadButton } from "../../components/DownloadButton";
import { LayoutPicker } from "./LayoutPicker";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { PeriodPicker } from "./PeriodPicker";
import { StateTag } from "./ReportView";

const enc = encodeURIComponent;

/** The organization's own figures plus the accepted reports below it; a figure's trace; the Excel sheet. */
export function RollupTab({ org }: { org: string }) {
  const { t } = useI18n();
  const s = t.reports;
  const [kind, setKind] = useState<ReportKind>("monthly");
  const [period, setPeriod] = useState(lastMonth(shanghaiToday()));
  const [tracing, setTracing] = useState<ReportRow | null>(null);
  const [layout, setLayout] = useState("");
  const path = `/v1/organizations/${enc(org)}/statistics-rollup`;
  const rollup = useQuery({
    queryKey: ["statistics-rollup", org, kind, period],
    queryFn: () => call<StatisticsRollup>("membership", path, { query: { kind, period } }),
  });
  const r = rollup.data;
  const rate = r?.membership_rate_per_mille;
  return (
    <Card
      size="small"
      title={s.rollupTitle}
      extra={
        <Space wrap>
          <PeriodPicker kind={kind} period={period} onChange={(k, p) => (setKind(k), setPeriod(p))} />
          <LayoutPicker org={org} kind={kind} value={layout} onChange={setLayout} testId="rollup-layout" />
          <DownloadButton
            url={url("membership", path, { kind, period, format: "xlsx", layout })}
            filename={`rollup-${org}-${period}.xlsx`}
            label={t.exportExcel}
            data-testid="export-rollup-xlsx"
          />
        </Space>
      }
    >
      {rollup.error ? <ProblemAlert error={rollup.error} /> : null}
      {r ? (
        <Typography.Paragraph type="secondary" data-testid="rollup-summary">
          {fill(s.rollupSummary, { accepted: r.accepted_reports.length, own: r.own_report ? s.withOwn : s.withoutOwn, rate: rate === null || rate === undefined ? "—" : `${(rate / 10).toFixed(1)}%` })}
        </Typography.Paragraph>
      ) : null}
      <Table<ReportRow>
        rowKey="code"
        size="small"
        loading={rollup.isFetching}
        dataSource={r?.rows}
        pagination={false}
        data-testid="rollup-rows"
        columns={[
          { title: s.code, dataIndex: "code", width: 220 },
          { title: s.indicator, dataIndex: "zh" },
          { title: s.value, key: "value", align: "right", width: 160, render: (_: unknown, row: ReportRow) => shown(row.value, row.unit) },
          {
            title: "",
            key: "trace",
            width: 90,
            render: (_: unknown, row: ReportRow) => (
              <Button size="small" data-testid={`trace-${row.code}`} onClick={() => setTracing(row)}>
                {s.trace}
              </Button>
            ),
          },
        ]}
      />
      {tracing && <TraceModal org={org} kind={kind} period={period} row={tracing} onClose={() => setTracing(null)} />}
    </Card>
  );
}

function TraceModal({ org, kind, period, row, onClose }: { org: string; kind: ReportKind; period: string; row: ReportRow; onClose: () => void }) {
  const { t } = useI18n();
  const s = t.reports;
  const trace = useQuery({
    queryKey: ["statistics-rollup", "trace", org, kind, period, row.code],
    queryFn: () => call<RollupTrace>("membership", `/v1/organizations/${enc(org)}/statistics-rollup/trace`, { query: { kind, period, code: row.code } }),
  });
  return (
    <Modal open width={720} title={fill(s.traceOf, { name: row.zh })} onCancel={onClose} footer={null}>
      {trace.error ? <ProblemAlert error={trace.error} /> : null}
      <Table<Contribution>
        rowKey="report_id"
        size="small"
        loading={trace.isFetching}
        dataSource={trace.data?.contributions}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        data-testid="trace-rows"
        summary={() =>
          trace.data ? (
            <Table.Summary.Row>
              <Table.Summary.Cell index={0}>{s.total}</Table.Summary.Cell>
              <Table.Summary.Cell index={1} align="right">
                <span data-testid="trace-total">{shown(trace.data.total, row.unit)}</span>
              </Table.Summary.Cell>
              <Table.Summary.Cell index={2} colSpan={2} />
            </Table.Summary.Row>
          ) : null
        }
        columns={[
          { title: s.union, dataIndex: "name" },
          { title: s.value, dataIndex: "value", align: "right", width: 140, render: (v: number) => shown(v, row.unit) },
          { title: s.version, dataIndex: "version", width: 70, render: (v: number) => `v${v}` },
          { title: s.state, dataIndex: "state", width: 110, render: (v: string) => <StateTag state={v} /> },
        ]}
      />
    </Modal>
  );
}
