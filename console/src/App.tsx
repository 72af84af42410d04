import { lazy, Suspense, useEffect, useMemo } from "react";
import { useAuth, hasAuthParams } from "react-oidc-context";
import { BrowserRouter, Navigate, Route, Routes } from "react-router-dom";
import { App as AntApp, ConfigProvider, Result, Spin } from "antd";
import zhCN from "antd/locale/zh_CN";
import enUS from "antd/locale/en_US";
import { claimsOf } from "./auth";
import { useI18n } from "./i18n";
import { useAccessToken } from "./api/client";
import { SessionContext } from "./session";
import { ConsoleLayout } from "./Layout";

// One chunk per desk: the first screen loads the dashboard only.
const Dashboard = lazy(() => import("./pages/Dashboard"));
const FinanceDesk = lazy(() => import("./pages/finance/FinanceDesk"));
const EntryPage = lazy(() => import("./pages/finance/EntryPage"));
const AuditDesk = lazy(() => import("./pages/AuditDesk"));
const AccountsPage = lazy(() => import("./pages/AccountsPage"));
const DeadLettersPage = lazy(() => import("./pages/DeadLettersPage"));
const WelfareDesk = lazy(() => import("./pages/welfare/WelfareDesk"));
const MembersDesk = lazy(() => import("./pages/members/MembersDesk"));
const MemberCard = lazy(() => import("./pages/members/MemberCard"));
const ActivitiesDesk = lazy(() => import("./pages/activities/ActivitiesDesk"));
const ActivityPage = lazy(() => import("./pages/activities/ActivityPage"));
const CongressDesk = lazy(() => import("./pages/congress/CongressDesk"));
const SessionPage = lazy(() => import("./pages/congress/SessionPage"));
const MePage = lazy(() => import("./pages/me/MePage"));
const DuesDesk = lazy(() => import("./pages/dues/DuesDesk"));
const EnterprisesDesk = lazy(() => import("./pages/enterprises/EnterprisesDesk"));
const SafetyDesk = lazy(() => import("./pages/safety/SafetyDesk"));
const HomeDesk = lazy(() => import("./pages/home/HomeDesk"));
const ReportsDesk = lazy(() => import("./pages/reports/ReportsDesk"));
const UnionContractsDesk = lazy(() => import("./pages/enterprises/UnionContractsDesk"));
const RightsDesk = lazy(() => import("./pages/rights/RightsDesk"));
const ImprovementsDesk = lazy(() => import("./pages/improvements/ImprovementsDesk"));
const SkillsDesk = lazy(() => import("./pages/skills/SkillsDesk"));
const InfoDesk = lazy(() => import("./pages/info/InfoDesk"));
const ChecksDesk = lazy(() => import("./pages/checks/ChecksDesk"));
const WorkersDesk = lazy(() => import("./pages/workers/WorkersDesk"));
const HelpDesk = lazy(() => import("./pages/help/HelpDesk"));
const MutualAidDesk = lazy(() => import("./pages/mutualaid/MutualAidDesk"));
const EvaluationsDesk = lazy(() => import("./pages/evaluations/EvaluationsDesk"));
// The one page without sign-in: a parent's evaluation form, opened with the code printed on it.
const OutsideFormPage = lazy(() => import("./pages/evaluations/OutsideFormPage"));
export const PUBLIC_EVALUATION_PATH = "/evaluate";

// Secondary text and links darker than antd's defaults: 4.5:1 contrast on white (WCAG AA).
const theme = {
  token: {
    colorPrimary: "#b71c1c",
    colorLink: "#0050b3",
    colorError: "#cf1322",
    colorSuccess: "#237804",
    colorTextSecondary: "rgba(0, 0, 0, 0.68)",
    colorTextTertiary: "rgba(0, 0, 0, 0.62)",
    colorTextDescription: "rgba(0, 0, 0, 0.62)",
    colorTextPlaceholder: "rgba(0, 0, 0, 0.55)",
    borderRadius: 4,
  },
};

export function App() {
  const { lang, t } = useI18n();
  return (
    <ConfigProvider locale={lang === "zh" ? zhCN : enUS} theme={theme}>
      <AntApp>
        {window.location.pathname === PUBLIC_EVALUATION_PATH ? (
          <Lazy>
            <OutsideFormPage />
          </Lazy>
        ) : (
          <SignedIn fallback={<Spin fullscreen tip={t.signingIn} />} />
        )}
      </AntApp>
    </ConfigProvider>
  );
}

