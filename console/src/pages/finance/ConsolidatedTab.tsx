import { useQuery } from "@tanstack/react-query";
import { Descriptions, Table, Typography } from "antd";
import { call, url } from "../../api/client";
import type { components } from "../../api/finance";
import { DownloadButton } from "../../components/DownloadButton";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";

type Consolidated = components["schemas"]["Consolidated"];

export function useConsolidated(org: string) {
  return useQuery({
    queryKey: ["consolidated", org],
    queryFn: () => call<Consolidated>("finance", `/v1/organizations/${encodeURIComponent(org)}/ledger/consolidated`),
  });
}

export function ConsolidatedTab({ org }: { org: string }) {
  const { t, lang } = useI18n();
  const query = useConsolidated(org);
  if (query.error) return <ProblemAlert error={query.error} />;
  const data = query.data;
  return (
    <>
      <div className="no-print" style={{ marginBottom: 16 }}>
        <DownloadButton
          url={url("finance", `/v1/organizations/${encodeURIComponent(org)}/ledger/consolidated`, { format: "xlsx" })}
          filename={`consolidated-${org}.xlsx`}
          label={t.exportExcel}
          data-testid="export-consolidated-xlsx"
        />
      </div>
      <Table
        data-testid="consolidated"
        rowKey="code"
        size="small"
        loading={query.isLoading}
        pagination={false}
        dataSource={data?.accounts}
        columns={[
          { title: t.code, dataIndex: "code" },
          { title: t.accountName, render: (_, a) => (lang === "zh" ? a.name_zh : a.name) },
          { title: t.combined, dataIndex: "combined_fen", align: "right", render: yuan },
          { title: t.eliminated, dataIndex: "eliminated_fen", align: "right", render: yuan },
          { title: t.consolidatedAmount, dataIndex: "consolidated_fen", align: "right", render: yuan },
        ]}
      />
      {data && (
        <Descriptions size="small" style={{ marginTop: 16 }} column={2}>
          <Descriptions.Item label={t.totalDebit}>{yuan(data.total_debit_balances_fen)}</Descriptions.Item>
          <Descriptions.Item label={t.totalCredit}>{yuan(data.total_credit_balances_fen)}</Descriptions.Item>
          <Descriptions.Item label={t.eliminatedDebit}>{yuan(data.eliminated_debit_fen)}</Descriptions.Item>
          <Descriptions.Item label={t.eliminatedCredit}>{yuan(data.eliminated_credit_fen)}</Descriptions.Item>
        </Descriptions>
      )}
      <Typography.Title level={3} style={{ fontSize: 16 }}>
        {t.ledgers}
      </Typography.Title>
      <Table
        data-testid="consolidated-ledgers"
        rowKey="organization_id"
        size="small"
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        dataSource={data?.ledgers}
        columns={[
          { title: t.organization, dataIndex: "name" },
          { title: t.type, dataIndex: "kind" },
          { title: t.lastSequence, dataIndex: "last_sequence" },
          {
            title: t.lastHash,
            dataIndex: "last_hash",
            render: (hash: string) => <Typography.Text code>{hash.slice(0, 16)}…</Typography.Text>,
          },
        ]}
      />
    </>
  );
}
