import { useMutation, useQuery } from "@tanstack/react-query";
import { Button, Card, Space, Table, Tag } from "antd";
import { useState } from "react";
import { call } from "../../api/client";
import { useRequestKeys } from "../../api/members";
import type { OpenStatisticsReport, ReportKind, StatisticsReport } from "../../api/reportRows";
import { lastMonth } from "../../api/reportRows";
import { shanghaiToday } from "../../api/streetRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { PeriodPicker } from "./PeriodPicker";
import { ReportView, StateTag, useRefreshReports } from "./ReportView";

const enc = encodeURIComponent;

/** The union's own reports, every version kept; opening the report of a period. */
export function OwnReportsTab({ org, mayWrite }: { org: string; mayWrite: boolean }) {
  const { t } = useI18n();
  const s = t.reports;
  const keyOf = useRequestKeys();
  const refresh = useRefreshReports();
  const [kind, setKind] = useState<ReportKind>("monthly");
  const [period, setPeriod] = useState(lastMonth(shanghaiToday()));
  const [viewing, setViewing] = useState<string | null>(null);
  const path = `/v1/organizations/${enc(org)}/statistics-reports`;
  const reports = useQuery({ queryKey: ["statistics-reports", org], queryFn: () => call<StatisticsReport[]>("membership", path) });
  const open = useMutation({
    mutationFn: (body: OpenStatisticsReport) => call<StatisticsReport>("membership", path, { method: "POST", body, idempotencyKey: keyOf(body) }),
    onSuccess: (r) => {
      refresh();
      setViewing(r.id);
    },
  });
  return (
    <Card
      size="small"
      title={s.ownTitle}
      extra={
        mayWrite ? (
          <Space wrap>
            <PeriodPicker kind={kind} period={period} onChange={(k, p) => (setKind(k), setPeriod(p))} />
            <Button type="primary" data-testid="report-open" loading={open.isPending} onClick={() => open.mutate({ kind, period })}>
              {s.open}
            </Button>
          </Space>
        ) : null
      }
    >
      {open.error ? <ProblemAlert error={open.error} /> : null}
      {reports.error ? <ProblemAlert error={reports.error} /> : null}
      <Table<StatisticsReport>
        rowKey="id"
        size="small"
        loading={reports.isFetching}
        dataSource={reports.data}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        data-testid="own-reports"
        columns={[
          { title: s.kind, dataIndex: "kind", width: 90, render: (k: string) => s.kinds[k] ?? k },
          { title: s.period, dataIndex: "period", width: 100 },
          { title: s.version, dataIndex: "version", width: 80, render: (v: number) => <Tag>{`v${v}`}</Tag> },
          { title: s.state, dataIndex: "board_state", width: 110, render: (v: string) => <StateTag state={v} /> },
          { title: s.deadline, dataIndex: "deadline", width: 110 },
          {
            title: "",
            key: "actions",
            width: 90,
            render: (_: unknown, r: StatisticsReport) => (
              <Button size="small" data-testid="report-view-open" onClick={() => setViewing(r.id)}>
                {s.view}
              </Button>
            ),
          },
        ]}
      />
      {viewing && <ReportView reportId={viewing} mayFill={mayWrite} mayReview={false} onClose={() => setViewing(null)} />}
    </Card>
  );
}
