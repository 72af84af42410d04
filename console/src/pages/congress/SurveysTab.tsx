import { useQuery } from "@tanstack/react-query";
import { Progress, Table, Tag } from "antd";
import { call } from "../../api/client";
import type { Survey } from "../../api/eventRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

/** The organization's surveys with how many were sent, how many answered and the return rate. */
export function SurveysTab({ org }: { org: string }) {
  const { t } = useI18n();
  const c = t.congress;
  const surveys = useQuery({
    queryKey: ["surveys", org],
    queryFn: () => call<Survey[]>("events", `/v1/organizations/${encodeURIComponent(org)}/surveys`),
  });
  if (surveys.error) return <ProblemAlert error={surveys.error} />;
  return (
    <Table<Survey>
      data-testid="surveys"
      rowKey="id"
      size="small"
      pagination={false}
      loading={surveys.isFetching}
      dataSource={surveys.data}
      columns={[
        { title: c.surveyTitle, dataIndex: "title" },
        { title: c.proposalStatus, dataIndex: "status", width: 90, render: (s: string) => <Tag>{c.surveyStatuses[s] ?? s}</Tag> },
        { title: c.recipients, dataIndex: "recipients", align: "right", width: 80 },
        { title: c.responses, dataIndex: "responses", align: "right", width: 80 },
        {
          title: c.returnRate,
          width: 220,
          render: (_, s) =>
            s.recipients > 0 ? (
              <Progress
                aria-label={`${c.returnRate} ${s.title}`}
                percent={Math.round((s.responses * 1000) / s.recipients) / 10}
                format={() => s.return_rate ?? "—"}
                size="small"
              />
            ) : (
              "—"
            ),
        },
      ]}
    />
  );
}
