import { useMutation } from "@tanstack/react-query";
import { Button, DatePicker, Form, Input, Modal, Space, Typography } from "antd";
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import type { Dayjs } from "dayjs";
import { call } from "../../api/client";
import { useRequestKeys } from "../../api/members";
import type { FileImprovement, Improvement } from "../../api/streetRows";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { UnionPicker } from "../members/UnionPicker";
import { MemberPicker } from "../welfare/shared";

interface Values {
  organization_id?: string;
  kind: FileImprovement["kind"];
  title: string;
  content: string;
  department?: string;
  proposers?: { member_id?: string }[];
  filed_on?: Dayjs;
}

/** File a proposal or innovation in a grassroots union, for its proposers (members of that union). */
export function SubmitImprovement({ org, onClose, onFiled }: { org: string; onClose: () => void; onFiled: () => void }) {
  const { t } = useI18n();
  const p = t.improvements;
  const keyOf = useRequestKeys();
  const [form] = Form.useForm<Values>();
  const union = Form.useWatch("organization_id", form);
  const file = useMutation({
    mutationFn: ({ union, body }: { union: string; body: FileImprovement }) =>
      call<Improvement>("events", `/v1/organizations/${encodeURIComponent(union)}/improvements`, {
        method: "POST",
        body,
        idempotencyKey: keyOf({ union, body }),
      }),
    onSuccess: onFiled,
  });
  return (
    <Modal open width={720} title={p.submit} onCancel={onClose} footer={null} destroyOnClose>
      <Form<Values>
        form={form}
        layout="vertical"
        name="submit-improvement"
        data-testid="submit-improvement-form"
        initialValues={{ kind: "rationalization", proposers: [{}] }}
        onValuesChange={(changed) => {
          file.reset();
          // Proposers are members of the union: another union, another search.
          if ("organization_id" in changed) form.setFieldValue("proposers", [{}]);
        }}
        onFinish={(v) =>
          file.mutate({
            union: v.organization_id!,
            body: {
              kind: v.kind,
              title: v.title.trim(),
              content: v.content.trim(),
              department: v.department?.trim() ?? "",
              proposer_ids: (v.proposers ?? []).map((x) => x.member_id!).filter(Boolean),
              filed_on: v.filed_on ? v.filed_on.format("YYYY-MM-DD") : null,
            },
          })
        }
      >
        <Space wrap align="start" size="large">
          <Form.Item
            name="organization_id"
            label={p.union}
            tooltip={p.unionHint}
            rules={[{ required: true, message: t.required }]}
            style={{ width: 300 }}
          >
            <UnionPicker />
          </Form.Item>
          <Form.Item name="kind" label={p.kind} rules={[{ required: true, message: t.required }]}>
            <FormSelect
              data-testid="improvement-kind"
              style={{ width: 180 }}
              options={(["rationalization", "innovation"] as const).map((k) => ({ value: k, label: p.kinds[k] }))}
            />
          </Form.Item>
          <Form.Item name="filed_on" label={p.filedOn} tooltip={t.todayIfBlank}>
            <DatePicker data-testid="improvement-filed-on" />
          </Form.Item>
        </Space>
        <Form.Item name="title" label={p.title} rules={[{ required: true, whitespace: true, message: t.required }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="content" label={p.content} rules={[{ required: true, whitespace: true, message: t.required }]}>
          <Input.TextArea rows={3} maxLength={5000} />
        </Form.Item>
        <Form.Item name="department" label={p.department}>
          <Input maxLength={200} style={{ width: 300 }} />
        </Form.Item>
        <Typography.Text strong>{p.proposers}</Typography.Text>
        <Form.List name="proposers">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, i) => (
                <Space key={field.key} align="baseline" wrap>
                  <Form.Item name={[field.name, "member_id"]} label={`${p.proposer} ${i + 1}`} rules={[{ required: true, message: t.required }]}>
                    <MemberPicker org={union ?? org} />
                  </Form.Item>
                  {fields.length > 1 && (
                    <Button type="text" aria-label={`${t.rights.removeWorker} ${p.proposer} ${i + 1}`} icon={<MinusCircleOutlined />} onClick={() => remove(field.name)} />
                  )}
                </Space>
              ))}
              {fields.length < 20 && (
                <Form.Item>
                  <Button type="dashed" onClick={() => add({})} icon={<PlusOutlined />}>
                    {p.addProposer}
                  </Button>
                </Form.Item>
              )}
            </>
          )}
        </Form.List>
        {file.error ? <ProblemAlert error={file.error} /> : null}
        <Button type="primary" htmlType="submit" loading={file.isPending} data-testid="submit-improvement-submit" style={{ marginTop: 8 }}>
          {p.submit}
        </Button>
      </Form>
    </Modal>
  );
}
