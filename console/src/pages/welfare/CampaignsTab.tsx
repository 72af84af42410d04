import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Card, DatePicker, Descriptions, Form, Input, InputNumber, Modal, Space, Table, Tag, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useMemo, useState } from "react";
import { Link } from "react-router-dom";
import { call, newIdempotencyKey } from "../../api/client";
import type { components } from "../../api/welfare";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { toFen, yuan } from "../../money";
import { EligibilityFields } from "./shared";

type CampaignSummary = components["schemas"]["CampaignSummary"];
type Campaign = components["schemas"]["CampaignOut"];
type CreateCampaign = components["schemas"]["CreateCampaign"];
type Claim = components["schemas"]["ClaimOut"];
type Kind = CreateCampaign["kind"];

const enc = encodeURIComponent;
const KINDS: Kind[] = ["health_check", "insurance"];
// Finished states in solid colours (4.5:1 contrast for their text), the open one in antd's blue.
const STATUS_COLOURS: Record<string, string> = { open: "blue", paid: "#237804", refused: "#a8071a", cancelled: "default" };

/** 体检与保险: health checks and group insurance, their cost reserved in finance, and insurance claims. */
export function CampaignsTab({ org, id, mayManage }: { org: string; id?: string; mayManage: boolean }) {
  if (id) return <CampaignCard org={org} id={id} mayManage={mayManage} />;
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large">
      {mayManage && <CreateCampaignForm org={org} />}
      <CampaignList org={org} />
    </Space>
  );
}

function CampaignStatus({ status }: { status: string }) {
  const { t } = useI18n();
  return (
    <Tag data-testid="campaign-status" color={STATUS_COLOURS[status]}>
      {t.charity.campaignStates[status as keyof typeof t.charity.campaignStates] ?? status}
    </Tag>
  );
}

function CampaignList({ org }: { org: string }) {
  const { t } = useI18n();
  const c = t.charity;
  const list = useQuery({
    queryKey: ["welfare-campaigns", org],
    queryFn: () => call<CampaignSummary[]>("welfare", `/v1/organizations/${enc(org)}/welfare-campaigns`),
  });
  if (list.error) return <ProblemAlert error={list.error} />;
  return (
    <Table<CampaignSummary>
      data-testid="campaigns"
      rowKey="id"
      size="small"
      loading={list.isLoading}
      pagination={false}
      dataSource={list.data}
      columns={[
        { title: c.campaignTitle, render: (_, k) => <Link to={`/o/${enc(org)}/welfare/campaigns/${enc(k.id)}`}>{k.title}</Link> },
        { title: c.kind, dataIndex: "kind", render: (kind: Kind) => c.kinds[kind] ?? kind },
        { title: c.provider, dataIndex: "provider", render: (p: string | null) => p ?? "—" },
        { title: c.costPerMember, dataIndex: "cost_per_member_fen", align: "right", render: yuan },
        { title: c.enrolled, dataIndex: "enrolled", align: "right" },
        { title: c.totalCost, dataIndex: "total_cost_fen", align: "right", render: yuan },
        { title: c.status, dataIndex: "status", render: (status: string) => <CampaignStatus status={status} /> },
      ]}
    />
  );
}

interface CampaignValues {
  kind?: Kind;
  title?: string;
  provider?: string;
  cost?: number | null;
  gender: "" | "female" | "male";
  statuses: ("active" | "retired")[];
}

