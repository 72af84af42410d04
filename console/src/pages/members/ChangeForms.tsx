import { useMutation } from "@tanstack/react-query";
import { App, Button, DatePicker, Form, Modal, Space } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { call } from "../../api/client";
import { useRequestKeys, type Member, type MemberChangeOutcome } from "../../api/members";
import type { components } from "../../api/membership";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { UnionPicker } from "./UnionPicker";

type TransferMember = components["schemas"]["TransferMember"];
type ChangeMemberStatus = components["schemas"]["ChangeMemberStatus"];

/** What each status may become (the service checks it too). */
const NEXT_STATUSES: Record<string, ChangeMemberStatus["status"][]> = {
  active: ["retired", "left", "deceased"],
  retired: ["left", "deceased"],
  left: ["active"],
  deceased: [],
};

export const nextStatuses = (status: string) => NEXT_STATUSES[status] ?? [];

interface Props {
  member: Member;
  onClose: () => void;
  onDone: (outcome: MemberChangeOutcome) => void;
}

function useChange<T>(path: string, onDone: Props["onDone"]) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const keyFor = useRequestKeys();
  return useMutation({
    mutationFn: (body: T) =>
      call<MemberChangeOutcome>("membership", path, { method: "POST", body, idempotencyKey: keyFor(body) }),
    onSuccess: (outcome) => {
      void message.success(outcome.change.status === "scheduled" ? t.memberDesk.scheduled : t.memberDesk.applied);
      onDone(outcome);
    },
  });
}

/** 调动 / 教师交流: to another union of the scope, now or from a later date (then scheduled). */
export function TransferForm({ member, onClose, onDone }: Props) {
  const { t } = useI18n();
  const m = t.memberDesk;
  const transfer = useChange<TransferMember>(`/v1/members/${member.id}/transfer`, onDone);
  return (
    <Modal open title={m.transferTitle} footer={null} onCancel={onClose} destroyOnClose>
      <Form<{ to: string; effective_on: Dayjs }>
        name="transfer"
        layout="vertical"
        data-testid="transfer-form"
        initialValues={{ effective_on: dayjs() }}
        onFinish={(values) =>
          transfer.mutate({ to_organization_id: values.to, effective_on: values.effective_on.format("YYYY-MM-DD") })
        }
      >
        <Form.Item
          name="to"
          label={m.toUnion}
          rules={[
            { required: true, message: m.required(m.toUnion) },
            {
              validator: (_, value?: string) =>
                value === member.organization_id ? Promise.reject(new Error(m.sameUnion)) : Promise.resolve(),
            },
          ]}
        >
          <UnionPicker exclude={member.organization_id} />
        </Form.Item>
        <Form.Item name="effective_on" label={m.effectiveOn} rules={[{ required: true, message: m.required(m.effectiveOn) }]}>
          <DatePicker style={{ width: "100%" }} />
        </Form.Item>
        {transfer.error && (
          <div style={{ marginBottom: 16 }}>
            <ProblemAlert error={transfer.error} />
          </div>
        )}
        <Space>
          <Button type="primary" htmlType="submit" loading={transfer.isPending}>
            {m.submit}
          </Button>
          <Button onClick={onClose}>{m.cancel}</Button>
        </Space>
      </Form>
    </Modal>
  );
}

/** Retire, leave, death, or rejoin after leaving: now or from a later date. */
export function StatusForm({ member, onClose, onDone }: Props) {
  const { t } = useI18n();
  const m = t.memberDesk;
  const change = useChange<ChangeMemberStatus>(`/v1/members/${member.id}/status`, onDone);
  const options = nextStatuses(member.status);
  return (
    <Modal open title={m.statusTitle} footer={null} onCancel={onClose} destroyOnClose>
      <Form<{ status: ChangeMemberStatus["status"]; effective_on: Dayjs }>
        name="statusChange"
        layout="vertical"
        data-testid="status-form"
        initialValues={{ status: options[0], effective_on: dayjs() }}
        onFinish={(values) =>
          change.mutate({ status: values.status, effective_on: values.effective_on.format("YYYY-MM-DD") })
        }
      >
        <Form.Item name="status" label={m.newStatus} rules={[{ required: true, message: m.required(m.newStatus) }]}>
          <FormSelect options={options.map((s) => ({ value: s, label: m.newStatuses[s] }))} />
        </Form.Item>
        <Form.Item name="effective_on" label={m.effectiveOn} rules={[{ required: true, message: m.required(m.effectiveOn) }]}>
          <DatePicker style={{ width: "100%" }} />
        </Form.Item>
        {change.error && (
          <div style={{ marginBottom: 16 }}>
            <ProblemAlert error={change.error} />
          </div>
        )}
        <Space>
          <Button type="primary" htmlType="submit" loading={change.isPending}>
            {m.submit}
          </Button>
          <Button onClick={onClose}>{m.cancel}</Button>
        </Space>
      </Form>
    </Modal>
  );
}
