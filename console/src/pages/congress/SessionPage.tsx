import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, Descriptions, Form, Input, Modal, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { call, newIdempotencyKey, url as apiUrl } from "../../api/client";
import {
  ANSWER_KINDS,
  EVENT_MANAGERS,
  type AnswerKind,
  type CongressSession,
  type OverdueProposals,
  type Proposal,
  type Representative,
} from "../../api/eventRows";
import { DownloadButton } from "../../components/DownloadButton";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useOrg } from "../../scope";
import { useSession } from "../../session";
import { AttachmentsPanel } from "../../components/AttachmentsPanel";
import { when } from "../../wallClock";
import { MemberPicker } from "../welfare/shared";
import { MotionsCard } from "./MotionsCard";
import "./congress.css";

const enc = encodeURIComponent;

// Solid colours with 4.5:1 contrast for the tag text (axe: color-contrast).
const STATUS_COLOURS: Record<string, string> = { awaiting_seconders: "default", submitted: "#0050b3", answered: "#237804" };

/** One congress session: its representatives, every proposal with its seconders and answer state, and its votes. */
export default function SessionPage() {
  const { t } = useI18n();
  const c = t.congress;
  const org = useOrg();
  const { sessionId = "" } = useParams();
  const { claims } = useSession();
  const manager = EVENT_MANAGERS.includes(claims.role);
  const client = useQueryClient();
  const base = `/v1/congress-sessions/${enc(sessionId)}`;
  const session = useQuery({ queryKey: ["congress", sessionId], queryFn: () => call<CongressSession>("events", base) });
  const representatives = useQuery({
    queryKey: ["congress", sessionId, "representatives"],
    queryFn: () => call<Representative[]>("events", `${base}/representatives`),
  });
  const proposals = useQuery({
    queryKey: ["congress", sessionId, "proposals"],
    queryFn: () => call<Proposal[]>("events", `${base}/proposals`),
  });
  // The service's rule (standing, unanswered, past the session's deadline) decides what is overdue.
  const overdue = useQuery({
    queryKey: ["congress", sessionId, "overdue"],
    queryFn: () => call<OverdueProposals>("events", `${base}/overdue-proposals`),
  });
  const refresh = () => client.invalidateQueries({ queryKey: ["congress", sessionId] });
  const overdueIds = new Set((overdue.data?.proposals ?? []).map((p) => p.id));
  const names = new Map((representatives.data ?? []).map((r) => [r.id, r.display_name]));
  const nameOf = (id: string) => names.get(id) ?? id;

  const [addForm] = Form.useForm();
  const addRepresentative = useMutation({
    mutationFn: (member_id: string) =>
      call<Representative[]>("events", `${base}/representatives`, {
        method: "POST",
        body: { member_ids: [member_id] },
        idempotencyKey: newIdempotencyKey(),
      }),
    onSuccess: () => {
      addForm.resetFields();
      void refresh();
    },
  });
  const [answering, setAnswering] = useState<Proposal | null>(null);

  if (session.error) return <ProblemAlert error={session.error} />;
  const s = session.data;
  return (
    <div data-testid="session-page">
      <Link to={`/o/${enc(org)}/congress`}>{c.back}</Link>
      <Typography.Title level={2} style={{ marginTop: 8 }}>
        {s ? `${s.title}${c.kinds[s.kind] ?? s.kind}` : "…"}
      </Typography.Title>
      {s && (
        <Space direction="vertical" size="large" style={{ width: "100%" }}>
          <Descriptions size="small" bordered column={{ xs: 1, md: 2, xl: 4 }}>
            <Descriptions.Item label={c.startsOn}>{s.starts_on}</Descriptions.Item>
            <Descriptions.Item label={c.endsOn}>{s.ends_on}</Descriptions.Item>
            <Descriptions.Item label={c.answerDeadline}>{when(s.answer_deadline)}</Descriptions.Item>
            <Descriptions.Item label={c.minSeconders}>{s.min_seconders}</Descriptions.Item>
          </Descriptions>

          <Card
            size="small"
            data-testid="proposals-card"
            title={`${c.proposals}（${proposals.data?.length ?? 0}）`}
            extra={
              <Space align="start">
                <DownloadButton
                  data-testid="print-answers"
                  size="small"
                  url={apiUrl("events", `${base}/proposals`, { format: "pdf" })}
                  filename={`proposals-${sessionId}.pdf`}
                  label={c.printAnswers}
                />
                <DownloadButton
                  data-testid="export-proposals"
                  size="small"
                  url={apiUrl("events", `${base}/proposals`, { format: "xlsx" })}
                  filename={`proposals-${sessionId}.xlsx`}
                  label={c.exportExcel}
                />
              </Space>
            }
          >
            {overdueIds.size > 0 && (
              <Alert
                type="error"
                showIcon
                style={{ marginBottom: 12 }}
                data-testid="overdue-note"
                message={c.overdueNote(overdueIds.size, when(overdue.data?.answer_deadline))}
              />
            )}
            {proposals.error ? <ProblemAlert error={proposals.error} /> : null}
            {overdue.error ? <ProblemAlert error={overdue.error} /> : null}
            <Table<Proposal>
              data-testid="proposals"
              rowKey="id"
              size="small"
              pagination={false}
              loading={proposals.isFetching}
              dataSource={proposals.data}
              rowClassName={(p) => (overdueIds.has(p.id) ? "proposal-overdue" : "")}
              onRow={(p) =>
                ({
                  "data-overdue": overdueIds.has(p.id) ? "true" : "false",
                  "data-number": p.number,
                }) as React.HTMLAttributes<HTMLElement>
              }
              expandable={{ expandedRowRender: (p) => <Typography.Paragraph style={{ margin: 0 }}>{p.body}</Typography.Paragraph> }}
              columns={[
                { title: c.number, dataIndex: "number", width: 60 },
                { title: c.proposalTitle, dataIndex: "title" },
                { title: c.proposer, dataIndex: "proposer_id", width: 90, render: nameOf },
                {
                  title: c.seconders,
                  width: 200,
                  render: (_, p) => (
                    <span data-testid="seconders">
                      {p.seconders.length}：{p.seconders.map(nameOf).join("、")}
                    </span>
                  ),
                },
                {
                  title: c.proposalStatus,
                  width: 150,
                  render: (_, p) => (
                    <Space size={4} wrap>
                      <Tag data-testid="proposal-status" data-status={p.status} color={STATUS_COLOURS[p.status]}>
                        {c.proposalStatuses[p.status] ?? p.status}
                      </Tag>
                      {overdueIds.has(p.id) && (
                        <Tag data-testid="overdue" color="#a8071a">
                          {c.overdue}
                        </Tag>
                      )}
                    </Space>
                  ),
                },
                {
                  title: c.answer,
                  render: (_, p) =>
                    p.answer ? (
                      <Space direction="vertical" size={0}>
                        <span data-testid="answer-kind">
                          {c.answerKinds[p.answer] ?? p.answer}
                          {p.department ? ` · ${p.department}` : ""}
                          {p.merged_into
                            ? ` · ${c.mergedInto} ${proposals.data?.find((q) => q.id === p.merged_into)?.number ?? ""}`
                            : ""}
                        </span>
                        {p.answer_text && <span style={{ fontSize: 12 }}>{p.answer_text}</span>}
                      </Space>
                    ) : manager && p.status === "submitted" ? (
                      <Button size="small" type="primary" data-testid="answer" onClick={() => setAnswering(p)}>
                        {c.answer}
                      </Button>
                    ) : (
                      "—"
                    ),
                },
              ]}
            />
          </Card>

          <MotionsCard sessionId={sessionId} representatives={representatives.data ?? []} manager={manager} />

          <AttachmentsPanel
            service="events"
            path={`/v1/congress-sessions/${encodeURIComponent(sessionId)}`}
            purposes={["minutes", "plan", "summary", "photo", "other"]}
            canUpload={manager}
          />

          <Card size="small" title={`${c.representatives}（${representatives.data?.length ?? 0}）`} data-testid="representatives-card">
            {manager && (
              <Form
                form={addForm}
                name="add-representative"
                layout="inline"
                style={{ marginBottom: 12 }}
                onFinish={({ member_id }: { member_id: string }) => addRepresentative.mutate(member_id)}
              >
                <Form.Item name="member_id" label={c.addRepresentative} rules={[{ required: true, message: t.required }]}>
                  <MemberPicker org={s.organization_id} />
                </Form.Item>
                <Button htmlType="submit" loading={addRepresentative.isPending}>
                  {c.addRepresentative}
                </Button>
              </Form>
            )}
            {addRepresentative.error ? <ProblemAlert error={addRepresentative.error} /> : null}
            <Typography.Paragraph data-testid="representatives">
              {(representatives.data ?? []).map((r) => r.display_name).join("、") || "—"}
            </Typography.Paragraph>
          </Card>
        </Space>
      )}
      <AnswerProposal
        proposal={answering}
        others={(proposals.data ?? []).filter((p) => p.id !== answering?.id && p.status !== "awaiting_seconders")}
        onClose={() => setAnswering(null)}
        onAnswered={() => {
          setAnswering(null);
          void refresh();
        }}
      />
    </div>
  );
}

