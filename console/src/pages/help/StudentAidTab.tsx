import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Card, Col, Form, Input, InputNumber, Row, Select, Space, Statistic, Table, Typography } from "antd";
import { useEffect, useState } from "react";
import { call, newIdempotencyKey, url } from "../../api/client";
import type { AidKindTally, AidLevelTally, StudentAidApplication, StudentAidRollup, StudentAidScheme } from "../../api/helpRows";
import { AID_IN_FLIGHT } from "../../api/helpRows";
import { useOrganizationNames } from "../../api/members";
import { shanghaiToday } from "../../api/streetRows";
import { DownloadButton } from "../../components/DownloadButton";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ReasonModal } from "../../components/ReasonModal";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";
import { AidStateTag } from "./AidStateTag";
import { ApplyAid } from "./ApplyAid";
import { CreateScheme } from "./CreateScheme";

const enc = encodeURIComponent;

interface Filters {
  name?: string;
  student_kind?: string;
  status?: string;
}

/** 金秋助学: the federation's schemes of a year, the applications of the scope, their review, the year's roll-up. */
export function StudentAidTab({
  org,
  federation,
  mayApply,
  maySetSchemes,
}: {
  org: string;
  federation: string;
  mayApply: boolean;
  maySetSchemes: boolean;
}) {
  const { t } = useI18n();
  const h = t.help;
  const client = useQueryClient();
  const { nameOf } = useOrganizationNames();
  const [year, setYear] = useState(() => Number(shanghaiToday().slice(0, 4)));
  const [filters, setFilters] = useState<Filters>({});
  const [creating, setCreating] = useState(false);
  const [applying, setApplying] = useState(false);
  const [refusing, setRefusing] = useState<StudentAidApplication | null>(null);
  const schemes = useQuery({
    queryKey: ["student-aid-schemes", federation, year],
    queryFn: () => call<StudentAidScheme[]>("welfare", `/v1/federations/${enc(federation)}/student-aid-schemes`, { query: { year } }),
  });
  const applications = useQuery({
    queryKey: ["student-aid-applications", org, year],
    queryFn: () =>
      call<StudentAidApplication[]>("welfare", `/v1/organizations/${enc(org)}/student-aid-applications`, { query: { year } }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.some((a) => AID_IN_FLIGHT.includes(a.state)) ? 1000 : false),
  });
  const rollup = useQuery({
    queryKey: ["student-aid-rollup", org, year],
    queryFn: () => call<StudentAidRollup>("welfare", `/v1/organizations/${enc(org)}/student-aid/rollup`, { query: { year } }),
    placeholderData: keepPreviousData,
  });
  // The roll-up follows the applications: asked again whenever one's state moves (paid, refused …).
  const states = (applications.data ?? []).map((a) => a.state).join();
  useEffect(() => {
    void client.invalidateQueries({ queryKey: ["student-aid-rollup", org] });
  }, [states, org, client]);
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ["student-aid-applications", org] });
    void client.invalidateQueries({ queryKey: ["student-aid-rollup", org] });
  };
  const review = useMutation({
    mutationFn: ({ application, reason }: { application: StudentAidApplication; reason?: string }) =>
      call<StudentAidApplication>("welfare", `/v1/student-aid-applications/${enc(application.id)}/review`, {
        method: "POST",
        body: reason ? { decision: "refuse", reason } : { decision: "approve" },
        idempotencyKey: newIdempotencyKey(),
      }),
    onSuccess: () => {
      setRefusing(null);
      refresh();
    },
  });
  const rows = (applications.data ?? [])
    .filter(
      (a) =>
        (!filters.name || a.student_name.includes(filters.name) || (a.member_name ?? "").includes(filters.name)) &&
        (!filters.student_kind || a.student_kind === filters.student_kind) &&
        (!filters.status || a.status === filters.status),
    )
    .slice()
    .reverse();
  const atFederation = org === federation;
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large">
      <Space wrap>
        <label htmlFor="aid-year">{h.year}</label>
        <InputNumber
          id="aid-year"
          data-testid="aid-year"
          min={2000}
          max={2100}
          precision={0}
          value={year}
          onChange={(v) => v && v >= 2000 && v <= 2100 && setYear(v)}
        />
      </Space>

      <Card
        title={h.schemes}
        size="small"
        data-testid="aid-schemes"
        extra={
          maySetSchemes &&
          atFederation && (
            <Button data-testid="create-scheme" onClick={() => setCreating(true)}>
              {h.createScheme}
            </Button>
          )
        }
      >
        {schemes.error ? (
          <ProblemAlert error={schemes.error} />
        ) : (
          <Table<StudentAidScheme>
            rowKey="id"
            size="small"
            pagination={false}
            loading={schemes.isLoading}
            dataSource={schemes.data}
            locale={{ emptyText: h.noSchemes }}
            columns={[
              { title: h.schemeName, dataIndex: "name", render: (n: string) => <span data-testid="scheme-name">{n}</span> },
              { title: h.year, dataIndex: "year", width: 80 },
              {
                title: h.levels,
                key: "levels",
                render: (_, s) => s.levels.map((l) => `${l.name} ${yuan(l.amount_fen)}`).join("；"),
              },
              { title: h.criteria, dataIndex: "criteria" },
            ]}
          />
        )}
        {!maySetSchemes && <Typography.Text type="secondary">{h.schemesByFederation}</Typography.Text>}
      </Card>

      <RollupCard org={org} year={year} rollup={rollup.data} error={rollup.error} loading={rollup.isLoading} />

      <Card
        title={h.applications}
        size="small"
        extra={
          mayApply && (
            <Button type="primary" data-testid="apply-aid" disabled={!schemes.data?.length} onClick={() => setApplying(true)}>
              {h.apply}
            </Button>
          )
        }
      >
        <Form
          name="aid-filter"
          layout="inline"
          onFinish={(v: Filters) =>
            setFilters({ name: v.name?.trim() || undefined, student_kind: v.student_kind || undefined, status: v.status || undefined })
          }
          style={{ marginBottom: 16, rowGap: 8 }}
          aria-label={t.search}
          data-testid="aid-filters"
        >
          <Form.Item name="name" label={h.studentName}>
            <Input allowClear style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="student_kind" label={h.studentKind}>
            <Select
              allowClear
              style={{ width: 130 }}
              options={(["member_child", "non_member"] as const).map((k) => ({ value: k, label: h.studentKinds[k] }))}
            />
          </Form.Item>
          <Form.Item name="status" label={t.welfare.status}>
            <Select
              allowClear
              style={{ width: 120 }}
              options={(["applied", "approved", "refused"] as const).map((s) => ({
                value: s,
                label: s === "applied" ? h.pendingCount : s === "approved" ? h.approvedCount : h.refusedCount,
              }))}
            />
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
        {review.error && !refusing ? <ProblemAlert error={review.error} /> : null}
        {applications.error ? (
          <ProblemAlert error={applications.error} />
        ) : (
          <Table<StudentAidApplication>
            data-testid="aid-applications"
            rowKey="id"
            size="small"
            loading={applications.isLoading}
            dataSource={rows}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            scroll={{ x: "max-content" }}
            columns={[
              { title: h.studentName, dataIndex: "student_name", render: (n: string) => <span data-testid="aid-student">{n}</span> },
              { title: h.studentKind, dataIndex: "student_kind_label" },
              { title: h.parent, dataIndex: "member_name", render: (n: string | null) => n ?? "—" },
              { title: h.school, dataIndex: "school" },
              { title: h.level, dataIndex: "level" },
              { title: h.amount, dataIndex: "amount_fen", align: "right", render: yuan },
              { title: h.appliedOn, dataIndex: "applied_on", width: 110 },
              { title: h.union, dataIndex: "organization_id", render: (id: string) => nameOf(id) },
              {
                title: t.welfare.state,
                key: "state",
                render: (_, a) => (
                  <Space direction="vertical" size={0}>
                    <AidStateTag state={a.state} />
                    {a.finance_reason && <span style={{ fontSize: 12 }}>{a.finance_reason}</span>}
                    {a.refuse_reason && <span style={{ fontSize: 12 }}>{a.refuse_reason}</span>}
                  </Space>
                ),
              },
              {
                title: "",
                key: "actions",
                render: (_, a) =>
                  mayApply &&
                  a.status === "applied" && (
                    <Space wrap>
                      {a.state === "reserved" && (
                        <Button
                          size="small"
                          type="primary"
                          data-testid="approve-aid"
                          loading={review.isPending && review.variables?.application.id === a.id}
                          onClick={() => review.mutate({ application: a })}
                        >
                          {h.approveAid}
                        </Button>
                      )}
                      <Button size="small" danger data-testid="refuse-aid" onClick={() => setRefusing(a)}>
                        {h.refuse}
                      </Button>
                    </Space>
                  ),
              },
            ]}
          />
        )}
      </Card>

      {creating && (
        <CreateScheme
          federation={federation}
          year={year}
          onClose={() => setCreating(false)}
          onCreated={() => {
            setCreating(false);
            void client.invalidateQueries({ queryKey: ["student-aid-schemes", federation] });
          }}
        />
      )}
      {applying && schemes.data && (
        <ApplyAid
          org={org}
          schemes={schemes.data}
          onClose={() => setApplying(false)}
          onApplied={() => {
            setApplying(false);
            refresh();
          }}
        />
      )}
      <ReasonModal
        open={refusing !== null}
        title={h.refuseTitle}
        note={h.refuseNote}
        label={h.refuseReason}
        maxLength={500}
        pending={review.isPending}
        error={review.error}
        testId="refuse-aid-form"
        onSubmit={(reason) => refusing && review.mutate({ application: refusing, reason })}
        onClose={() => {
          setRefusing(null);
          review.reset();
        }}
      />
    </Space>
  );
}

