import { Tabs, Typography } from "antd";
import { INFO_OFFICERS } from "../../api/infoRows";
import { useI18n } from "../../i18n";
import { useOrg, useSubtree } from "../../scope";
import { useSession } from "../../session";
import { ItemsTab } from "./ItemsTab";
import { PointsTab } from "./PointsTab";
import { RankingTab } from "./RankingTab";

/** 信息报送: a union's items (written, submitted), the level above's inbox (adopt at a level or decline),
 * the federation's points table and the year's ranking of the unions by points. */
export default function InfoDesk() {
  const { t } = useI18n();
  const s = t.info;
  const org = useOrg();
  const { claims } = useSession();
  const subtree = useSubtree();
  const here = subtree.data?.find((o) => o.id === org);
  const officer = INFO_OFFICERS.includes(claims.role);
  // A union writes its own items; the level above (the viewer's organization above the items') reviews.
  const writes = officer && claims.org === org && !!here?.parent_id;
  const reviews = officer && (subtree.data ?? []).some((o) => o.parent_id === claims.org && o.kind !== "union_group");
  return (
    <div data-testid="info-desk">
      <Typography.Title level={2}>{s.desk}</Typography.Title>
      <Typography.Paragraph type="secondary">{s.intro}</Typography.Paragraph>
      <Tabs
        key={reviews ? "reviews" : "writes"}
        defaultActiveKey={reviews && !writes ? "inbox" : "items"}
        destroyInactiveTabPane
        items={[
          ...(reviews
            ? [{ key: "inbox", label: s.inbox, children: <ItemsTab org={org} inbox writes={false} /> }]
            : []),
          { key: "items", label: s.items, children: <ItemsTab org={org} inbox={false} writes={writes} /> },
          { key: "ranking", label: s.ranking, children: <RankingTab org={org} /> },
          { key: "points", label: s.points, children: <PointsTab federation={claims.fed} /> },
        ]}
      />
    </div>
  );
}
