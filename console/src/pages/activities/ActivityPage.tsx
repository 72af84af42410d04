import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, Checkbox, Descriptions, Form, Popconfirm, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { call, newIdempotencyKey } from "../../api/client";
import { EVENT_MANAGERS, type Activity, type Cancellation, type Registration } from "../../api/eventRows";
import { useOrganizationNames } from "../../api/members";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ReasonModal } from "../../components/ReasonModal";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";
import { useOrg } from "../../scope";
import { useSession } from "../../session";
import { AttachmentsPanel } from "../../components/AttachmentsPanel";
import { MemberPicker } from "../welfare/shared";
import { AwardsCard } from "./AwardsCard";
import { BudgetCard } from "./BudgetCard";
import { TeamsCard } from "./TeamsCard";
import { when } from "../../wallClock";
import { ActivityStatusTag } from "./shared";

const enc = encodeURIComponent;

/** One activity: its terms, registrations with the waitlist, attendance, teams, awards and its money. */
export default function ActivityPage() {
  const { t } = useI18n();
  const a = t.activities;
  const d = t.eventsDesk;
  const org = useOrg();
  const { activityId = "" } = useParams();
  const { claims } = useSession();
  const manager = EVENT_MANAGERS.includes(claims.role);
  const client = useQueryClient();
  const base = `/v1/activities/${enc(activityId)}`;
  const activity = useQuery({ queryKey: ["activity", activityId], queryFn: () => call<Activity>("events", base) });
  const registrations = useQuery({
    queryKey: ["activity", activityId, "registrations"],
    queryFn: () => call<Registration[]>("events", `${base}/registrations`),
  });
  const refresh = () => client.invalidateQueries({ queryKey: ["activity", activityId] });

  const publish = useMutation({
    mutationFn: () =>
      call<Activity>("events", `${base}/publication`, { method: "POST", idempotencyKey: newIdempotencyKey() }),
    onSuccess: () => void refresh(),
  });
  const [cancelling, setCancelling] = useState(false);
  const cancel = useMutation({
    mutationFn: (reason: string) =>
      call<Activity>("events", `${base}/cancellation`, { method: "POST", body: { reason }, idempotencyKey: newIdempotencyKey() }),
    onSuccess: () => {
      setCancelling(false);
      void refresh();
    },
  });

  if (activity.error) return <ProblemAlert error={activity.error} />;
  const it = activity.data;
  const names = new Map((registrations.data ?? []).map((r) => [r.member_id, r.display_name ?? r.member_id]));
  return (
    <div data-testid="activity-page">
      <Link to={`/o/${enc(org)}/activities`}>{a.back}</Link>
      <Typography.Title level={2} style={{ marginTop: 8 }}>
        {it?.title ?? "…"}
      </Typography.Title>
      {it && (
        <Space direction="vertical" size="large" style={{ width: "100%" }}>
          <Descriptions size="small" bordered column={{ xs: 1, md: 2, xl: 3 }} data-testid="activity-terms">
            <Descriptions.Item label={a.status}>
              <ActivityStatusTag status={it.status} />
            </Descriptions.Item>
            <Descriptions.Item label={a.kind}>{a.kinds[it.kind] ?? it.kind}</Descriptions.Item>
            <Descriptions.Item label={a.startsAt}>
              {when(it.starts_at)} – {when(it.ends_at).slice(11)}
            </Descriptions.Item>
            <Descriptions.Item label={a.deadline}>{when(it.registration_deadline)}</Descriptions.Item>
            <Descriptions.Item label={a.places}>
              <span data-testid="places">
                {it.confirmed}/{it.capacity ?? a.noLimit}
              </span>
              {" · "}
              {a.waitlisted} <span data-testid="waitlisted-count">{it.waitlisted}</span>
            </Descriptions.Item>
            <Descriptions.Item label={a.eligibleStatuses}>
              {[it.eligible_gender ? a.genders[it.eligible_gender] : null, ...it.eligible_statuses.map((s) => a.memberStatuses[s] ?? s)]
                .filter(Boolean)
                .join("、")}
            </Descriptions.Item>
            <Descriptions.Item label={a.budget}>{yuan(it.budget_fen)}</Descriptions.Item>
            {it.description && <Descriptions.Item label={a.description}>{it.description}</Descriptions.Item>}
            {it.cancel_reason && (
              <Descriptions.Item label={d.cancelledBecause}>
                <span data-testid="cancel-reason">{it.cancel_reason}</span>
              </Descriptions.Item>
            )}
          </Descriptions>
          {manager && it.status !== "cancelled" && (
            <Space direction="vertical">
              <Space wrap>
                {it.status === "draft" && (
                  <Button type="primary" data-testid="publish-activity" loading={publish.isPending} onClick={() => publish.mutate()}>
                    {a.publish}
                  </Button>
                )}
                <Button danger data-testid="cancel-activity" onClick={() => setCancelling(true)}>
                  {d.cancelActivity}
                </Button>
              </Space>
              {publish.error ? <ProblemAlert error={publish.error} /> : null}
            </Space>
          )}
          <ReasonModal
            open={cancelling}
            title={d.cancelActivity}
            note={d.cancelActivityNote}
            label={d.cancelReason}
            maxLength={200}
            pending={cancel.isPending}
            error={cancel.error}
            testId="cancel-activity-form"
            onSubmit={(reason) => cancel.mutate(reason)}
            onClose={() => {
              setCancelling(false);
              cancel.reset();
            }}
          />
          <RegistrationsCard
            org={org}
            activity={it}
            registrations={registrations.data ?? []}
            loading={registrations.isFetching}
            manager={manager}
            onChanged={refresh}
          />
          <TeamsCard activity={it} registrations={registrations.data ?? []} names={names} manager={manager} />
          <AwardsCard activity={it} registrations={registrations.data ?? []} names={names} manager={manager} onChanged={refresh} />
          <BudgetCard activity={it} manager={manager} />
          <AttachmentsPanel
            service="events"
            path={`/v1/activities/${encodeURIComponent(it.id)}`}
            purposes={["plan", "summary", "minutes", "photo", "other"]}
            canUpload={manager}
          />
        </Space>
      )}
    </div>
  );
}

