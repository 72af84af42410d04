import { Tabs, Typography } from "antd";
import { useNavigate, useParams } from "react-router-dom";
import { COUNT_READERS } from "../../api/workersRows";
import { useI18n } from "../../i18n";
import { useOrg } from "../../scope";
import { useSession } from "../../session";
import { CountsTab } from "./CountsTab";
import { JointUnionsTab } from "./JointUnionsTab";
import { RecordTab } from "./RecordTab";

/**
 * 农民工与新就业形态: the subtree's migrant and new-form members counted by form, its joint and trade
 * unions (联合工会 / 行业工会), and a member's worker record: category, employers, 会籍接转.
 * Federation admins designate unions and transfer; union officers keep their members' records; auditors read.
 */
export default function WorkersDesk() {
  const { t } = useI18n();
  const w = t.workers;
  const org = useOrg();
  const { claims } = useSession();
  const counts = COUNT_READERS.includes(claims.role);
  const { tab = counts ? "counts" : "unions" } = useParams();
  const navigate = useNavigate();
  return (
    <div data-testid="workers-desk">
      <Typography.Title level={2}>{w.desk}</Typography.Title>
      <Tabs
        activeKey={tab}
        destroyInactiveTabPane
        onChange={(key) => navigate(`/o/${encodeURIComponent(org)}/workers/${key}`)}
        items={[
          ...(counts ? [{ key: "counts", label: w.counts, children: <CountsTab org={org} /> }] : []),
          { key: "unions", label: w.unions, children: <JointUnionsTab org={org} mayDesignate={claims.role === "federation_admin"} /> },
          { key: "record", label: w.record, children: <RecordTab org={org} /> },
        ]}
      />
    </div>
  );
}
