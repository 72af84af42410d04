import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Card, DatePicker, Form, Input, Modal, Select, Space, Table, Tag, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { Link } from "react-router-dom";
import { call } from "../../api/client";
import { useRequestKeys } from "../../api/members";
import {
  FINDING_ANSWERERS,
  FINDING_RECORDERS,
  type Finding,
  type FindingState,
  type Severity,
} from "../../api/auditRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import { RecordFinding } from "./RecordFinding";

const enc = encodeURIComponent;
const STATE_COLOURS: Record<FindingState, string> = { open: "#a8071a", answered: "#ad4e00", closed: "#237804" };
const SEVERITY_COLOURS: Record<Severity, string> = { minor: "default", major: "#ad4e00", serious: "#a8071a" };

interface Search {
  state?: FindingState;
  ledger?: string;
  severity?: Severity;
  period?: [Dayjs, Dayjs];
}

type Action = { finding: Finding; kind: "answer" | "close" | "reopen" };

/**
 * 审计意见: the findings on the subtree's ledgers with their answers, searched by state, ledger,
 * period and severity. Treasurers answer their open findings; the auditor closes or re-opens them.
 */
export function FindingsTab({ org }: { org: string }) {
  const { t } = useI18n();
  const a = t.auditCommittee;
  const { claims } = useSession();
  const [search, setSearch] = useState<Search>(
    FINDING_ANSWERERS.includes(claims.role) && claims.role === "union_officer" ? { state: "open" } : {},
  );
  const [acting, setActing] = useState<Action | null>(null);
  const query = useQuery({
    queryKey: ["audit-findings", org, search],
    placeholderData: keepPreviousData,
    queryFn: () =>
      call<Finding[]>("finance", `/v1/organizations/${enc(org)}/audit-findings`, {
        query: {
          state: search.state,
          ledger: search.ledger,
          severity: search.severity,
          period_start: search.period?.[0].format("YYYY-MM-DD"),
          period_end: search.period?.[1].format("YYYY-MM-DD"),
        },
      }),
  });
  const auditor = FINDING_RECORDERS.includes(claims.role);
  const treasurer = FINDING_ANSWERERS.includes(claims.role);
  const subject = (f: Finding) => {
    if (f.subject_kind === "entry" && f.posting_id)
      return (
        <Link to={`/o/${enc(f.ledger_id)}/finance/entries/${f.posting_id}`}>
          {a.subjects.entry} {f.period_start}
        </Link>
      );
    if (f.subject_kind === "report") return `${a.subjects.report} ${f.report_kind ?? ""} ${f.report_ref ?? ""}`;
    return `${a.subjects.statement} ${f.period_start} – ${f.period_end}`;
  };
  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      <Card size="small">
        <Form<Search>
          layout="inline"
          name="finding-search"
          data-testid="finding-search"
          initialValues={search}
          onFinish={(v) => setSearch({ ...v, ledger: v.ledger?.trim() || undefined })}
        >
          <Form.Item name="state" label={a.state}>
            <Select
              allowClear
              style={{ width: 120 }}
              data-testid="finding-state-filter"
              options={(["open", "answered", "closed"] as const).map((s) => ({ value: s, label: a.states[s] }))}
            />
          </Form.Item>
          <Form.Item name="ledger" label={a.ledger}>
            <Input allowClear style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="severity" label={a.severity}>
            <Select
              allowClear
              style={{ width: 120 }}
              options={(["minor", "major", "serious"] as const).map((s) => ({ value: s, label: a.severities[s] }))}
            />
          </Form.Item>
          <Form.Item name="period" label={a.period}>
            <DatePicker.RangePicker />
          </Form.Item>
          <Button type="primary" htmlType="submit" data-testid="finding-search-submit">
            {a.search}
          </Button>
          {auditor && (
            <span style={{ marginLeft: 12 }}>
              <RecordFinding ledger={org} />
            </span>
          )}
        </Form>
      </Card>
      <ProblemAlert error={query.error} />
      <Table<Finding>
        rowKey="id"
        size="small"
        data-testid="findings"
        loading={query.isFetching}
        dataSource={query.data ?? []}
        expandable={{
          expandedRowRender: (f) => (
            <Space direction="vertical" size={2}>
              {f.history.map((r) => (
                <Typography.Text key={r.sequence} type="secondary" style={{ fontSize: 12 }}>
                  #{r.sequence} {dayjs(r.recorded_at).format("YYYY-MM-DD HH:mm")} {a.kinds[r.kind as keyof typeof a.kinds] ?? r.kind} ·{" "}
                  {r.actor} {r.text ? `· ${r.text}` : ""} · {r.hash.slice(0, 12)}…
                </Typography.Text>
              ))}
            </Space>
          ),
        }}
        columns={[
          { title: a.recordedAt, dataIndex: "recorded_at", render: (v: string) => dayjs(v).format("YYYY-MM-DD HH:mm") },
          { title: a.ledger, dataIndex: "ledger_id" },
          { title: a.subject, key: "subject", render: (_, f) => subject(f) },
          {
            title: a.severity,
            dataIndex: "severity",
            render: (s: Severity) => <Tag color={SEVERITY_COLOURS[s]}>{a.severities[s]}</Tag>,
          },
          { title: a.text, dataIndex: "text", render: (v: string) => <span data-testid="finding-text-cell">{v}</span> },
          {
            title: a.state,
            dataIndex: "state",
            render: (s: FindingState) => (
              <Tag color={STATE_COLOURS[s]} data-testid="finding-state">
                {a.states[s]}
              </Tag>
            ),
          },
          { title: a.answer, dataIndex: "answer", render: (v: string | null) => v ?? "—" },
          {
            title: a.actions,
            key: "actions",
            render: (_, f) => (
              <Space>
                {treasurer && f.state === "open" && (claims.role === "federation_admin" || claims.org === f.ledger_id) && (
                  <Button size="small" data-testid="answer-finding" onClick={() => setActing({ finding: f, kind: "answer" })}>
                    {a.answerIt}
                  </Button>
                )}
                {auditor && f.state === "answered" && (
                  <Button size="small" data-testid="close-finding" onClick={() => setActing({ finding: f, kind: "close" })}>
                    {a.closeIt}
                  </Button>
                )}
                {auditor && f.state !== "open" && (
                  <Button size="small" data-testid="reopen-finding" onClick={() => setActing({ finding: f, kind: "reopen" })}>
                    {a.reopenIt}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      {acting && <ActOnFinding action={acting} onClose={() => setActing(null)} />}
    </Space>
  );
}

/** Answer (treasurer), close or re-open (auditor) a finding, with its text. */
function ActOnFinding({ action, onClose }: { action: Action; onClose: () => void }) {
  const { t } = useI18n();
  const a = t.auditCommittee;
  const keyOf = useRequestKeys();
  const client = useQueryClient();
  const field = { answer: "answer", close: "note", reopen: "reason" }[action.kind];
  const act = useMutation({
    mutationFn: (body: Record<string, string>) =>
      call<Finding>("finance", `/v1/audit-findings/${enc(action.finding.id)}/${action.kind}`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["audit-findings"] });
      onClose();
    },
  });
  const title = { answer: a.answerIt, close: a.closeIt, reopen: a.reopenIt }[action.kind];
  return (
    <Modal open title={title} onCancel={onClose} footer={null} destroyOnClose>
      <Typography.Paragraph>{action.finding.text}</Typography.Paragraph>
      <Form<{ text?: string }>
        layout="vertical"
        name="act-on-finding"
        data-testid="act-on-finding"
        onValuesChange={() => act.reset()}
        onFinish={(v) => act.mutate(v.text?.trim() ? { [field]: v.text.trim() } : {})}
      >
        <Form.Item
          name="text"
          label={{ answer: a.answer, close: a.closingNote, reopen: a.reopenReason }[action.kind]}
          rules={[{ required: action.kind !== "close", whitespace: true, message: t.required }]}
        >
          <Input.TextArea rows={3} maxLength={2000} data-testid="act-on-finding-text" />
        </Form.Item>
        {act.error ? <ProblemAlert error={act.error} /> : null}
        <Button type="primary" htmlType="submit" loading={act.isPending} data-testid="act-on-finding-submit">
          {title}
        </Button>
      </Form>
    </Modal>
  );
}
