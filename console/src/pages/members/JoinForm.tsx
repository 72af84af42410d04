import { useMutation } from "@tanstack/react-query";
import { App, Button, DatePicker, Form, Input, InputNumber, Modal, Space } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { call } from "../../api/client";
import { idShapeOk, useOrganizationNames, useRequestKeys, type EnrolMember, type Member } from "../../api/members";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { toFen } from "../../money";
import { UnionPicker } from "./UnionPicker";

interface Values {
  union: string;
  display_name: string;
  gender: "female" | "male";
  joined_on: Dayjs;
  id_number?: string;
  phone?: string;
  staff_no?: string;
  base_salary?: number;
}

/** 入会: a member joins a union or union group in the user's scope. */
export function JoinForm({ org, onClose, onJoined }: { org: string; onClose: () => void; onJoined: (m: Member) => void }) {
  const { t } = useI18n();
  const m = t.memberDesk;
  const { message } = App.useApp();
  const { organizations } = useOrganizationNames();
  const keyFor = useRequestKeys();
  const here = organizations.find((o) => o.id === org);
  const enrol = useMutation({
    mutationFn: (values: Values) => {
      const body: EnrolMember = {
        display_name: values.display_name.trim(),
        gender: values.gender,
        joined_on: values.joined_on.format("YYYY-MM-DD"),
        id_number: values.id_number?.trim() || null,
        phone: values.phone?.trim() || null,
        staff_no: values.staff_no?.trim() || null,
        base_salary_fen: values.base_salary === undefined || values.base_salary === null ? null : toFen(values.base_salary),
      };
      return call<Member>("membership", `/v1/organizations/${encodeURIComponent(values.union)}/members`, {
        method: "POST",
        body,
        idempotencyKey: keyFor([values.union, body]),
      });
    },
    onSuccess: (member) => {
      void message.success(m.joined);
      onJoined(member);
    },
  });

  const optional = (test: (v: string) => boolean, reason: string) => ({
    validator: (_: unknown, value?: string) =>
      !value || !value.trim() || test(value.trim()) ? Promise.resolve() : Promise.reject(new Error(reason)),
  });

  return (
    <Modal open title={m.joinTitle} footer={null} onCancel={onClose} destroyOnClose width={560}>
      <Form<Values>
        name="join"
        layout="vertical"
        data-testid="join-form"
        onFinish={(values) => enrol.mutate(values)}
        initialValues={{
          union: here && here.kind !== "federation" ? org : undefined,
          gender: "female",
          joined_on: dayjs(),
        }}
      >
        <Form.Item name="union" label={m.union} rules={[{ required: true, message: m.required(m.union) }]}>
          <UnionPicker />
        </Form.Item>
        <Form.Item
          name="display_name"
          label={m.name}
          rules={[
            { required: true, whitespace: true, message: m.required(m.name) },
            { max: 100, message: m.nameTooLong },
          ]}
        >
          <Input />
        </Form.Item>
        <Form.Item name="gender" label={m.gender} rules={[{ required: true, message: m.required(m.gender) }]}>
          <FormSelect options={["female", "male"].map((g) => ({ value: g, label: m.genders[g] }))} />
        </Form.Item>
        <Form.Item
          name="joined_on"
          label={m.joinedOn}
          rules={[
            { required: true, message: m.required(m.joinedOn) },
            {
              validator: (_, value?: Dayjs) =>
                value && value.isAfter(dayjs(), "day") ? Promise.reject(new Error(m.futureJoin)) : Promise.resolve(),
            },
          ]}
        >
          <DatePicker style={{ width: "100%" }} />
        </Form.Item>
        <Form.Item name="id_number" label={m.idNumber} rules={[optional(idShapeOk, m.idShape)]}>
          <Input maxLength={22} autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="phone"
          label={m.phone}
          rules={[optional((v) => /^(\+86)?1\d{10}$/.test(v.replace(/[\s-]/g, "")), m.phoneShape)]}
        >
          <Input maxLength={20} autoComplete="off" />
        </Form.Item>
        <Form.Item name="staff_no" label={m.staffNo} rules={[{ whitespace: true, message: m.required(m.staffNo) }]}>
          <Input maxLength={40} />
        </Form.Item>
        <Form.Item
          name="base_salary"
          label={m.baseSalaryYuan}
          rules={[
            {
              validator: (_, value?: number | null) =>
                value === undefined || value === null || (value >= 0 && /^\d+(\.\d{1,2})?$/.test(String(value)))
                  ? Promise.resolve()
                  : Promise.reject(new Error(m.salaryShape)),
            },
          ]}
        >
          <InputNumber style={{ width: "100%" }} min={0} step={100} stringMode={false} />
        </Form.Item>
        {enrol.error && (
          <div style={{ marginBottom: 16 }}>
            <ProblemAlert error={enrol.error} />
          </div>
        )}
        <Space>
          <Button type="primary" htmlType="submit" loading={enrol.isPending}>
            {m.submit}
          </Button>
          <Button onClick={onClose}>{m.cancel}</Button>
        </Space>
      </Form>
    </Modal>
  );
}
