import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, Empty, Form, Input, Radio, Space, Typography } from "antd";
import type { RadioGroupProps } from "antd";
import { useState } from "react";
import { call } from "../../api/client";
import type { Evaluation } from "../../api/evaluationsRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

const RADIOGROUP = { role: "radiogroup" } as unknown as RadioGroupProps;

/** A member's staff forms (教职工评议表): open evaluations of their union's leaders not answered yet. */
export function MyEvaluationsTab() {
  const e = useI18n().t.evaluations;
  const client = useQueryClient();
  const [done, setDone] = useState(false);
  const list = useQuery({ queryKey: ["me", "evaluations"], queryFn: () => call<Evaluation[]>("events", "/v1/me/evaluations") });
  if (list.error) return <ProblemAlert error={list.error} />;
  if (!list.data) return <Card loading />;
  return (
    <Space direction="vertical" style={{ width: "100%" }} data-testid="my-evaluations">
      {done && <Alert type="success" showIcon message={e.thanks} data-testid="evaluation-answered" />}
      {list.data.length === 0 && <Empty description={e.none} />}
      {list.data.map((ev) => (
        <StaffForm
          key={ev.id}
          evaluation={ev}
          onAnswered={() => {
            setDone(true);
            void client.invalidateQueries({ queryKey: ["me", "evaluations"] });
          }}
        />
      ))}
    </Space>
  );
}

function StaffForm({ evaluation, onAnswered }: { evaluation: Evaluation; onAnswered: () => void }) {
  const e = useI18n().t.evaluations;
  const answer = useMutation({
    // An anonymous answer takes no idempotency key: a stored key would tie the member to it.
    mutationFn: (ratings: { rating: string; comment: string | null }[]) =>
      call("events", `/v1/me/evaluations/${evaluation.id}/responses`, { method: "POST", body: { ratings } }),
    onSuccess: onAnswered,
  });
  return (
    <Card size="small" title={evaluation.title} data-testid="my-evaluation">
      <Typography.Paragraph type="secondary">{e.anonymous}</Typography.Paragraph>
      <Form
        layout="vertical"
        name={`evaluation-${evaluation.id}`}
        onFinish={(values: Record<string, string>) =>
          answer.mutate(
            evaluation.subjects.map((_, i) => ({ rating: values[`rating-${i}`], comment: values[`comment-${i}`]?.trim() || null })),
          )
        }
      >
        {evaluation.subjects.map((s, i) => (
          <div key={i}>
            <Form.Item name={`rating-${i}`} label={`${s.post} ${s.name}`} rules={[{ required: true, message: e.required }]}>
              <Radio.Group {...RADIOGROUP} aria-label={`${s.post} ${s.name}`} options={evaluation.options} />
            </Form.Item>
            <Form.Item name={`comment-${i}`} label={e.comment}>
              <Input.TextArea rows={2} maxLength={1000} />
            </Form.Item>
          </div>
        ))}
        {answer.error ? <ProblemAlert error={answer.error} /> : null}
        <Button type="primary" htmlType="submit" loading={answer.isPending}>
          {e.send}
        </Button>
      </Form>
    </Card>
  );
}
