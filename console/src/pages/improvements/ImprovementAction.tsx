import { useMutation } from "@tanstack/react-query";
import { Button, DatePicker, Form, Input, InputNumber, Modal, Radio, Space } from "antd";
import type { Dayjs } from "dayjs";
import { call } from "../../api/client";
import { useRequestKeys } from "../../api/members";
import type { Improvement } from "../../api/streetRows";
import { fill } from "../../api/streetRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { toFen } from "../../money";

export type Action = "decision" | "implementation" | "value";

interface Values {
  adopted?: boolean;
  on?: Dayjs;
  note?: string;
  value?: number | null;
  value_note?: string;
}

/** The value created, typed in yuan and sent as integer fen, with what it rests on; none when left blank. */
function valueOf(v: Values) {
  const fen = toFen(v.value ?? undefined);
  return fen === undefined ? null : { value_fen: fen, note: v.value_note?.trim() ?? "" };
}

/** Decide (adopt or not), record the implementation, or record the value created, in one modal. */
export function ImprovementAction({
  improvement,
  action,
  onClose,
  onDone,
}: {
  improvement: Improvement;
  action: Action;
  onClose: () => void;
  onDone: () => void;
}) {
  const { t } = useI18n();
  const p = t.improvements;
  const keyOf = useRequestKeys();
  const [form] = Form.useForm<Values>();
  const adopted = Form.useWatch("adopted", form);
  const value = Form.useWatch("value", form);
  const send = useMutation({
    mutationFn: (body: unknown) =>
      call<Improvement>("events", `/v1/improvements/${encodeURIComponent(improvement.id)}/${action}`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: onDone,
  });
  const submit = (v: Values) => {
    const day = v.on ? v.on.format("YYYY-MM-DD") : null;
    if (action === "decision") {
      send.mutate({ adopted: v.adopted, decided_on: day, note: v.note?.trim() || null, value: v.adopted ? valueOf(v) : null });
    } else if (action === "implementation") {
      send.mutate({ implemented_on: day, value: valueOf(v) });
    } else {
      send.mutate(valueOf(v));
    }
  };
  const title = { decision: p.decideOn, implementation: p.implementOn, value: p.recordValueOn }[action];
  const withValue = action !== "decision" || adopted === true;
  const valueRequired = action === "value";
  return (
    <Modal open title={fill(title, { title: improvement.title })} onCancel={onClose} footer={null} destroyOnClose>
      <Form<Values>
        form={form}
        layout="vertical"
        name={`improvement-${action}`}
        data-testid="improvement-action"
        initialValues={{ adopted: true, value: improvement.value_fen !== null ? improvement.value_fen / 100 : null }}
        onValuesChange={() => send.reset()}
        onFinish={submit}
      >
        {action === "decision" && (
          <Form.Item name="adopted" label={p.decision} rules={[{ required: true, message: t.required }]}>
            <Radio.Group
              data-testid="improvement-adopted"
              options={[
                { value: true, label: p.adopted },
                { value: false, label: p.notAdopted },
              ]}
            />
          </Form.Item>
        )}
        {action !== "value" && (
          <Form.Item name="on" label={action === "decision" ? p.decidedOn : p.implementedOn} tooltip={t.todayIfBlank}>
            <DatePicker data-testid="improvement-on" />
          </Form.Item>
        )}
        {action === "decision" && (
          <Form.Item name="note" label={p.decisionNote}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        )}
        {withValue && (
          <Space wrap align="start" size="large">
            <Form.Item name="value" label={p.valueYuan} rules={valueRequired ? [{ required: true, message: t.required }] : []}>
              <InputNumber min={0} precision={2} style={{ width: 180 }} />
            </Form.Item>
            <Form.Item
              name="value_note"
              label={p.valueNote}
              rules={
                valueRequired || (value !== null && value !== undefined)
                  ? [{ required: true, whitespace: true, message: p.valueNoteNeeded }]
                  : []
              }
            >
              <Input maxLength={500} style={{ width: 260 }} />
            </Form.Item>
          </Space>
        )}
        {send.error ? <ProblemAlert error={send.error} /> : null}
        <Button type="primary" htmlType="submit" loading={send.isPending} data-testid="improvement-action-submit">
          {{ decision: p.decide, implementation: p.implement, value: p.recordValue }[action]}
        </Button>
      </Form>
    </Modal>
  );
}
