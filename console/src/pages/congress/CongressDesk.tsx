import { Tabs, Typography } from "antd";
import { useNavigate, useParams } from "react-router-dom";
import { EVENT_MANAGERS } from "../../api/eventRows";
import { useI18n } from "../../i18n";
import { useOrg } from "../../scope";
import { useSession } from "../../session";
import { NominationsTab } from "./NominationsTab";
import { RollupTab } from "./RollupTab";
import { SessionsTab } from "./SessionsTab";
import { SurveysTab } from "./SurveysTab";

/** The staff congress desk: the organization's sessions, the roll-up of the unions below, surveys and nominations. */
export default function CongressDesk() {
  const { t } = useI18n();
  const c = t.congress;
  const org = useOrg();
  const { claims } = useSession();
  const { tab = "sessions" } = useParams();
  const navigate = useNavigate();
  const manager = EVENT_MANAGERS.includes(claims.role);
  return (
    <div data-testid="congress-desk">
      <Typography.Title level={2}>{c.desk}</Typography.Title>
      <Tabs
        activeKey={tab}
        destroyInactiveTabPane
        onChange={(key) => navigate(`/o/${encodeURIComponent(org)}/congress/${key}`)}
        items={[
          { key: "sessions", label: c.sessions, children: <SessionsTab org={org} mayPlan={manager} /> },
          { key: "rollup", label: c.rollup, children: <RollupTab org={org} /> },
          { key: "surveys", label: c.surveys, children: <SurveysTab org={org} /> },
          { key: "nominations", label: c.nominations, children: <NominationsTab org={org} /> },
        ]}
      />
    </div>
  );
}
