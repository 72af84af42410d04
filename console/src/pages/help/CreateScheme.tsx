import { useMutation } from "@tanstack/react-query";
import { Button, Form, Input, InputNumber, Modal, Space, Typography } from "antd";
import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { call } from "../../api/client";
import type { CreateStudentAidScheme, StudentAidScheme } from "../../api/helpRows";
import { useRequestKeys } from "../../api/members";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { toFen } from "../../money";

interface Values {
  year: number;
  name: string;
  criteria?: string;
  levels: { name?: string; amount?: number }[];
}

/** 设立助学项目: a federation admin sets a year's scheme with an amount per level. */
export function CreateScheme({
  federation,
  year,
  onClose,
  onCreated,
}: {
  federation: string;
  year: number;
  onClose: () => void;
  onCreated: (s: StudentAidScheme) => void;
}) {
  const { t } = useI18n();
  const h = t.help;
  const keyOf = useRequestKeys();
  const create = useMutation({
    mutationFn: (body: CreateStudentAidScheme) =>
      call<StudentAidScheme>("welfare", `/v1/federations/${encodeURIComponent(federation)}/student-aid-schemes`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: onCreated,
  });
  return (
    <Modal open width={640} title={h.createScheme} onCancel={onClose} footer={null} destroyOnClose>
      <Form<Values>
        layout="vertical"
        name="create-scheme"
        data-testid="create-scheme-form"
        initialValues={{ year, name: "金秋助学", levels: [{}] }}
        onValuesChange={() => create.reset()}
        onFinish={(v) =>
          create.mutate({
            year: v.year,
            name: v.name.trim(),
            criteria: v.criteria?.trim() ?? "",
            levels: v.levels.map((l) => ({ name: l.name!.trim(), amount_fen: toFen(l.amount)! })),
          })
        }
      >
        <Space wrap align="start" size="large">
          <Form.Item name="year" label={h.year} rules={[{ required: true, message: t.required }]}>
            <InputNumber min={2000} max={2100} precision={0} style={{ width: 100 }} />
          </Form.Item>
          <Form.Item name="name" label={h.schemeName} rules={[{ required: true, whitespace: true, message: t.required }]}>
            <Input maxLength={200} style={{ width: 240 }} />
          </Form.Item>
        </Space>
        <Form.Item name="criteria" label={h.criteria}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        <Typography.Text strong>{h.levels}</Typography.Text>
        <Form.List
          name="levels"
          rules={[
            {
              validator: async (_, levels?: unknown[]) => {
                if (!levels?.length) throw new Error(t.required);
              },
            },
          ]}
        >
          {(fields, { add, remove }, { errors }) => (
            <>
              {fields.map((field, i) => (
                <Space key={field.key} align="baseline" wrap>
                  <Form.Item
                    name={[field.name, "name"]}
                    label={`${h.levelName} ${i + 1}`}
                    rules={[{ required: true, whitespace: true, message: t.required }]}
                  >
                    <Input maxLength={40} style={{ width: 160 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, "amount"]} label={`${h.levelAmountYuan} ${i + 1}`} rules={[{ required: true, message: t.required }]}>
                    <InputNumber min={0.01} precision={2} style={{ width: 140 }} />
                  </Form.Item>
                  <Button
                    type="text"
                    aria-label={`${h.removeLevel} ${i + 1}`}
                    icon={<MinusCircleOutlined />}
                    disabled={fields.length <= 1}
                    onClick={() => remove(field.name)}
                  />
                </Space>
              ))}
              <Form.Item>
                <Button type="dashed" onClick={() => add({})} icon={<PlusOutlined />} data-testid="add-level">
                  {h.addLevel}
                </Button>
                <Form.ErrorList errors={errors} />
              </Form.Item>
            </>
          )}
        </Form.List>
        {create.error ? <ProblemAlert error={create.error} /> : null}
        <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="create-scheme-submit">
          {h.createScheme}
        </Button>
      </Form>
    </Modal>
  );
}
