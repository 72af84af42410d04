import { useMutation } from "@tanstack/react-query";
import { Button, DatePicker, Form, Input, Modal, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { call } from "../../api/client";
import { useOrganizationNames, useRequestKeys } from "../../api/members";
import type { AppointSafetyInspector, RetireSafetyInspector, SafetyInspector } from "../../api/safetyRows";
import type { Enterprise } from "../../api/streetRows";
import { fill, shanghaiToday } from "../../api/streetRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { MemberPicker } from "../welfare/shared";
import { useRefreshSafety } from "./FixHazard";

interface AppointValues {
  member_id?: string;
  name?: string;
  phone?: string;
  appointed_on: Dayjs;
}

const day = (d: Dayjs) => d.format("YYYY-MM-DD");

/**
 * Appoint a 群监员: in an enterprise with a union, one of that union's members (chosen by name); in one
 * without, a worker named here, with a mobile if known (stored encrypted, shown masked).
 */
export function AppointInspector({ enterprise, onClose }: { enterprise: Enterprise; onClose: () => void }) {
  const { t } = useI18n();
  const s = t.safety;
  const keyOf = useRequestKeys();
  const refresh = useRefreshSafety();
  const { nameOf } = useOrganizationNames();
  const union = enterprise.union_id;
  const appoint = useMutation({
    mutationFn: (body: AppointSafetyInspector) =>
      call<SafetyInspector>("membership", `/v1/enterprises/${encodeURIComponent(enterprise.id)}/safety-inspectors`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: () => {
      refresh();
      onClose();
    },
  });
  const bodyOf = (v: AppointValues): AppointSafetyInspector =>
    union
      ? { member_id: v.member_id, appointed_on: day(v.appointed_on) }
      : { name: v.name!.trim(), phone: v.phone?.trim() || null, appointed_on: day(v.appointed_on) };
  return (
    <Modal open title={fill(s.appointFor, { name: enterprise.name })} onCancel={onClose} footer={null} destroyOnClose>
      <Form<AppointValues>
        layout="vertical"
        name="appoint-inspector"
        data-testid="appoint-inspector-form"
        initialValues={{ appointed_on: dayjs(shanghaiToday()) }}
        onValuesChange={() => appoint.reset()}
        onFinish={(v) => appoint.mutate(bodyOf(v))}
      >
        {union ? (
          <>
            <Typography.Paragraph type="secondary">
              {s.fromMembers}：{nameOf(union)}
            </Typography.Paragraph>
            <Form.Item name="member_id" label={s.member} rules={[{ required: true, message: t.required }]}>
              <MemberPicker org={union} />
            </Form.Item>
          </>
        ) : (
          <>
            <Typography.Paragraph type="secondary">{s.namedWorker}</Typography.Paragraph>
            <Form.Item name="name" label={s.inspectorName} rules={[{ required: true, whitespace: true, message: t.required }]}>
              <Input maxLength={100} style={{ width: 240 }} />
            </Form.Item>
            <Form.Item name="phone" label={s.phone} rules={[{ pattern: /^\s*1\d{10}\s*$/, message: s.phoneShape }]}>
              <Input maxLength={20} style={{ width: 240 }} inputMode="tel" />
            </Form.Item>
          </>
        )}
        <Form.Item name="appointed_on" label={s.appointedOn} rules={[{ required: true, message: t.required }]}>
          <DatePicker data-testid="appointed-on" />
        </Form.Item>
        {appoint.error ? <ProblemAlert error={appoint.error} /> : null}
        <Button type="primary" htmlType="submit" loading={appoint.isPending} data-testid="appoint-inspector-submit">
          {s.appoint}
        </Button>
      </Form>
    </Modal>
  );
}

/** Retire a serving inspector on a business date (not before the appointment, not after today). */
export function RetireInspector({ inspector, onClose }: { inspector: SafetyInspector; onClose: () => void }) {
  const { t } = useI18n();
  const s = t.safety;
  const keyOf = useRequestKeys();
  const refresh = useRefreshSafety();
  const retire = useMutation({
    mutationFn: (body: RetireSafetyInspector) =>
      call<SafetyInspector>("membership", `/v1/safety-inspectors/${encodeURIComponent(inspector.id)}/retirement`, {
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
    <Modal open title={fill(s.retireOf, { name: inspector.name })} onCancel={onClose} footer={null} destroyOnClose>
      <Form<{ retired_on: Dayjs }>
        layout="vertical"
        name="retire-inspector"
        data-testid="retire-inspector-form"
        initialValues={{ retired_on: dayjs(shanghaiToday()) }}
        onValuesChange={() => retire.reset()}
        onFinish={(v) => retire.mutate({ retired_on: day(v.retired_on) })}
      >
        <Form.Item name="retired_on" label={s.retiredOn} rules={[{ required: true, message: t.required }]}>
          <DatePicker data-testid="retired-on" />
        </Form.Item>
        {retire.error ? <ProblemAlert error={retire.error} /> : null}
        <Button type="primary" danger htmlType="submit" loading={retire.isPending} data-testid="retire-inspector-submit">
          {s.retire}
        </Button>
      </Form>
    </Modal>
  );
}
