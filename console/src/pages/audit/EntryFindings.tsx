import { useQuery } from "@tanstack/react-query";
import { Card, List, Tag, Typography } from "antd";
import { call } from "../../api/client";
import type { Finding } from "../../api/auditRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { RecordFinding } from "./RecordFinding";

/** The audit committee's findings on one entry, and (for the auditor) recording another. */
export function EntryFindings({ postingId, ledger }: { postingId: string; ledger: string }) {
  const { t } = useI18n();
  const a = t.auditCommittee;
  const findings = useQuery({
    queryKey: ["audit-findings", "entry", postingId],
    queryFn: () => call<Finding[]>("finance", `/v1/postings/${encodeURIComponent(postingId)}/audit-findings`),
  });
  return (
    <Card title={a.findingsTab} size="small" data-testid="entry-findings" extra={<RecordFinding ledger={ledger} postingId={postingId} />}>
      <ProblemAlert error={findings.error} />
      <List
        size="small"
        dataSource={findings.data ?? []}
        locale={{ emptyText: <Typography.Text type="secondary">—</Typography.Text> }}
        renderItem={(f) => (
          <List.Item>
            <Tag>{a.severities[f.severity]}</Tag> <Tag data-testid="entry-finding-state">{a.states[f.state]}</Tag> {f.text}
            {f.answer && (
              <Typography.Text type="secondary">
                {" "}
                · {a.answer}：{f.answer}
              </Typography.Text>
            )}
          </List.Item>
        )}
      />
    </Card>
  );
}
