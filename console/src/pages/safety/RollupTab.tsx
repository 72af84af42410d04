import { useQuery } from "@tanstack/react-query";
import { Button, Card, Col, DatePicker, Row, Space, Statistic, Table, Tag, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { call, url } from "../../api/client";
import type { OverdueHazard, OverdueHazards, SafetyRollup } from "../../api/safetyRows";
import { fill, shanghaiToday } from "../../api/streetRows";
import { DownloadButton } from "../../components/DownloadButton";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { FixHazard } from "./FixHazard";

const enc = encodeURIComponent;

/** The period's roll-up over the subtree and the hazards open past their deadline. */
export function RollupTab({ org, mayWrite }: { org: string; mayWrite: boolean }) {
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large">
      <RollupCard org={org} />
      <OverdueCard org={org} mayWrite={mayWrite} />
    </Space>
  );
}

/** Inspections held in a period (this year by default), the hazards they found, fixed and fixed in time. */
function RollupCard({ org }: { org: string }) {
  const { t } = useI18n();
  const s = t.safety;
  const today = shanghaiToday();
  const [period, setPeriod] = useState<[Dayjs, Dayjs]>([dayjs(`${today.slice(0, 4)}-01-01`), dayjs(today)]);
  const from = period[0].format("YYYY-MM-DD");
  const to = period[1].format("YYYY-MM-DD");
  const path = `/v1/organizations/${enc(org)}/safety-rollup`;
  const rollup = useQuery({
    queryKey: ["safety-rollup", org, from, to],
    queryFn: () => call<SafetyRollup>("membership", path, { query: { from, to } }),
  });
  const r = rollup.data;
  const share = r?.fixed_in_time_share;
  // Flexible columns: eight figures share a line where they fit, and the share (the widest) keeps its room.
  const figure = (title: string, value: string | number | undefined, testId: string) => (
    <Col flex={testId === "stat-in-time-share" ? "1 0 200px" : "1 0 110px"}>
      <Statistic title={title} value={value ?? "—"} valueRender={(node) => <span data-testid={testId}>{node}</span>} />
    </Col>
  );
  return (
    <Card
      size="small"
      title={s.rollup}
      data-testid="safety-rollup"
      loading={rollup.isLoading}
      extra={
        <Space wrap>
          <DatePicker.RangePicker
            aria-label={s.period}
            allowClear={false}
            value={period}
            onChange={(v) => v?.[0] && v[1] && setPeriod([v[0], v[1]])}
          />
          <DownloadButton
            url={url("membership", path, { from, to, format: "xlsx" })}
            filename={`safety-${org}-${from}-${to}.xlsx`}
            label={t.exportExcel}
            data-testid="export-safety-xlsx"
          />
        </Space>
      }
    >
      {rollup.error ? (
        <ProblemAlert error={rollup.error} />
      ) : (
        <Row gutter={[16, 16]}>
          {figure(s.inspections, r?.inspections, "stat-inspections")}
          {figure(s.enterprisesInspected, r?.enterprises_inspected, "stat-enterprises-inspected")}
          {figure(s.hazardsFound, r?.hazards_found, "stat-hazards-found")}
          {figure(s.majorFound, r?.major_found, "stat-major-found")}
          {figure(s.fixed, r?.fixed, "stat-fixed")}
          {figure(s.fixedInTime, r?.fixed_in_time, "stat-fixed-in-time")}
          {figure(s.open, r?.open, "stat-open")}
          {figure(
            s.inTimeShare,
            share ? `${share.percent === null || share.percent === undefined ? "—" : `${share.percent.toFixed(1)}%`}（${share.fixed_in_time}/${share.found}）` : undefined,
            "stat-in-time-share",
          )}
        </Row>
      )}
    </Card>
  );
}

/** Hazards of the subtree's enterprises still open after their deadline, oldest deadline first. */
function OverdueCard({ org, mayWrite }: { org: string; mayWrite: boolean }) {
  const { t } = useI18n();
  const s = t.safety;
  const [fixing, setFixing] = useState<OverdueHazard | null>(null);
  const overdue = useQuery({
    queryKey: ["safety-overdue", org],
    queryFn: () => call<OverdueHazards>("membership", `/v1/organizations/${enc(org)}/safety-hazards/overdue`),
  });
  return (
    <Card
      size="small"
      title={s.overdue}
      data-testid="safety-overdue"
      extra={overdue.data ? <Typography.Text type="secondary">{fill(s.overdueToday, { today: overdue.data.today })}</Typography.Text> : null}
    >
      {overdue.error ? (
        <ProblemAlert error={overdue.error} />
      ) : (
        <Table<OverdueHazard>
          rowKey="id"
          size="small"
          loading={overdue.isFetching}
          dataSource={overdue.data?.hazards}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: <Typography.Text type="secondary">{s.noOverdue}</Typography.Text> }}
          columns={[
            { title: s.enterprise, dataIndex: "enterprise_name" },
            { title: s.description, dataIndex: "description" },
            { title: s.severity, dataIndex: "severity", width: 100, render: (v: string) => <SeverityTag severity={v} /> },
            { title: s.foundOn, dataIndex: "found_on", width: 110 },
            { title: s.deadline, dataIndex: "deadline", width: 110 },
            {
              title: s.daysOverdue,
              dataIndex: "days_overdue",
              width: 90,
              align: "right",
              render: (n: number) => <span data-testid="days-overdue">{n}</span>,
            },
            ...(mayWrite
              ? [
                  {
                    title: "",
                    key: "actions",
                    width: 110,
                    render: (_: unknown, h: OverdueHazard) => (
                      <Button size="small" data-testid="fix-hazard-open" onClick={() => setFixing(h)}>
                        {s.fix}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      {fixing && <FixHazard hazard={fixing} onClose={() => setFixing(null)} />}
    </Card>
  );
}

// Solid colours with white text: antd's light presets fall short of 4.5:1 contrast.
export function SeverityTag({ severity }: { severity: string }) {
  const { t } = useI18n();
  return <Tag color={severity === "major" ? "#a8071a" : "#0050b3"}>{t.safety.severities[severity] ?? severity}</Tag>;
}
