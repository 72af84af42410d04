import { Tabs, Typography } from "antd";
import { useNavigate, useParams } from "react-router-dom";
import { useI18n } from "../../i18n";
import { useOrg } from "../../scope";
import { useSession } from "../../session";
import { ArrearsTab } from "./ArrearsTab";
import { CollectionTab } from "./CollectionTab";
import { PolicyTab } from "./PolicyTab";
import { DUES_COLLECTORS } from "./shared";

/** 会费: a month's collection (previewed first), arrears by union and member, the federation's policy. */
export default function DuesDesk() {
  const { t } = useI18n();
  const d = t.duesDesk;
  const org = useOrg();
  const { claims } = useSession();
  const { tab = "collection" } = useParams();
  const navigate = useNavigate();
  return (
    <div data-testid="dues-desk">
      <Typography.Title level={2}>{d.title}</Typography.Title>
      <Tabs
        activeKey={tab}
        destroyInactiveTabPane
        onChange={(key) => navigate(`/o/${encodeURIComponent(org)}/dues/${key}`)}
        items={[
          {
            key: "collection",
            label: d.collection,
            children: <CollectionTab org={org} mayCollect={DUES_COLLECTORS.includes(claims.role)} />,
          },
          { key: "arrears", label: d.arrears, children: <ArrearsTab org={org} /> },
          { key: "policy", label: d.policy, children: <PolicyTab federation={claims.fed} /> },
        ]}
      />
    </div>
  );
}
