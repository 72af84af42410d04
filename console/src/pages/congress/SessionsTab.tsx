import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, DatePicker, Form, InputNumber, Modal, Space, Table } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { Link } from "react-router-dom";
import { call } from "../../api/client";
import type { CongressSession, PlanSession } from "../../api/eventRows";
import { useRequestKeys } from "../../api/members";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { when } from "../../wallClock";

const enc = encodeURIComponent;

interface PlanValues {
  kind: "staff" | "workers";
  congress_number: number;
  session_number: number;
  days: [Dayjs, Dayjs];
  answer_deadline: Dayjs;
  min_seconders: number;
}

/** The organization's congress sessions; an officer plans the next one. */
export function SessionsTab({ org, mayPlan }: { org: string; mayPlan: boolean }) {
  const { t } = useI18n();
  const c = t.congress;
  const client = useQueryClient();
  const sessions = useQuery({
    queryKey: ["congress-sessions", org],
    queryFn: () => call<CongressSession[]>("events", `/v1/organizations/${enc(org)}/congress-sessions`),
  });
  const [planning, setPlanning] = useState(false);
  const keyOf = useRequestKeys();
  const plan = useMutation({
    mutationFn: (body: PlanSession) =>
      call<CongressSession>("events", `/v1/organizations/${enc(org)}/congress-sessions`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: () => {
      setPlanning(false);
      void client.invalidateQueries({ queryKey: ["congress-sessions", org] });
    },
  });
  const submit = (v: PlanValues) =>
    plan.mutate({
      kind: v.kind,
      congress_number: v.congress_number,
      session_number: v.session_number,
      starts_on: v.days[0].format("YYYY-MM-DD"),
      ends_on: v.days[1].format("YYYY-MM-DD"),
      // Answers are due at the end of the office day, China Standard Time.
      answer_deadline: `${v.answer_deadline.format("YYYY-MM-DD")}T17:00:00+08:00`,
      min_seconders: v.min_seconders,
    });
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      {mayPlan && (
        <Button type="primary" onClick={() => setPlanning(true)} data-testid="plan-session">
          {c.plan}
        </Button>
      )}
      {sessions.error ? (
        <ProblemAlert error={sessions.error} />
      ) : (
        <Table<CongressSession>
          data-testid="congress-sessions"
          rowKey="id"
          size="small"
          pagination={false}
          loading={sessions.isFetching}
          dataSource={sessions.data}
          columns={[
            {
              title: c.session,
              render: (_, s) => (
                <Link to={`/o/${enc(org)}/congress/sessions/${s.id}`}>
                  {s.title}
                  {c.kinds[s.kind] ?? s.kind}
                </Link>
              ),
            },
            { title: c.startsOn, dataIndex: "starts_on", width: 110 },
            { title: c.endsOn, dataIndex: "ends_on", width: 110 },
            { title: c.answerDeadline, dataIndex: "answer_deadline", width: 150, render: when },
            { title: c.minSeconders, dataIndex: "min_seconders", width: 110, align: "right" },
          ]}
        />
      )}
      <Modal open={planning} title={c.plan} footer={null} onCancel={() => setPlanning(false)} destroyOnClose>
        <Form<PlanValues>
          name="plan-session"
          layout="vertical"
          onFinish={submit}
          initialValues={{
            kind: "staff",
            congress_number: 1,
            session_number: 1,
            min_seconders: 2,
            days: [dayjs().add(14, "day"), dayjs().add(15, "day")],
            answer_deadline: dayjs().add(45, "day"),
          }}
        >
          <Form.Item name="kind" label={c.kind} rules={[{ required: true, message: t.required }]}>
            <FormSelect options={["staff", "workers"].map((k) => ({ value: k, label: c.kinds[k] }))} />
          </Form.Item>
          <Space>
            <Form.Item name="congress_number" label={c.congressNumber} rules={[{ required: true, message: t.required }]}>
              <InputNumber min={1} max={1000} precision={0} />
            </Form.Item>
            <Form.Item name="session_number" label={c.sessionNumber} rules={[{ required: true, message: t.required }]}>
              <InputNumber min={1} max={1000} precision={0} />
            </Form.Item>
            <Form.Item name="min_seconders" label={c.minSeconders} rules={[{ required: true, message: t.required }]}>
              <InputNumber min={0} max={50} precision={0} />
            </Form.Item>
          </Space>
          <Form.Item name="days" label={`${c.startsOn} – ${c.endsOn}`} rules={[{ required: true, message: t.required }]}>
            <DatePicker.RangePicker allowClear={false} />
          </Form.Item>
          <Form.Item name="answer_deadline" label={c.answerDeadline} rules={[{ required: true, message: t.required }]}>
            <DatePicker allowClear={false} />
          </Form.Item>
          {plan.error ? <ProblemAlert error={plan.error} /> : null}
          <Button type="primary" htmlType="submit" loading={plan.isPending}>
            {c.plan}
          </Button>
        </Form>
      </Modal>
    </Space>
  );
}
