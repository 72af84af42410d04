import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Card, Form, Input, InputNumber, Space, Table, Tag, Typography } from "antd";
import { call, newIdempotencyKey } from "../../api/client";
import type { Motion, Representative } from "../../api/eventRows";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

const enc = encodeURIComponent;
const PASS_RULES = ["majority_of_present", "two_thirds_of_present", "majority_of_all", "two_thirds_of_all"] as const;
const RESULT_COLOURS: Record<string, string> = { passed: "#237804", failed: "#a8071a", no_quorum: "#ad4e00" };

interface VoteValues {
  title: string;
  present_member_ids: string[];
  quorum_numerator: number;
  quorum_denominator: number;
  pass_rule: (typeof PASS_RULES)[number];
}

/** The session's votes: who was present, the quorum, ballots cast and, once closed, the count and the result. */
export function MotionsCard({
  sessionId,
  representatives,
  manager,
}: {
  sessionId: string;
  representatives: Representative[];
  manager: boolean;
}) {
  const { t } = useI18n();
  const c = t.congress;
  const client = useQueryClient();
  const path = `/v1/congress-sessions/${enc(sessionId)}/motions`;
  const motions = useQuery({
    queryKey: ["congress", sessionId, "motions"],
    queryFn: () => call<Motion[]>("events", path),
    // Ballots arrive from the representatives' phones while a vote is open.
    refetchInterval: (q) => (q.state.data?.some((m) => m.status === "open") ? 3000 : false),
  });
  const refresh = () => client.invalidateQueries({ queryKey: ["congress", sessionId, "motions"] });
  const [form] = Form.useForm<VoteValues>();
  const open = useMutation({
    mutationFn: (body: VoteValues) => call<Motion>("events", path, { method: "POST", body, idempotencyKey: newIdempotencyKey() }),
    onSuccess: () => {
      form.resetFields();
      void refresh();
    },
  });
  const close = useMutation({
    mutationFn: (motion: Motion) =>
      call<Motion>("events", `/v1/congress-motions/${enc(motion.id)}/close`, { method: "POST", idempotencyKey: newIdempotencyKey() }),
    onSuccess: () => void refresh(),
  });
  const counted = (n: number | null) => (n === null ? "—" : n);
  return (
    <Card size="small" title={c.motions} data-testid="motions-card">
      <Typography.Paragraph type="secondary">{c.votingNote}</Typography.Paragraph>
      {manager && (
        <Form<VoteValues>
          form={form}
          name="open-vote"
          layout="inline"
          style={{ marginBottom: 12, rowGap: 8 }}
          initialValues={{ quorum_numerator: 2, quorum_denominator: 3, pass_rule: "majority_of_present" }}
          onFinish={open.mutate}
        >
          <Form.Item name="title" label={c.motionTitle} rules={[{ required: true, whitespace: true, message: t.required }]}>
            <Input maxLength={200} style={{ width: 260 }} />
          </Form.Item>
          <Form.Item name="present_member_ids" label={c.present} rules={[{ required: true, message: t.required }]}>
            <FormSelect
              mode="multiple"
              maxTagCount={3}
              optionFilterProp="label"
              style={{ minWidth: 260 }}
              options={representatives.map((r) => ({ value: r.id, label: r.display_name }))}
            />
          </Form.Item>
          <Button size="small" onClick={() => form.setFieldValue("present_member_ids", representatives.map((r) => r.id))}>
            {`${c.present}：${representatives.length}`}
          </Button>
          <Form.Item label={c.quorum}>
            <Space>
              <Form.Item name="quorum_numerator" noStyle>
                <InputNumber aria-label={`${c.quorum} 1`} min={1} max={100} precision={0} style={{ width: 64 }} />
              </Form.Item>
              /
              <Form.Item name="quorum_denominator" noStyle>
                <InputNumber aria-label={`${c.quorum} 2`} min={1} max={100} precision={0} style={{ width: 64 }} />
              </Form.Item>
            </Space>
          </Form.Item>
          <Form.Item name="pass_rule" label={c.passRule}>
            <FormSelect style={{ width: 170 }} options={PASS_RULES.map((r) => ({ value: r, label: c.passRules[r] }))} />
          </Form.Item>
          <Button htmlType="submit" loading={open.isPending}>
            {c.openVote}
          </Button>
        </Form>
      )}
      {open.error ? <ProblemAlert error={open.error} /> : null}
      {close.error ? <ProblemAlert error={close.error} /> : null}
      {motions.error ? <ProblemAlert error={motions.error} /> : null}
      <Table<Motion>
        data-testid="motions"
        rowKey="id"
        size="small"
        pagination={false}
        loading={motions.isLoading}
        dataSource={motions.data}
        columns={[
          { title: c.motionTitle, dataIndex: "title" },
          { title: c.present, render: (_, m) => `${m.present}/${m.representatives}`, width: 80 },
          { title: c.quorum, dataIndex: "quorum", width: 70 },
          { title: c.passRule, dataIndex: "pass_rule", render: (r: string) => c.passRules[r] ?? r },
          { title: c.ballots, dataIndex: "ballots_cast", align: "right", width: 70 },
          { title: c.votesFor, dataIndex: "votes_for", align: "right", width: 60, render: counted },
          { title: c.votesAgainst, dataIndex: "votes_against", align: "right", width: 60, render: counted },
          { title: c.votesAbstain, dataIndex: "votes_abstain", align: "right", width: 60, render: counted },
          {
            title: c.result,
            width: 150,
            render: (_, m) =>
              m.result ? (
                <Tag data-testid="motion-result" data-result={m.result} color={RESULT_COLOURS[m.result]}>
                  {c.results[m.result] ?? m.result}
                </Tag>
              ) : manager ? (
                <Button size="small" loading={close.isPending && close.variables?.id === m.id} onClick={() => close.mutate(m)}>
                  {c.closeVote}
                </Button>
              ) : (
                <Tag>{c.motionStatuses[m.status] ?? m.status}</Tag>
              ),
          },
        ]}
      />
    </Card>
  );
}
