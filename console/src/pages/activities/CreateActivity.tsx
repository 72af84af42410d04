import { useMutation } from "@tanstack/react-query";
import { Button, DatePicker, Form, Input, InputNumber, Modal, Space } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { call } from "../../api/client";
import { ACTIVITY_KINDS, type Activity, type CreateActivity as CreateBody } from "../../api/eventRows";
import { useRequestKeys } from "../../api/members";
import { FormCheckboxGroup, FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { toFen } from "../../money";

interface Values {
  title: string;
  kind: CreateBody["kind"];
  day: Dayjs;
  start_time: string;
  end_time: string;
  deadline_day: Dayjs;
  capacity?: number | null;
  eligible_gender?: "female" | "male";
  eligible_statuses: ("active" | "retired")[];
  prize_yuan?: string;
  cost_yuan?: string;
  description?: string;
}

// Activities are organized in the federation's time zone (China Standard Time, no daylight saving).
const OFFSET = "+08:00";
const at = (day: Dayjs, time: string) => `${day.format("YYYY-MM-DD")}T${time}:00${OFFSET}`;

/** "New activity": a draft with its dates, places, who may register and its budget; published from its page. */
export function CreateActivity({ org, onCreated }: { org: string; onCreated: (activity: Activity) => void }) {
  const { t } = useI18n();
  const a = t.activities;
  const [open, setOpen] = useState(false);
  const keyOf = useRequestKeys();
  const create = useMutation({
    mutationFn: (body: CreateBody) =>
      call<Activity>("events", `/v1/organizations/${encodeURIComponent(org)}/activities`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: (activity) => {
      setOpen(false);
      onCreated(activity);
    },
  });
  const submit = (v: Values) => {
    const prize = toFen(v.prize_yuan);
    const cost = toFen(v.cost_yuan);
    create.mutate({
      title: v.title,
      kind: v.kind,
      description: v.description ?? "",
      starts_at: at(v.day, v.start_time),
      ends_at: at(v.day, v.end_time),
      registration_deadline: at(v.deadline_day, "18:00"),
      capacity: v.capacity ?? null,
      eligible_gender: v.eligible_gender ?? null,
      eligible_statuses: v.eligible_statuses,
      budget: [
        ...(prize ? [{ kind: "prizes" as const, label: a.prizeLine, amount_fen: prize }] : []),
        ...(cost ? [{ kind: "cost" as const, label: a.costLine, amount_fen: cost }] : []),
      ],
    });
  };
  const yuanRule = { pattern: /^\d+(\.\d{1,2})?$/, message: t.required };
  return (
    <>
      <Button type="primary" data-testid="new-activity" onClick={() => setOpen(true)} style={{ marginBottom: 16 }}>
        {a.create}
      </Button>
      <Modal open={open} title={a.create} footer={null} onCancel={() => setOpen(false)} destroyOnClose width={640}>
        <Form<Values>
          name="create-activity"
          layout="vertical"
          data-testid="create-activity"
          onFinish={submit}
          initialValues={{
            start_time: "09:00",
            end_time: "17:00",
            day: dayjs().add(14, "day"),
            deadline_day: dayjs().add(10, "day"),
            eligible_statuses: ["active", "retired"],
          }}
        >
          <Form.Item name="title" label={a.title} rules={[{ required: true, whitespace: true, message: t.required }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="kind" label={a.kind} rules={[{ required: true, message: t.required }]}>
            <FormSelect data-testid="activity-kind" options={ACTIVITY_KINDS.map((k) => ({ value: k, label: a.kinds[k] }))} />
          </Form.Item>
          <Space wrap align="start">
            <Form.Item name="day" label={a.day} rules={[{ required: true, message: t.required }]}>
              <DatePicker data-testid="activity-day" allowClear={false} />
            </Form.Item>
            <Form.Item name="start_time" label={a.startsAt} rules={[{ required: true, message: t.required }]}>
              <Input type="time" style={{ width: 120 }} />
            </Form.Item>
            <Form.Item name="end_time" label={a.endsAt} rules={[{ required: true, message: t.required }]}>
              <Input type="time" style={{ width: 120 }} />
            </Form.Item>
            <Form.Item
              name="deadline_day"
              label={a.deadlineDay}
              extra={a.deadlineNote}
              rules={[{ required: true, message: t.required }]}
            >
              <DatePicker data-testid="activity-deadline" allowClear={false} />
            </Form.Item>
          </Space>
          <Space wrap align="start">
            <Form.Item name="capacity" label={a.capacity} extra={a.noLimit}>
              <InputNumber min={1} max={100000} precision={0} />
            </Form.Item>
            <Form.Item name="eligible_gender" label={a.eligibleGender}>
              <FormSelect
                allowClear
                placeholder={a.noLimit}
                style={{ width: 140 }}
                data-testid="activity-gender"
                options={["female", "male"].map((g) => ({ value: g, label: a.genders[g] }))}
              />
            </Form.Item>
            <Form.Item name="eligible_statuses" label={a.eligibleStatuses} rules={[{ required: true, message: t.required }]}>
              <FormCheckboxGroup options={["active", "retired"].map((s) => ({ value: s, label: a.memberStatuses[s] }))} />
            </Form.Item>
          </Space>
          <Space wrap align="start">
            <Form.Item name="prize_yuan" label={a.prizeBudget} rules={[yuanRule]}>
              <Input inputMode="decimal" style={{ width: 160 }} />
            </Form.Item>
            <Form.Item name="cost_yuan" label={a.costBudget} rules={[yuanRule]}>
              <Input inputMode="decimal" style={{ width: 160 }} />
            </Form.Item>
          </Space>
          <Form.Item name="description" label={a.description}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
          {create.error ? <ProblemAlert error={create.error} /> : null}
          <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="create-activity-submit">
            {a.save}
          </Button>
        </Form>
      </Modal>
    </>
  );
}
