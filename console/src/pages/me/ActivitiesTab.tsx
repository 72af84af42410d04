import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Card, Empty, Popconfirm, Space, Tag, Typography } from "antd";
import { call, newIdempotencyKey } from "../../api/client";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { when } from "../../wallClock";
import type { MyActivity } from "./api";

/** Activities the member may join and those they joined; they register and withdraw themselves. */
export function ActivitiesTab() {
  const m = useI18n().t.me;
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ["me", "activities"],
    queryFn: () => call<MyActivity[]>("events", "/v1/me/activities"),
  });
  const refresh = () => client.invalidateQueries({ queryKey: ["me", "activities"] });
  const register = useMutation({
    mutationFn: (id: string) =>
      call("events", `/v1/me/activities/${id}/registration`, { method: "POST", idempotencyKey: newIdempotencyKey() }),
    onSettled: refresh,
  });
  const withdraw = useMutation({
    mutationFn: (id: string) =>
      call("events", `/v1/me/activities/${id}/registration`, { method: "DELETE", idempotencyKey: newIdempotencyKey() }),
    onSettled: refresh,
  });
  if (list.error) return <ProblemAlert error={list.error} />;
  if (!list.data) return <Card loading />;
  return (
    <Space direction="vertical" style={{ width: "100%" }} data-testid="my-activities">
      <ProblemAlert error={register.error ?? withdraw.error} />
      {list.data.length === 0 && <Empty description={m.noActivities} />}
      {list.data.map((a) => {
        const mine = a.my_registration;
        return (
          <Card key={a.id} size="small" title={a.title} data-testid="activity" data-title={a.title}>
            {a.description && <Typography.Paragraph style={{ marginBottom: 4 }}>{a.description}</Typography.Paragraph>}
            <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
              {m.starts} {when(a.starts_at)} – {when(a.ends_at).slice(11)}
              <br />
              {m.deadline} {when(a.registration_deadline)} · {m.placesTaken(a.confirmed, a.capacity ?? null)}
            </Typography.Paragraph>
            <Space wrap>
              {mine && (
                <Tag color={mine.status === "confirmed" ? "#237804" : "#ad4e00"} data-testid="my-registration">
                  {mine.status === "confirmed" ? m.registered : m.waitlisted(mine.waitlist_position ?? null)}
                </Tag>
              )}
              {!mine && a.registration_open && (
                <Button type="primary" loading={register.isPending && register.variables === a.id} onClick={() => register.mutate(a.id)}>
                  {m.register}
                </Button>
              )}
              {mine && a.registration_open && (
                <Popconfirm title={m.withdrawConfirm} onConfirm={() => withdraw.mutate(a.id)}>
                  <Button danger loading={withdraw.isPending && withdraw.variables === a.id}>
                    {m.withdraw}
                  </Button>
                </Popconfirm>
              )}
              {!a.registration_open && <Tag>{m.closed}</Tag>}
            </Space>
          </Card>
        );
      })}
    </Space>
  );
}
