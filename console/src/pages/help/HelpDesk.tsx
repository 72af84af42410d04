import { Tabs, Typography } from "antd";
import { useNavigate, useParams } from "react-router-dom";
import { HELP_RECORDERS, SCHEME_SETTERS } from "../../api/helpRows";
import { useI18n } from "../../i18n";
import { useOrg } from "../../scope";
import { useSession } from "../../session";
import { OutsideTab } from "./OutsideTab";
import { StudentAidTab } from "./StudentAidTab";

/** 会外帮扶与助学: 送温暖 to non-members and organizations, and 金秋助学, both paid through finance's holds. */
export default function HelpDesk() {
  const { t } = useI18n();
  const h = t.help;
  const org = useOrg();
  const { claims } = useSession();
  const { tab = "outside" } = useParams();
  const navigate = useNavigate();
  const recorder = HELP_RECORDERS.includes(claims.role);
  return (
    <div data-testid="help-desk">
      <Typography.Title level={2}>{h.desk}</Typography.Title>
      <Tabs
        activeKey={tab}
        destroyInactiveTabPane
        onChange={(key) => navigate(`/o/${encodeURIComponent(org)}/help/${key}`)}
        items={[
          { key: "outside", label: h.outside, children: <OutsideTab org={org} mayRecord={recorder} /> },
          {
            key: "aid",
            label: h.studentAid,
            children: (
              <StudentAidTab
                org={org}
                federation={claims.fed}
                mayApply={recorder}
                maySetSchemes={SCHEME_SETTERS.includes(claims.role)}
              />
            ),
          },
        ]}
      />
    </div>
  );
}
