import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Button, DatePicker, Descriptions, Form, Modal } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { call } from "../../api/client";
import { useRequestKeys } from "../../api/members";
import type { FixHazard as FixHazardBody, Hazard } from "../../api/safetyRows";
import { fill, shanghaiToday } from "../../api/streetRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

/** What a safety write changes: the enterprise's inspections, the overdue list and the roll-up. */
export const SAFETY_QUERIES = ["safety-inspectors", "safety-inspections", "safety-overdue", "safety-rollup"];

export function useRefreshSafety() {
  const client = useQueryClient();
  return () => {
    for (const key of SAFETY_QUERIES) void client.invalidateQueries({ queryKey: [key] });
  };
}

/** Mark a hazard fixed on a business date (today by default; not before it was found, not after today). */
export function FixHazard({ hazard, onClose }: { hazard: Hazard; onClose: () => void }) {
  const { t } = useI18n();
  const s = t.safety;
  const keyOf = useRequestKeys();
  const refresh = useRefreshSafety();
  const fix = useMutation({
    mutationFn: (body: FixHazardBody) =>
      call<Hazard>("membership", `/v1/safety-hazards/${encodeURIComponent(hazard.id)}/fix`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: () => {
      refresh();
      onClose();
    },
  });
  return (
    <Modal open title={fill(s.fixOf, { name: hazard.description })} onCancel={onClose} footer={null} destroyOnClose>
      <Descriptions size="small" column={1} style={{ marginBottom: 12 }}>
        <Descriptions.Item label={s.severity}>{s.severities[hazard.severity]}</Descriptions.Item>
        <Descriptions.Item label={s.foundOn}>{hazard.found_on}</Descriptions.Item>
        <Descriptions.Item label={s.deadline}>{hazard.deadline}</Descriptions.Item>
      </Descriptions>
      <Form<{ fixed_on: Dayjs }>
        layout="vertical"
        name="fix-hazard"
        data-testid="fix-hazard-form"
        initialValues={{ fixed_on: dayjs(shanghaiToday()) }}
        onValuesChange={() => fix.reset()}
        onFinish={(v) => fix.mutate({ fixed_on: v.fixed_on.format("YYYY-MM-DD") })}
      >
        <Form.Item name="fixed_on" label={s.fixedOn} rules={[{ required: true, message: t.required }]}>
          <DatePicker data-testid="fix-hazard-on" />
        </Form.Item>
        {fix.error ? <ProblemAlert error={fix.error} /> : null}
        <Button type="primary" htmlType="submit" loading={fix.isPending} data-testid="fix-hazard-submit">
          {s.fix}
        </Button>
      </Form>
    </Modal>
  );
}
