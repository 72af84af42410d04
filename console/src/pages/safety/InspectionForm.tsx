import { MinusCircleOutlined, PlusOutlined } from "@ant-design/icons";
import { useMutation } from "@tanstack/react-query";
import { Button, DatePicker, Form, Input, Modal, Space, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { call } from "../../api/client";
import { useRequestKeys } from "../../api/members";
import type { HazardSeverity, Inspection, RecordSafetyInspection, SafetyInspector } from "../../api/safetyRows";
import { HAZARD_SEVERITIES } from "../../api/safetyRows";
import type { Enterprise } from "../../api/streetRows";
import { fill, shanghaiToday } from "../../api/streetRows";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useRefreshSafety } from "./FixHazard";

interface Values {
  inspector_id: string;
  inspected_on: Dayjs;
  findings: string;
  hazards?: { description: string; severity: HazardSeverity; deadline: Dayjs }[];
}

const day = (d: Dayjs) => d.format("YYYY-MM-DD");

/** Record an inspection by one of the enterprise's serving inspectors, with the hazards it found and their deadlines. */
export function InspectionForm({
  enterprise,
  inspectors,
  onClose,
}: {
  enterprise: Enterprise;
  inspectors: SafetyInspector[];
  onClose: () => void;
}) {
  const { t } = useI18n();
  const s = t.safety;
  const keyOf = useRequestKeys();
  const refresh = useRefreshSafety();
  const record = useMutation({
    mutationFn: (body: RecordSafetyInspection) =>
      call<Inspection>("membership", `/v1/enterprises/${encodeURIComponent(enterprise.id)}/safety-inspections`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: () => {
      refresh();
      onClose();
    },
  });
  const serving = inspectors.filter((i) => !i.retired_on);
  return (
    <Modal open width={760} title={fill(s.recordFor, { name: enterprise.name })} onCancel={onClose} footer={null} destroyOnClose>
      <Form<Values>
        layout="vertical"
        name="safety-inspection"
        data-testid="inspection-form"
        initialValues={{ inspected_on: dayjs(shanghaiToday()), inspector_id: serving.length === 1 ? serving[0].id : undefined, hazards: [] }}
        onValuesChange={() => record.reset()}
        onFinish={(v) =>
          record.mutate({
            inspector_id: v.inspector_id,
            inspected_on: day(v.inspected_on),
            findings: v.findings.trim(),
            hazards: (v.hazards ?? []).map((h) => ({ description: h.description.trim(), severity: h.severity, deadline: day(h.deadline) })),
          })
        }
      >
        <Space wrap align="start" size="large">
          <Form.Item name="inspector_id" label={s.inspector} rules={[{ required: true, message: t.required }]}>
            <FormSelect data-testid="inspection-inspector" style={{ width: 240 }} options={serving.map((i) => ({ value: i.id, label: i.name }))} />
          </Form.Item>
          <Form.Item name="inspected_on" label={s.inspectedOn} rules={[{ required: true, message: t.required }]}>
            <DatePicker data-testid="inspected-on" />
          </Form.Item>
        </Space>
        <Form.Item name="findings" label={s.findings} rules={[{ required: true, whitespace: true, message: t.required }]}>
          <Input.TextArea rows={2} maxLength={4000} />
        </Form.Item>
        <Typography.Text strong>{s.hazards}</Typography.Text>
        <Form.List name="hazards">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, n) => (
                <Space key={field.key} wrap align="start" data-testid="hazard-fields" style={{ display: "flex", marginTop: 8 }}>
                  <Form.Item
                    name={[field.name, "description"]}
                    label={`${s.description} ${n + 1}`}
                    rules={[{ required: true, whitespace: true, message: t.required }]}
                  >
                    <Input maxLength={2000} style={{ width: 260 }} />
                  </Form.Item>
                  <Form.Item name={[field.name, "severity"]} label={s.severity} rules={[{ required: true, message: t.required }]}>
                    <FormSelect style={{ width: 120 }} options={HAZARD_SEVERITIES.map((v) => ({ value: v, label: s.severities[v] }))} />
                  </Form.Item>
                  <Form.Item name={[field.name, "deadline"]} label={s.deadline} rules={[{ required: true, message: t.required }]}>
                    <DatePicker data-testid="hazard-deadline" />
                  </Form.Item>
                  <Button
                    type="text"
                    icon={<MinusCircleOutlined />}
                    aria-label={s.removeHazard}
                    onClick={() => remove(field.name)}
                    style={{ marginTop: 30 }}
                  />
                </Space>
              ))}
              <Button
                type="dashed"
                icon={<PlusOutlined />}
                data-testid="add-hazard"
                onClick={() => add({ severity: "general" })}
                style={{ margin: "8px 0 16px" }}
              >
                {s.addHazard}
              </Button>
            </>
          )}
        </Form.List>
        {record.error ? <ProblemAlert error={record.error} /> : null}
        <div>
          <Button type="primary" htmlType="submit" loading={record.isPending} data-testid="inspection-submit">
            {s.record}
          </Button>
        </div>
      </Form>
    </Modal>
  );
}
