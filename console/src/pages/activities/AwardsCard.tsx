import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, DatePicker, Form, Input, Radio, Space, Table } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { call, newIdempotencyKey, url as apiUrl } from "../../api/client";
import { AWARD_LEVELS, type Activity, type Award, type AwardLevel, type AwardsPublished, type Registration, type Team } from "../../api/eventRows";
import { DownloadButton } from "../../components/DownloadButton";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { toFen, yuan } from "../../money";

interface AwardValues {
  category: string;
  level: AwardLevel;
  to: "member" | "team";
  member_id?: string;
  team_id?: string;
  result?: string;
  prize_yuan?: string;
}

/** Results and awards to members or teams; publishing them pays the prize money from the reserved prize budget. */
export function AwardsCard({
  activity,
  registrations,
  names,
  manager,
  onChanged,
}: {
  activity: Activity;
  registrations: Registration[];
  names: Map<string, string>;
  manager: boolean;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const a = t.activities;
  const client = useQueryClient();
  const base = `/v1/activities/${encodeURIComponent(activity.id)}`;
  const awards = useQuery({ queryKey: ["activity", activity.id, "awards"], queryFn: () => call<Award[]>("events", `${base}/awards`) });
  const teams = useQuery({ queryKey: ["activity", activity.id, "teams"], queryFn: () => call<Team[]>("events", `${base}/teams`) });
  const [form] = Form.useForm<AwardValues>();
  const to = Form.useWatch("to", form) ?? "member";
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ["activity", activity.id] });
    onChanged();
  };
  const record = useMutation({
    mutationFn: (v: AwardValues) =>
      call<Award>("events", `${base}/awards`, {
        method: "POST",
        idempotencyKey: newIdempotencyKey(),
        body: {
          category: v.category,
          level: v.level,
          ...(v.to === "team" ? { team_id: v.team_id } : { member_id: v.member_id }),
          result: v.result || null,
          prize_fen: toFen(v.prize_yuan) ?? 0,
        },
      }),
    onSuccess: () => {
      form.resetFields();
      refresh();
    },
  });
  const [paidOn, setPaidOn] = useState<Dayjs>(dayjs());
  const publish = useMutation({
    mutationFn: () =>
      call<AwardsPublished>("events", `${base}/awards/publication`, {
        method: "POST",
        idempotencyKey: newIdempotencyKey(),
        body: { paid_on: paidOn.format("YYYY-MM-DD") },
      }),
    onSuccess: () => refresh(),
  });
  const published = activity.awards_published_on;
  const open = manager && activity.status === "published" && !published;
  return (
    <Card
      title={a.awards}
      size="small"
      data-testid="awards-card"
      extra={
        <DownloadButton
          data-testid="print-awards"
          size="small"
          url={apiUrl("events", `${base}/awards`, { format: "pdf" })}
          filename={`awards-${activity.id}.pdf`}
          label={a.printAwards}
        />
      }
    >
      {open && (
        <Form<AwardValues>
          form={form}
          name="record-award"
          layout="inline"
          initialValues={{ to: "member" }}
          onFinish={record.mutate}
          style={{ marginBottom: 12, rowGap: 8 }}
        >
          <Form.Item name="category" label={a.category} rules={[{ required: true, whitespace: true, message: t.required }]}>
            <Input maxLength={200} style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="level" label={a.level} rules={[{ required: true, message: t.required }]}>
            <FormSelect style={{ width: 110 }} options={AWARD_LEVELS.map((l) => ({ value: l, label: a.levels[l] }))} />
          </Form.Item>
          <Form.Item name="to" label={a.winnerKind}>
            <Radio.Group
              options={[
                { value: "member", label: a.toMember },
                { value: "team", label: a.toTeam },
              ]}
            />
          </Form.Item>
          {to === "member" ? (
            <Form.Item name="member_id" label={a.winner} rules={[{ required: true, message: t.required }]}>
              <FormSelect
                showSearch
                optionFilterProp="label"
                style={{ width: 180 }}
                options={registrations
                  .filter((r) => r.status === "confirmed")
                  .map((r) => ({ value: r.member_id, label: r.display_name ?? r.member_id }))}
              />
            </Form.Item>
          ) : (
            <Form.Item name="team_id" label={a.winner} rules={[{ required: true, message: t.required }]}>
              <FormSelect style={{ width: 180 }} options={(teams.data ?? []).map((team) => ({ value: team.id, label: team.name }))} />
            </Form.Item>
          )}
          <Form.Item name="result" label={a.result}>
            <Input maxLength={200} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="prize_yuan" label={a.prize} rules={[{ pattern: /^\d+(\.\d{1,2})?$/, message: t.required }]}>
            <Input inputMode="decimal" style={{ width: 100 }} />
          </Form.Item>
          <Button htmlType="submit" loading={record.isPending}>
            {a.recordAward}
          </Button>
        </Form>
      )}
      {record.error ? <ProblemAlert error={record.error} /> : null}
      {awards.error ? <ProblemAlert error={awards.error} /> : null}
      <Table<Award>
        data-testid="awards"
        rowKey="id"
        size="small"
        pagination={false}
        loading={awards.isFetching}
        dataSource={awards.data}
        columns={[
          { title: a.category, dataIndex: "category" },
          { title: a.level, dataIndex: "level", render: (l: string) => a.levels[l] ?? l },
          { title: a.winner, render: (_, w) => w.team_name ?? (w.member_id ? (names.get(w.member_id) ?? w.member_id) : "—") },
          { title: a.result, dataIndex: "result", render: (r: string | null) => r ?? "—" },
          { title: a.prize, dataIndex: "prize_fen", align: "right", render: yuan },
        ]}
      />
      {published ? (
        <Alert type="success" showIcon style={{ marginTop: 12 }} data-testid="awards-published" message={a.awardsPublished(published)} />
      ) : (
        open &&
        (awards.data?.length ?? 0) > 0 && (
          <Space style={{ marginTop: 12 }} wrap>
            <label htmlFor="awards-paid-on">{a.paidOn}</label>
            <DatePicker id="awards-paid-on" value={paidOn} onChange={(d) => d && setPaidOn(d)} allowClear={false} />
            <Button type="primary" loading={publish.isPending} onClick={() => publish.mutate()} data-testid="publish-awards">
              {a.publishAwards}
            </Button>
          </Space>
        )
      )}
      {publish.error ? <ProblemAlert error={publish.error} /> : null}
    </Card>
  );
}