function RegistrationsCard({
  org,
  activity,
  registrations,
  loading,
  manager,
  onChanged,
}: {
  org: string;
  activity: Activity;
  registrations: Registration[];
  loading: boolean;
  manager: boolean;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const a = t.activities;
  const { nameOf } = useOrganizationNames();
  const base = `/v1/activities/${enc(activity.id)}`;
  const [movedUp, setMovedUp] = useState<string[]>([]);
  const [form] = Form.useForm();

  const register = useMutation({
    mutationFn: (member_id: string) =>
      call<Registration>("events", `${base}/registrations`, {
        method: "POST",
        body: { member_id },
        idempotencyKey: newIdempotencyKey(),
      }),
    onSuccess: () => {
      form.resetFields();
      onChanged();
    },
  });
  const withdraw = useMutation({
    mutationFn: (member_id: string) =>
      call<Cancellation>("events", `${base}/registrations/${enc(member_id)}`, {
        method: "DELETE",
        idempotencyKey: newIdempotencyKey(),
      }),
    onSuccess: (answer) => {
      register.reset(); // an earlier refusal is no longer the news
      const byId = new Map(registrations.map((r) => [r.member_id, r.display_name ?? r.member_id]));
      setMovedUp(answer.promoted_member_ids.map((id) => byId.get(id) ?? id));
      onChanged();
    },
  });
  const attendance = useMutation({
    mutationFn: ({ member_id, attended }: { member_id: string; attended: boolean }) =>
      call<Registration[]>("events", `${base}/attendance`, {
        method: "PUT",
        body: { member_ids: [member_id], attended },
        idempotencyKey: newIdempotencyKey(),
      }),
    onSuccess: () => onChanged(),
  });

  return (
    <Card title={a.registrations} size="small" data-testid="registrations-card">
      {manager && activity.status === "published" && (
        <Form
          form={form}
          name="register-member"
          layout="inline"
          data-testid="register-member"
          onFinish={({ member_id }: { member_id: string }) => register.mutate(member_id)}
          style={{ marginBottom: 12 }}
        >
          <Form.Item name="member_id" label={a.member} rules={[{ required: true, message: t.required }]}>
            <MemberPicker org={org} />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={register.isPending} data-testid="register-submit">
            {a.register}
          </Button>
        </Form>
      )}
      {register.error ? <ProblemAlert error={register.error} /> : null}
      {withdraw.error ? <ProblemAlert error={withdraw.error} /> : null}
      {attendance.error ? <ProblemAlert error={attendance.error} /> : null}
      {movedUp.length > 0 && (
        <Alert
          type="success"
          showIcon
          closable
          onClose={() => setMovedUp([])}
          data-testid="moved-up"
          message={a.movedUp(movedUp.join("、"))}
          style={{ marginBottom: 12 }}
        />
      )}
      <Table<Registration>
        data-testid="registrations"
        rowKey="member_id"
        size="small"
        loading={loading}
        pagination={false}
        dataSource={registrations}
        columns={[
          { title: a.member, dataIndex: "display_name" },
          { title: a.union, dataIndex: "organization_id", render: (id: string | null) => nameOf(id) },
          {
            title: a.status,
            render: (_, r) => (
              <Space size={4} wrap>
                <Tag
                  data-testid="registration-status"
                  data-status={r.status}
                  color={r.status === "confirmed" ? "#237804" : "#ad4e00"}
                >
                  {r.status === "waitlisted" && r.waitlist_position
                    ? a.waitlistPosition(r.waitlist_position)
                    : (a.regStatuses[r.status] ?? r.status)}
                </Tag>
                {r.promoted_at && (
                  <Tag data-testid="promoted" color="#0050b3">
                    {a.promoted}
                  </Tag>
                )}
              </Space>
            ),
          },
          { title: a.registeredAt, dataIndex: "registered_at", width: 150, render: when },
          {
            title: a.attended,
            width: 70,
            render: (_, r) =>
              r.status === "confirmed" ? (
                <Checkbox
                  aria-label={`${a.attended} ${r.display_name ?? ""}`}
                  checked={r.attended ?? false}
                  disabled={!manager || attendance.isPending}
                  onChange={(e) => attendance.mutate({ member_id: r.member_id, attended: e.target.checked })}
                />
              ) : null,
          },
          {
            title: "",
            key: "actions",
            width: 110,
            render: (_, r) =>
              manager && (
                <Popconfirm title={a.withdrawConfirm} onConfirm={() => withdraw.mutate(r.member_id)}>
                  <Button size="small" danger data-testid="withdraw">
                    {a.withdraw}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
    </Card>
  );
}
