import { Outlet, useLocation, useNavigate } from "react-router-dom";
import { Button, Layout, Menu, Space, TreeSelect, Typography } from "antd";
import {
  AccountBookOutlined,
  AlertOutlined,
  AuditOutlined,
  FormOutlined,
  BankOutlined,
  BarChartOutlined,
  BulbOutlined,
  CarOutlined,
  DashboardOutlined,
  FileSearchOutlined,
  GiftOutlined,
  HomeOutlined,
  HeartOutlined,
  IdcardOutlined,
  MoneyCollectOutlined,
  SafetyOutlined,
  ShopOutlined,
  TeamOutlined,
  ToolOutlined,
  FileTextOutlined,
  TrophyOutlined,
  WalletOutlined,
} from "@ant-design/icons";
import { ENTERPRISE_READERS, IMPROVEMENT_READERS, RIGHTS_READERS } from "./api/streetRows";
import { CHECK_READERS } from "./api/checksRows";
import { SKILLS_READERS } from "./api/skillsRows";
import { INFO_READERS } from "./api/infoRows";
import { WORKER_READERS } from "./api/workersRows";
import { REPORT_READERS } from "./api/reportRows";
import { SAFETY_READERS } from "./api/safetyRows";
import { HELP_READERS } from "./api/helpRows";
import { HOME_READERS } from "./api/homeRows";
import { ENTERPRISE_UNION_CONTRACT_READERS, isEnterpriseUnion } from "./api/contractRows";
import { MUTUAL_AID_READERS } from "./api/mutualAidRows";
import { EVALUATION_READERS } from "./api/evaluationsRows";
import { useMemo } from "react";
import { useI18n } from "./i18n";
import { useSession } from "./session";
import { scopeTree, useOrg, useSubtree } from "./scope";
import { ACCOUNT_MANAGERS } from "./auth";

// Welfare's readers of grants and greetings (a member sees no desk there).
const WELFARE_ROLES = ["welfare_officer", "union_officer", "federation_admin", "auditor"];
// Membership's dues readers (its OFFICERS and the auditor).
const DUES_ROLES = ["federation_admin", "union_officer", "auditor"];
const AUDIT_ROLES = ["auditor", "federation_admin", "union_officer", "platform_admin"];

