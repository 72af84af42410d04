import { useQuery } from "@tanstack/react-query";
import { Button, Card, Table, Tag, Typography } from "antd";
import { Link } from "react-router-dom";
import { call } from "../../api/client";
import { useOrganizationNames } from "../../api/members";
import type { RightsWeek } from "../../api/skillsRows";
import { useI18n } from "../../i18n";
import { ProblemAlert } from "../../components/ProblemAlert";

const enc = encodeURIComponent;

/** The rights weeks (维权周) welfare heard of from events: open to the organization or held under it, newest first. */
export function useRightsWeeks(org: string) {
  return useQuery({
    queryKey: ["rights-weeks", org],
    queryFn: () => call<RightsWeek[]>("welfare", `/v1/organizations/${enc(org)}/rights-weeks`),
  });
}

/** 维权周: each week with its dates, organizer and the cases the scope opened at it; a count shows those cases. */
export function RightsWeeksCard({ org, onShowCases }: { org: string; onShowCases: (week: RightsWeek) => void }) {
  const { t } = useI18n();
  const w = t.rightsWeeks;
  const { nameOf } = useOrganizationNames();
  const weeks = useRightsWeeks(org);
  return (
    <Card size="small" title={w.title} data-testid="rights-weeks">
      {weeks.error ? (
        <ProblemAlert error={weeks.error} />
      ) : (
        <Table<RightsWeek>
          rowKey="activity_id"
          size="small"
          loading={weeks.isFetching}
          dataSource={weeks.data}
          // antd greys an empty table's text below 4.5:1; the theme's secondary text is dark enough.
          locale={{ emptyText: <Typography.Text type="secondary">{w.none}</Typography.Text> }}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          onRow={(week) => ({ "data-week": week.activity_id }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            {
              title: w.week,
              dataIndex: "title",
              render: (title: string, week) => (
                <>
                  <Link to={`/o/${enc(org)}/activities/${week.activity_id}`}>{title}</Link>
                  {week.cancelled && (
                    <Tag color="#595959" style={{ marginLeft: 8 }}>
                      {w.cancelled}
                    </Tag>
                  )}
                </>
              ),
            },
            {
              title: w.dates,
              key: "dates",
              width: 200,
              render: (_, week) => (week.starts_on === week.ends_on ? week.starts_on : `${week.starts_on} ~ ${week.ends_on}`),
            },
            { title: w.organizer, dataIndex: "organization_id", render: (id: string) => nameOf(id) },
            { title: w.month, dataIndex: "month", width: 100 },
            {
              title: w.casesOpened,
              dataIndex: "cases_opened",
              align: "right",
              width: 110,
              render: (n: number) => <span data-testid="week-cases">{n}</span>,
            },
            {
              title: "",
              key: "show",
              width: 100,
              render: (_, week) =>
                week.cases_opened > 0 && (
                  <Button size="small" data-testid="week-show-cases" onClick={() => onShowCases(week)}>
                    {w.showCases}
                  </Button>
                ),
            },
          ]}
        />
      )}
    </Card>
  );
}
