import { Tabs, Typography } from "antd";
import { useNavigate, useParams } from "react-router-dom";
import { REPORT_WRITERS } from "../../api/reportRows";
import { useI18n } from "../../i18n";
import { useOrg } from "../../scope";
import { useSession } from "../../session";
import { BoardTab } from "./BoardTab";
import { OwnReportsTab } from "./OwnReportsTab";
import { RollupTab } from "./RollupTab";

/**
 * 统计报表: a union's own monthly and annual reports (open, type in what the platform cannot know,
 * submit), the board of the unions directly below (review: return with a reason or accept) and the
 * roll-up of the accepted reports with each figure's trace; Excel downloads of both.
 */
export default function ReportsDesk() {
  const { t } = useI18n();
  const s = t.reports;
  const org = useOrg();
  const { claims } = useSession();
  const { tab = "own" } = useParams();
  const navigate = useNavigate();
  const mayWrite = REPORT_WRITERS.includes(claims.role);
  return (
    <div data-testid="reports-desk">
      <Typography.Title level={2}>{s.desk}</Typography.Title>
      <Tabs
        activeKey={tab}
        destroyInactiveTabPane
        onChange={(key) => navigate(`/o/${encodeURIComponent(org)}/reports/${key}`)}
        items={[
          { key: "own", label: s.ownTab, children: <OwnReportsTab org={org} mayWrite={mayWrite && claims.org === org} /> },
          { key: "board", label: s.boardTab, children: <BoardTab org={org} mayReview={mayWrite && claims.org === org} /> },
          { key: "rollup", label: s.rollupTab, children: <RollupTab org={org} /> },
        ]}
      />
    </div>
  );
}
