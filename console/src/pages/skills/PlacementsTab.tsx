import { useQuery } from "@tanstack/react-query";
import { Form, Input, Table, Typography } from "antd";
import { useMemo, useState } from "react";
import { Link } from "react-router-dom";
import { call } from "../../api/client";
import { useOrganizationNames } from "../../api/members";
import type { JobPlacement, JobPlacements } from "../../api/skillsRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useTrainings } from "./shared";

const enc = encodeURIComponent;

/** The year's placements recorded in the organization and under it, newest first, searched as typed. */
export function PlacementsTab({ org, year }: { org: string; year: number }) {
  const { t } = useI18n();
  const s = t.skills;
  const { nameOf } = useOrganizationNames();
  const [text, setText] = useState("");
  const list = useQuery({
    queryKey: ["job-placements", org, year],
    queryFn: () => call<JobPlacements>("events", `/v1/organizations/${enc(org)}/job-placements`, { query: { year } }),
  });
  const trainings = useTrainings(org);
  const trainingTitle = useMemo(() => new Map((trainings.data?.items ?? []).map((a) => [a.id, a.title])), [trainings.data]);
  // The service answers the whole year (at most 1000): searching it here needs no round trip.
  const wanted = text.trim().toLowerCase();
  const rows = (list.data?.items ?? []).filter(
    (p) => !wanted || [p.employer, nameOf(p.organization_id), p.note].some((field) => field.toLowerCase().includes(wanted)),
  );
  return (
    <div data-testid="placements-tab">
      <Typography.Paragraph type="secondary">{s.countedNotNamed}</Typography.Paragraph>
      <Form layout="inline" style={{ marginBottom: 16 }} onSubmitCapture={(e) => e.preventDefault()}>
        <Form.Item label={s.searchLabel} htmlFor="placement-search">
          <Input id="placement-search" data-testid="placement-search" allowClear style={{ width: 280 }} onChange={(e) => setText(e.target.value)} />
        </Form.Item>
      </Form>
      {list.error ? (
        <ProblemAlert error={list.error} />
      ) : (
        <Table<JobPlacement>
          data-testid="placements"
          rowKey="id"
          size="small"
          loading={list.isFetching}
          dataSource={rows}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: "max-content" }}
          columns={[
            { title: s.placedOn, dataIndex: "placed_on", width: 110 },
            { title: s.employer, dataIndex: "employer" },
            { title: s.union, dataIndex: "organization_id", render: (id: string) => nameOf(id) },
            { title: s.people, dataIndex: "people", align: "right", width: 90, render: (n: number) => <span data-testid="placement-people">{n}</span> },
            { title: s.members, dataIndex: "members", align: "right", width: 110 },
            {
              title: s.training,
              dataIndex: "training_activity_id",
              render: (id: string | null) =>
                id ? <Link to={`/o/${enc(org)}/activities/${id}`}>{trainingTitle.get(id) ?? s.training}</Link> : "—",
            },
            { title: s.note, dataIndex: "note", render: (n: string) => n || "—" },
          ]}
        />
      )}
    </div>
  );
}
