import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Form, Table, Typography } from "antd";
import { useState } from "react";
import { Link } from "react-router-dom";
import { call } from "../../api/client";
import type { Activity, ActivityPage } from "../../api/eventRows";
import { useOrganizationNames } from "../../api/members";
import type { SkillKind } from "../../api/skillsRows";
import { SKILL_KINDS, yearStart } from "../../api/skillsRows";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { when } from "../../wallClock";
import { ActivityStatusTag } from "../activities/shared";

const enc = encodeURIComponent;

/**
 * The year's training courses, labour competitions (劳动竞赛) and skill contests (技能比武): they are
 * activities, so their registrations, attendance and awards stay on the activity's own page.
 */
export function ActivitiesTab({ org, year }: { org: string; year: number }) {
  const { t } = useI18n();
  const s = t.skills;
  const { nameOf } = useOrganizationNames();
  const [kind, setKind] = useState<SkillKind>("training");
  const list = useQuery({
    queryKey: ["activities", org, "skills", kind, year],
    queryFn: () =>
      call<ActivityPage>("events", `/v1/organizations/${enc(org)}/activities`, {
        query: { kind, from: yearStart(year), to: yearStart(year + 1), limit: 500 },
      }),
    placeholderData: keepPreviousData,
  });
  return (
    <div data-testid="skill-activities-tab">
      <Typography.Paragraph type="secondary">
        {s.activitiesHint} {/* A link inside a sentence is underlined: colour alone does not tell it apart (WCAG 1.4.1). */}
        <Link to={`/o/${enc(org)}/activities`} style={{ textDecoration: "underline" }}>
          {s.allActivities}
        </Link>
      </Typography.Paragraph>
      <Form layout="inline" style={{ marginBottom: 16 }}>
        <Form.Item label={s.kind} htmlFor="skill-activity-kind">
          <FormSelect
            id="skill-activity-kind"
            data-testid="skill-activity-kind"
            style={{ width: 140 }}
            value={kind}
            onChange={(k: SkillKind) => setKind(k)}
            options={SKILL_KINDS.map((k) => ({ value: k, label: t.activities.kinds[k] }))}
          />
        </Form.Item>
      </Form>
      {list.error ? (
        <ProblemAlert error={list.error} />
      ) : (
        <Table<Activity>
          data-testid="skill-activities"
          rowKey="id"
          size="small"
          loading={list.isFetching}
          dataSource={list.data?.items}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            {
              title: s.activityTitle,
              dataIndex: "title",
              render: (title: string, a) => <Link to={`/o/${enc(org)}/activities/${a.id}`}>{title}</Link>,
            },
            { title: t.rightsWeeks.organizer, dataIndex: "organization_id", render: (id: string) => nameOf(id) },
            { title: s.startsAt, dataIndex: "starts_at", width: 170, render: (v: string) => when(v) },
            { title: s.status, dataIndex: "status", width: 100, render: (v: string) => <ActivityStatusTag status={v} /> },
            { title: s.confirmed, dataIndex: "confirmed", align: "right", width: 80 },
          ]}
        />
      )}
    </div>
  );
}
