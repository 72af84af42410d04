import { useQuery } from "@tanstack/react-query";
import { Card, Col, List, Progress, Row, Statistic, Typography } from "antd";
import dayjs from "dayjs";
import type { ReactNode } from "react";
import type { Budget } from "../api/budgets";
import { call } from "../api/client";
import type { components as Events } from "../api/events";
import type { components as Finance } from "../api/finance";
import type { components as Membership } from "../api/membership";
import { ProblemAlert } from "../components/ProblemAlert";
import { useI18n } from "../i18n";
import { yuan } from "../money";
import { useOrg } from "../scope";
import { useSession } from "../session";
import { Link } from "react-router-dom";
import { deadLettersOfEveryService } from "../api/deadLetters";

type Balances = Finance["schemas"]["Balances"];
type MembershipReport = Membership["schemas"]["MembershipReportOut"];
type DuesOfMonth = Membership["schemas"]["DuesOfMonthOut"];
type CongressRollup = Events["schemas"]["CongressRollupOut"];

const enc = encodeURIComponent;
// The chart of accounts' bank and cash (finance domain/ledger.py BANK).
const BANK_ACCOUNT = "1001";
const PLATFORM_ADMIN = "platform_admin";
// How many unions with overdue proposals the tile names, most overdue first.
const TOP_OVERDUE = 5;

function Tile({ title, query, children }: { title: string; query: { error: unknown; isLoading: boolean }; children: ReactNode }) {
  return (
    <Card title={title} size="small" loading={query.isLoading} style={{ height: "100%" }}>
      {query.error ? <ProblemAlert error={query.error} /> : children}
    </Card>
  );
}

