import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Card, Form, InputNumber, Modal, Select, Space, Table, Typography } from "antd";
import { useState } from "react";
import { call } from "../../api/client";
import { HOME_STATUSES, mayAssess, type HomeAssessment, type HomeAssessmentLine } from "../../api/homeRows";
import { useRequestKeys } from "../../api/members";
import { fill, shanghaiToday } from "../../api/streetRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useSubtree } from "../../scope";
import { useSession } from "../../session";
import { AssessmentDrawer } from "./AssessmentDrawer";
import { LevelTag, StatusTag } from "./LevelTag";

const enc = encodeURIComponent;
export const HOME_QUERIES = ["home-assessments", "home-assessment", "home-rate", "home-due", "home-checklist"];

export function useRefreshHome() {
  const client = useQueryClient();
  return () => {
    for (const key of HOME_QUERIES) void client.invalidateQueries({ queryKey: [key] });
  };
}

/** The assessments of the scope (its unions' when it is a federation), filtered by year and status. */
export function AssessmentsTab({ org }: { org: string }) {
  const { t } = useI18n();
  const h = t.home;
  const { claims } = useSession();
  const subtree = useSubtree();
  const [year, setYear] = useState<number | undefined>();
  const [status, setStatus] = useState<string | undefined>();
  const [opened, setOpened] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const list = useQuery({
    queryKey: ["home-assessments", org, year, status],
    queryFn: () =>
      call<HomeAssessmentLine[]>("membership", `/v1/organizations/${enc(org)}/home-assessments`, { query: { year, status } }),
  });
  const here = subtree.data?.find((o) => o.id === org);
  const canStart = here?.kind === "grassroots_union" && mayAssess(claims.role, claims.org, org);
  const thisYear = Number(shanghaiToday().slice(0, 4));
  return (
    <Card
      size="small"
      title={h.assessments}
      data-testid="home-assessments"
      extra={
        <Space wrap>
          <Select
            aria-label={h.year}
            data-testid="home-year-filter"
            style={{ width: 110 }}
            allowClear
            placeholder={h.year}
            value={year}
            onChange={setYear}
            options={[0, 1, 2, 3, 4].map((n) => ({ value: thisYear - n, label: String(thisYear - n) }))}
          />
          <Select
            aria-label={h.status}
            data-testid="home-status-filter"
            style={{ width: 130 }}
            allowClear
            placeholder={h.status}
            value={status}
            onChange={setStatus}
            options={HOME_STATUSES.map((s) => ({ value: s, label: h.statuses[s] }))}
          />
          {canStart ? (
            <Button type="primary" data-testid="home-start" onClick={() => setStarting(true)}>
              {h.start}
            </Button>
          ) : null}
        </Space>
      }
    >
      {list.error ? (
        <ProblemAlert error={list.error} />
      ) : (
        <Table<HomeAssessmentLine>
          rowKey="id"
          size="small"
          loading={list.isFetching}
          dataSource={list.data}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: <Typography.Text type="secondary">{h.noAssessments}</Typography.Text> }}
          columns={[
            { title: h.union, dataIndex: "organization_name" },
            { title: h.year, dataIndex: "year", width: 80 },
            { title: h.status, dataIndex: "status", width: 110, render: (s: string) => <StatusTag status={s} /> },
            { title: h.selfTotal, dataIndex: "self_total", width: 90, align: "right" },
            {
              title: h.reviewedTotal,
              dataIndex: "reviewed_total",
              width: 90,
              align: "right",
              render: (v: number | null) => <span data-testid="home-reviewed-total">{v ?? "—"}</span>,
            },
            {
              title: h.level,
              dataIndex: "level",
              width: 130,
              render: (_: unknown, a: HomeAssessmentLine) => <LevelTag level={a.level} reviewed={a.status === "reviewed"} />,
            },
            { title: h.awardedOn, dataIndex: "awarded_on", width: 110, render: (v: string | null) => v ?? "—" },
            { title: h.renewBy, dataIndex: "renew_by", width: 110, render: (v: string | null) => v ?? "—" },
            {
              title: "",
              key: "open",
              width: 80,
              render: (_: unknown, a: HomeAssessmentLine) => (
                <Button size="small" data-testid="home-open" onClick={() => setOpened(a.id)}>
                  {h.open}
                </Button>
              ),
            },
          ]}
        />
      )}
      {starting ? (
        <StartAssessment
          org={org}
          onClose={(started) => {
            setStarting(false);
            if (started) setOpened(started);
          }}
        />
      ) : null}
      {opened ? <AssessmentDrawer id={opened} onClose={() => setOpened(null)} /> : null}
    </Card>
  );
}

function StartAssessment({ org, onClose }: { org: string; onClose: (started?: string) => void }) {
  const { t } = useI18n();
  const h = t.home;
  const keyOf = useRequestKeys();
  const refresh = useRefreshHome();
  const thisYear = Number(shanghaiToday().slice(0, 4));
  const start = useMutation({
    mutationFn: (body: { year: number }) =>
      call<HomeAssessment>("membership", `/v1/organizations/${enc(org)}/home-assessments`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: (a) => {
      refresh();
      onClose(a.id);
    },
  });
  return (
    <Modal open title={h.startTitle} onCancel={() => onClose()} footer={null} destroyOnClose>
      <Form<{ year: number }>
        layout="vertical"
        name="home-start"
        data-testid="home-start-form"
        initialValues={{ year: thisYear }}
        onValuesChange={() => start.reset()}
        onFinish={(v) => start.mutate({ year: v.year })}
      >
        <Form.Item name="year" label={h.year} rules={[{ required: true, message: t.required }]}>
          <InputNumber min={2000} max={thisYear} precision={0} data-testid="home-start-year" />
        </Form.Item>
        {start.error ? <ProblemAlert error={start.error} /> : null}
        <Button type="primary" htmlType="submit" loading={start.isPending} data-testid="home-start-submit">
          {fill(h.start, {})}
        </Button>
      </Form>
    </Modal>
  );
}
