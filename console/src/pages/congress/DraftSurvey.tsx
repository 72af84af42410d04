import { useMutation } from "@tanstack/react-query";
import { Button, Card, Checkbox, Form, Input, Modal, Space } from "antd";
import { useState } from "react";
import { call } from "../../api/client";
import type { DraftSurvey as DraftSurveyBody, Survey, SurveyQuestion } from "../../api/eventRows";
import { useRequestKeys } from "../../api/members";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

type Kind = SurveyQuestion["kind"];
const QUESTION_KINDS: Kind[] = ["single_choice", "multiple_choice", "rating", "free_text"];
const CHOICE: Kind[] = ["single_choice", "multiple_choice"];
type QuestionValues = { kind: Kind; text: string; options?: string; required: boolean };
type Values = { title: string; kind: DraftSurveyBody["kind"]; questions: QuestionValues[] };

const lines = (text: string | undefined) =>
  (text ?? "")
    .split("\n")
    .map((o) => o.trim())
    .filter(Boolean);

/** "New survey": its title, kind and questions (rows added and removed), saved as a draft to send from the list. */
export function DraftSurvey({ org, onDrafted }: { org: string; onDrafted: (survey: Survey) => void }) {
  const { t } = useI18n();
  const d = t.eventsDesk;
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<Values>();
  const keyOf = useRequestKeys();
  const draft = useMutation({
    mutationFn: (body: DraftSurveyBody) =>
      call<Survey>("events", `/v1/organizations/${encodeURIComponent(org)}/surveys`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: (survey) => {
      setOpen(false);
      onDrafted(survey);
    },
  });
  const submit = (v: Values) =>
    draft.mutate({
      title: v.title.trim(),
      kind: v.kind,
      questions: v.questions.map((q) => ({
        kind: q.kind,
        text: q.text.trim(),
        options: CHOICE.includes(q.kind) ? lines(q.options) : null,
        required: q.required,
      })),
    });
  // The service's rule for a choice question, checked before it is asked.
  const optionsRule = {
    validator: (_: unknown, text: string | undefined) => {
      const options = lines(text);
      const ok = options.length >= 2 && options.length <= 20 && new Set(options).size === options.length && options.every((o) => o.length <= 200);
      return ok ? Promise.resolve() : Promise.reject(new Error(d.optionsRule));
    },
  };
  return (
    <>
      <Button type="primary" data-testid="new-survey" onClick={() => setOpen(true)}>
        {d.newSurvey}
      </Button>
      <Modal open={open} title={d.newSurvey} footer={null} onCancel={() => setOpen(false)} destroyOnClose width={680}>
        <Form<Values>
          form={form}
          name="draft-survey"
          layout="vertical"
          data-testid="draft-survey"
          preserve={false}
          initialValues={{ kind: "survey", questions: [{ kind: "single_choice", required: true }] }}
          onFinish={submit}
        >
          <Form.Item name="title" label={d.surveyTitle} rules={[{ required: true, whitespace: true, message: t.required }]}>
            <Input maxLength={200} />
          </Form.Item>
          <Form.Item name="kind" label={d.surveyKind} rules={[{ required: true, message: t.required }]}>
            <FormSelect
              data-testid="survey-kind"
              style={{ width: 200 }}
              options={Object.entries(d.surveyKinds).map(([value, label]) => ({ value, label }))}
            />
          </Form.Item>
          <Form.List
            name="questions"
            rules={[{ validator: (_, qs: unknown[]) => (qs?.length ? Promise.resolve() : Promise.reject(new Error(d.noQuestions))) }]}
          >
            {(fields, { add, remove }, { errors }) => (
              <Space direction="vertical" style={{ width: "100%" }}>
                {fields.map((field, i) => (
                  <Card
                    key={field.key}
                    size="small"
                    title={d.question(i + 1)}
                    data-testid="question-row"
                    extra={
                      <Button size="small" type="link" danger disabled={fields.length === 1} onClick={() => remove(field.name)}>
                        {d.removeQuestion}
                      </Button>
                    }
                  >
                    <Space align="start" wrap>
                      <Form.Item name={[field.name, "kind"]} label={d.questionKind} rules={[{ required: true, message: t.required }]}>
                        <FormSelect
                          data-testid="question-kind"
                          style={{ width: 160 }}
                          options={QUESTION_KINDS.map((k) => ({ value: k, label: d.questionKinds[k] }))}
                        />
                      </Form.Item>
                      <Form.Item name={[field.name, "required"]} label={d.requiredQuestion} valuePropName="checked">
                        <Checkbox />
                      </Form.Item>
                    </Space>
                    <Form.Item
                      name={[field.name, "text"]}
                      label={d.questionText}
                      rules={[{ required: true, whitespace: true, message: t.required }]}
                    >
                      <Input maxLength={500} />
                    </Form.Item>
                    <Form.Item noStyle shouldUpdate>
                      {() =>
                        CHOICE.includes(form.getFieldValue(["questions", field.name, "kind"])) && (
                          <Form.Item name={[field.name, "options"]} label={d.options} rules={[optionsRule]}>
                            <Input.TextArea rows={3} />
                          </Form.Item>
                        )
                      }
                    </Form.Item>
                  </Card>
                ))}
                <Form.ErrorList errors={errors} />
                <Button data-testid="add-question" onClick={() => add({ kind: "rating", required: true })}>
                  {d.addQuestion}
                </Button>
              </Space>
            )}
          </Form.List>
          <Space direction="vertical" style={{ width: "100%", marginTop: 16 }}>
            <ProblemAlert error={draft.error} />
            <Button type="primary" htmlType="submit" loading={draft.isPending} data-testid="draft-survey-submit">
              {d.saveDraft}
            </Button>
          </Space>
        </Form>
      </Modal>
    </>
  );
}
