import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Button, Form, Input, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { Link, useNavigate } from "react-router-dom";
import { call, url as apiUrl } from "../../api/client";
import { EVENT_MANAGERS, type Activity, type ActivityPage } from "../../api/eventRows";
import { ArchiveButton } from "../../components/AttachmentsPanel";
import { DownloadButton } from "../../components/DownloadButton";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";
import { useOrg } from "../../scope";
import { useSession } from "../../session";
import { CreateActivity } from "./CreateActivity";
import { when } from "../../wallClock";
import { ActivityStatusTag } from "./shared";

const enc = encodeURIComponent;
const PAGE_SIZE = 20;

interface Filters {
  title?: string;
  status?: string;
}

/** The organization's activities (and those its members may join), searched by title and status. */
export default function ActivitiesDesk() {
  const { t } = useI18n();
  const a = t.activities;
  const org = useOrg();
  const { claims } = useSession();
  const navigate = useNavigate();
  const manager = EVENT_MANAGERS.includes(claims.role);
  const [filters, setFilters] = useState<Filters>({});
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const path = `/v1/organizations/${enc(org)}/activities`;
  const list = useQuery({
    queryKey: ["activities", org, filters, cursor],
    queryFn: () => call<ActivityPage>("events", path, { query: { ...filters, cursor, limit: PAGE_SIZE } }),
    placeholderData: keepPreviousData,
  });
  const pageOf = (activity: Activity) => `/o/${enc(org)}/activities/${activity.id}`;

  const onSearch = (values: Filters) => {
    setFilters({ title: values.title?.trim() || undefined, status: values.status || undefined });
    setCursors([undefined]);
  };

  return (
    <div data-testid="activities-desk">
      <Typography.Title level={2}>{a.desk}</Typography.Title>
      {manager && <CreateActivity org={org} onCreated={(activity) => navigate(pageOf(activity))} />}
      {/* The year's minutes, plans, summaries and photos of activities and congress sessions, one zip. */}
      {manager && (
        <div style={{ marginBottom: 8 }}>
          <ArchiveButton service="events" org={org} />
        </div>
      )}
      <Space wrap style={{ marginBottom: 16 }} align="start">
        <Form name="activity-filter" layout="inline" onFinish={onSearch} aria-label={t.search} style={{ rowGap: 8 }}>
          <Form.Item name="title" label={a.title}>
            <Input allowClear style={{ width: 220 }} data-testid="activity-search" />
          </Form.Item>
          <Form.Item name="status" label={a.status}>
            <Select
              allowClear
              placeholder={a.anyStatus}
              style={{ width: 130 }}
              options={["draft", "published", "cancelled"].map((s) => ({ value: s, label: a.statuses[s] }))}
            />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit">
                {t.search}
              </Button>
              <Button htmlType="reset" onClick={() => onSearch({})}>
                {t.reset}
              </Button>
            </Space>
          </Form.Item>
        </Form>
        <DownloadButton
          data-testid="export-activities"
          url={apiUrl("events", path, { ...filters, format: "xlsx" })}
          filename={`activities-${org}.xlsx`}
          label={a.exportExcel}
        />
      </Space>
      {list.error ? (
        <ProblemAlert error={list.error} />
      ) : (
        <Table<Activity>
          data-testid="activities"
          rowKey="id"
          size="small"
          loading={list.isFetching}
          pagination={false}
          dataSource={list.data?.items}
          columns={[
            { title: a.title, render: (_, activity) => <Link to={pageOf(activity)}>{activity.title}</Link> },
            { title: a.kind, dataIndex: "kind", width: 90, render: (k: string) => a.kinds[k] ?? k },
            { title: a.startsAt, dataIndex: "starts_at", width: 150, render: when },
            { title: a.deadline, dataIndex: "registration_deadline", width: 150, render: when },
            {
              title: a.places,
              width: 150,
              render: (_, activity) => (
                <span>
                  {activity.confirmed}/{activity.capacity ?? a.noLimit}
                  {activity.waitlisted > 0 && <Tag style={{ marginLeft: 8 }}>{`${a.waitlisted} ${activity.waitlisted}`}</Tag>}
                </span>
              ),
            },
            { title: a.budget, dataIndex: "budget_fen", align: "right", width: 120, render: yuan },
            { title: a.status, dataIndex: "status", width: 100, render: (s: string) => <ActivityStatusTag status={s} /> },
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
  );
}
