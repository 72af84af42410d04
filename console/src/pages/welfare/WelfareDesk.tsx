import { Tabs, Typography } from "antd";
import { useNavigate, useParams } from "react-router-dom";
import { useI18n } from "../../i18n";
import { useOrg } from "../../scope";
import { useSession } from "../../session";
import { CampaignsTab } from "./CampaignsTab";
import { DrivesTab } from "./DrivesTab";
import { GrantsTab } from "./GrantsTab";
import { GreetingProgress, GreetingsTab } from "./GreetingsTab";
import { HardshipTab } from "./HardshipTab";
import { ReportTab } from "./ReportTab";

// Who records grants and launches greetings (welfare's RECORDERS and greetings' MANAGERS); the
// auditor reads.
const WELFARE_WRITERS = ["welfare_officer", "union_officer", "federation_admin"];

export default function WelfareDesk() {
  const { t } = useI18n();
  const org = useOrg();
  const { claims } = useSession();
  const { tab = "grants", id } = useParams();
  const navigate = useNavigate();
  const writer = WELFARE_WRITERS.includes(claims.role);
  return (
    <div data-testid="welfare-desk">
      <Typography.Title level={2}>{t.welfare.desk}</Typography.Title>
      <Tabs
        activeKey={tab}
        destroyInactiveTabPane
        onChange={(key) => navigate(`/o/${encodeURIComponent(org)}/welfare/${key}`)}
        items={[
          { key: "grants", label: t.welfare.grants, children: <GrantsTab org={org} mayRecord={writer} /> },
          {
            key: "greetings",
            label: t.welfare.greetings,
            children: id ? <GreetingProgress org={org} batchId={id} /> : <GreetingsTab org={org} mayLaunch={writer} />,
          },
          { key: "hardship", label: t.welfare.hardship, children: <HardshipTab org={org} /> },
          { key: "report", label: t.welfareReport.tab, children: <ReportTab org={org} /> },
          { key: "drives", label: t.charity.drives, children: <DrivesTab org={org} code={id} mayManage={writer} /> },
          { key: "campaigns", label: t.charity.campaigns, children: <CampaignsTab org={org} id={id} mayManage={writer} /> },
        ]}
      />
    </div>
  );
}
