import { useMutation } from "@tanstack/react-query";
import { Button, DatePicker, Form, Input, Modal, Radio, Space, Typography } from "antd";
import type { Dayjs } from "dayjs";
import { call } from "../../api/client";
import type { ApplyStudentAid, StudentAidApplication, StudentAidScheme } from "../../api/helpRows";
import { ID_NUMBER } from "../../api/helpRows";
import { useRequestKeys } from "../../api/members";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";
import { MemberPicker } from "../welfare/shared";

interface Values {
  scheme_id: string;
  student_kind: "member_child" | "non_member";
  member_id?: string;
  student_name: string;
  id_number: string;
  school: string;
  level: string;
  applied_on?: Dayjs | null;
  note?: string;
}

/** 登记助学申请: a member's child (the parent picked from the members) or a non-member student, at a scheme's level. */
export function ApplyAid({
  org,
  schemes,
  onClose,
  onApplied,
}: {
  org: string;
  schemes: StudentAidScheme[];
  onClose: () => void;
  onApplied: (a: StudentAidApplication) => void;
}) {
  const { t } = useI18n();
  const h = t.help;
  const keyOf = useRequestKeys();
  const [form] = Form.useForm<Values>();
  const kind = Form.useWatch("student_kind", form) ?? "non_member";
  const schemeId = Form.useWatch("scheme_id", form);
  const scheme = schemes.find((s) => s.id === schemeId);
  const apply = useMutation({
    mutationFn: (body: ApplyStudentAid) =>
      call<StudentAidApplication>("welfare", `/v1/organizations/${encodeURIComponent(org)}/student-aid-applications`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: onApplied,
  });
  return (
    <Modal open width={720} title={h.apply} onCancel={onClose} footer={null} destroyOnClose>
      <Form<Values>
        form={form}
        layout="vertical"
        name="apply-aid"
        data-testid="apply-aid-form"
        initialValues={{ scheme_id: schemes[0]?.id, student_kind: "non_member" }}
        onValuesChange={(changed: Partial<Values>) => {
          apply.reset();
          if ("scheme_id" in changed) form.setFieldValue("level", undefined); // levels are the scheme's own
        }}
        onFinish={(v) =>
          apply.mutate({
            scheme_id: v.scheme_id,
            member_id: v.student_kind === "member_child" ? v.member_id : null,
            student_name: v.student_name.trim(),
            id_number: v.id_number.trim().toUpperCase(),
            school: v.school.trim(),
            level: v.level,
            applied_on: v.applied_on ? v.applied_on.format("YYYY-MM-DD") : null,
            note: v.note?.trim() ?? "",
          })
        }
      >
        <Space wrap align="start" size="large">
          <Form.Item name="scheme_id" label={h.scheme} rules={[{ required: true, message: t.required }]}>
            <FormSelect
              data-testid="aid-scheme"
              style={{ width: 200 }}
              options={schemes.map((s) => ({ value: s.id, label: `${s.name}（${s.year}）` }))}
            />
          </Form.Item>
          <Form.Item name="level" label={h.level} rules={[{ required: true, message: t.required }]}>
            <FormSelect
              data-testid="aid-level"
              style={{ width: 220 }}
              options={(scheme?.levels ?? []).map((l) => ({ value: l.name, label: `${l.name}（${yuan(l.amount_fen)}）` }))}
            />
          </Form.Item>
        </Space>
        <Form.Item name="student_kind" label={h.studentKind}>
          <Radio.Group
            data-testid="student-kind"
            options={(["non_member", "member_child"] as const).map((k) => ({ value: k, label: h.studentKinds[k] }))}
          />
        </Form.Item>
        {kind === "member_child" && (
          <Form.Item name="member_id" label={h.parent} rules={[{ required: true, message: t.required }]}>
            <MemberPicker org={org} />
          </Form.Item>
        )}
        <Space wrap align="start" size="large">
          <Form.Item name="student_name" label={h.studentName} rules={[{ required: true, whitespace: true, message: t.required }]}>
            <Input maxLength={200} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item
            name="id_number"
            label={h.idNumber}
            rules={[
              { required: true, message: t.required },
              { pattern: ID_NUMBER, message: h.idNumberShape },
            ]}
          >
            <Input maxLength={18} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="school" label={h.school} rules={[{ required: true, whitespace: true, message: t.required }]}>
            <Input maxLength={200} style={{ width: 200 }} />
          </Form.Item>
          <Form.Item name="applied_on" label={h.appliedOn} tooltip={t.todayIfBlank}>
            <DatePicker data-testid="applied-on" />
          </Form.Item>
        </Space>
        <Form.Item name="note" label={t.welfare.note}>
          <Input.TextArea rows={1} maxLength={2000} />
        </Form.Item>
        {scheme?.criteria && <Typography.Paragraph type="secondary">{`${h.criteria}：${scheme.criteria}`}</Typography.Paragraph>}
        {apply.error ? <ProblemAlert error={apply.error} /> : null}
        <Button type="primary" htmlType="submit" loading={apply.isPending} data-testid="apply-aid-submit">
          {h.apply}
        </Button>
      </Form>
    </Modal>
  );
}
