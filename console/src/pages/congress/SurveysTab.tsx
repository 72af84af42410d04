import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Popconfirm, Progress, Space, Table, Tag } from "antd";
import { call, newIdempotencyKey } from "../../api/client";
import { EVENT_MANAGERS, type Survey } from "../../api/eventRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import { DraftSurvey } from "./DraftSurvey";

/** The organization's surveys with how many were sent, how many answered and the return rate; officers draft, send and close them. */
export function SurveysTab({ org }: { org: string }) {
  const { t } = useI18n();
  const c = t.congress;
  const d = t.eventsDesk;
  const { claims } = useSession();
  const manager = EVENT_MANAGERS.includes(claims.role);
  const client = useQueryClient();
  const surveys = useQuery({
    queryKey: ["surveys", org],
    queryFn: () => call<Survey[]>("events", `/v1/organizations/${encodeURIComponent(org)}/surveys`),
  });
  const refresh = () => void client.invalidateQueries({ queryKey: ["surveys", org] });
  // Sending fixes the recipients (the union's active members now); closing stops the answers. Neither is undone.
  const step = useMutation({
    mutationFn: ({ id, action }: { id: string; action: "send" | "close" }) =>
      call<Survey>("events", `/v1/surveys/${encodeURIComponent(id)}/${action}`, { method: "POST", idempotencyKey: newIdempotencyKey() }),
    onSuccess: refresh,
  });
  if (surveys.error) return <ProblemAlert error={surveys.error} />;
  return (
    <Space direction="vertical" size="middle" style={{ width: "100%" }}>
      {manager && <DraftSurvey org={org} onDrafted={refresh} />}
      {step.error ? <ProblemAlert error={step.error} /> : null}
      <Table<Survey>
        data-testid="surveys"
        rowKey="id"
        size="small"
        pagination={false}
        loading={surveys.isFetching}
        dataSource={surveys.data}
        columns={[
          { title: c.surveyTitle, dataIndex: "title" },
          { title: d.surveyKind, dataIndex: "kind", width: 100, render: (k: string) => d.surveyKinds[k] ?? k },
          { title: d.questions, align: "right", width: 70, render: (_, s) => s.questions.length },
          {
            title: c.proposalStatus,
            dataIndex: "status",
            width: 90,
            render: (s: string) => (
              <Tag data-testid="survey-status" data-status={s}>
                {c.surveyStatuses[s] ?? s}
              </Tag>
            ),
          },
          { title: c.recipients, dataIndex: "recipients", align: "right", width: 80, render: (n: number) => <span data-testid="recipients">{n}</span> },
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
          ...(manager
            ? [
                {
                  title: "",
                  key: "actions",
                  width: 80,
                  render: (_: unknown, s: Survey) =>
                    s.status === "closed" ? null : (
                      <Popconfirm
                        title={s.status === "draft" ? d.sendConfirm : d.closeConfirm}
                        onConfirm={() => step.mutate({ id: s.id, action: s.status === "draft" ? "send" : "close" })}
                      >
                        <Button
                          size="small"
                          type={s.status === "draft" ? "primary" : "default"}
                          data-testid={s.status === "draft" ? "send-survey" : "close-survey"}
                          loading={step.isPending && step.variables?.id === s.id}
                        >
                          {s.status === "draft" ? d.send : d.close}
                        </Button>
                      </Popconfirm>
                    ),
                },
              ]
            : []),
        ]}
      />
    </Space>
  );
}
