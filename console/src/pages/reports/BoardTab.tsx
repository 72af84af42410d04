import { useQuery } from "@tanstack/react-query";
import { Button, Card, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { call } from "../../api/client";
import type { BoardLine, ReportKind, StatisticsBoard } from "../../api/reportRows";
import { lastMonth } from "../../api/reportRows";
import { fill, shanghaiToday } from "../../api/streetRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { PeriodPicker } from "./PeriodPicker";
import { ReportView, StateTag } from "./ReportView";

/** Who of the unions directly below has reported for the period, who is late; review a submitted report. */
export function BoardTab({ org, mayReview }: { org: string; mayReview: boolean }) {
  const { t } = useI18n();
  const s = t.reports;
  const [kind, setKind] = useState<ReportKind>("monthly");
  const [period, setPeriod] = useState(lastMonth(shanghaiToday()));
  const [viewing, setViewing] = useState<string | null>(null);
  const board = useQuery({
    queryKey: ["statistics-board", org, kind, period],
    queryFn: () => call<StatisticsBoard>("membership", `/v1/organizations/${encodeURIComponent(org)}/statistics-board`, { query: { kind, period } }),
  });
  const lines = board.data?.lines ?? [];
  const counts = (state: string) => lines.filter((l) => l.state === state).length;
  return (
    <Card
      size="small"
      title={s.boardTitle}
      extra={<PeriodPicker kind={kind} period={period} onChange={(k, p) => (setKind(k), setPeriod(p))} />}
    >
      {board.error ? <ProblemAlert error={board.error} /> : null}
      {board.data ? (
        <Typography.Paragraph type="secondary" data-testid="board-summary">
          {fill(s.boardSummary, { total: lines.length, accepted: counts("accepted"), submitted: counts("submitted"), late: lines.filter((l) => l.late).length })}
        </Typography.Paragraph>
      ) : null}
      <Table<BoardLine>
        rowKey="organization_id"
        size="small"
        loading={board.isFetching}
        dataSource={lines}
        pagination={{ pageSize: 100, hideOnSinglePage: true }}
        data-testid="report-board"
        columns={[
          { title: s.union, dataIndex: "name" },
          { title: s.state, dataIndex: "state", width: 110, render: (v: string) => <StateTag state={v} /> },
          { title: s.deadline, dataIndex: "deadline", width: 110 },
          { title: s.late, dataIndex: "late", width: 80, render: (late: boolean) => (late ? <Tag color="#a8071a">{s.lateTag}</Tag> : null) },
          { title: s.version, dataIndex: "version", width: 70, render: (v: number | null) => (v ? `v${v}` : "") },
          {
            title: "",
            key: "actions",
            width: 90,
            render: (_: unknown, line: BoardLine) =>
              line.report_id ? (
                <Button size="small" data-testid="board-view" onClick={() => setViewing(line.report_id ?? null)}>
                  {line.state === "submitted" && mayReview ? s.review : s.view}
                </Button>
              ) : null,
          },
        ]}
      />
      {viewing && <ReportView reportId={viewing} mayFill={false} mayReview={mayReview} onClose={() => setViewing(null)} />}
    </Card>
  );
}
