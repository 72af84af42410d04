import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Card, Empty, Space, Tag, Typography } from "antd";
import { call, newIdempotencyKey } from "../../api/client";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import type { MyProposal } from "./api";

/** Proposals of the congress sessions the member represents, to second (附议). */
export function ProposalsTab() {
  const m = useI18n().t.me;
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ["me", "proposals"],
    queryFn: () => call<MyProposal[]>("events", "/v1/me/congress-proposals"),
  });
  const second = useMutation({
    mutationFn: (id: string) =>
      call("events", `/v1/me/congress-proposals/${id}/seconding`, { method: "POST", idempotencyKey: newIdempotencyKey() }),
    onSettled: () => client.invalidateQueries({ queryKey: ["me", "proposals"] }),
  });
  if (list.error) return <ProblemAlert error={list.error} />;
  if (!list.data) return <Card loading />;
  return (
    <Space direction="vertical" style={{ width: "100%" }} data-testid="my-proposals">
      <ProblemAlert error={second.error} />
      {list.data.length === 0 && <Empty description={m.noProposals} />}
      {list.data.map((p) => (
        <Card key={p.id} size="small" title={`${p.number}. ${p.title}`} data-testid="proposal">
          <Typography.Paragraph ellipsis={{ rows: 3, expandable: true }}>{p.body}</Typography.Paragraph>
          <Space wrap>
            <Tag>{m.proposalStatuses[p.status] ?? p.status}</Tag>
            <Typography.Text type="secondary">{m.seconders(p.seconders.length)}</Typography.Text>
            {p.may_second && (
              <Button type="primary" loading={second.isPending && second.variables === p.id} onClick={() => second.mutate(p.id)}>
                {m.second}
              </Button>
            )}
            {p.seconded_by_me && <Tag color="#237804">{m.seconded}</Tag>}
            {!p.may_second && !p.seconded_by_me && <Tag color="#0050b3">{m.ownProposal}</Tag>}
          </Space>
        </Card>
      ))}
    </Space>
  );
}
