import { useMutation } from "@tanstack/react-query";
import { Button, DatePicker, Form, Input, Modal, Radio, Typography, type RadioGroupProps } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { call } from "../../api/client";
import type { AdoptionLevel, InfoItem } from "../../api/infoRows";
import { levelsLeft } from "../../api/infoRows";
import { useRequestKeys } from "../../api/members";
import { fill, shanghaiToday } from "../../api/streetRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

export type Review = "adopt" | "decline";

// antd's radio group is a plain div, where the form's aria-required is not allowed: given the
// radiogroup role (antd passes it through, though its props do not declare it).
const RADIOGROUP = { role: "radiogroup" } as unknown as RadioGroupProps;

interface Values {
  level?: AdoptionLevel;
  adopted_on?: Dayjs | null;
  reason?: string;
}

/** The level above adopts an item at a level (only above the highest it was adopted at), or declines it with a reason. */
export function ReviewModal({ item, review, onClose, onDone }: { item: InfoItem; review: Review; onClose: () => void; onDone: () => void }) {
  const { t } = useI18n();
  const s = t.info;
  const keyOf = useRequestKeys();
  const today = dayjs(shanghaiToday());
  const levels = levelsLeft(item);
  const send = useMutation({
    mutationFn: (body: unknown) =>
      call<InfoItem>("events", `/v1/info-items/${encodeURIComponent(item.id)}/${review === "adopt" ? "adoptions" : "declination"}`, {
        method: "POST",
        body,
        idempotencyKey: keyOf({ item: item.id, review, body }),
      }),
    onSuccess: onDone,
  });
  return (
    <Modal open title={fill(review === "adopt" ? s.adoptTitle : s.declineTitle, { title: item.title })} onCancel={onClose} footer={null} destroyOnClose>
      <Form<Values>
        layout="vertical"
        name={`info-${review}`}
        data-testid="info-review"
        initialValues={{ level: levels[0] }}
        onValuesChange={() => send.reset()}
        onFinish={(v) =>
          send.mutate(
            review === "adopt"
              ? { level: v.level, adopted_on: v.adopted_on ? v.adopted_on.format("YYYY-MM-DD") : null }
              : { reason: v.reason?.trim() },
          )
        }
      >
        {review === "adopt" ? (
          <>
            <Typography.Paragraph type="secondary">{s.adoptHint}</Typography.Paragraph>
            <Form.Item name="level" label={s.level} rules={[{ required: true, message: t.required }]}>
              <Radio.Group {...RADIOGROUP} data-testid="info-level" options={levels.map((l) => ({ value: l, label: s.levels[l] }))} />
            </Form.Item>
            <Form.Item name="adopted_on" label={s.adoptedOn} tooltip={t.todayIfBlank}>
              <DatePicker disabledDate={(d) => d.isAfter(today, "day") || (item.submitted_on !== null && d.isBefore(dayjs(item.submitted_on), "day"))} />
            </Form.Item>
          </>
        ) : (
          <Form.Item name="reason" label={s.declineReason} rules={[{ required: true, whitespace: true, message: t.required }]}>
            <Input.TextArea rows={3} maxLength={500} showCount />
          </Form.Item>
        )}
        {send.error ? <ProblemAlert error={send.error} /> : null}
        <Button type="primary" danger={review === "decline"} htmlType="submit" loading={send.isPending} data-testid="info-review-submit">
          {review === "adopt" ? s.adopt : s.decline}
        </Button>
      </Form>
    </Modal>
  );
}