/** The year's roll-up: counts and money in all, by level, and members' children against non-member students. */
function RollupCard({
  org,
  year,
  rollup,
  error,
  loading,
}: {
  org: string;
  year: number;
  rollup?: StudentAidRollup;
  error: unknown;
  loading: boolean;
}) {
  const { t } = useI18n();
  const h = t.help;
  const figures = [
    { title: h.applicationsCount, dataIndex: "applications", align: "right" as const },
    { title: h.approvedCount, dataIndex: "approved", align: "right" as const },
    { title: h.refusedCount, dataIndex: "refused", align: "right" as const },
    { title: h.pendingCount, dataIndex: "pending", align: "right" as const },
    { title: h.approvedYuan, dataIndex: "approved_fen", align: "right" as const, render: yuan },
    { title: h.paidYuan, dataIndex: "paid_fen", align: "right" as const, render: yuan },
  ];
  return (
    <Card
      title={`${h.rollup}（${year}）`}
      size="small"
      data-testid="aid-rollup"
      extra={
        <DownloadButton
          url={url("welfare", `/v1/organizations/${enc(org)}/student-aid/rollup`, { year, format: "xlsx" })}
          filename={`student-aid-${org}-${year}.xlsx`}
          label={t.exportExcel}
          data-testid="export-aid-xlsx"
        />
      }
    >
      {error ? (
        <ProblemAlert error={error} />
      ) : (
        <Space direction="vertical" style={{ width: "100%" }}>
          <Row gutter={24}>
            {(
              [
                [h.applicationsCount, rollup?.applications, "aid-applications-count"],
                [h.approvedCount, rollup?.approved, "aid-approved-count"],
                [h.refusedCount, rollup?.refused, "aid-refused-count"],
                [h.pendingCount, rollup?.pending, "aid-pending-count"],
                [h.approvedYuan, rollup ? yuan(rollup.approved_fen) : undefined, "aid-approved-yuan"],
                [h.paidYuan, rollup ? yuan(rollup.paid_fen) : undefined, "aid-paid-yuan"],
              ] as const
            ).map(([title, value, testId]) => (
              <Col key={testId}>
                <Statistic title={title} value={value ?? "—"} valueRender={(node) => <span data-testid={testId}>{node}</span>} />
              </Col>
            ))}
          </Row>
          <Typography.Text strong>{h.byLevel}</Typography.Text>
          <Table<AidLevelTally>
            data-testid="aid-by-level"
            rowKey="level"
            size="small"
            pagination={false}
            loading={loading}
            dataSource={rollup?.by_level}
            columns={[{ title: h.level, dataIndex: "level" }, ...figures]}
          />
          <Typography.Text strong>{h.byKind}</Typography.Text>
          <Table<AidKindTally>
            data-testid="aid-by-kind"
            rowKey="student_kind"
            size="small"
            pagination={false}
            dataSource={rollup?.by_student_kind}
            columns={[{ title: h.studentKind, dataIndex: "student_kind", render: (k: string) => h.studentKinds[k] ?? k }, ...figures]}
          />
        </Space>
      )}
    </Card>
  );
}