function SignedIn({ fallback }: { fallback: JSX.Element }) {
  const auth = useAuth();
  const { t } = useI18n();

  // Nobody sees the console unsigned: off to Keycloak, and back to the same address afterwards.
  useEffect(() => {
    if (!hasAuthParams() && !auth.isAuthenticated && !auth.activeNavigator && !auth.isLoading && !auth.error) {
      void auth.signinRedirect({ state: window.location.pathname + window.location.search });
    }
  }, [auth]);

  const token = auth.user?.access_token;
  useAccessToken(() => auth.user?.access_token);
  const session = useMemo(
    () =>
      token
        ? {
            claims: claimsOf(token),
            signOut: () => void auth.signoutRedirect({ id_token_hint: auth.user?.id_token }),
          }
        : null,
    [token], // eslint-disable-line react-hooks/exhaustive-deps
  );

  if (auth.error) {
    return <Result status="error" title={t.signingIn} subTitle={auth.error.message} />;
  }
  if (!session) return fallback;
  // A member's home is their own page (/me); the organization desks are the officers'.
  const member = session.claims.role === "member";
  const home = member ? "/me" : `/o/${encodeURIComponent(session.claims.org)}`;
  return (
    <SessionContext.Provider value={session}>
      <BrowserRouter>
        <Routes>
          <Route path="/" element={<Navigate to={home} replace />} />
          <Route path="/me/:tab?" element={member ? <Lazy><MePage /></Lazy> : <Navigate to={home} replace />} />
          <Route path="/o/:org" element={member ? <Navigate to={home} replace /> : <ConsoleLayout />}>
            <Route index element={<Lazy><Dashboard /></Lazy>} />
            <Route path="finance/entries/:postingId" element={<Lazy><EntryPage /></Lazy>} />
            <Route path="finance/:tab?" element={<Lazy><FinanceDesk /></Lazy>} />
            <Route path="audit/:tab?" element={<Lazy><AuditDesk /></Lazy>} />
            <Route path="accounts" element={<Lazy><AccountsPage /></Lazy>} />
            <Route path="dead-letters" element={<Lazy><DeadLettersPage /></Lazy>} />
            <Route path="welfare/:tab?/:id?" element={<Lazy><WelfareDesk /></Lazy>} />
            <Route path="members" element={<Lazy><MembersDesk /></Lazy>} />
            <Route path="members/:memberId" element={<Lazy><MemberCard /></Lazy>} />
            <Route path="activities" element={<Lazy><ActivitiesDesk /></Lazy>} />
            <Route path="activities/:activityId" element={<Lazy><ActivityPage /></Lazy>} />
            <Route path="congress/sessions/:sessionId" element={<Lazy><SessionPage /></Lazy>} />
            <Route path="congress/:tab?" element={<Lazy><CongressDesk /></Lazy>} />
            <Route path="dues/:tab?" element={<Lazy><DuesDesk /></Lazy>} />
            <Route path="enterprises/:tab?" element={<Lazy><EnterprisesDesk /></Lazy>} />
            <Route path="safety/:tab?" element={<Lazy><SafetyDesk /></Lazy>} />
            <Route path="home/:tab?" element={<Lazy><HomeDesk /></Lazy>} />
            <Route path="reports/:tab?" element={<Lazy><ReportsDesk /></Lazy>} />
            <Route path="contracts" element={<Lazy><UnionContractsDesk /></Lazy>} />
            <Route path="rights" element={<Lazy><RightsDesk /></Lazy>} />
            <Route path="improvements" element={<Lazy><ImprovementsDesk /></Lazy>} />
            <Route path="skills" element={<Lazy><SkillsDesk /></Lazy>} />
            <Route path="info" element={<Lazy><InfoDesk /></Lazy>} />
            <Route path="checks" element={<Lazy><ChecksDesk /></Lazy>} />
            <Route path="workers/:tab?" element={<Lazy><WorkersDesk /></Lazy>} />
            <Route path="help/:tab?" element={<Lazy><HelpDesk /></Lazy>} />
            <Route path="mutual-aid" element={<Lazy><MutualAidDesk /></Lazy>} />
            <Route path="evaluations" element={<Lazy><EvaluationsDesk /></Lazy>} />
          </Route>
          <Route path="*" element={<Result status="404" title="404" subTitle={t.notFound} />} />
        </Routes>
      </BrowserRouter>
    </SessionContext.Provider>
  );
}

function Lazy({ children }: { children: JSX.Element }) {
  return <Suspense fallback={<Spin style={{ margin: 48 }} />}>{children}</Suspense>;
}
