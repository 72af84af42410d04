import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, Empty, Form, Input, Radio, Space, Typography } from "antd";
import type { RadioGroupProps } from "antd";
import { useState } from "react";
import { call } from "../../api/client";
import { FormCheckboxGroup } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import type { Survey } from "./api";

type Answer = number | number[] | string | null;

// antd's radio group is a plain div: given the radiogroup role (antd passes role through, though its
// types omit it), its label and the aria-required Form.Item adds are allowed on it (axe).
const RADIOGROUP = { role: "radiogroup" } as unknown as RadioGroupProps;

/** Surveys sent to the member and not answered yet; answers are stored without the member's id. */
export function SurveysTab() {
  const m = useI18n().t.me;
  const client = useQueryClient();
  const [done, setDone] = useState<string[]>([]);
  const list = useQuery({ queryKey: ["me", "surveys"], queryFn: () => call<Survey[]>("events", "/v1/me/surveys") });
  if (list.error) return <ProblemAlert error={list.error} />;
  if (!list.data) return <Card loading />;
  return (
    <Space direction="vertical" style={{ width: "100%" }} data-testid="my-surveys">
      {done.length > 0 && <Alert type="success" showIcon message={m.answered} data-testid="survey-answered" />}
      {list.data.length === 0 && <Empty description={m.noSurveys} />}
      {list.data.map((s) => (
        <SurveyForm
          key={s.id}
          survey={s}
          onAnswered={() => {
            setDone((d) => [...d, s.id]);
            void client.invalidateQueries({ queryKey: ["me", "surveys"] });
          }}
        />
      ))}
    </Space>
  );
}

function SurveyForm({ survey, onAnswered }: { survey: Survey; onAnswered: () => void }) {
  const m = useI18n().t.me;
  const [form] = Form.useForm();
  const [open, setOpen] = useState(false);
  const answer = useMutation({
    // An anonymous answer takes no idempotency key: a stored key would tie the member to it.
    mutationFn: (answers: Answer[]) =>
      call("events", `/v1/me/surveys/${survey.id}/responses`, { method: "POST", body: { answers } }),
    onSuccess: onAnswered,
  });
  const submit = (values: { q?: Record<string, Answer> }) =>
    answer.mutate(
      survey.questions.map((q, i) => {
        const given = values.q?.[i];
        if (given === undefined || given === "" || (Array.isArray(given) && given.length === 0)) return null;
        return given;
      }),
    );
  const formId = `survey-${survey.id}`;
  return (
    <Card size="small" title={survey.title} data-testid="survey" data-title={survey.title}>
      {!open ? (
        <Button type="primary" onClick={() => setOpen(true)}>
          {m.answer}
        </Button>
      ) : (
        <Form form={form} layout="vertical" name={formId} onFinish={submit}>
          <Typography.Paragraph type="secondary">{m.anonymous}</Typography.Paragraph>
          {survey.questions.map((q, i) => (
            <Form.Item
              key={i}
              name={["q", String(i)]}
              label={`${i + 1}. ${q.text}`}
              rules={q.required ? [{ required: true, message: m.required }] : []}
            >
              {q.kind === "single_choice" ? (
                <Radio.Group {...RADIOGROUP} aria-label={q.text}>
                  <Space direction="vertical">
                    {q.options.map((o, k) => (
                      <Radio key={k} value={k}>
                        {o}
                      </Radio>
                    ))}
                  </Space>
                </Radio.Group>
              ) : q.kind === "multiple_choice" ? (
                <FormCheckboxGroup options={q.options.map((o, k) => ({ label: o, value: k }))} />
              ) : q.kind === "rating" ? (
                <Radio.Group {...RADIOGROUP} aria-label={q.text} optionType="button" options={[1, 2, 3, 4, 5].map((n) => ({ label: String(n), value: n }))} />
              ) : (
                <Input.TextArea rows={3} maxLength={2000} />
              )}
            </Form.Item>
          ))}
          <ProblemAlert error={answer.error} />
          <Button type="primary" htmlType="submit" loading={answer.isPending} block>
            {m.submit}
          </Button>
        </Form>
      )}
    </Card>
  );
}