interface AnswerValues {
  answer: AnswerKind;
  text?: string;
  department?: string;
  merged_into?: string;
}

function AnswerProposal({
  proposal,
  others,
  onClose,
  onAnswered,
}: {
  proposal: Proposal | null;
  others: Proposal[];
  onClose: () => void;
  onAnswered: () => void;
}) {
  const { t } = useI18n();
  const c = t.congress;
  const [form] = Form.useForm<AnswerValues>();
  const kind = Form.useWatch("answer", form);
  const answer = useMutation({
    mutationFn: (v: AnswerValues) =>
      call<Proposal>("events", `/v1/congress-proposals/${enc(proposal!.id)}/answer`, {
        method: "POST",
        idempotencyKey: newIdempotencyKey(),
        body: {
          answer: v.answer,
          text: v.text || null,
          department: v.department || null,
          merged_into: v.answer === "merged" ? v.merged_into : null,
        },
      }),
    onSuccess: onAnswered,
  });
  return (
    <Modal
      open={proposal !== null}
      title={proposal ? `${c.answer}：${proposal.number}. ${proposal.title}` : c.answer}
      footer={null}
      onCancel={onClose}
      destroyOnClose
    >
      <Form<AnswerValues> form={form} name="answer-proposal" layout="vertical" onFinish={answer.mutate} preserve={false}>
        <Form.Item name="answer" label={c.answerKind} rules={[{ required: true, message: t.required }]}>
          <FormSelect data-testid="answer-kind-select" options={ANSWER_KINDS.map((k) => ({ value: k, label: c.answerKinds[k] }))} />
        </Form.Item>
        {kind === "merged" && (
          <Form.Item name="merged_into" label={c.mergedInto} rules={[{ required: true, message: t.required }]}>
            <FormSelect options={others.map((p) => ({ value: p.id, label: `${p.number}. ${p.title}` }))} />
          </Form.Item>
        )}
        <Form.Item name="text" label={c.answerText}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Form.Item name="department" label={c.department}>
          <Input maxLength={200} />
        </Form.Item>
        {answer.error ? <ProblemAlert error={answer.error} /> : null}
        <Button type="primary" htmlType="submit" loading={answer.isPending} data-testid="answer-submit">
          {c.answer}
        </Button>
      </Form>
    </Modal>
  );
}
