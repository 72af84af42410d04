import { useMutation } from "@tanstack/react-query";
import { Button, DatePicker, Descriptions, Form, Input, InputNumber, Modal } from "antd";
import type { Dayjs } from "dayjs";
import { call } from "../../api/client";
import type { components } from "../../api/membership";
import { useRequestKeys } from "../../api/members";
import type { CaseStage, MoveRightsCase, RightsCase } from "../../api/streetRows";
import { CASE_STAGES, fill } from "../../api/streetRows";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { toFen, yuan } from "../../money";

type Account = components["schemas"]["AccountOut"];

interface MoveValues {
  stage: CaseStage;
  on?: Dayjs;
  deadline_on?: Dayjs | null;
  recovered?: number | null;
  outcome?: string;
  note?: string;
}

/** Forward a stage: mediation, closed, or referred to arbitration or litigation, with what was recovered. */
export function MoveCase({ rightsCase, onClose, onMoved }: { rightsCase: RightsCase; onClose: () => void; onMoved: () => void }) {
  const { t } = useI18n();
  const r = t.rights;
  const keyOf = useRequestKeys();
  const [form] = Form.useForm<MoveValues>();
  const stage = Form.useWatch("stage", form);
  const ahead = CASE_STAGES.slice(CASE_STAGES.indexOf(rightsCase.stage as (typeof CASE_STAGES)[number]) + 1) as CaseStage[];
  const move = useMutation({
    mutationFn: (body: MoveRightsCase) =>
      call<RightsCase>("welfare", `/v1/rights-cases/${encodeURIComponent(rightsCase.id)}/stages`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: onMoved,
  });
  return (
    <Modal open title={fill(r.moveCase, { employer: rightsCase.employer_name })} onCancel={onClose} footer={null} destroyOnClose>
      <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={r.stage}>{rightsCase.stage_label}</Descriptions.Item>
        <Descriptions.Item label={r.deadline}>{rightsCase.deadline_on}</Descriptions.Item>
        <Descriptions.Item label={r.claimed}>{yuan(rightsCase.claimed_fen)}</Descriptions.Item>
      </Descriptions>
      <Form<MoveValues>
        form={form}
        layout="vertical"
        name="move-rights-case"
        data-testid="move-case-form"
        initialValues={{
          stage: ahead.includes("closed") && rightsCase.stage !== "accepted" ? "closed" : ahead[0],
          recovered: rightsCase.recovered_fen ? rightsCase.recovered_fen / 100 : null,
          outcome: rightsCase.outcome || undefined,
        }}
        onValuesChange={() => move.reset()}
        onFinish={(v) =>
          move.mutate({
            stage: v.stage,
            on: v.on ? v.on.format("YYYY-MM-DD") : null,
            deadline_on: v.stage !== "closed" && v.deadline_on ? v.deadline_on.format("YYYY-MM-DD") : null,
            recovered_fen: toFen(v.recovered ?? undefined) ?? null,
            outcome: v.outcome?.trim() || null,
            note: v.note?.trim() ?? "",
          })
        }
      >
        <Form.Item name="stage" label={r.moveTo} rules={[{ required: true, message: t.required }]}>
          <FormSelect data-testid="move-stage" style={{ width: 200 }} options={ahead.map((s) => ({ value: s, label: r.stages[s] }))} />
        </Form.Item>
        <Form.Item name="on" label={r.stageOn} tooltip={t.todayIfBlank}>
          <DatePicker data-testid="move-on" />
        </Form.Item>
        {stage !== "closed" && (
          <Form.Item name="deadline_on" label={r.stageDeadline} tooltip={r.stageDeadlineHint}>
            <DatePicker data-testid="move-deadline" />
          </Form.Item>
        )}
        <Form.Item name="recovered" label={r.recoveredYuan}>
          <InputNumber min={0} precision={2} style={{ width: 180 }} />
        </Form.Item>
        <Form.Item name="outcome" label={r.outcome}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Form.Item name="note" label={r.note}>
          <Input maxLength={2000} />
        </Form.Item>
        {move.error ? <ProblemAlert error={move.error} /> : null}
        <Button type="primary" htmlType="submit" loading={move.isPending} data-testid="move-case-submit">
          {r.move}
        </Button>
      </Form>
    </Modal>
  );
}

/** A federation admin gives the case to another officer of the organization. */
export function HandOver({
  rightsCase,
  officers,
  onClose,
  onHanded,
}: {
  rightsCase: RightsCase;
  officers: Account[];
  onClose: () => void;
  onHanded: () => void;
}) {
  const { t } = useI18n();
  const r = t.rights;
  const keyOf = useRequestKeys();
  const hand = useMutation({
    mutationFn: (body: { handled_by: string }) =>
      call<RightsCase>("welfare", `/v1/rights-cases/${encodeURIComponent(rightsCase.id)}/handler`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: onHanded,
  });
  return (
    <Modal open title={fill(r.handOverCase, { employer: rightsCase.employer_name })} onCancel={onClose} footer={null} destroyOnClose>
      <Form<{ handled_by: string }>
        layout="vertical"
        name="hand-over-case"
        initialValues={{ handled_by: rightsCase.handled_by }}
        onValuesChange={() => hand.reset()}
        onFinish={(v) => hand.mutate(v)}
      >
        <Form.Item name="handled_by" label={r.handler} rules={[{ required: true, message: t.required }]}>
          <FormSelect
            data-testid="handler"
            showSearch
            optionFilterProp="label"
            style={{ width: 320 }}
            options={officers.map((a) => ({ value: a.id, label: `${a.display_name}（${a.username} · ${t.roles[a.role] ?? a.role}）` }))}
          />
        </Form.Item>
        {hand.error ? <ProblemAlert error={hand.error} /> : null}
        <Button type="primary" htmlType="submit" loading={hand.isPending} data-testid="hand-over-submit">
          {r.handOver}
        </Button>
      </Form>
    </Modal>
  );
}
