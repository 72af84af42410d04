import { useMutation } from "@tanstack/react-query";
import { Alert, Button, Form, Input, Modal, Typography } from "antd";
import { useState } from "react";
import { call, newIdempotencyKey } from "../../api/client";
import type { components } from "../../api/membership";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useSubtree } from "../../scope";

type Member = components["schemas"]["MemberOut"];
type Created = components["schemas"]["CreatedAccountOut"];

/**
 * An officer gives a member their own sign-in account (role member, linked to the member): on
 * their phone they then see their dues, activities and surveys at /me. The account acts for the
 * member's union (the union above a union group), so the union's sessions and notices reach them.
 */
export function MemberAccountButton({ member }: { member: Member }) {
  const { t } = useI18n();
  const m = t.me;
  const [open, setOpen] = useState(false);
  const subtree = useSubtree();
  const organization = subtree.data?.find((o) => o.id === member.organization_id);
  const union = organization?.kind === "union_group" && organization.parent_id ? organization.parent_id : member.organization_id;
  const create = useMutation({
    mutationFn: (values: { username: string }) =>
      call<Created>("membership", `/v1/organizations/${encodeURIComponent(union)}/accounts`, {
        method: "POST",
        idempotencyKey: newIdempotencyKey(),
        body: { username: values.username, display_name: member.display_name, role: "member", member_id: member.id },
      }),
  });
  const created = create.data;
  return (
    <>
      <Button data-testid="open-member-account" disabled={member.status !== "active"} onClick={() => setOpen(true)}>
        {m.giveAccount}
      </Button>
      <Modal open={open} title={m.giveAccount} footer={null} onCancel={() => setOpen(false)} destroyOnClose>
        {created ? (
          <Alert
            type="success"
            showIcon
            data-testid="member-account-created"
            message={m.accountCreated(created.username)}
            description={
              <Typography.Text code copyable data-testid="temporary-password">
                {created.temporary_password}
              </Typography.Text>
            }
          />
        ) : (
          <Form layout="vertical" name="member-account" onFinish={create.mutate}>
            <Typography.Paragraph>{m.giveAccountNote(member.display_name)}</Typography.Paragraph>
            <Form.Item
              name="username"
              label={m.username}
              extra={m.usernameRule}
              rules={[{ required: true, pattern: /^[a-z0-9][a-z0-9._-]{2,49}$/, message: m.usernameRule }]}
            >
              <Input autoComplete="off" />
            </Form.Item>
            <ProblemAlert error={create.error} />
            <Button type="primary" htmlType="submit" loading={create.isPending}>
              {m.create}
            </Button>
          </Form>
        )}
      </Modal>
    </>
  );
}
