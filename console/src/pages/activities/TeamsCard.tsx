import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Card, Form, Input, Table } from "antd";
import { call, newIdempotencyKey } from "../../api/client";
import type { Activity, Registration, Team } from "../../api/eventRows";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

/** Teams of members holding confirmed places (tug-of-war, relay, choir …), chosen by name. */
export function TeamsCard({
  activity,
  registrations,
  names,
  manager,
}: {
  activity: Activity;
  registrations: Registration[];
  names: Map<string, string>;
  manager: boolean;
}) {
  const { t } = useI18n();
  const a = t.activities;
  const client = useQueryClient();
  const path = `/v1/activities/${encodeURIComponent(activity.id)}/teams`;
  const teams = useQuery({ queryKey: ["activity", activity.id, "teams"], queryFn: () => call<Team[]>("events", path) });
  const [form] = Form.useForm();
  const create = useMutation({
    mutationFn: (body: { name: string; member_ids: string[] }) =>
      call<Team>("events", path, { method: "POST", body, idempotencyKey: newIdempotencyKey() }),
    onSuccess: () => {
      form.resetFields();
      void client.invalidateQueries({ queryKey: ["activity", activity.id] });
    },
  });
  const confirmed = registrations.filter((r) => r.status === "confirmed" && !r.team_id);
  return (
    <Card title={a.teams} size="small" data-testid="teams-card">
      {manager && activity.status === "published" && (
        <Form form={form} name="create-team" layout="inline" onFinish={create.mutate} style={{ marginBottom: 12, rowGap: 8 }}>
          <Form.Item name="name" label={a.teamName} rules={[{ required: true, whitespace: true, message: t.required }]}>
            <Input maxLength={200} style={{ width: 180 }} />
          </Form.Item>
          <Form.Item name="member_ids" label={a.teamMembers} rules={[{ required: true, message: t.required }]}>
            <FormSelect
              mode="multiple"
              style={{ minWidth: 280 }}
              optionFilterProp="label"
              options={confirmed.map((r) => ({ value: r.member_id, label: r.display_name ?? r.member_id }))}
            />
          </Form.Item>
          <Button htmlType="submit" loading={create.isPending}>
            {a.createTeam}
          </Button>
        </Form>
      )}
      {create.error ? <ProblemAlert error={create.error} /> : null}
      {teams.error ? <ProblemAlert error={teams.error} /> : null}
      <Table<Team>
        data-testid="teams"
        rowKey="id"
        size="small"
        pagination={false}
        loading={teams.isFetching}
        dataSource={teams.data}
        columns={[
          { title: a.teamName, dataIndex: "name", width: 200 },
          { title: a.teamMembers, render: (_, team) => team.member_ids.map((id) => names.get(id) ?? id).join("、") },
        ]}
      />
    </Card>
  );
}
