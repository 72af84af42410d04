import { useMutation } from "@tanstack/react-query";
import { Button, DatePicker, Form, Input, Modal } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { call, newIdempotencyKey } from "../api/client";
import { useI18n } from "../i18n";
import { useSession } from "../session";
import { ProblemAlert } from "./ProblemAlert";
import type { Accepted } from "./MoneyCommand";

// Finance's treasurers: who may correct an entry by its reversing entry.
const REVERSERS = ["union_officer", "federation_admin"];

/** "Reverse this entry": asks for a date and a reason, sends the command, hands back its 202. */
export function ReverseEntry({ postingId, onAccepted }: { postingId: string; onAccepted: (a: Accepted) => void }) {
  const { t } = useI18n();
  const { claims } = useSession();
  const [asking, setAsking] = useState(false);
  const reverse = useMutation({
    mutationFn: (values: { effective_date: Dayjs; reason: string }) =>
      call<Accepted>("finance", `/v1/postings/${encodeURIComponent(postingId)}/reversal`, {
        method: "POST",
        idempotencyKey: newIdempotencyKey(),
        body: { effective_date: values.effective_date.format("YYYY-MM-DD"), reason: values.reason },
      }),
    onSuccess: (accepted) => {
      setAsking(false);
      onAccepted(accepted);
    },
  });
  if (!REVERSERS.includes(claims.role)) return null;
  return (
    <>
      <Button size="small" onClick={() => setAsking(true)}>
        {t.reverse}
      </Button>
      <Modal open={asking} title={t.reverse} footer={null} onCancel={() => setAsking(false)} destroyOnClose>
        <Form layout="vertical" onFinish={reverse.mutate} initialValues={{ effective_date: dayjs() }}>
          <Form.Item name="effective_date" label={t.effectiveDate} rules={[{ required: true, message: t.required }]}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="reason" label={t.reason} rules={[{ required: true, message: t.required }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
          {reverse.error && <ProblemAlert error={reverse.error} />}
          <Button type="primary" htmlType="submit" loading={reverse.isPending}>
            {t.reverse}
          </Button>
        </Form>
      </Modal>
    </>
  );
}
