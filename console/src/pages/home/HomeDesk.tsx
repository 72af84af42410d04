import { Space, Tabs, Typography } from "antd";
import { YearArchiveButton } from "../../components/YearArchiveButton";
import { useNavigate, useParams } from "react-router-dom";
import { useI18n } from "../../i18n";
import { useOrg } from "../../scope";
import { AssessmentsTab } from "./AssessmentsTab";
import { ChecklistTab } from "./ChecklistTab";
import { RateTab } from "./RateTab";

/**
 * 职工之家 (建家达标): the federation's scoring checklist, each union's self-assessment with its
 * evidence, the upper level's review and award (合格 / 先进 / 模范职工之家), the awards due for
 * renewal and the subtree's certification rate. A union's officers assess; the level above reviews;
 * auditors read.
 */
export default function HomeDesk() {
  const { t } = useI18n();
  const h = t.home;
  const org = useOrg();
  const { tab = "assessments" } = useParams();
  const navigate = useNavigate();
  return (
    <div data-testid="home-desk">
      <Space style={{ width: "100%", justifyContent: "space-between" }} align="start" wrap>
        <Typography.Title level={2}>{h.desk}</Typography.Title>
        <YearArchiveButton org={org} />
      </Space>
      <Tabs
        activeKey={tab}
        destroyInactiveTabPane
        onChange={(key) => navigate(`/o/${encodeURIComponent(org)}/home/${key}`)}
        items={[
          { key: "assessments", label: h.assessmentsTab, children: <AssessmentsTab org={org} /> },
          { key: "checklist", label: h.checklistTab, children: <ChecklistTab /> },
          { key: "rate", label: h.rateTab, children: <RateTab org={org} /> },
        ]}
      />
    </div>
  );
}
