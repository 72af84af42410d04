import { useQuery } from "@tanstack/react-query";
import { Card, Col, DatePicker, Row, Space, Statistic } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { call, url } from "../../api/client";
import type { RightsStatistics } from "../../api/streetRows";
import { fill, shanghaiToday } from "../../api/streetRows";
import { DownloadButton } from "../../components/DownloadButton";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";

/** The cases the scope accepted in a period (this year by default): closed, in time, referred, recovered. */
export function StatisticsCard({ org }: { org: string }) {
  const { t } = useI18n();
  const r = t.rights;
  const today = shanghaiToday();
  const [period, setPeriod] = useState<[Dayjs, Dayjs]>([dayjs(`${today.slice(0, 4)}-01-01`), dayjs(today)]);
  const from = period[0].format("YYYY-MM-DD");
  const to = period[1].format("YYYY-MM-DD");
  const stats = useQuery({
    queryKey: ["rights-statistics", org, from, to],
    queryFn: () => call<RightsStatistics>("welfare", `/v1/organizations/${encodeURIComponent(org)}/rights-cases/statistics`, { query: { from, to } }),
  });
  const s = stats.data;
  const figure = (title: string, value: string | number | undefined, testId: string) => (
    <Col xs={12} md={8} xl={4}>
      <Statistic title={title} value={value ?? "—"} valueRender={(node) => <span data-testid={testId}>{node}</span>} />
    </Col>
  );
  return (
    <Card
      size="small"
      title={r.statistics}
      data-testid="rights-statistics"
      loading={stats.isLoading}
      extra={
        <Space wrap>
          <DatePicker.RangePicker
            aria-label={r.period}
            allowClear={false}
            value={period}
            onChange={(v) => v?.[0] && v[1] && setPeriod([v[0], v[1]])}
          />
          {/* The period's figures as a sheet, one line a figure (welfare's rights_sheets). */}
          <DownloadButton
            url={url("welfare", `/v1/organizations/${encodeURIComponent(org)}/rights-cases/statistics`, { from, to, format: "xlsx" })}
            filename={fill(r.statisticsFile, { from, to })}
            label={t.exportExcel}
            data-testid="export-rights-statistics-xlsx"
          />
        </Space>
      }
    >
      {stats.error ? (
        <ProblemAlert error={stats.error} />
      ) : (
        <Row gutter={[16, 16]}>
          {figure(r.openedCount, s?.opened, "stat-opened")}
          {figure(r.closedCount, s?.closed, "stat-closed")}
          {figure(r.closedInTime, s?.closed_in_time, "stat-closed-in-time")}
          {figure(r.referred, s?.referred, "stat-referred")}
          {figure(r.recovered, s ? yuan(s.recovered_fen) : undefined, "stat-recovered")}
          {figure(r.workersHelped, s?.workers_helped, "stat-workers-helped")}
          {figure(r.openedAtWeeks, s?.opened_at_rights_weeks, "stat-opened-at-weeks")}
        </Row>
      )}
    </Card>
  );
}
