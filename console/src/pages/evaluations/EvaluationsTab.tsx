import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Form, Input, InputNumber, Modal, Popconfirm, Space, Table, Tag } from "antd";
import { useState } from "react";
import { call } from "../../api/client";
import type { Evaluation } from "../../api/evaluationsRows";
import { EVALUATION_OFFICERS } from "../../api/evaluationsRows";
import { useRequestKeys } from "../../api/members";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import { CodesModal } from "./CodesModal";
import { ResultsModal } from "./ResultsModal";

/** The union's evaluations: draft one with its subjects, open it with outside codes, close, read, submit upward. */
export function EvaluationsTab({ org, school }: { org: string; school: boolean }) {
  const { t } = useI18n();
  const e = t.evaluations;
  const { claims } = useSession();
  const officer = EVALUATION_OFFICERS.includes(claims.role);
  const client = useQueryClient();
  const keyOf = useRequestKeys();
  const path = `/v1/organizations/${encodeURIComponent(org)}/evaluations`;
  const list = useQuery({ queryKey: ["evaluations", org], queryFn: () => call<Evaluation[]>("events", path) });
  const [drafting, setDrafting] = useState(false);
  const [opening, setOpening] = useState<Evaluation | null>(null);
  const [codesOf, setCodesOf] = useState<Evaluation | null>(null);
  const [resultsOf, setResultsOf] = useState<Evaluation | null>(null);
  const refresh = () => void client.invalidateQueries({ queryKey: ["evaluations"] });
  const act = useMutation({
    mutationFn: ({ id, action, body }: { id: string; action: string; body?: unknown }) =>
      call<Evaluation>("events", `/v1/evaluations/${id}/${action}`, {
        method: "POST",
        body,
        idempotencyKey: keyOf({ id, action, body }),
      }),
    onSuccess: () => {
      setOpening(null);
      refresh();
    },
  });
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      {officer && school && (
        <Button type="primary" data-testid="new-evaluation" onClick={() => setDrafting(true)}>
          {e.newEvaluation}
        </Button>
      )}
      {list.error ? <ProblemAlert error={list.error} /> : null}
      {act.error && !opening ? <ProblemAlert error={act.error} /> : null}
      <Table<Evaluation>
        data-testid="evaluations-table"
        rowKey="id"
        size="small"
        loading={list.isFetching}
        dataSource={list.data ?? []}
        pagination={false}
        columns={[
          { title: e.title, dataIndex: "title" },
          { title: e.year, dataIndex: "year", width: 70 },
          { title: e.subjects, render: (_, r) => r.subjects.map((s) => `${s.post} ${s.name}`).join("、") },
          {
            title: e.status,
            width: 100,
            render: (_, r) => (
              <Space size={2} direction="vertical">
                <Tag>{e.statuses[r.status]}</Tag>
                {r.submitted_at ? <Tag color="blue">{e.submitted}</Tag> : null}
              </Space>
            ),
          },
          {
            title: e.returnRate,
            width: 220,
            render: (_, r) => (
              <span data-testid="evaluation-return-rate">
                {r.return_rates.returned}/{r.return_rates.issued}（{r.return_rates.rate ?? "—"}）
              </span>
            ),
          },
          {
            title: e.actions,
            width: 320,
            render: (_, r) => (
              <Space wrap size="small">
                {officer && r.status === "draft" && (
                  <Button size="small" data-testid="evaluation-open" onClick={() => setOpening(r)}>
                    {e.open}
                  </Button>
                )}
                {officer && r.status !== "draft" && r.outside_forms > 0 && (
                  <Button size="small" data-testid="evaluation-codes" onClick={() => setCodesOf(r)}>
                    {e.codes}
                  </Button>
                )}
                {r.status !== "draft" && (
                  <Button size="small" data-testid="evaluation-results" onClick={() => setResultsOf(r)}>
                    {e.results}
                  </Button>
                )}
                {officer && r.status === "open" && (
                  <Popconfirm title={e.close} onConfirm={() => act.mutate({ id: r.id, action: "close" })}>
                    <Button size="small" data-testid="evaluation-close">
                      {e.close}
                    </Button>
                  </Popconfirm>
                )}
                {officer && r.status === "closed" && !r.submitted_at && (
                  <Popconfirm title={e.submitConfirm} onConfirm={() => act.mutate({ id: r.id, action: "submission" })}>
                    <Button size="small" type="primary" data-testid="evaluation-submit">
                      {e.submit}
                    </Button>
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
      {drafting && (
        <DraftModal
          org={org}
          onClose={() => setDrafting(false)}
          onDone={() => {
            setDrafting(false);
            refresh();
          }}
        />
      )}
      {opening && (
        <Modal open title={`${e.open}：${opening.title}`} footer={null} onCancel={() => setOpening(null)} destroyOnClose>
          <Form<{ outside_forms: number }>
            layout="vertical"
            name="open-evaluation"
            initialValues={{ outside_forms: 0 }}
            onFinish={(v) => act.mutate({ id: opening.id, action: "open", body: { outside_forms: v.outside_forms ?? 0 } })}
          >
            <Alert type="info" showIcon message={e.outsideHint} style={{ marginBottom: 12 }} />
            <Form.Item name="outside_forms" label={e.outsideForms}>
              <InputNumber min={0} max={2000} precision={0} style={{ width: 160 }} />
            </Form.Item>
            {act.error ? <ProblemAlert error={act.error} /> : null}
            <Button type="primary" htmlType="submit" loading={act.isPending} data-testid="evaluation-open-submit">
              {e.open}
            </Button>
          </Form>
        </Modal>
      )}
      {codesOf && <CodesModal evaluation={codesOf} onClose={() => setCodesOf(null)} />}
      {resultsOf && <ResultsModal evaluation={resultsOf} onClose={() => setResultsOf(null)} />}
    </Space>
  );
}

interface DraftValues {
  title: string;
  year?: number | null;
  scale: "grades" | "points";
  subjects: { name: string; post: string }[];
}

function DraftModal({ org, onClose, onDone }: { org: string; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const e = t.evaluations;
  const keyOf = useRequestKeys();
  const draft = useMutation({
    mutationFn: (body: DraftValues) =>
      call<Evaluation>("events", `/v1/organizations/${encodeURIComponent(org)}/evaluations`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: onDone,
  });
  return (
    <Modal open width={680} title={e.newEvaluation} footer={null} onCancel={onClose} destroyOnClose>
      <Form<DraftValues>
        layout="vertical"
        name="draft-evaluation"
        data-testid="draft-evaluation-form"
        initialValues={{ scale: "grades", subjects: [{ name: "", post: "校长" }] }}
        onValuesChange={() => draft.reset()}
        onFinish={(v) =>
          draft.mutate({
            title: v.title.trim(),
            year: v.year ?? null,
            scale: v.scale,
            subjects: v.subjects.map((s) => ({ name: s.name.trim(), post: s.post.trim() })),
          })
        }
      >
        <Form.Item name="title" label={e.title} rules={[{ required: true, whitespace: true, message: e.required }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Space wrap size="large">
          <Form.Item name="year" label={e.year}>
            <InputNumber min={2000} max={2100} precision={0} />
          </Form.Item>
          <Form.Item name="scale" label={e.scale}>
            <FormSelect
              style={{ width: 360 }}
              options={Object.entries(e.scales).map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
        </Space>
        <Form.List name="subjects">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, index) => (
                <Space key={field.key} align="start">
                  <Form.Item
                    name={[field.name, "name"]}
                    label={index === 0 ? e.subjectName : undefined}
                    rules={[{ required: true, whitespace: true, message: e.required }]}
                  >
                    <Input aria-label={e.subjectName} maxLength={50} data-testid={`subject-name-${index}`} />
                  </Form.Item>
                  <Form.Item
                    name={[field.name, "post"]}
                    label={index === 0 ? e.subjectPost : undefined}
                    rules={[{ required: true, whitespace: true, message: e.required }]}
                  >
                    <Input aria-label={e.subjectPost} maxLength={50} placeholder={e.postPlaceholder} data-testid={`subject-post-${index}`} />
                  </Form.Item>
                  {fields.length > 1 && (
                    <Button onClick={() => remove(field.name)} style={{ marginTop: index === 0 ? 30 : 0 }}>
                      −
                    </Button>
                  )}
                </Space>
              ))}
              <Button data-testid="add-subject" onClick={() => add({ name: "", post: "" })} disabled={fields.length >= 30}>
                {e.addSubject}
              </Button>
            </>
          )}
        </Form.List>
        {draft.error ? <ProblemAlert error={draft.error} /> : null}
        <div style={{ marginTop: 16 }}>
          <Button type="primary" htmlType="submit" loading={draft.isPending} data-testid="draft-evaluation-submit">
            {e.newEvaluation}
          </Button>
        </div>
      </Form>
    </Modal>
  );
}