function CreateCampaignForm({ org }: { org: string }) {
  const { t } = useI18n();
  const c = t.charity;
  const queryClient = useQueryClient();
  const [form] = Form.useForm<CampaignValues>();
  const create = useMutation({
    mutationFn: (v: CampaignValues) =>
      call<Campaign>("welfare", `/v1/organizations/${enc(org)}/welfare-campaigns`, {
        method: "POST",
        idempotencyKey: newIdempotencyKey(),
        body: {
          kind: v.kind,
          title: v.title,
          provider: v.provider || null,
          cost_per_member_fen: toFen(v.cost ?? undefined),
          eligibility: { gender: v.gender || null, statuses: v.statuses },
        },
      }),
    onSuccess: () => {
      form.resetFields();
      void queryClient.invalidateQueries({ queryKey: ["welfare-campaigns", org] });
    },
  });
  return (
    <Card title={c.newCampaign} size="small" data-testid="create-campaign">
      <Form<CampaignValues> name="new-campaign" form={form} layout="vertical" initialValues={{ gender: "", statuses: ["active"] }} onFinish={create.mutate}>
        <Space wrap align="start" size="large">
          <Form.Item name="kind" label={c.kind} rules={[{ required: true, message: t.required }]}>
            <FormSelect style={{ width: 140 }} data-testid="campaign-kind" options={KINDS.map((k) => ({ value: k, label: c.kinds[k] }))} />
          </Form.Item>
          <Form.Item name="title" label={c.campaignTitle} rules={[{ required: true, message: t.required }]}>
            <Input style={{ width: 260 }} maxLength={120} />
          </Form.Item>
          <Form.Item name="provider" label={c.provider}>
            <Input style={{ width: 200 }} maxLength={120} />
          </Form.Item>
          <Form.Item name="cost" label={c.costPerMemberYuan} rules={[{ required: true, message: t.required }]}>
            <InputNumber min={0.01} precision={2} style={{ width: 140 }} />
          </Form.Item>
          <EligibilityFields />
        </Space>
        <ProblemAlert error={create.error} />
        <Button type="primary" htmlType="submit" loading={create.isPending} data-testid="create-campaign-submit">
          {c.createCampaign}
        </Button>
      </Form>
    </Card>
  );
}

interface PayValues {
  amount?: number | null;
  paid_on: Dayjs;
  description: string;
}

interface DecisionValues {
  paid?: number | null;
  reason?: string;
}

type Asking = { action: "pay" | "reject"; claim: Claim } | { action: "cancel" };

interface ClaimValues {
  member_id?: string;
  claimed?: number | null;
  description?: string;
}

