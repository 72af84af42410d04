import { Tabs, Typography } from "antd";
import { ArchiveButton } from "../../components/AttachmentsPanel";
import { useNavigate, useParams } from "react-router-dom";
import { useI18n } from "../../i18n";
import { useOrg } from "../../scope";
import { BalancesTab } from "./BalancesTab";
import { EntriesTab } from "./EntriesTab";
import { ConsolidatedTab } from "./ConsolidatedTab";
import { BudgetsTab } from "./BudgetsTab";
import { DisclosureTab } from "./DisclosureTab";

export default function FinanceDesk() {
  const { t } = useI18n();
  const org = useOrg();
  const tab = useParams().tab ?? "balances";
  const navigate = useNavigate();
  return (
    <div data-testid="finance-desk">
      <Typography.Title level={2} className="no-print">
        {t.finance}
      </Typography.Title>
      <div className="no-print" style={{ marginBottom: 8 }}>
        <ArchiveButton service="finance" org={org} />
      </div>
      <Tabs
        activeKey={tab}
        destroyInactiveTabPane
        onChange={(key) => navigate(`/o/${encodeURIComponent(org)}/finance/${key}`)}
        items={[
          { key: "balances", label: t.balances, children: <BalancesTab org={org} /> },
          { key: "entries", label: t.entries, children: <EntriesTab org={org} /> },
          { key: "consolidated", label: t.consolidated, children: <ConsolidatedTab org={org} /> },
          { key: "budgets", label: t.budgets, children: <BudgetsTab org={org} /> },
          { key: "disclosure", label: t.disclosure, children: <DisclosureTab org={org} /> },
        ]}
      />
    </div>
  );
}
