import { useQuery } from "@tanstack/react-query";
import { Button, Modal, Space, Table, Tag, Typography } from "antd";
import { call } from "../../api/client";
import type { AnswerCode, Evaluation } from "../../api/evaluationsRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

/** The outside forms' one-time codes, to print one slip per form (used ones marked, never linked to an answer). */
export function CodesModal({ evaluation, onClose }: { evaluation: Evaluation; onClose: () => void }) {
  const e = useI18n().t.evaluations;
  const codes = useQuery({
    queryKey: ["evaluation-codes", evaluation.id],
    queryFn: () => call<AnswerCode[]>("events", `/v1/evaluations/${evaluation.id}/codes`),
  });
  const page = `${window.location.origin}/evaluate`;
  return (
    <Modal open width={720} title={`${e.codes}：${evaluation.title}`} onCancel={onClose} footer={null}>
      <Space direction="vertical" style={{ width: "100%" }}>
        <Button className="no-print" data-testid="print-codes" onClick={() => window.print()}>
          {e.printCodes}
        </Button>
        <Typography.Text type="secondary">{e.codeSlip.replace("{url}", page)}</Typography.Text>
        {codes.error ? <ProblemAlert error={codes.error} /> : null}
        <Table<AnswerCode>
          data-testid="codes-table"
          rowKey="code"
          size="small"
          loading={codes.isFetching}
          dataSource={codes.data ?? []}
          pagination={false}
          columns={[
            { title: "#", width: 60, render: (_, __, i) => i + 1 },
            {
              title: e.code,
              dataIndex: "code",
              render: (c: string) => (
                <span data-testid="answer-code" style={{ fontFamily: "monospace", fontSize: 16, letterSpacing: 2 }}>
                  {c}
                </span>
              ),
            },
            { title: e.status, dataIndex: "used", width: 100, render: (u: boolean) => <Tag>{u ? e.codeUsed : e.codeUnused}</Tag> },
          ]}
        />
      </Space>
    </Modal>
  );
}
