import { Alert, Button, Form, Input, Modal, Space } from "antd";
import { useI18n } from "../i18n";
import { ProblemAlert } from "./ProblemAlert";

/**
 * Asks for the reason before a step that cannot be undone (cancelling, rejecting): the note says what
 * follows, the reason is required, and a refusal stays in the modal so the reason need not be typed again.
 */
export function ReasonModal({
  open,
  title,
  note,
  label,
  maxLength,
  pending,
  error,
  testId,
  onSubmit,
  onClose,
}: {
  open: boolean;
  title: string;
  note: string;
  label: string;
  maxLength: number;
  pending: boolean;
  error: unknown;
  testId: string;
  onSubmit: (reason: string) => void;
  onClose: () => void;
}) {
  const { t } = useI18n();
  return (
    <Modal open={open} title={title} footer={null} onCancel={onClose} destroyOnClose>
      <Form<{ reason: string }>
        name={testId}
        layout="vertical"
        data-testid={testId}
        onFinish={({ reason }) => onSubmit(reason.trim())}
      >
        <Alert type="warning" showIcon message={note} style={{ marginBottom: 16 }} />
        <Form.Item
          name="reason"
          label={label}
          rules={[{ required: true, whitespace: true, message: t.required }]}
        >
          <Input.TextArea rows={3} maxLength={maxLength} showCount />
        </Form.Item>
        <Space direction="vertical" style={{ width: "100%" }}>
          <ProblemAlert error={error} />
          <Button type="primary" danger htmlType="submit" loading={pending} data-testid={`${testId}-submit`}>
            {t.eventsDesk.confirm}
          </Button>
        </Space>
      </Form>
    </Modal>
  );
}
