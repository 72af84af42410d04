import { useMutation } from "@tanstack/react-query";
import { Alert, Button, Card, Form, Input, Radio, Result, Space, Typography } from "antd";
import type { RadioGroupProps } from "antd";
import { useState } from "react";
import { call } from "../../api/client";
import type { OutsideForm } from "../../api/evaluationsRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

const RADIOGROUP = { role: "radiogroup" } as unknown as RadioGroupProps;

/**
 * The page a parent (or another outside respondent, not a member) opens without signing in: the code
 * printed on their form opens the evaluation's subjects, and one answer is sent with it.
 */
export default function OutsideFormPage() {
  const e = useI18n().t.evaluations;
  const [code, setCode] = useState(new URLSearchParams(window.location.search).get("code") ?? "");
  const [sent, setSent] = useState(false);
  const load = useMutation({
    mutationFn: (value: string) =>
      call<OutsideForm>("events", "/v1/public/evaluation-form", { query: { code: value.trim() } }),
  });
  const send = useMutation({
    mutationFn: (ratings: { rating: string; comment: string | null }[]) =>
      call("events", "/v1/public/evaluation-responses", { method: "POST", body: { code: code.trim(), ratings } }),
    onSuccess: () => setSent(true),
  });
  const form = load.data;
  return (
    <main style={{ maxWidth: 720, margin: "24px auto", padding: 16 }} data-testid="outside-form-page">
      <Typography.Title level={1} style={{ fontSize: 22 }}>
        {e.outsideTitle}
      </Typography.Title>
      {sent ? (
        <div data-testid="outside-thanks">
          <Result status="success" title={e.thanks} />
        </div>
      ) : !form ? (
        <Card>
          <Form layout="vertical" name="outside-code" onFinish={() => load.mutate(code)}>
            <Form.Item label={e.enterCode} htmlFor="outside-code">
              <Input
                id="outside-code"
                data-testid="outside-code"
                value={code}
                maxLength={40}
                onChange={(ev) => {
                  setCode(ev.target.value);
                  load.reset();
                }}
                style={{ fontFamily: "monospace", letterSpacing: 2 }}
              />
            </Form.Item>
            {load.error ? <ProblemAlert error={load.error} /> : null}
            <Button type="primary" htmlType="submit" disabled={!code.trim()} loading={load.isPending} data-testid="outside-start">
              {e.start}
            </Button>
          </Form>
        </Card>
      ) : (
        <Card title={`${form.organization_name} · ${form.title}`}>
          <Alert type="info" showIcon message={e.anonymous} style={{ marginBottom: 16 }} />
          <Form
            layout="vertical"
            name="outside-answers"
            onFinish={(values: Record<string, string>) =>
              send.mutate(
                form.subjects.map((_, i) => ({ rating: values[`rating-${i}`], comment: values[`comment-${i}`]?.trim() || null })),
              )
            }
          >
            {form.subjects.map((s, i) => (
              <Space key={i} direction="vertical" style={{ width: "100%", marginBottom: 12 }} data-testid="outside-subject">
                <Form.Item name={`rating-${i}`} label={`${s.post} ${s.name}`} rules={[{ required: true, message: e.required }]}>
                  <Radio.Group {...RADIOGROUP} aria-label={`${s.post} ${s.name}`} options={form.options} />
                </Form.Item>
                <Form.Item name={`comment-${i}`} label={e.comment}>
                  <Input.TextArea rows={2} maxLength={1000} />
                </Form.Item>
              </Space>
            ))}
            {send.error ? <ProblemAlert error={send.error} /> : null}
            <Button type="primary" htmlType="submit" loading={send.isPending} data-testid="outside-send">
              {e.send}
            </Button>
          </Form>
        </Card>
      )}
    </main>
  );
}
