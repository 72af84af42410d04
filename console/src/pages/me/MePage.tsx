import { useQuery } from "@tanstack/react-query";
import { Button, Layout, Space, Tabs, Typography } from "antd";
import { useNavigate, useParams } from "react-router-dom";
import { call } from "../../api/client";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import type { Me } from "./api";
import { ActivitiesTab } from "./ActivitiesTab";
import { DuesTab } from "./DuesTab";
import { NoticesTab } from "./NoticesTab";
import { ProposalsTab } from "./ProposalsTab";
import { SurveysTab } from "./SurveysTab";
import { MyEvaluationsTab } from "../evaluations/MyEvaluationsTab";

const TABS = ["dues", "activities", "surveys", "proposals", "notices"] as const;

/**
 * A member's own page, phone first (390 px wide and up): their dues, the activities they may join,
 * the surveys they are asked to answer, the proposals they may second, the union's notices.
 * Everything comes from /v1/me: the member the sign-in names, never one chosen here.
 */
export default function MePage() {
  const { t, lang, setLang } = useI18n();
  const m = t.me;
  const { claims, signOut } = useSession();
  const navigate = useNavigate();
  const wanted = useParams().tab ?? "";
  const tab = (TABS as readonly string[]).includes(wanted) ? wanted : "dues";
  const me = useQuery({ queryKey: ["me"], queryFn: () => call<Me>("membership", "/v1/me") });

  return (
    <Layout style={{ minHeight: "100vh", background: "#fff" }}>
      <Layout.Header
        style={{ background: "#b71c1c", padding: "0 12px", display: "flex", alignItems: "center", justifyContent: "space-between", height: 56 }}
      >
        <Typography.Title level={1} style={{ color: "#fff", fontSize: 17, margin: 0 }}>
          {m.title}
        </Typography.Title>
        <Space size={4}>
          <Button size="small" onClick={() => setLang(lang === "zh" ? "en" : "zh")}>
            {t.language}
          </Button>
          <Button size="small" onClick={signOut}>
            {t.signOut}
          </Button>
        </Space>
      </Layout.Header>
      <Layout.Content style={{ padding: "8px 12px 24px", maxWidth: 560, width: "100%", margin: "0 auto" }}>
        <main>
          <Typography.Paragraph style={{ margin: "4px 0 0" }} data-testid="whoami">
            <Typography.Text strong>{me.data?.display_name ?? claims.name ?? claims.preferred_username}</Typography.Text>
            {me.data && (
              <Typography.Text type="secondary">
                {" · "}
                {m.union} {me.data.union_name}
                {me.data.organization_id !== me.data.union_id ? ` · ${me.data.organization_name}` : ""}
              </Typography.Text>
            )}
          </Typography.Paragraph>
          {me.error ? <ProblemAlert error={me.error} /> : null}
          <Tabs
            activeKey={tab}
            onChange={(key) => navigate(`/me/${key}`)}
            tabBarGutter={14}
            items={[
              { key: "dues", label: m.dues, children: <DuesTab /> },
              { key: "activities", label: m.activities, children: <ActivitiesTab /> },
              { key: "surveys", label: m.surveys, children: <SurveysTab /> },
              { key: "proposals", label: m.proposals, children: <ProposalsTab /> },
              { key: "notices", label: m.notices, children: <NoticesTab /> },
              { key: "evaluations", label: t.evaluations.evaluationsTab, children: <MyEvaluationsTab /> },
            ]}
          />
        </main>
      </Layout.Content>
    </Layout>
  );
}
