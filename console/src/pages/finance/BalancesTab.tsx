import { useQuery } from "@tanstack/react-query";
import { Descriptions, Table } from "antd";
import { call } from "../../api/client";
import type { components } from "../../api/finance";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";

type Balances = components["schemas"]["Balances"];
type AccountBalance = components["schemas"]["AccountBalance"];

export function BalancesTab({ org }: { org: string }) {
  const { t, lang } = useI18n();
  const query = useQuery({
    queryKey: ["balances", org],
    queryFn: () => call<Balances>("finance", `/v1/organizations/${encodeURIComponent(org)}/ledger/balances`),
  });
  if (query.error) return <ProblemAlert error={query.error} />;
  return (
    <>
      <Table<AccountBalance>
        data-testid="balances"
        rowKey="code"
        size="small"
        loading={query.isLoading}
        pagination={false}
        dataSource={query.data?.accounts}
        columns={[
          { title: t.code, dataIndex: "code" },
          { title: t.accountName, render: (_, a) => (lang === "zh" ? a.name_zh : a.name) },
          { title: t.type, dataIndex: "type" },
          { title: t.balance, dataIndex: "balance_fen", align: "right", render: yuan },
        ]}
      />
      {query.data && (
        <Descriptions size="small" style={{ marginTop: 16 }} column={2}>
          <Descriptions.Item label={t.totalDebit}>{yuan(query.data.total_debit_balances_fen)}</Descriptions.Item>
          <Descriptions.Item label={t.totalCredit}>{yuan(query.data.total_credit_balances_fen)}</Descriptions.Item>
        </Descriptions>
      )}
    </>
  );
}
