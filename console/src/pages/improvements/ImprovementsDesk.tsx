import { keepPreviousData, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Form, InputNumber, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { call } from "../../api/client";
import { useOrganizationNames } from "../../api/members";
import type { Improvement, ImprovementPage } from "../../api/streetRows";
import { IMPROVEMENT_OFFICERS } from "../../api/streetRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";
import { useOrg } from "../../scope";
import { useSession } from "../../session";
import { ImprovementAction, type Action } from "./ImprovementAction";
import { RollupCard } from "./RollupCard";
import { SubmitImprovement } from "./SubmitImprovement";

const PAGE_SIZE = 20;

interface Filters {
  kind?: string;
  status?: string;
  year?: number;
}

// Solid colours with white text (4.5:1 contrast).
const STATUS_COLOURS: Record<string, string> = { submitted: "#0050b3", adopted: "#237804", implemented: "#237804", not_adopted: "default" };

/** 合理化建议: rationalization proposals and technical innovations of the scope, their decisions, and the year's roll-up. */
export default function ImprovementsDesk() {
  const { t } = useI18n();
  const p = t.improvements;
  const org = useOrg();
  const { claims } = useSession();
  const client = useQueryClient();
  const { nameOf } = useOrganizationNames();
  const officer = IMPROVEMENT_OFFICERS.includes(claims.role);
  const [filters, setFilters] = useState<Filters>({});
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const [submitting, setSubmitting] = useState(false);
  const [acting, setActing] = useState<{ improvement: Improvement; action: Action } | null>(null);
  const list = useQuery({
    queryKey: ["improvements", org, filters, cursor],
    queryFn: () =>
      call<ImprovementPage>("events", `/v1/organizations/${encodeURIComponent(org)}/improvements`, {
        query: { ...filters, cursor, limit: PAGE_SIZE },
      }),
    placeholderData: keepPreviousData,
  });
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ["improvements"] });
    void client.invalidateQueries({ queryKey: ["improvement-rollup"] });
  };
  const act = (improvement: Improvement, action: Action, label: string, testId: string) => (
    <Button size="small" data-testid={testId} onClick={() => setActing({ improvement, action })}>
      {label}
    </Button>
  );
  return (
    <div data-testid="improvements-desk">
      <Space style={{ width: "100%", justifyContent: "space-between" }}>
        <Typography.Title level={2}>{p.desk}</Typography.Title>
        {officer && (
          <Button type="primary" data-testid="submit-improvement" onClick={() => setSubmitting(true)}>
            {p.submit}
          </Button>
        )}
      </Space>
      <Space direction="vertical" style={{ width: "100%" }} size="large">
        <RollupCard org={org} />
        <div>
          <Form<Filters>
            name="improvement-filter"
            layout="inline"
            onFinish={(v) => {
              setFilters({ kind: v.kind || undefined, status: v.status || undefined, year: v.year || undefined });
              setCursors([undefined]);
            }}
            style={{ marginBottom: 16, rowGap: 8 }}
            aria-label={t.search}
            data-testid="improvement-filters"
          >
            <Form.Item name="kind" label={p.kind}>
              <Select
                allowClear
                placeholder={p.anyKind}
                style={{ width: 140 }}
                options={(["rationalization", "innovation"] as const).map((k) => ({ value: k, label: p.kinds[k] }))}
              />
            </Form.Item>
            <Form.Item name="status" label={p.status}>
              <Select
                allowClear
                placeholder={p.anyStatus}
                style={{ width: 140 }}
                options={(["submitted", "adopted", "not_adopted", "implemented"] as const).map((s) => ({ value: s, label: p.statuses[s] }))}
              />
            </Form.Item>
            <Form.Item name="year" label={p.year}>
              <InputNumber min={2000} max={2100} precision={0} style={{ width: 100 }} />
            </Form.Item>
            <Form.Item>
              <Space>
                <Button type="primary" htmlType="submit">
                  {t.search}
                </Button>
                <Button
                  htmlType="reset"
                  onClick={() => {
                    setFilters({});
                    setCursors([undefined]);
                  }}
                >
                  {t.reset}
                </Button>
              </Space>
            </Form.Item>
          </Form>
          {list.error ? (
            <ProblemAlert error={list.error} />
          ) : (
            <Table<Improvement>
              data-testid="improvements"
              rowKey="id"
              size="small"
              loading={list.isFetching}
              pagination={false}
              dataSource={list.data?.items}
              columns={[
                { title: p.title, dataIndex: "title" },
                { title: p.kind, dataIndex: "kind", width: 110, render: (k: string) => p.kinds[k] ?? k },
                { title: p.union, dataIndex: "organization_id", render: (id: string) => nameOf(id) },
                { title: p.department, dataIndex: "department", render: (d: string) => d || "—" },
                { title: p.proposers, key: "proposers", render: (_, i) => i.proposers.map((x) => x.name).join("、") },
                { title: p.filedOn, dataIndex: "filed_on", width: 110 },
                {
                  title: p.status,
                  dataIndex: "status",
                  width: 110,
                  render: (s: string) => (
                    <Tag color={STATUS_COLOURS[s]} data-testid="improvement-status" data-status={s}>
                      {p.statuses[s] ?? s}
                    </Tag>
                  ),
                },
                {
                  title: p.value,
                  dataIndex: "value_fen",
                  align: "right",
                  width: 130,
                  render: (fen: number | null) => <span data-testid="improvement-value">{yuan(fen)}</span>,
                },
                ...(officer
                  ? [
                      {
                        title: "",
                        key: "actions",
                        render: (_: unknown, i: Improvement) => (
                          <Space wrap>
                            {i.status === "submitted" && act(i, "decision", p.decide, "decide-improvement")}
                            {i.status === "adopted" && act(i, "implementation", p.implement, "implement-improvement")}
                            {(i.status === "adopted" || i.status === "implemented") && act(i, "value", p.recordValue, "value-improvement")}
                          </Space>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
          )}
          <Space style={{ marginTop: 16 }}>
            <Button disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
              {t.previous}
            </Button>
            <Button
              disabled={!list.data?.next_cursor}
              onClick={() => list.data?.next_cursor && setCursors([...cursors, list.data.next_cursor])}
            >
              {t.next}
            </Button>
          </Space>
        </div>
      </Space>
      {submitting && (
        <SubmitImprovement
          org={org}
          onClose={() => setSubmitting(false)}
          onFiled={() => {
            setSubmitting(false);
            setFilters({});
            setCursors([undefined]);
            refresh();
          }}
        />
      )}
      {acting && (
        <ImprovementAction
          improvement={acting.improvement}
          action={acting.action}
          onClose={() => setActing(null)}
          onDone={() => {
            setActing(null);
            refresh();
          }}
        />
      )}
    </div>
  );
}
