import { Tabs, Typography } from "antd";
import { useNavigate, useParams } from "react-router-dom";
import { useI18n } from "../../i18n";
import { useOrg } from "../../scope";
import { useSession } from "../../session";
import { ContractsTab } from "./ContractsTab";
import { LabourChecksTab } from "./LabourChecksTab";
import { RegisterTab } from "./RegisterTab";
import { ShouldFoundTab } from "./ShouldFoundTab";

/**
 * 企业建会: a federation's register of enterprises, the ones that should found a union (应建未建),
 * founding it, and the enterprises' collective contracts. Federation admins write; auditors read.
 */
export default function EnterprisesDesk() {
  const { t } = useI18n();
  const e = t.enterprises;
  const org = useOrg();
  const { claims } = useSession();
  const { tab = "register" } = useParams();
  const navigate = useNavigate();
  const admin = claims.role === "federation_admin";
  return (
    <div data-testid="enterprises-desk">
      <Typography.Title level={2}>{e.desk}</Typography.Title>
      <Tabs
        activeKey={tab}
        destroyInactiveTabPane
        onChange={(key) => navigate(`/o/${encodeURIComponent(org)}/enterprises/${key}`)}
        items={[
          { key: "register", label: e.register, children: <RegisterTab org={org} mayWrite={admin} /> },
          { key: "should-found", label: e.shouldFound, children: <ShouldFoundTab org={org} mayWrite={admin} /> },
          { key: "contracts", label: e.contracts, children: <ContractsTab org={org} mayWrite={admin} /> },
          { key: "labour-checks", label: t.labourChecks.tab, children: <LabourChecksTab org={org} mayWrite={admin} /> },
        ]}
      />
    </div>
  );
}
