import { useMutation } from "@tanstack/react-query";
import { Button, DatePicker, Form, Input, InputNumber, Modal, Space, Table, Typography } from "antd";
import type { Dayjs } from "dayjs";
import { call } from "../../api/client";
import { useRequestKeys } from "../../api/members";
import type { ApplyForLoan, Loan, RecordRepayment } from "../../api/mutualAidRows";
import { MAX_LOAN_MONTHS, scheduleOf } from "../../api/mutualAidRows";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { toFen, yuan } from "../../money";
import { MemberPicker } from "../welfare/shared";
import { fill } from "./shared";

const enc = encodeURIComponent;

interface ApplyValues {
  member_id: string;
  amount?: number | null;
  months: number;
  purpose: string;
  applied_on?: Dayjs | null;
}

/** A member's application, recorded by an officer, with the monthly schedule it would be repaid in. */
export function ApplyLoan({ union, onClose, onApplied }: { union: string; onClose: () => void; onApplied: (loan: Loan) => void }) {
  const { t } = useI18n();
  const m = t.mutualAid;
  const keyOf = useRequestKeys();
  const [form] = Form.useForm<ApplyValues>();
  const amount = toFen(Form.useWatch("amount", form) ?? undefined);
  const months = Form.useWatch("months", form);
  const apply = useMutation({
    mutationFn: (body: ApplyForLoan) =>
      call<Loan>("welfare", `/v1/organizations/${enc(union)}/mutual-aid/loans`, { method: "POST", body, idempotencyKey: keyOf(body) }),
    onSuccess: onApplied,
  });
  const schedule = amount && amount > 0 && months ? scheduleOf(amount, months) : [];
  return (
    <Modal open width={640} title={m.applyLoan} onCancel={onClose} footer={null} destroyOnClose>
      <Form<ApplyValues>
        form={form}
        layout="vertical"
        name="apply-loan"
        data-testid="apply-loan-form"
        initialValues={{ months: MAX_LOAN_MONTHS }}
        onValuesChange={() => apply.reset()}
        onFinish={(v) =>
          apply.mutate({
            member_id: v.member_id,
            amount_fen: toFen(v.amount ?? undefined) ?? 0,
            months: v.months,
            purpose: v.purpose.trim(),
            applied_on: v.applied_on ? v.applied_on.format("YYYY-MM-DD") : null,
          })
        }
      >
        <Form.Item name="member_id" label={m.borrower} rules={[{ required: true, message: t.required }]}>
          <MemberPicker org={union} />
        </Form.Item>
        <Space wrap align="start" size="large">
          <Form.Item name="amount" label={m.amountYuan} rules={[{ required: true, message: t.required }]}>
            <InputNumber min={0.01} precision={2} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="months" label={m.months} tooltip={m.monthsHint} rules={[{ required: true, message: t.required }]}>
            <FormSelect
              data-testid="loan-months"
              style={{ width: 120 }}
              options={Array.from({ length: MAX_LOAN_MONTHS }, (_, i) => ({ value: i + 1, label: fill(m.monthCount, { months: i + 1 }) }))}
            />
          </Form.Item>
          <Form.Item name="applied_on" label={m.appliedOn} tooltip={t.todayIfBlank}>
            <DatePicker data-testid="applied-on" />
          </Form.Item>
        </Space>
        <Form.Item name="purpose" label={m.purpose} rules={[{ required: true, whitespace: true, message: t.required }]}>
          <Input maxLength={200} />
        </Form.Item>
        {schedule.length > 0 && (
          <Table
            data-testid="schedule-preview"
            size="small"
            pagination={false}
            title={() => m.schedulePreview}
            rowKey="n"
            dataSource={schedule.map((fen, i) => ({ n: i + 1, fen }))}
            columns={[
              { title: m.instalment, dataIndex: "n", render: (n: number) => fill(m.instalmentOf, { n }) },
              { title: m.amount, dataIndex: "fen", align: "right", render: yuan },
            ]}
            style={{ marginBottom: 16 }}
          />
        )}
        {apply.error ? <ProblemAlert error={apply.error} /> : null}
        <Button type="primary" htmlType="submit" loading={apply.isPending} data-testid="apply-loan-submit" style={{ marginTop: 8 }}>
          {m.applyLoan}
        </Button>
      </Form>
    </Modal>
  );
}

interface RepayValues {
  amount?: number | null;
  repaid_on?: Dayjs | null;
}

/** A repayment, in part or in full; refused (with the service's reason) until finance has booked the loan. */
export function RepayLoan({ loan, borrower, onClose, onRepaid }: { loan: Loan; borrower: string; onClose: () => void; onRepaid: (loan: Loan) => void }) {
  const { t } = useI18n();
  const m = t.mutualAid;
  const keyOf = useRequestKeys();
  const repay = useMutation({
    mutationFn: (body: RecordRepayment) =>
      call<Loan>("welfare", `/v1/mutual-aid/loans/${enc(loan.id)}/repayments`, { method: "POST", body, idempotencyKey: keyOf(body) }),
    onSuccess: onRepaid,
  });
  // The next instalment's unpaid part, or what is left, whichever is less.
  const suggested = loan.outstanding_fen > 0 ? Math.min(loan.outstanding_fen, Math.ceil(loan.amount_fen / loan.months)) : undefined;
  return (
    <Modal open title={fill(m.repayTitle, { name: borrower })} onCancel={onClose} footer={null} destroyOnClose>
      <Form<RepayValues>
        layout="vertical"
        name="repay-loan"
        data-testid="repay-loan-form"
        initialValues={{ amount: suggested !== undefined ? suggested / 100 : undefined }}
        onValuesChange={() => repay.reset()}
        onFinish={(v) =>
          repay.mutate({
            amount_fen: toFen(v.amount ?? undefined) ?? 0,
            repaid_on: v.repaid_on ? v.repaid_on.format("YYYY-MM-DD") : null,
          })
        }
      >
        <Typography.Paragraph type="secondary">
          {m.outstanding} {yuan(loan.outstanding_fen)} · {m.repayHint}
        </Typography.Paragraph>
        <Space wrap align="start" size="large">
          <Form.Item name="amount" label={m.amountYuan} rules={[{ required: true, message: t.required }]}>
            <InputNumber min={0.01} precision={2} style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="repaid_on" label={m.repaidOn} tooltip={t.todayIfBlank}>
            <DatePicker data-testid="repaid-on" />
          </Form.Item>
        </Space>
        {repay.error ? <ProblemAlert error={repay.error} /> : null}
        <Button type="primary" htmlType="submit" loading={repay.isPending} data-testid="repay-loan-submit" style={{ marginTop: 8 }}>
          {m.repay}
        </Button>
      </Form>
    </Modal>
  );
}
