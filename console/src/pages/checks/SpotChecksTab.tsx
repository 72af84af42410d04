import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Checkbox, DatePicker, Form, Input, Modal, Select, Space, Table, Tag } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useMemo, useState } from "react";
import { call } from "../../api/client";
import { CHECK_OFFICERS, SUBJECTS, type SpotCheck, type SpotCheckPage, type SpotCheckSubject } from "../../api/checksRows";
import { useRequestKeys } from "../../api/members";
import { shanghaiToday } from "../../api/streetRows";
import { AttachmentsPanel } from "../../components/AttachmentsPanel";
import { FormSelect, FormTreeSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { scopeTree, useSubtree } from "../../scope";
import { useSession } from "../../session";

const enc = encodeURIComponent;
type Step = { kind: "follow-up" | "closure"; check: SpotCheck };

/** The spot checks of the organization and the unions under it, newest first: searched, filtered, overdue follow-ups flagged. */
export function SpotChecksTab({ org }: { org: string }) {
  const { t } = useI18n();
  const s = t.checks;
  const { claims } = useSession();
  const client = useQueryClient();
  const officer = CHECK_OFFICERS.includes(claims.role);
  const [q, setQ] = useState("");
  const [subject, setSubject] = useState<SpotCheckSubject | undefined>();
  const [overdue, setOverdue] = useState(false);
  const [recording, setRecording] = useState(false);
  const [step, setStep] = useState<Step | null>(null);
  const query = { limit: 200, ...(q.trim() ? { q: q.trim() } : {}), ...(subject ? { subject } : {}), ...(overdue ? { overdue: true } : {}) };
  const list = useQuery({
    queryKey: ["spot-checks", org, query],
    queryFn: () => call<SpotCheckPage>("events", `/v1/organizations/${enc(org)}/spot-checks`, { query }),
  });
  const changed = () => void client.invalidateQueries({ queryKey: ["spot-checks"] });
  return (
    <div data-testid="spot-checks-tab">
      <Space wrap style={{ width: "100%", justifyContent: "space-between", marginBottom: 16 }}>
        <Form layout="inline" onSubmitCapture={(e) => e.preventDefault()}>
          <Form.Item label={s.search} htmlFor="spot-check-search">
            <Input.Search id="spot-check-search" data-testid="spot-check-search" allowClear style={{ width: 260 }} onSearch={setQ} />
          </Form.Item>
          <Form.Item label={s.subject} htmlFor="spot-check-subject-filter">
            <Select
              id="spot-check-subject-filter"
              data-testid="spot-check-subject-filter"
              allowClear
              style={{ width: 140 }}
              value={subject}
              onChange={setSubject}
              options={SUBJECTS.map((k) => ({ value: k, label: s.subjects[k] }))}
            />
          </Form.Item>
          <Form.Item>
            <Checkbox data-testid="spot-check-overdue-filter" checked={overdue} onChange={(e) => setOverdue(e.target.checked)}>
              {s.onlyOverdue}
            </Checkbox>
          </Form.Item>
        </Form>
        {officer && (
          <Button type="primary" data-testid="record-spot-check" onClick={() => setRecording(true)}>
            {s.record}
          </Button>
        )}
      </Space>
      {list.error ? (
        <ProblemAlert error={list.error} />
      ) : (
        <Table<SpotCheck>
          data-testid="spot-checks"
          rowKey="id"
          size="small"
          loading={list.isFetching}
          dataSource={list.data?.items}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: "max-content" }}
          onRow={(c) => ({ "data-org": c.organization_id }) as React.HTMLAttributes<HTMLElement>}
          expandable={{
            expandedRowRender: (c) => (
              <div data-testid="spot-check-detail">
                <p>{`${s.findings}：${c.findings}`}</p>
                {c.follow_up ? <p>{`${s.followUp}（${c.followed_up_on}）：${c.follow_up}`}</p> : null}
                {c.closing_note ? <p>{`${s.closingNote}：${c.closing_note}`}</p> : null}
                <AttachmentsPanel
                  service="events"
                  path={`/v1/spot-checks/${encodeURIComponent(c.id)}`}
                  purposes={c.organization_id === claims.org ? ["rectification", "photo", "minutes", "other"] : ["photo", "rectification", "minutes", "other"]}
                  canUpload={officer && c.status !== "closed"}
                  title={s.files}
                />
              </div>
            ),
          }}
          columns={[
            { title: s.checkedOn, dataIndex: "checked_on", width: 110 },
            { title: s.union, dataIndex: "organization_name", render: (n: string | null, c) => n ?? c.organization_id },
            { title: s.subject, dataIndex: "subject", width: 110, render: (k: SpotCheckSubject) => s.subjects[k] },
            { title: s.subjectDetail, dataIndex: "subject_detail" },
            { title: s.dueOn, dataIndex: "follow_up_due_on", width: 110, render: (d: string | null) => d ?? s.noFollowUp },
            {
              title: s.status,
              dataIndex: "status",
              width: 150,
              render: (st: SpotCheck["status"], c) => (
                <Space size={4}>
                  <Tag data-testid="spot-check-status">{s.statuses[st]}</Tag>
                  {c.overdue ? (
                    <Tag color="red" data-testid="spot-check-overdue">
                      {s.overdueTag}
                    </Tag>
                  ) : null}
                </Space>
              ),
            },
            ...(officer
              ? [
                  {
                    title: s.actions,
                    key: "actions",
                    width: 170,
                    render: (_: unknown, c: SpotCheck) => (
                      <Space size={4}>
                        {c.follow_up_required && c.status !== "closed" && c.organization_id === claims.org ? (
                          <Button size="small" data-testid="follow-up" onClick={() => setStep({ kind: "follow-up", check: c })}>
                            {s.followUpAction}
                          </Button>
                        ) : null}
                        {c.status !== "closed" && c.organization_id !== claims.org && (!c.follow_up_required || c.status === "followed_up") ? (
                          <Button size="small" data-testid="close-check" onClick={() => setStep({ kind: "closure", check: c })}>
                            {s.closeAction}
                          </Button>
                        ) : null}
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      {recording && (
        <RecordSpotCheck
          org={org}
          onClose={() => setRecording(false)}
          onRecorded={() => {
            setRecording(false);
            changed();
          }}
        />
      )}
      {step && (
        <StepModal
          step={step}
          onClose={() => setStep(null)}
          onDone={() => {
            setStep(null);
            changed();
          }}
        />
      )}
    </div>
  );
}

interface RecordValues {
  organization_id: string;
  checked_on?: Dayjs | null;
  subject: SpotCheckSubject;
  subject_detail: string;
  findings: string;
  follow_up_required: boolean;
  follow_up_due_on?: Dayjs | null;
}

/** An upper union's officer records a spot check of a union under it. */
function RecordSpotCheck({ org, onClose, onRecorded }: { org: string; onClose: () => void; onRecorded: () => void }) {
  const { t } = useI18n();
  const s = t.checks;
  const keyOf = useRequestKeys();
  const subtree = useSubtree();
  // Only the unions under the caller's own organization can be checked by it.
  const tree = useMemo(() => scopeTree((subtree.data ?? []).filter((o) => o.id !== org)), [subtree.data, org]);
  const today = dayjs(shanghaiToday());
  const [form] = Form.useForm<RecordValues>();
  const required = Form.useWatch("follow_up_required", form);
  const record = useMutation({
    mutationFn: ({ union, body }: { union: string; body: object }) =>
      call<SpotCheck>("events", `/v1/organizations/${enc(union)}/spot-checks`, { method: "POST", body, idempotencyKey: keyOf({ union, body }) }),
    onSuccess: onRecorded,
  });
  return (
    <Modal open width={720} title={s.record} onCancel={onClose} footer={null} destroyOnClose>
      <Form<RecordValues>
        form={form}
        layout="vertical"
        name="record-spot-check"
        data-testid="record-spot-check-form"
        initialValues={{ subject: "disclosure", follow_up_required: true }}
        onValuesChange={() => record.reset()}
        onFinish={(v) =>
          record.mutate({
            union: v.organization_id,
            body: {
              checked_on: v.checked_on ? v.checked_on.format("YYYY-MM-DD") : null,
              subject: v.subject,
              subject_detail: v.subject_detail.trim(),
              findings: v.findings.trim(),
              follow_up_required: v.follow_up_required,
              follow_up_due_on: v.follow_up_required && v.follow_up_due_on ? v.follow_up_due_on.format("YYYY-MM-DD") : null,
            },
          })
        }
      >
        <Space wrap align="start" size="large">
          <Form.Item name="organization_id" label={s.union} rules={[{ required: true, message: t.required }]} style={{ width: 300 }}>
            <FormTreeSelect data-testid="spot-check-union" treeData={tree} loading={subtree.isLoading} showSearch treeNodeFilterProp="title" treeDefaultExpandAll />
          </Form.Item>
          <Form.Item name="checked_on" label={s.checkedOn} tooltip={t.todayIfBlank}>
            <DatePicker data-testid="spot-check-checked-on" disabledDate={(d) => d.isAfter(today, "day")} />
          </Form.Item>
          <Form.Item name="subject" label={s.subject} rules={[{ required: true, message: t.required }]}>
            <FormSelect data-testid="spot-check-subject" style={{ width: 160 }} options={SUBJECTS.map((k) => ({ value: k, label: s.subjects[k] }))} />
          </Form.Item>
        </Space>
        <Form.Item name="subject_detail" label={s.subjectDetail} rules={[{ required: true, whitespace: true, message: t.required }]}>
          <Input data-testid="spot-check-detail-input" maxLength={200} />
        </Form.Item>
        <Form.Item name="findings" label={s.findings} rules={[{ required: true, whitespace: true, message: t.required }]}>
          <Input.TextArea data-testid="spot-check-findings" rows={3} maxLength={5000} />
        </Form.Item>
        <Space wrap align="start" size="large">
          <Form.Item name="follow_up_required" valuePropName="checked">
            <Checkbox data-testid="spot-check-follow-up-required">{s.followUpRequired}</Checkbox>
          </Form.Item>
          {required ? (
            <Form.Item name="follow_up_due_on" label={s.dueOn} rules={[{ required: true, message: t.required }]}>
              <DatePicker data-testid="spot-check-due-on" />
            </Form.Item>
          ) : null}
        </Space>
        {record.error ? <ProblemAlert error={record.error} /> : null}
        <Button type="primary" htmlType="submit" loading={record.isPending} data-testid="record-spot-check-submit" style={{ marginTop: 8 }}>
          {s.record}
        </Button>
      </Form>
    </Modal>
  );
}

/** The checked union's follow-up (整改情况), or the checking union's closing (销号). */
function StepModal({ step, onClose, onDone }: { step: Step; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const s = t.checks;
  const keyOf = useRequestKeys();
  const today = dayjs(shanghaiToday());
  const followUp = step.kind === "follow-up";
  const save = useMutation({
    mutationFn: (body: object) =>
      call<SpotCheck>("events", `/v1/spot-checks/${step.check.id}/${step.kind}`, { method: "POST", body, idempotencyKey: keyOf({ step: step.kind, id: step.check.id, body }) }),
    onSuccess: onDone,
  });
  return (
    <Modal open width={640} title={followUp ? s.followUpAction : s.closeAction} onCancel={onClose} footer={null} destroyOnClose>
      <p>{`${step.check.organization_name ?? step.check.organization_id}：${step.check.findings}`}</p>
      <Form<{ text?: string; on?: Dayjs | null }>
        layout="vertical"
        name={`spot-check-${step.kind}`}
        data-testid={`spot-check-${step.kind}-form`}
        onValuesChange={() => save.reset()}
        onFinish={(v) => {
          const on = v.on ? v.on.format("YYYY-MM-DD") : null;
          save.mutate(followUp ? { follow_up: (v.text ?? "").trim(), followed_up_on: on } : { closed_on: on, note: v.text?.trim() || null });
        }}
      >
        <Form.Item
          name="text"
          label={followUp ? s.followUp : s.closingNote}
          rules={followUp ? [{ required: true, whitespace: true, message: t.required }] : []}
        >
          <Input.TextArea data-testid="spot-check-step-text" rows={3} maxLength={followUp ? 5000 : 2000} />
        </Form.Item>
        <Form.Item name="on" label={followUp ? s.followedUpOn : s.closedOn} tooltip={t.todayIfBlank}>
          <DatePicker disabledDate={(d) => d.isAfter(today, "day")} />
        </Form.Item>
        {save.error ? <ProblemAlert error={save.error} /> : null}
        <Button type="primary" htmlType="submit" loading={save.isPending} data-testid="spot-check-step-submit">
          {followUp ? s.followUpAction : s.closeAction}
        </Button>
      </Form>
    </Modal>
  );
}
