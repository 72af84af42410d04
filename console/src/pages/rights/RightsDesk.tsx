import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Checkbox, Form, Input, Select, Space, Table, Tag, Timeline, Typography } from "antd";
import { useMemo, useState } from "react";
import { ACCOUNT_MANAGERS } from "../../auth";
import { call } from "../../api/client";
import type { components } from "../../api/membership";
import { useOrganizationNames } from "../../api/members";
import type { RightsCase } from "../../api/streetRows";
import { CASE_STAGES, CLAIM_KINDS, RIGHTS_OPENERS, fill } from "../../api/streetRows";
import type { RightsWeek } from "../../api/skillsRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";
import { useOrg } from "../../scope";
import { useSession } from "../../session";
import { HandOver, MoveCase } from "./CaseActions";
import { OpenCase } from "./OpenCase";
import { RightsWeeksCard } from "./RightsWeeksCard";
import { StatisticsCard } from "./StatisticsCard";

type Account = components["schemas"]["AccountOut"];
type AccountPage = components["schemas"]["AccountPage"];

const enc = encodeURIComponent;

interface Filters {
  stage?: string;
  claim_kind?: string;
  overdue?: boolean;
  rights_week?: string;
}

// Solid colours with white text: antd's light presets fall short of 4.5:1 contrast.
const STAGE_COLOURS: Record<string, string> = {
  accepted: "#0050b3",
  mediation: "#0050b3",
  arbitration: "#874d00",
  litigation: "#874d00",
  closed: "#237804",
};

/** The organization's officers who may handle a case, by name (their account ids are the case's handler). */
export function useHandlers(org: string) {
  const { claims } = useSession();
  const accounts = useQuery({
    queryKey: ["accounts", org],
    queryFn: async () => {
      const all: Account[] = [];
      let cursor: string | null | undefined;
      do {
        const page: AccountPage = await call<AccountPage>("membership", `/v1/organizations/${enc(org)}/accounts`, { query: { cursor } });
        all.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor);
      return all;
    },
    enabled: ACCOUNT_MANAGERS.includes(claims.role),
    staleTime: 60_000,
  });
  return useMemo(() => {
    const officers = (accounts.data ?? []).filter((a) => a.enabled && RIGHTS_OPENERS.includes(a.role));
    const byId = new Map((accounts.data ?? []).map((a) => [a.id, a]));
    const nameOf = (subject: string) => {
      if (subject === claims.sub) return `${claims.preferred_username ?? subject}`;
      const a = byId.get(subject);
      return a ? `${a.display_name}（${a.username}）` : subject;
    };
    return { officers, nameOf, loading: accounts.isLoading };
  }, [accounts.data, accounts.isLoading, claims.sub, claims.preferred_username]);
}