function CampaignCard({ org, id, mayManage }: { org: string; id: string; mayManage: boolean }) {
  const { t } = useI18n();
  const c = t.charity;
  const queryClient = useQueryClient();
  const url = `/v1/welfare-campaigns/${enc(id)}`;
  // Finance answers the reservation and the payment asynchronously: the page follows it.
  const campaign = useQuery({
    queryKey: ["welfare-campaign", id],
    queryFn: () => call<Campaign>("welfare", url),
    refetchInterval: (q) => (q.state.data && ["requested", "capture_requested", "void_requested"].includes(q.state.data.money_status ?? "") ? 1500 : false),
  });
  const insurance = campaign.data?.kind === "insurance";
  const claims = useQuery({
    queryKey: ["insurance-claims", id],
    queryFn: () => call<Claim[]>("welfare", `${url}/claims`),
    enabled: insurance,
  });
  const names = useMemo(() => new Map((campaign.data?.members ?? []).map((m) => [m.member_id, m.display_name])), [campaign.data]);
  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: ["welfare-campaign", id] });
    void queryClient.invalidateQueries({ queryKey: ["insurance-claims", id] });
    void queryClient.invalidateQueries({ queryKey: ["welfare-campaigns"] });
  };
  const [payForm] = Form.useForm<PayValues>();
  const [claimForm] = Form.useForm<ClaimValues>();
  const pay = useMutation({
    mutationFn: (v: PayValues) =>
      call<Campaign>("welfare", `${url}/payment`, {
        method: "POST",
        idempotencyKey: newIdempotencyKey(),
        body: { amount_fen: toFen(v.amount ?? undefined), paid_on: v.paid_on.format("YYYY-MM-DD"), description: v.description },
      }),
    onSuccess: refresh,
  });
  // Paying a claim, rejecting one and cancelling the campaign each ask for their amount or reason first.
  const [asking, setAsking] = useState<Asking | null>(null);
  const done = () => {
    setAsking(null);
    refresh();
  };
  const cancel = useMutation({
    mutationFn: (reason: string) =>
      call<Campaign>("welfare", `${url}/cancellation`, { method: "POST", idempotencyKey: newIdempotencyKey(), body: { reason } }),
    onSuccess: done,
  });
  const fileClaim = useMutation({
    mutationFn: (v: ClaimValues) =>
      call<Claim>("welfare", `${url}/claims`, {
        method: "POST",
        idempotencyKey: newIdempotencyKey(),
        body: { member_id: v.member_id, claimed_fen: toFen(v.claimed ?? undefined), description: v.description },
      }),
    onSuccess: () => {
      claimForm.resetFields();
      refresh();
    },
  });
  const decide = useMutation({
    mutationFn: ({ claim, action, values }: { claim: Claim; action: "review" | "pay" | "reject"; values?: DecisionValues }) =>
      call<Claim>("welfare", `/v1/insurance-claims/${enc(claim.id)}/decision`, {
        method: "POST",
        idempotencyKey: newIdempotencyKey(),
        body:
          action === "pay"
            ? { action, paid_fen: toFen(values?.paid ?? undefined), reason: values?.reason || null }
            : action === "reject"
              ? { action, reason: values?.reason }
              : { action },
      }),
    onSuccess: done,
  });
  const answer = (values: DecisionValues) => {
    if (!asking) return;
    if (asking.action === "cancel") cancel.mutate(values.reason ?? "");
    else decide.mutate({ claim: asking.claim, action: asking.action, values });
  };
  if (campaign.error) return <ProblemAlert error={campaign.error} />;
  const k = campaign.data;
  const open = k?.status === "open";
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large" data-testid="campaign-card">
      <Link to={`/o/${enc(org)}/welfare/campaigns`}>{c.backToCampaigns}</Link>
      <Typography.Title level={3}>{k?.title ?? ""}</Typography.Title>
      <Descriptions size="small" bordered column={{ xs: 1, md: 3 }}>
        <Descriptions.Item label={c.kind}>{k ? c.kinds[k.kind as Kind] ?? k.kind : ""}</Descriptions.Item>
        <Descriptions.Item label={c.provider}>{k?.provider ?? "—"}</Descriptions.Item>
        <Descriptions.Item label={c.status}>{k && <CampaignStatus status={k.status} />}</Descriptions.Item>
        <Descriptions.Item label={c.costPerMember}>{yuan(k?.cost_per_member_fen)}</Descriptions.Item>
        <Descriptions.Item label={c.enrolled}>
          <span data-testid="campaign-enrolled">{k?.enrolled}</span>
        </Descriptions.Item>
        <Descriptions.Item label={c.totalCost}>
          <span data-testid="campaign-total">{yuan(k?.total_cost_fen)}</span>
        </Descriptions.Item>
        <Descriptions.Item label={c.moneyStatus}>
          <span data-testid="campaign-money">{k?.money_status ? c.moneyStates[k.money_status as keyof typeof c.moneyStates] ?? k.money_status : "—"}</span>
          {k?.finance_reason ? ` · ${k.finance_reason}` : ""}
        </Descriptions.Item>
        <Descriptions.Item label={c.paid}>{yuan(k?.paid_fen)}</Descriptions.Item>
      </Descriptions>
      {mayManage && open && (
        <Space wrap align="start" size="large">
          <Card title={c.payProvider} size="small" data-testid="pay-campaign">
            <Form<PayValues>
              name="campaign-payment"
              form={payForm}
              layout="vertical"
              initialValues={{ paid_on: dayjs(), description: k?.title }}
              onFinish={pay.mutate}
            >
              <Form.Item name="amount" label={c.amountYuan} rules={[{ required: true, message: t.required }]}>
                <InputNumber min={0.01} precision={2} style={{ width: 160 }} />
              </Form.Item>
              <Form.Item name="paid_on" label={c.paidOn} rules={[{ required: true, message: t.required }]}>
                <DatePicker />
              </Form.Item>
              <Form.Item name="description" label={c.description} rules={[{ required: true, message: t.required }]}>
                <Input maxLength={200} />
              </Form.Item>
              <ProblemAlert error={pay.error} />
              <Space>
                <Button type="primary" htmlType="submit" loading={pay.isPending} data-testid="pay-campaign-submit">
                  {c.payProvider}
                </Button>
                <Button danger onClick={() => setAsking({ action: "cancel" })} data-testid="cancel-campaign">
                  {c.cancelCampaign}
                </Button>
              </Space>
            </Form>
          </Card>
        </Space>
      )}
      {insurance && (
        <Card title={c.claims} size="small" data-testid="claims-card">
          {mayManage && (
            <Form<ClaimValues> name="claim" form={claimForm} layout="inline" onFinish={fileClaim.mutate} style={{ marginBottom: 16 }}>
              <Form.Item name="member_id" label={c.insuredMember} rules={[{ required: true, message: t.required }]}>
                <FormSelect
                  showSearch
                  optionFilterProp="label"
                  style={{ width: 180 }}
                  data-testid="claim-member"
                  options={(k?.members ?? []).map((m) => ({ value: m.member_id, label: m.display_name }))}
                />
              </Form.Item>
              <Form.Item name="claimed" label={c.claimedYuan} rules={[{ required: true, message: t.required }]}>
                <InputNumber min={0.01} precision={2} style={{ width: 140 }} />
              </Form.Item>
              <Form.Item name="description" label={c.description} rules={[{ required: true, message: t.required }]}>
                <Input maxLength={500} style={{ width: 220 }} />
              </Form.Item>
              <Button htmlType="submit" loading={fileClaim.isPending} data-testid="file-claim">
                {c.fileClaim}
              </Button>
            </Form>
          )}
          <ProblemAlert error={fileClaim.error ?? claims.error} />
          <Table<Claim>
            data-testid="claims"
            rowKey="id"
            size="small"
            pagination={false}
            loading={claims.isLoading}
            dataSource={claims.data}
            columns={[
              { title: c.insuredMember, dataIndex: "member_id", render: (m: string) => names.get(m) ?? m },
              { title: c.claimed, dataIndex: "claimed_fen", align: "right", render: yuan },
              { title: c.description, dataIndex: "description" },
              {
                title: c.status,
                dataIndex: "status",
                render: (s: string) => (
                  <span data-testid="claim-status">{c.claimStates[s as keyof typeof c.claimStates] ?? s}</span>
                ),
              },
              { title: c.paid, dataIndex: "paid_fen", align: "right", render: yuan },
              { title: c.reason, dataIndex: "reason", render: (r: string | null) => r ?? "" },
              {
                title: "",
                key: "actions",
                render: (_, claim) =>
                  mayManage && (
                    <Space>
                      {claim.status === "filed" && (
                        <Button size="small" onClick={() => decide.mutate({ claim, action: "review" })}>
                          {c.review}
                        </Button>
                      )}
                      {claim.status === "under_review" && (
                        <Button size="small" type="primary" onClick={() => setAsking({ action: "pay", claim })}>
                          {c.payClaim}
                        </Button>
                      )}
                      {(claim.status === "filed" || claim.status === "under_review") && (
                        <Button size="small" danger onClick={() => setAsking({ action: "reject", claim })}>
                          {c.reject}
                        </Button>
                      )}
                    </Space>
                  ),
              },
            ]}
          />
        </Card>
      )}
      <Modal
        open={asking !== null}
        title={asking && { pay: c.payClaim, reject: c.reject, cancel: c.cancelCampaign }[asking.action]}
        footer={null}
        onCancel={() => setAsking(null)}
        destroyOnClose
      >
        {asking && (
          <Form<DecisionValues>
            name="claim-decision"
            layout="vertical"
            onFinish={answer}
            initialValues={asking.action === "pay" ? { paid: asking.claim.claimed_fen / 100 } : {}}
          >
            {asking.action === "pay" && (
              <Form.Item name="paid" label={c.paidYuan} rules={[{ required: true, message: t.required }]}>
                <InputNumber min={0.01} precision={2} style={{ width: 160 }} />
              </Form.Item>
            )}
            <Form.Item name="reason" label={c.reason} rules={[{ required: asking.action !== "pay", message: t.required }]}>
              <Input.TextArea maxLength={300} rows={2} />
            </Form.Item>
            <ProblemAlert error={asking.action === "cancel" ? cancel.error : decide.error} />
            <Button type="primary" htmlType="submit" loading={cancel.isPending || decide.isPending} data-testid="decision-submit">
              {c.submit}
            </Button>
          </Form>
        )}
      </Modal>
      <Card title={c.enrolledMembers} size="small">
        <Table
          data-testid="campaign-members"
          rowKey="member_id"
          size="small"
          loading={campaign.isLoading}
          dataSource={k?.members}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          columns={[{ title: c.member, dataIndex: "display_name" }]}
        />
      </Card>
    </Space>
  );
}
