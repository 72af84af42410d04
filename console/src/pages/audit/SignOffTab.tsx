import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Card, Form, Input, Space, Table, Tag, Tooltip, Typography } from "antd";
import dayjs from "dayjs";
import { call } from "../../api/client";
import { useRequestKeys } from "../../api/members";
import { FINDING_RECORDERS, type SignOff } from "../../api/auditRows";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";

const enc = encodeURIComponent;

/** The terms a sign-off may name: this year's and last year's halves, and the whole years. */
function terms(): string[] {
  const year = dayjs().year();
  return [year, year - 1].flatMap((y) => [`${y}-H1`, `${y}-H2`, `${y}`]);
}

/**
 * 审计签署: the auditor signs off a term of the ledger with its opinion; finance records the ledger's
 * chain head then. Each sign-off read later says whether the ledger still reaches that head.
 */
export function SignOffTab({ org }: { org: string }) {
  const { t } = useI18n();
  const a = t.auditCommittee;
  const { claims } = useSession();
  const keyOf = useRequestKeys();
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ["audit-signoffs", org],
    queryFn: () => call<SignOff[]>("finance", `/v1/organizations/${enc(org)}/audit-signoffs`),
  });
  const sign = useMutation({
    mutationFn: (body: { term: string; opinion: string }) =>
      call<SignOff>("finance", `/v1/organizations/${enc(org)}/audit-signoffs`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["audit-signoffs"] }),
  });
  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      {FINDING_RECORDERS.includes(claims.role) && (
        <Card size="small" title={a.signOff}>
          <Form<{ term: string; opinion: string }>
            layout="vertical"
            name="sign-off"
            data-testid="sign-off-form"
            initialValues={{ term: terms()[0] }}
            onValuesChange={() => sign.reset()}
            onFinish={(v) => sign.mutate({ term: v.term, opinion: v.opinion.trim() })}
          >
            <Form.Item name="term" label={a.term} rules={[{ required: true, message: t.required }]}>
              <FormSelect style={{ width: 160 }} options={terms().map((term) => ({ value: term, label: a.termLabel(term) }))} />
            </Form.Item>
            <Form.Item name="opinion" label={a.opinion} rules={[{ required: true, whitespace: true, message: t.required }]}>
              <Input.TextArea rows={4} maxLength={2000} data-testid="sign-off-opinion" />
            </Form.Item>
            {sign.error ? <ProblemAlert error={sign.error} /> : null}
            <Button type="primary" htmlType="submit" loading={sign.isPending} data-testid="sign-off-submit">
              {a.signOff}
            </Button>
          </Form>
        </Card>
      )}
      <ProblemAlert error={list.error} />
      <Table<SignOff>
        rowKey="id"
        size="small"
        data-testid="sign-offs"
        loading={list.isFetching}
        dataSource={list.data ?? []}
        columns={[
          { title: a.ledger, dataIndex: "ledger_id" },
          { title: a.term, dataIndex: "term", render: (term: string) => a.termLabel(term) },
          { title: a.opinion, dataIndex: "opinion" },
          {
            title: a.head,
            key: "head",
            render: (_, s) => (
              <span data-testid="sign-off-head">
                #{s.head_sequence} <Typography.Text code>{s.head_hash.slice(0, 16)}…</Typography.Text>
              </span>
            ),
          },
          {
            title: a.verified,
            key: "verified",
            render: (_, s) =>
              s.verified ? (
                <Tag color="#237804" data-testid="sign-off-verified">{a.headHolds}</Tag>
              ) : (
                <Tooltip title={s.problem}>
                  <Tag color="#a8071a" data-testid="sign-off-verified">{a.headChanged}</Tag>
                </Tooltip>
              ),
          },
          {
            title: a.openAtSignOff,
            key: "open",
            render: (_, s) => (s.open_findings.length ? s.open_findings.map((f) => f.text).join("；") : "—"),
          },
          { title: a.signedBy, dataIndex: "signed_off_by" },
          { title: a.signedAt, dataIndex: "signed_off_at", render: (v: string) => dayjs(v).format("YYYY-MM-DD HH:mm") },
        ]}
      />
    </Space>
  );
}
