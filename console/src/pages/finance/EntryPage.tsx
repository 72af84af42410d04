import { useQuery } from "@tanstack/react-query";
import { Card, Descriptions, Space, Table, Timeline, Typography } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { call } from "../../api/client";
import type { components } from "../../api/finance";
import { ProblemAlert } from "../../components/ProblemAlert";
import { MoneyCommandStatus, type Accepted } from "../../components/MoneyCommand";
import { ReverseEntry } from "../../components/ReverseEntry";
import { EntryFindings } from "../audit/EntryFindings";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";
import { useOrg } from "../../scope";
import { useSession } from "../../session";
import { AttachmentsPanel } from "../../components/AttachmentsPanel";

type Trace = components["schemas"]["PostingTrace"];

// Jaeger's UI, when the deployment has one: the trace id becomes a link.
const JAEGER_URL = import.meta.env.VITE_JAEGER_URL as string | undefined;

/** An id shown after the name it stands for. */
function Secondary({ children, testId }: { children: string; testId?: string }) {
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid={testId}>
      {children}
    </Typography.Text>
  );
}

export default function EntryPage() {
  const { t } = useI18n();
  const org = useOrg();
  const postingId = useParams().postingId!;
  const [reversal, setReversal] = useState<Accepted | null>(null);
  const { claims } = useSession();
  // The treasurers attach vouchers (票据); each enters the ledger's hash chain, checked by verify-chain.
  const treasurer = ["federation_admin", "union_officer"].includes(claims.role);
  const trace = useQuery({
    queryKey: ["trace", postingId],
    queryFn: () => call<Trace>("finance", `/v1/postings/${encodeURIComponent(postingId)}/trace`),
  });
  const entryLink = (id: string) => <Link to={`/o/${encodeURIComponent(org)}/finance/entries/${id}`}>{id}</Link>;
  if (trace.error) return <ProblemAlert error={trace.error} />;
  if (!trace.data) return <Card loading />;
  const { posting } = trace.data;
  return (
    <div data-testid="entry-page">
      <Typography.Title level={2}>
        {t.entry} #{posting.sequence} · {posting.description}
      </Typography.Title>
      <Space direction="vertical" size="large" style={{ width: "100%" }}>
        <Descriptions bordered size="small" column={2}>
          <Descriptions.Item label={t.effectiveDate}>{posting.effective_date}</Descriptions.Item>
          <Descriptions.Item label={t.amount}>{yuan(posting.total_fen)}</Descriptions.Item>
          <Descriptions.Item label={t.organization}>
            <span data-testid="entry-organization">{posting.organization_name}</span> <Secondary>{posting.organization_id}</Secondary>
          </Descriptions.Item>
          <Descriptions.Item label="hash">
            <Typography.Text code>{posting.hash.slice(0, 24)}…</Typography.Text>
          </Descriptions.Item>
          {trace.data.reverses && (
            <Descriptions.Item label={t.reverses}>{entryLink(trace.data.reverses.id)}</Descriptions.Item>
          )}
          {trace.data.reversed_by && (
            <Descriptions.Item label={t.reversedBy}>{entryLink(trace.data.reversed_by.id)}</Descriptions.Item>
          )}
        </Descriptions>
        <Card title={t.lines} size="small">
          <Table
            rowKey="line_no"
            size="small"
            pagination={false}
            dataSource={posting.lines}
            columns={[
              { title: "#", dataIndex: "line_no", width: 50 },
              {
                title: t.account,
                key: "account",
                render: (_, line) => (
                  <>
                    {line.account_name} <Secondary>{line.account_code}</Secondary>
                  </>
                ),
              },
              { title: t.debit, dataIndex: "debit_fen", align: "right", render: (f: number) => (f ? yuan(f) : "") },
              { title: t.credit, dataIndex: "credit_fen", align: "right", render: (f: number) => (f ? yuan(f) : "") },
              {
                title: t.counterparty,
                key: "counterparty",
                render: (_, line) =>
                  line.counterparty_id ? (
                    <>
                      {line.counterparty_name ?? line.counterparty_id}{" "}
                      {line.counterparty_name && <Secondary>{line.counterparty_id}</Secondary>}
                    </>
                  ) : (
                    ""
                  ),
              },
            ]}
          />
        </Card>
        <AttachmentsPanel
          service="finance"
          path={`/v1/postings/${encodeURIComponent(posting.id)}`}
          purposes={["voucher", "other"]}
          canUpload={treasurer}
          title={t.attachments.voucherTitle}
        />
        <Card title={t.trace} size="small" data-testid="trace">
          <Descriptions size="small" column={1}>
            <Descriptions.Item label={t.person}>
              <span data-testid="trace-person">{trace.data.actor_name ?? trace.data.actor ?? "—"}</span>
              {trace.data.actor_name && trace.data.actor && (
                <>
                  {" "}
                  <Secondary testId="trace-subject">{trace.data.actor}</Secondary>
                </>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t.originatingCommand}>
              <span data-testid="trace-command">{trace.data.originating_command ?? "—"}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t.traceId}>
              {trace.data.trace_id ? (
                JAEGER_URL ? (
                  <a href={`${JAEGER_URL}/trace/${trace.data.trace_id}`} target="_blank" rel="noreferrer">
                    {trace.data.trace_id}
                  </a>
                ) : (
                  <Typography.Text code data-testid="trace-id">{trace.data.trace_id}</Typography.Text>
                )
              ) : (
                "—"
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t.correlationId}>{trace.data.correlation_id}</Descriptions.Item>
            <Descriptions.Item label={t.sourceEvent}>
              {trace.data.source_event.type} · {trace.data.source_event.topic}/{trace.data.source_event.partition}@
              {trace.data.source_event.offset}
            </Descriptions.Item>
          </Descriptions>
          <Typography.Title level={3} style={{ fontSize: 14 }}>
            {t.causationChain}
          </Typography.Title>
          <Timeline
            items={trace.data.causation_chain.map((link) => ({
              children: (
                <>
                  <strong>{link.kind}</strong> {link.type ?? ""} {link.actor ? `· ${link.actor}` : ""}
                  <br />
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {link.event_id} {link.occurred_at ? `· ${dayjs(link.occurred_at).format("YYYY-MM-DD HH:mm:ss")}` : ""}
                  </Typography.Text>
                </>
              ),
            }))}
          />
        </Card>
        <EntryFindings postingId={posting.id} ledger={posting.organization_id} />
        {!trace.data.reversed_by &&
          (reversal ? <MoneyCommandStatus accepted={reversal} /> : <ReverseEntry postingId={posting.id} onAccepted={setReversal} />)}
      </Space>
    </div>
  );
}
