import { Tabs, Typography } from "antd";
import { useNavigate, useParams } from "react-router-dom";
import { SAFETY_WRITERS } from "../../api/safetyRows";
import { useI18n } from "../../i18n";
import { useOrg } from "../../scope";
import { useSession } from "../../session";
import { EnterpriseTab } from "./EnterpriseTab";
import { RollupTab } from "./RollupTab";

/**
 * 安全生产监督: the register's enterprises' workers' safety inspectors (群监员), their inspections and
 * the hazards found, fixing them, the overdue list and the period's roll-up over the subtree.
 * Federation admins write; auditors read.
 */
export default function SafetyDesk() {
  const { t } = useI18n();
  const s = t.safety;
  const org = useOrg();
  const { claims } = useSession();
  const { tab = "rollup" } = useParams();
  const navigate = useNavigate();
  const mayWrite = SAFETY_WRITERS.includes(claims.role);
  return (
    <div data-testid="safety-desk">
      <Typography.Title level={2}>{s.desk}</Typography.Title>
      <Tabs
        activeKey={tab}
        destroyInactiveTabPane
        onChange={(key) => navigate(`/o/${encodeURIComponent(org)}/safety/${key}`)}
        items={[
          { key: "rollup", label: s.rollupTab, children: <RollupTab org={org} mayWrite={mayWrite} /> },
          { key: "enterprise", label: s.enterpriseTab, children: <EnterpriseTab org={org} mayWrite={mayWrite} /> },
        ]}
      />
    </div>
  );
}