export function ConsoleLayout() {
  const { t, lang, setLang } = useI18n();
  const { claims, signOut } = useSession();
  const org = useOrg();
  const navigate = useNavigate();
  const location = useLocation();
  const subtree = useSubtree();
  const tree = useMemo(() => scopeTree(subtree.data ?? []), [subtree.data]);

  const base = `/o/${encodeURIComponent(org)}`;
  const rest = location.pathname.slice(base.length);
  const desk = rest.split("/")[1] ?? "";
  const items = [
    { key: "", icon: <DashboardOutlined />, label: t.dashboard },
    { key: "members", icon: <IdcardOutlined />, label: t.memberDesk.nav },
    ...(DUES_ROLES.includes(claims.role) ? [{ key: "dues", icon: <AccountBookOutlined />, label: t.duesDesk.nav }] : []),
    { key: "finance", icon: <MoneyCollectOutlined />, label: t.finance },
    ...(WELFARE_ROLES.includes(claims.role) ? [{ key: "welfare", icon: <HeartOutlined />, label: t.welfare.desk }] : []),
    ...(MUTUAL_AID_READERS.includes(claims.role) ? [{ key: "mutual-aid", icon: <WalletOutlined />, label: t.mutualAid.desk }] : []),
    { key: "activities", icon: <TrophyOutlined />, label: t.activities.desk },
    { key: "congress", icon: <BankOutlined />, label: t.congress.desk },
    ...(ENTERPRISE_READERS.includes(claims.role) ? [{ key: "enterprises", icon: <ShopOutlined />, label: t.enterprises.desk }] : []),
    // An enterprise's union reads its enterprise's contracts, not the federation's register.
    ...(ENTERPRISE_UNION_CONTRACT_READERS.includes(claims.role) && isEnterpriseUnion(subtree.data?.find((o) => o.id === org))
      ? [{ key: "contracts", icon: <ShopOutlined />, label: t.contractRegister.desk }]
      : []),
    ...(WORKER_READERS.includes(claims.role) ? [{ key: "workers", icon: <CarOutlined />, label: t.workers.desk }] : []),
    ...(RIGHTS_READERS.includes(claims.role) ? [{ key: "rights", icon: <SafetyOutlined />, label: t.rights.desk }] : []),
    ...(SAFETY_READERS.includes(claims.role) ? [{ key: "safety", icon: <AlertOutlined />, label: t.safety.desk }] : []),
    ...(REPORT_READERS.includes(claims.role) ? [{ key: "reports", icon: <BarChartOutlined />, label: t.reports.desk }] : []),
    ...(IMPROVEMENT_READERS.includes(claims.role) ? [{ key: "improvements", icon: <BulbOutlined />, label: t.improvements.desk }] : []),
    ...(SKILLS_READERS.includes(claims.role) ? [{ key: "skills", icon: <ToolOutlined />, label: t.skills.desk }] : []),
    ...(INFO_READERS.includes(claims.role) ? [{ key: "info", icon: <FileTextOutlined />, label: t.info.desk }] : []),
    ...(CHECK_READERS.includes(claims.role) ? [{ key: "checks", icon: <FileSearchOutlined />, label: t.checks.desk }] : []),
    ...(HELP_READERS.includes(claims.role) ? [{ key: "help", icon: <GiftOutlined />, label: t.help.desk }] : []),
    ...(HOME_READERS.includes(claims.role) ? [{ key: "home", icon: <HomeOutlined />, label: t.home.desk }] : []),
    ...(EVALUATION_READERS.includes(claims.role) ? [{ key: "evaluations", icon: <FormOutlined />, label: t.evaluations.desk }] : []),
    ...(AUDIT_ROLES.includes(claims.role) ? [{ key: "audit", icon: <AuditOutlined />, label: t.audit }] : []),
    ...(ACCOUNT_MANAGERS.includes(claims.role) ? [{ key: "accounts", icon: <TeamOutlined />, label: t.accounts }] : []),
  ];

  return (
    <Layout style={{ minHeight: "100vh" }}>
      <Layout.Sider breakpoint="lg" collapsedWidth={0} theme="light" width={200}>
        <Typography.Title level={1} style={{ fontSize: 16, margin: 16 }}>
          {t.appName}
        </Typography.Title>
        <nav aria-label={t.appName}>
          <Menu
            mode="inline"
            selectedKeys={[desk]}
            items={items}
            onClick={({ key }) => navigate(key ? `${base}/${key}` : base)}
          />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header
          className="no-print"
          style={{ background: "#fff", padding: "0 16px", display: "flex", alignItems: "center", justifyContent: "space-between" }}
        >
          <Space>
            <label htmlFor="scope-picker">{t.scope}</label>
            <TreeSelect
              id="scope-picker"
              data-testid="scope-picker"
              style={{ width: 320 }}
              value={org}
              treeData={tree.length ? tree : [{ value: org, title: org, children: [] }]}
              treeDefaultExpandedKeys={[claims.org]}
              showSearch
              treeNodeFilterProp="title"
              loading={subtree.isLoading}
              onChange={(next: string) => navigate(`/o/${encodeURIComponent(next)}${rest.startsWith("/finance/entries") ? "/finance" : rest.startsWith("/members/") ? "/members" : rest.startsWith("/activities/") ? "/activities" : rest.startsWith("/congress/sessions/") ? "/congress" : rest}`)}
            />
          </Space>
          <Space>
            <Typography.Text data-testid="whoami">
              {claims.preferred_username ?? claims.sub} · {t.roles[claims.role] ?? claims.role}
            </Typography.Text>
            <Button size="small" onClick={() => setLang(lang === "zh" ? "en" : "zh")}>
              {t.language}
            </Button>
            <Button size="small" onClick={signOut}>
              {t.signOut}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ margin: 16 }}>
          <main>
            <Outlet />
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
