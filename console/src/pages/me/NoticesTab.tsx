import { useQuery } from "@tanstack/react-query";
import { Card, Empty, List, Typography } from "antd";
import { call } from "../../api/client";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import type { Notice } from "./api";

/** The union's public notices (公示) running today. */
export function NoticesTab() {
  const m = useI18n().t.me;
  const list = useQuery({ queryKey: ["me", "notices"], queryFn: () => call<Notice[]>("events", "/v1/me/public-notices") });
  if (list.error) return <ProblemAlert error={list.error} />;
  if (!list.data) return <Card loading />;
  if (list.data.length === 0) return <Empty description={m.noNotices} />;
  return (
    <List
      data-testid="my-notices"
      dataSource={list.data}
      renderItem={(n) => (
        <List.Item>
          <List.Item.Meta
            title={`${n.member_name} · ${m.awards[n.award] ?? n.award}（${n.year}）`}
            description={
              <>
                <Typography.Paragraph style={{ marginBottom: 4 }}>{n.citation}</Typography.Paragraph>
                <Typography.Text type="secondary">
                  {m.noticePeriod} {n.notice_starts_on} – {n.notice_ends_on}
                </Typography.Text>
              </>
            }
          />
        </List.Item>
      )}
    />
  );
}
