import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Form, Input, Modal, Popconfirm, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { call, newIdempotencyKey } from "../api/client";
import type { components } from "../api/membership";
import { ProblemAlert } from "../components/ProblemAlert";
import { useI18n } from "../i18n";
import { useOrg } from "../scope";

type Account = components["schemas"]["AccountOut"];
type AccountPage = components["schemas"]["AccountPage"];
type Created = components["schemas"]["CreatedAccountOut"];
type NewAccount = components["schemas"]["NewAccountIn"];

const CREATABLE_ROLES = ["union_officer", "welfare_officer", "auditor", "member"];
const enc = encodeURIComponent;

export default function AccountsPage() {
  const { t } = useI18n();
  const org = useOrg();
  const client = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<{ username: string; password: string } | null>(null);
  const base = `/v1/organizations/${enc(org)}/accounts`;

  const accounts = useQuery({
    queryKey: ["accounts", org],
    queryFn: async () => {
      // Every page: an organization's accounts are few.
      const all: Account[] = [];
      let cursor: string | null | undefined;
      do {
        const page: AccountPage = await call<AccountPage>("membership", base, { query: { cursor } });
        all.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor);
      return all;
    },
  });
  const refresh = () => client.invalidateQueries({ queryKey: ["accounts", org] });

  const create = useMutation({
    mutationFn: (values: NewAccount) =>
      call<Created>("membership", base, { method: "POST", body: values, idempotencyKey: newIdempotencyKey() }),
    onSuccess: (created) => {
      setCreating(false);
      setSecret({ username: created.username, password: created.temporary_password });
      void refresh();
    },
  });
  const action = useMutation({
    mutationFn: ({ account, verb }: { account: Account; verb: "password-reset" | "disable" | "enable" }) =>
      call<{ temporary_password?: string }>("membership", `${base}/${enc(account.id)}/${verb}`, {
        method: "POST",
        idempotencyKey: newIdempotencyKey(),
      }).then((answer) => ({ account, answer })),
    onSuccess: ({ account, answer }) => {
      if (answer?.temporary_password) setSecret({ username: account.username, password: answer.temporary_password });
      void refresh();
    },
  });

  return (
    <div data-testid="accounts-page">
      <Space style={{ width: "100%", justifyContent: "space-between" }}>
        <Typography.Title level={2}>{t.accounts}</Typography.Title>
        <Button type="primary" onClick={() => setCreating(true)} data-testid="create-account">
          {t.createAccount}
        </Button>
      </Space>
      {action.error && <ProblemAlert error={action.error} />}
      {accounts.error ? (
        <ProblemAlert error={accounts.error} />
      ) : (
        <Table<Account>
          data-testid="accounts"
          rowKey="id"
          size="small"
          loading={accounts.isLoading}
          dataSource={accounts.data}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[
            { title: t.username, dataIndex: "username" },
            { title: t.displayName, dataIndex: "display_name" },
            { title: t.organization, dataIndex: "organization_name" },
            { title: t.role, dataIndex: "role", render: (r: string) => t.roles[r] ?? r },
            {
              title: t.enabled,
              dataIndex: "enabled",
              render: (on: boolean) => <Tag color={on ? "#237804" : "default"}>{on ? t.active : t.disabled}</Tag>,
            },
            {
              title: "",
              render: (_, account) => (
                <Space>
                  <Popconfirm title={t.confirm} onConfirm={() => action.mutate({ account, verb: "password-reset" })}>
                    <Button size="small">{t.resetPassword}</Button>
                  </Popconfirm>
                  <Popconfirm
                    title={t.confirm}
                    onConfirm={() => action.mutate({ account, verb: account.enabled ? "disable" : "enable" })}
                  >
                    <Button size="small" danger={account.enabled}>
                      {account.enabled ? t.disable : t.enable}
                    </Button>
                  </Popconfirm>
                </Space>
              ),
            },
          ]}
        />
      )}
      <Modal open={creating} title={t.createAccount} footer={null} onCancel={() => setCreating(false)} destroyOnClose>
        <Form layout="vertical" onFinish={create.mutate} initialValues={{ role: "union_officer" }}>
          <Form.Item name="username" label={t.username} rules={[{ required: true, message: t.required }]}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="display_name" label={t.displayName} rules={[{ required: true, message: t.required }]}>
            <Input autoComplete="off" />
          </Form.Item>
          <Form.Item name="role" label={t.role}>
            <Select options={CREATABLE_ROLES.map((r) => ({ value: r, label: t.roles[r] }))} />
          </Form.Item>
          {create.error && <ProblemAlert error={create.error} />}
          <Button type="primary" htmlType="submit" loading={create.isPending}>
            {t.create}
          </Button>
        </Form>
      </Modal>
      <Modal
        open={!!secret}
        title={t.temporaryPassword}
        onCancel={() => setSecret(null)}
        footer={<Button onClick={() => setSecret(null)}>{t.close}</Button>}
      >
        <Alert type="warning" showIcon message={t.temporaryPasswordNote} style={{ marginBottom: 16 }} />
        <Typography.Paragraph>
          {secret?.username}:{" "}
          <Typography.Text code copyable data-testid="temporary-password">
            {secret?.password}
          </Typography.Text>
        </Typography.Paragraph>
      </Modal>
    </div>
  );
}
