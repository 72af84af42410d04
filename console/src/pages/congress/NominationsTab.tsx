import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Card, DatePicker, Space, Steps, Table } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { call, newIdempotencyKey } from "../../api/client";
import { type Nomination, type PublicNotice } from "../../api/eventRows";
import { useOrganizationNames } from "../../api/members";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ReasonModal } from "../../components/ReasonModal";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";

const enc = encodeURIComponent;
const STAGES = ["nominated", "reviewed", "approved"];

/** Award nominations through their stages (nominated → reviewed → approved, then the public notice) and the notices up today. */
export function NominationsTab({ org }: { org: string }) {
  const { t } = useI18n();
  const c = t.congress;
  const d = t.eventsDesk;
  const { claims } = useSession();
  // Reviewing, approving and rejecting are the federation admins' (events' nominations._require_admin_of).
  const decides = claims.role === "federation_admin";
  const { nameOf } = useOrganizationNames();
  const client = useQueryClient();
  const nominations = useQuery({
    queryKey: ["nominations", org],
    queryFn: () => call<Nomination[]>("events", `/v1/organizations/${enc(org)}/nominations`),
  });
  const notices = useQuery({
    queryKey: ["nominations", org, "notices"],
    queryFn: () => call<PublicNotice[]>("events", `/v1/organizations/${enc(org)}/public-notices`),
  });
  const [notice, setNotice] = useState<[Dayjs, Dayjs]>([dayjs(), dayjs().add(6, "day")]);
  const step = useMutation({
    mutationFn: ({ id, action }: { id: string; action: "review" | "approval" }) =>
      call<Nomination>("events", `/v1/nominations/${enc(id)}/${action}`, {
        method: "POST",
        idempotencyKey: newIdempotencyKey(),
        body:
          action === "review"
            ? {}
            : { notice_starts_on: notice[0].format("YYYY-MM-DD"), notice_ends_on: notice[1].format("YYYY-MM-DD") },
      }),
    onSuccess: () => void client.invalidateQueries({ queryKey: ["nominations", org] }),
  });
  // Rejecting at the current stage (by the reviewer before review, by the federation after) ends the nomination.
  const [rejecting, setRejecting] = useState<Nomination | null>(null);
  const reject = useMutation({
    mutationFn: ({ id, reason }: { id: string; reason: string }) =>
      call<Nomination>("events", `/v1/nominations/${enc(id)}/rejection`, {
        method: "POST",
        idempotencyKey: newIdempotencyKey(),
        body: { reason },
      }),
    onSuccess: () => {
      setRejecting(null);
      void client.invalidateQueries({ queryKey: ["nominations", org] });
    },
  });
  return (
    <Space direction="vertical" size="large" style={{ width: "100%" }}>
      {decides && (
        <Space wrap>
          <label htmlFor="notice-range">{c.notice}</label>
          <DatePicker.RangePicker
            id="notice-range"
            value={notice}
            allowClear={false}
            onChange={(v) => v?.[0] && v[1] && setNotice([v[0], v[1]])}
          />
        </Space>
      )}
      {step.error ? <ProblemAlert error={step.error} /> : null}
      {nominations.error ? <ProblemAlert error={nominations.error} /> : null}
      <Table<Nomination>
        data-testid="nominations"
        rowKey="id"
        size="small"
        pagination={false}
        loading={nominations.isFetching}
        dataSource={nominations.data}
        columns={[
          { title: c.nominee, dataIndex: "member_name", width: 100 },
          { title: c.union, dataIndex: "organization_id", width: 160, render: (id: string) => nameOf(id) },
          { title: c.award, render: (_, n) => `${n.year} ${c.awardKinds[n.award] ?? n.award}`, width: 160 },
          {
            title: c.proposalStatus,
            render: (_, n) => (
              <div data-testid="nomination-status" data-status={n.status}>
                <Steps
                  size="small"
                  status={n.status === "rejected" ? "error" : undefined}
                  current={n.status === "rejected" ? STAGES.indexOf(n.rejected_at_stage ?? "nominated") + 1 : n.status === "approved" ? 3 : STAGES.indexOf(n.status)}
                  items={[
                    ...STAGES.map((s) => ({ title: c.nominationStatuses[s] })),
                    {
                      title: c.notice,
                      description: n.notice_starts_on ? `${n.notice_starts_on} – ${n.notice_ends_on}` : undefined,
                    },
                  ]}
                />
                {n.rejection_reason && (
                  <div data-testid="rejection-reason" style={{ fontSize: 12, marginTop: 4 }}>
                    {c.nominationStatuses.rejected} · {d.rejectedBecause(n.rejection_reason)}
                  </div>
                )}
              </div>
            ),
          },
          {
            title: "",
            key: "actions",
            width: 180,
            render: (_, n) =>
              decides &&
              (n.status === "nominated" || n.status === "reviewed") && (
                <Space size={4}>
                  <Button
                    size="small"
                    loading={step.isPending && step.variables?.id === n.id}
                    onClick={() => step.mutate({ id: n.id, action: n.status === "nominated" ? "review" : "approval" })}
                  >
                    {n.status === "nominated" ? c.nominationStatuses.reviewed : c.nominationStatuses.approved}
                  </Button>
                  <Button size="small" danger data-testid="reject-nomination" onClick={() => setRejecting(n)}>
                    {d.reject}
                  </Button>
                </Space>
              ),
          },
        ]}
      />
      <ReasonModal
        open={rejecting !== null}
        title={rejecting ? d.rejectTitle(rejecting.member_name) : ""}
        note={d.rejectNote}
        label={d.rejectReason}
        maxLength={500}
        pending={reject.isPending}
        error={reject.error}
        testId="reject-nomination-form"
        onSubmit={(reason) => rejecting && reject.mutate({ id: rejecting.id, reason })}
        onClose={() => {
          setRejecting(null);
          reject.reset();
        }}
      />
      <Card title={c.publicNotices} size="small">
        {notices.error ? <ProblemAlert error={notices.error} /> : null}
        <Table<PublicNotice>
          data-testid="public-notices"
          rowKey="nomination_id"
          size="small"
          pagination={false}
          loading={notices.isFetching}
          dataSource={notices.data}
          columns={[
            { title: c.nominee, dataIndex: "member_name", width: 100 },
            { title: c.union, dataIndex: "organization_id", width: 160, render: (id: string) => nameOf(id) },
            { title: c.award, render: (_, n) => `${n.year} ${c.awardKinds[n.award] ?? n.award}`, width: 160 },
            { title: c.citation, dataIndex: "citation" },
            { title: c.notice, render: (_, n) => `${n.notice_starts_on} – ${n.notice_ends_on}`, width: 200 },
          ]}
        />
      </Card>
    </Space>
  );
}