/** 维权: the workers' rights cases of the scope, their stages and deadlines, and the period's statistics. */
export default function RightsDesk() {
  const { t } = useI18n();
  const r = t.rights;
  const org = useOrg();
  const { claims } = useSession();
  const client = useQueryClient();
  const { nameOf: orgName } = useOrganizationNames();
  const handlers = useHandlers(org);
  const [filters, setFilters] = useState<Filters>({});
  // A rights week's cases, chosen from the weeks card: the service filters by the week's activity.
  const [week, setWeek] = useState<RightsWeek | null>(null);
  const [opening, setOpening] = useState(false);
  const [moving, setMoving] = useState<RightsCase | null>(null);
  const [handing, setHanding] = useState<RightsCase | null>(null);
  const opener = RIGHTS_OPENERS.includes(claims.role);
  const admin = claims.role === "federation_admin";
  const cases = useQuery({
    queryKey: ["rights-cases", org, filters.rights_week ?? null, week?.activity_id ?? null],
    queryFn: () =>
      call<RightsCase[]>("welfare", `/v1/organizations/${enc(org)}/rights-cases`, {
        query: { rights_week: filters.rights_week, rights_week_id: week?.activity_id },
      }),
    placeholderData: keepPreviousData,
  });
  // The newest first: the service answers by acceptance, oldest first.
  const rows = (cases.data ?? [])
    .filter(
      (c) =>
        (!filters.stage || c.stage === filters.stage) &&
        (!filters.claim_kind || c.claim_kind === filters.claim_kind) &&
        (!filters.overdue || c.overdue),
    )
    .sort((a, b) => b.accepted_on.localeCompare(a.accepted_on) || (b.created_at ?? "").localeCompare(a.created_at ?? ""));
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ["rights-cases"] });
    void client.invalidateQueries({ queryKey: ["rights-statistics"] });
    void client.invalidateQueries({ queryKey: ["rights-case"] });
    void client.invalidateQueries({ queryKey: ["rights-weeks"] });
  };
  const mayMove = (c: RightsCase) => c.stage !== "closed" && (admin || (opener && c.handled_by === claims.sub));
  return (
    <div data-testid="rights-desk">
      <Space style={{ width: "100%", justifyContent: "space-between" }}>
        <Typography.Title level={2}>{r.desk}</Typography.Title>
        {opener && (
          <Button type="primary" data-testid="open-case" onClick={() => setOpening(true)}>
            {r.openCase}
          </Button>
        )}
      </Space>
      <Space direction="vertical" style={{ width: "100%" }} size="large">
        <StatisticsCard org={org} />
        <RightsWeeksCard org={org} onShowCases={setWeek} />
        <div>
          <Form<Filters>
            name="rights-filter"
            layout="inline"
            onFinish={(v) =>
              setFilters({
                stage: v.stage || undefined,
                claim_kind: v.claim_kind || undefined,
                overdue: v.overdue || undefined,
                rights_week: v.rights_week?.trim() || undefined,
              })
            }
            style={{ marginBottom: 16, rowGap: 8 }}
            aria-label={t.search}
            data-testid="rights-filters"
          >
            <Form.Item name="stage" label={r.stage}>
              <Select
                allowClear
                placeholder={r.anyStage}
                style={{ width: 120 }}
                options={CASE_STAGES.map((s) => ({ value: s, label: r.stages[s] }))}
              />
            </Form.Item>
            <Form.Item name="claim_kind" label={r.claimKind}>
              <Select allowClear style={{ width: 150 }} options={CLAIM_KINDS.map((k) => ({ value: k, label: r.claimKinds[k] }))} />
            </Form.Item>
            <Form.Item name="rights_week" label={r.rightsWeek} rules={[{ pattern: /^\s*\d{4}-(0[1-9]|1[0-2])\s*$/, message: r.rightsWeekShape }]}>
              <Input style={{ width: 100 }} placeholder="2026-11" allowClear />
            </Form.Item>
            <Form.Item name="overdue" valuePropName="checked">
              <Checkbox>{r.onlyOverdue}</Checkbox>
            </Form.Item>
            <Form.Item>
              <Space>
                <Button type="primary" htmlType="submit">
                  {t.search}
                </Button>
                <Button htmlType="reset" onClick={() => setFilters({})}>
                  {t.reset}
                </Button>
              </Space>
            </Form.Item>
          </Form>
          {week && (
            <Alert
              type="info"
              showIcon
              data-testid="week-filter"
              style={{ marginBottom: 16 }}
              message={fill(t.rightsWeeks.filtered, { title: week.title })}
              action={
                <Button size="small" onClick={() => setWeek(null)}>
                  {t.rightsWeeks.showAll}
                </Button>
              }
            />
          )}
          {rows.length > 0 && !rows.some((c) => c.details_visible) && (
            <Typography.Paragraph type="secondary">{r.detailsWithheld}</Typography.Paragraph>
          )}
          {cases.error ? (
            <ProblemAlert error={cases.error} />
          ) : (
            <Table<RightsCase>
              data-testid="rights-cases"
              rowKey="id"
              size="small"
              loading={cases.isFetching}
              dataSource={rows}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              scroll={{ x: "max-content" }}
              expandable={{ expandedRowRender: (c) => <CaseHistory caseId={c.id} nameOf={handlers.nameOf} /> }}
              columns={[
                { title: r.employer, dataIndex: "employer_name" },
                { title: r.claimKind, dataIndex: "claim_kind_label", width: 110 },
                {
                  title: r.workers,
                  key: "workers",
                  render: (_, c) =>
                    c.workers.map((w) => (w.name ? `${w.name}${w.is_member ? `（${r.members}）` : ""}` : w.pseudonym)).join("、"),
                },
                { title: t.welfare.union, dataIndex: "organization_id", render: (id: string) => orgName(id) },
                { title: r.claimed, dataIndex: "claimed_fen", align: "right", width: 120, render: yuan },
                {
                  title: r.recovered,
                  dataIndex: "recovered_fen",
                  align: "right",
                  width: 120,
                  render: (fen: number) => <span data-testid="case-recovered">{yuan(fen)}</span>,
                },
                {
                  title: r.stage,
                  dataIndex: "stage",
                  width: 90,
                  render: (s: string, c) => (
                    <Tag color={STAGE_COLOURS[s]} data-testid="case-stage" data-stage={s}>
                      {c.stage_label}
                    </Tag>
                  ),
                },
                { title: r.acceptedOn, dataIndex: "accepted_on", width: 110 },
                {
                  title: r.deadline,
                  key: "deadline",
                  width: 170,
                  render: (_, c) => (
                    <Space size={4}>
                      {c.deadline_on}
                      {c.overdue && (
                        <Tag color="#a8071a" data-testid="case-overdue">
                          {r.overdue}
                        </Tag>
                      )}
                    </Space>
                  ),
                },
                {
                  title: r.outcome,
                  dataIndex: "outcome",
                  // The table scrolls sideways rather than squeezing columns; a long outcome still wraps.
                  render: (o: string) => <span style={{ display: "inline-block", minWidth: 120, maxWidth: 260, whiteSpace: "normal" }}>{o || "—"}</span>,
                },
                { title: r.handler, dataIndex: "handled_by", render: (s: string) => handlers.nameOf(s) },
                {
                  title: "",
                  key: "actions",
                  fixed: "right",
                  render: (_, c) => (
                    <Space wrap>
                      {mayMove(c) && (
                        <Button size="small" type="primary" data-testid="move-case" onClick={() => setMoving(c)}>
                          {r.move}
                        </Button>
                      )}
                      {admin && c.stage !== "closed" && (
                        <Button size="small" data-testid="hand-over" onClick={() => setHanding(c)}>
                          {r.handOver}
                        </Button>
                      )}
                    </Space>
                  ),
                },
              ]}
            />
          )}
        </div>
      </Space>
      {opening && (
        <OpenCase
          org={org}
          onClose={() => setOpening(false)}
          onOpened={() => {
            setOpening(false);
            refresh();
          }}
        />
      )}
      {moving && (
        <MoveCase
          rightsCase={moving}
          onClose={() => setMoving(null)}
          onMoved={() => {
            setMoving(null);
            refresh();
          }}
        />
      )}
      {handing && (
        <HandOver
          rightsCase={handing}
          officers={handlers.officers}
          onClose={() => setHanding(null)}
          onHanded={() => {
            setHanding(null);
            refresh();
          }}
        />
      )}
    </div>
  );
}

/** The stages a case went through, each with its date and deadline. */
function CaseHistory({ caseId, nameOf }: { caseId: string; nameOf: (subject: string) => string }) {
  const { t } = useI18n();
  const r = t.rights;
  const one = useQuery({
    queryKey: ["rights-case", caseId],
    queryFn: () => call<RightsCase>("welfare", `/v1/rights-cases/${enc(caseId)}`),
  });
  if (one.error) return <ProblemAlert error={one.error} />;
  return (
    <div data-testid="case-history" style={{ paddingTop: 8 }}>
      <Typography.Text strong>{r.history}</Typography.Text>
      <Timeline
        style={{ marginTop: 12 }}
        items={(one.data?.stages ?? []).map((s) => ({
          children: (
            <span>
              {r.stages[s.stage] ?? s.stage} · {s.entered_on}
              {s.deadline_on ? ` · ${r.deadline} ${s.deadline_on}` : ""} · {nameOf(s.moved_by)}
              {s.note ? ` · ${s.note}` : ""}
            </span>
          ),
        }))}
      />
    </div>
  );
}
