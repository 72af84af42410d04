import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Button, DatePicker, Form, Input, Modal, Select } from "antd";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { call } from "../../api/client";
import { useRequestKeys } from "../../api/members";
import { FINDING_RECORDERS, type Finding, type RecordFinding as Body } from "../../api/auditRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";

interface Values {
  subject_kind: Body["subject_kind"];
  period?: [Dayjs, Dayjs];
  report_kind?: string;
  report_ref?: string;
  severity: Body["severity"];
  text: string;
}

/** "Record a finding": on an entry (``postingId``) or, from the desk, on a statement or a report. Auditors only. */
export function RecordFinding({ ledger, postingId }: { ledger: string; postingId?: string }) {
  const { t } = useI18n();
  const a = t.auditCommittee;
  const { claims } = useSession();
  const [open, setOpen] = useState(false);
  const keyOf = useRequestKeys();
  const client = useQueryClient();
  const record = useMutation({
    mutationFn: (body: Body) =>
      call<Finding>("finance", `/v1/organizations/${encodeURIComponent(ledger)}/audit-findings`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: ["audit-findings"] });
      setOpen(false);
    },
  });
  if (!FINDING_RECORDERS.includes(claims.role)) return null;
  const submit = (v: Values) =>
    record.mutate({
      subject_kind: postingId ? "entry" : v.subject_kind,
      posting_id: postingId ?? null,
      period_start: v.period?.[0].format("YYYY-MM-DD") ?? null,
      period_end: v.period?.[1].format("YYYY-MM-DD") ?? null,
      report_kind: v.subject_kind === "report" ? v.report_kind ?? null : null,
      report_ref: v.subject_kind === "report" ? v.report_ref || null : null,
      severity: v.severity,
      text: v.text,
    });
  return (
    <>
      <Button size="small" type={postingId ? "default" : "primary"} onClick={() => setOpen(true)} data-testid="record-finding">
        {a.record}
      </Button>
      <Modal open={open} title={a.record} footer={null} onCancel={() => setOpen(false)} destroyOnClose>
        <Form<Values>
          layout="vertical"
          name="record-finding"
          data-testid="record-finding-form"
          initialValues={{ subject_kind: postingId ? "entry" : "statement", severity: "minor" }}
          onValuesChange={() => record.reset()}
          onFinish={submit}
        >
          {!postingId && (
            <Form.Item name="subject_kind" label={a.subject}>
              <Select
                options={(["statement", "report"] as const).map((k) => ({ value: k, label: a.subjects[k] }))}
              />
            </Form.Item>
          )}
          <Form.Item noStyle shouldUpdate>
            {({ getFieldValue }) =>
              !postingId && (
                <>
                  <Form.Item
                    name="period"
                    label={a.period}
                    rules={[{ required: getFieldValue("subject_kind") === "statement", message: t.required }]}
                  >
                    <DatePicker.RangePicker />
                  </Form.Item>
                  {getFieldValue("subject_kind") === "report" && (
                    <>
                      <Form.Item name="report_kind" label={a.reportKind} rules={[{ required: true, message: t.required }]}>
                        <Input maxLength={60} />
                      </Form.Item>
                      <Form.Item name="report_ref" label={a.reportRef}>
                        <Input maxLength={120} />
                      </Form.Item>
                    </>
                  )}
                </>
              )
            }
          </Form.Item>
          <Form.Item name="severity" label={a.severity}>
            <Select
              data-testid="finding-severity"
              options={(["minor", "major", "serious"] as const).map((s) => ({ value: s, label: a.severities[s] }))}
            />
          </Form.Item>
          <Form.Item name="text" label={a.text} rules={[{ required: true, whitespace: true, message: t.required }]}>
            <Input.TextArea rows={4} maxLength={2000} data-testid="finding-text" />
          </Form.Item>
          {record.error ? <ProblemAlert error={record.error} /> : null}
          <Button type="primary" htmlType="submit" loading={record.isPending} data-testid="record-finding-submit">
            {a.submit}
          </Button>
        </Form>
      </Modal>
    </>
  );
}