export default function Dashboard() {
  const { t, lang } = useI18n();
  const org = useOrg();
  const { claims } = useSession();
  const month = dayjs().format("YYYY-MM");
  // The platform's own organization keeps no books and has no members: its operators see the
  // platform's tiles there, and a federation's tiles when they open a federation.
  const books = !(claims.role === PLATFORM_ADMIN && org === claims.org);

  const report = useQuery({
    queryKey: ["membership-report", org],
    enabled: books,
    queryFn: () => call<MembershipReport>("membership", `/v1/organizations/${enc(org)}/membership-report`),
  });
  const dues = useQuery({
    queryKey: ["dues", org, month],
    enabled: books,
    queryFn: () => call<DuesOfMonth>("membership", `/v1/organizations/${enc(org)}/dues`, { query: { period: month } }),
  });
  const balances = useQuery({
    queryKey: ["balances", org],
    enabled: books,
    queryFn: () => call<Balances>("finance", `/v1/organizations/${enc(org)}/ledger/balances`),
  });
  const grants = useQuery({
    queryKey: ["grants-recorded", org],
    enabled: books,
    queryFn: () =>
      call<{ items: unknown[]; next_cursor: string | null }>("welfare", `/v1/organizations/${enc(org)}/grants`, {
        query: { status: "recorded", limit: 100 },
      }),
  });
  // This year's congresses of the selected organization and every union under it, in one read.
  const congress = useQuery({
    queryKey: ["congress-rollup", org],
    enabled: books,
    queryFn: () => call<CongressRollup>("events", `/v1/organizations/${enc(org)}/congress-rollup`),
  });
  // Dead letters belong to no federation: only the platform's operators may see them.
  const deadLetters = useQuery({
    queryKey: ["dead-letters-pending"],
    queryFn: async () => (await deadLettersOfEveryService("pending", 1)).reduce((sum, list) => sum + list.counts.pending, 0),
    enabled: claims.role === PLATFORM_ADMIN,
  });
  const budgets = useQuery({
    queryKey: ["budgets", org],
    enabled: books,
    queryFn: () => call<Budget[]>("finance", `/v1/organizations/${enc(org)}/budgets`),
  });

  const members = report.data?.total;
  const duesRows = dues.data?.members ?? [];
  const expected = duesRows.reduce((sum, m) => sum + (m.amount_fen ?? 0), 0);
  const collected = duesRows.filter((m) => m.paid).reduce((sum, m) => sum + (m.amount_fen ?? 0), 0);
  const bank = (balances.data?.accounts ?? []).filter((a) => a.code === BANK_ACCOUNT);
  const overdueUnions = (congress.data?.unions ?? [])
    .filter((u) => u.overdue > 0)
    .sort((a, b) => b.overdue - a.overdue)
    .slice(0, TOP_OVERDUE);
  const warnings = (budgets.data ?? []).filter((b) => b.amount_fen > 0 && (b.spent_fen + b.reserved_fen) / b.amount_fen >= 0.9);

  return (
    <div data-testid="dashboard">
      <Typography.Title level={2}>{t.dashboard}</Typography.Title>
      <Row gutter={[16, 16]}>
        {books && (
          <>
            <Col xs={24} md={12} xl={8}>
              <Tile title={t.members} query={report}>
                <Statistic title={t.members} value={members?.members ?? 0} />
                <Statistic
                  title={`${t.membershipRate}（${t.staffCount} ${members?.staff_count ?? "—"}）`}
                  value={members?.membership_rate_percent ?? "—"}
                  suffix={members?.membership_rate_percent != null ? "%" : undefined}
                />
              </Tile>
            </Col>
            <Col xs={24} md={12} xl={8}>
              <Tile title={`${t.duesThisMonth}（${month}）`} query={dues}>
                <Statistic title={t.duesCollected} value={yuan(collected)} />
                <Typography.Text type="secondary">
                  {t.duesExpected} {yuan(expected)}
                </Typography.Text>
                <Progress percent={expected ? Math.round((collected / expected) * 100) : 0} aria-label={t.duesThisMonth} />
              </Tile>
            </Col>
            <Col xs={24} md={12} xl={8}>
              <Tile title={t.bankBalances} query={balances}>
                <List
                  size="small"
                  dataSource={bank}
                  renderItem={(a) => (
                    <List.Item>
                      {lang === "zh" ? a.name_zh : a.name} <strong>{yuan(a.balance_fen)}</strong>
                    </List.Item>
                  )}
                />
              </Tile>
            </Col>
            <Col xs={24} md={12} xl={8}>
              <Tile title={t.grantsAwaiting} query={grants}>
                <Statistic
                  value={grants.data?.items.length ?? 0}
                  suffix={grants.data?.next_cursor ? t.more : undefined}
                />
              </Tile>
            </Col>
            <Col xs={24} md={12} xl={8}>
              <Tile title={t.overdueProposals} query={congress}>
                <Statistic value={congress.data?.total.overdue ?? 0} />
                <Typography.Text type="secondary">
                  {congress.data?.year} {t.proposalsOfYear} {congress.data?.total.proposals ?? 0} · {t.answered}{" "}
                  {congress.data?.total.answered ?? 0}
                </Typography.Text>
                {overdueUnions.length > 0 && (
                  <List
                    size="small"
                    dataSource={overdueUnions}
                    renderItem={(u) => (
                      <List.Item>
                        {u.name} <strong>{u.overdue}</strong>
                      </List.Item>
                    )}
                  />
                )}
              </Tile>
            </Col>
            <Col xs={24} md={12} xl={8}>
              <Tile title={t.budgetWarnings} query={budgets}>
                {warnings.length === 0 ? (
                  <Typography.Text type="secondary">{t.noWarnings}</Typography.Text>
                ) : (
                  <List
                    size="small"
                    dataSource={warnings}
                    renderItem={(b) => (
                      <List.Item>
                        {b.fiscal_year} {b.category_account}{" "}
                        <Progress
                          percent={Math.round(((b.spent_fen + b.reserved_fen) / b.amount_fen) * 100)}
                          status={b.spent_fen + b.reserved_fen > b.amount_fen ? "exception" : "active"}
                          aria-label={`${b.category_account}`}
                        />
                      </List.Item>
                    )}
                  />
                )}
              </Tile>
            </Col>
          </>
        )}
        {claims.role === PLATFORM_ADMIN && (
          <Col xs={24} md={12} xl={8}>
            <Tile title={t.deadLetters} query={deadLetters}>
              <Link to={`/o/${enc(org)}/dead-letters`} data-testid="dead-letters-tile">
                <Statistic value={deadLetters.data ?? 0} />
              </Link>
              <Typography.Text type="secondary">{t.deadLettersNote}</Typography.Text>
            </Tile>
          </Col>
        )}
      </Row>
    </div>
  );
}
