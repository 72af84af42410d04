import { Button, Card, List, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { call } from "../../api/client";
import type { components as events } from "../../api/events";
import type { components as membership } from "../../api/membership";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

type Verification =
  | membership["schemas"]["RecordChainVerification"]
  | events["schemas"]["RecordChainVerification"];
type Row = { service: "membership" | "events"; result?: Verification; error?: unknown };

/**
 * The record chains of membership (统计报表, 职工之家 reviews) and events (信息报送, evaluation results,
 * 师德 lists) for the organization and those below it: each service re-hashes its links and compares
 * each chained record with its last link, naming the record and the field that changed.
 */
export function RecordChains({ org }: { org: string }) {
  const { t } = useI18n();
  const [rows, setRows] = useState<Row[] | "checking">();
  const verify = async () => {
    setRows("checking");
    const path = `/v1/organizations/${encodeURIComponent(org)}/record-chain`;
    setRows(
      await Promise.all(
        (["membership", "events"] as const).map((service) =>
          call<Verification>(service, path).then(
            (result): Row => ({ service, result }),
            (error: unknown): Row => ({ service, error }),
          ),
        ),
      ),
    );
  };
  return (
    <Card
      title={t.recordChains}
      size="small"
      extra={
        <Button size="small" data-testid="verify-record-chains" loading={rows === "checking"} onClick={() => void verify()}>
          {t.verify}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t.recordChainsHint}</Typography.Paragraph>
      {Array.isArray(rows) && (
        <Table<Row>
          data-testid="record-chains"
          rowKey="service"
          size="small"
          pagination={false}
          dataSource={rows}
          columns={[
            { title: t.recordChainsService, render: (_, r) => t.recordChainsOf[r.service] },
            {
              title: t.verify,
              render: (_, r) => {
                if (r.error) return <ProblemAlert error={r.error} />;
                if (!r.result) return null;
                return (
                  <Space direction="vertical" size={0} data-testid={`record-chain-${r.service}`}>
                    {r.result.ok ? <Tag color="#237804">{t.chainIntact}</Tag> : <Tag color="#a8071a">{t.chainBroken}</Tag>}
                    <Typography.Text type="secondary">
                      {t.recordChainsChecked(r.result.checked_links, r.result.checked_records)}
                    </Typography.Text>
                    {r.result.findings.length > 0 && (
                      <List
                        size="small"
                        dataSource={r.result.findings}
                        renderItem={(f) => (
                          <List.Item>
                            <Typography.Text type="danger">{f}</Typography.Text>
                          </List.Item>
                        )}
                      />
                    )}
                  </Space>
                );
              },
            },
          ]}
        />
      )}
    </Card>
  );
}
