import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, DatePicker, Descriptions, Form, Input, Select, Space, Table, Typography } from "antd";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { call, newIdempotencyKey } from "../../api/client";
import type { OutsideGrant } from "../../api/helpRows";
import { ORGANIZATION_KINDS } from "../../api/helpRows";
import { useOrganizationNames } from "../../api/members";
import type { GrantState } from "../../api/welfareRows";
import { GRANT_IN_FLIGHT } from "../../api/welfareRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ReasonModal } from "../../components/ReasonModal";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";
import { GrantStateTag } from "../welfare/shared";
import { RecordOutside } from "./RecordOutside";

const enc = encodeURIComponent;

interface Filters {
  name?: string;
  group?: string; // "person" or an organization kind
  status?: string;
  from?: string;
  to?: string;
}

/** Help given is a grant to finance: the same states, the same tag (welfare's display_state). */
const stateOf = (g: OutsideGrant) => g.state as GrantState;

/** 送温暖（会外）: help to non-members and organizations, recorded, approved (paid) or cancelled. */
export function OutsideTab({ org, mayRecord }: { org: string; mayRecord: boolean }) {
  const { t } = useI18n();
  const h = t.help;
  const w = t.welfare;
  const client = useQueryClient();
  const { nameOf } = useOrganizationNames();
  const [filters, setFilters] = useState<Filters>({});
  const [recording, setRecording] = useState(false);
  const [cancelling, setCancelling] = useState<OutsideGrant | null>(null);
  const list = useQuery({
    queryKey: ["outside-grants", org, filters.from ?? null, filters.to ?? null],
    queryFn: () =>
      call<OutsideGrant[]>("welfare", `/v1/organizations/${enc(org)}/outside-grants`, {
        query: { from: filters.from, to: filters.to },
      }),
    placeholderData: keepPreviousData,
    // Help whose money finance has not answered yet is asked again every second.
    refetchInterval: (q) => (q.state.data?.some((g) => GRANT_IN_FLIGHT.includes(stateOf(g))) ? 1000 : false),
  });
  const refresh = () => void client.invalidateQueries({ queryKey: ["outside-grants", org] });
  const approve = useMutation({
    mutationFn: (g: OutsideGrant) =>
      call<OutsideGrant>("welfare", `/v1/outside-grants/${enc(g.id)}/approval`, {
        method: "POST",
        body: {},
        idempotencyKey: newIdempotencyKey(),
      }),
    onSuccess: refresh,
  });
  const cancel = useMutation({
    mutationFn: ({ grant, reason }: { grant: OutsideGrant; reason: string }) =>
      call<OutsideGrant>("welfare", `/v1/outside-grants/${enc(grant.id)}/cancellation`, {
        method: "POST",
        body: { reason },
        idempotencyKey: newIdempotencyKey(),
      }),
    onSuccess: () => {
      setCancelling(null);
      refresh();
    },
  });
  // The service answers by date, oldest first; the desk shows the newest first and filters on the page.
  const rows = (list.data ?? [])
    .filter(
      (g) =>
        (!filters.name || g.recipient_name.includes(filters.name)) &&
        (!filters.status || g.status === filters.status) &&
        (!filters.group || (g.recipient_kind === "person" ? "person" : g.organization_kind) === filters.group),
    )
    .slice()
    .reverse();
  const onSearch = (v: { name?: string; group?: string; status?: string; dates?: [Dayjs, Dayjs] | null }) =>
    setFilters({
      name: v.name?.trim() || undefined,
      group: v.group || undefined,
      status: v.status || undefined,
      from: v.dates?.[0]?.format("YYYY-MM-DD"),
      to: v.dates?.[1]?.format("YYYY-MM-DD"),
    });
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large">
      {mayRecord && (
        <Button type="primary" data-testid="record-outside" onClick={() => setRecording(true)}>
          {h.record}
        </Button>
      )}
      <div>
        <Form
          name="outside-filter"
          layout="inline"
          onFinish={onSearch}
          style={{ marginBottom: 16, rowGap: 8 }}
          aria-label={t.search}
          data-testid="outside-filters"
        >
          <Form.Item name="name" label={h.nameContains}>
            <Input allowClear style={{ width: 160 }} />
          </Form.Item>
          <Form.Item name="group" label={h.recipientKind}>
            <Select
              allowClear
              style={{ width: 150 }}
              options={[
                { value: "person", label: h.recipientKinds.person },
                ...ORGANIZATION_KINDS.map((k) => ({ value: k, label: h.organizationKinds[k] })),
              ]}
            />
          </Form.Item>
          <Form.Item name="status" label={w.status}>
            <Select
              allowClear
              style={{ width: 120 }}
              options={(["recorded", "approved", "cancelled"] as const).map((s) => ({ value: s, label: w.grantStatuses[s] }))}
            />
          </Form.Item>
          <Form.Item name="dates" label={h.givenOn}>
            <DatePicker.RangePicker />
          </Form.Item>
          <Form.Item>
            <Space>
              <Button type="primary" htmlType="submit">
                {t.search}
              </Button>
              <Button htmlType="reset" onClick={() => onSearch({})}>
                {t.reset}
              </Button>
            </Space>
          </Form.Item>
        </Form>
        {rows.some((g) => g.recipient_kind === "person" && !g.details_visible) && (
          <Typography.Paragraph type="secondary">{h.detailsWithheld}</Typography.Paragraph>
        )}
        {approve.error ? <ProblemAlert error={approve.error} /> : null}
        {list.error ? (
          <ProblemAlert error={list.error} />
        ) : (
          <Table<OutsideGrant>
            data-testid="outside-grants"
            rowKey="id"
            size="small"
            loading={list.isLoading}
            dataSource={rows}
            pagination={{ pageSize: 20, hideOnSinglePage: true }}
            scroll={{ x: "max-content" }}
            expandable={{ expandedRowRender: (g) => <GrantDetails grant={g} /> }}
            columns={[
              {
                title: h.recipient,
                dataIndex: "recipient_name",
                render: (name: string) => <span data-testid="outside-recipient">{name}</span>,
              },
              {
                title: h.recipientKind,
                key: "kind",
                render: (_, g) => g.organization_kind_label ?? g.recipient_kind_label,
              },
              { title: h.peopleReached, dataIndex: "people_reached", align: "right" },
              { title: h.purpose, dataIndex: "purpose" },
              { title: h.givenOn, dataIndex: "given_on", width: 110 },
              { title: w.union, dataIndex: "organization_id", render: (id: string) => nameOf(id) },
              { title: h.money, dataIndex: "money_fen", align: "right", render: yuan },
              { title: h.goods, dataIndex: "goods_fen", align: "right", render: yuan },
              {
                title: h.total,
                dataIndex: "amount_fen",
                align: "right",
                render: (fen: number) => <span data-testid="outside-amount">{yuan(fen)}</span>,
              },
              {
                title: w.state,
                key: "state",
                render: (_, g) => (
                  <Space direction="vertical" size={0}>
                    <GrantStateTag state={stateOf(g)} />
                    {g.finance_reason && <span style={{ fontSize: 12 }}>{g.finance_reason}</span>}
                  </Space>
                ),
              },
              {
                title: "",
                key: "actions",
                render: (_, g) =>
                  mayRecord && (
                    <Space wrap>
                      {g.status === "recorded" && g.state === "reserved" && (
                        <Button
                          size="small"
                          type="primary"
                          data-testid="approve-outside"
                          loading={approve.isPending && approve.variables?.id === g.id}
                          onClick={() => approve.mutate(g)}
                        >
                          {w.approve}
                        </Button>
                      )}
                      {g.status !== "cancelled" && ["awaiting_finance", "reserved", "refused"].includes(g.state) && (
                        <Button size="small" danger data-testid="cancel-outside" onClick={() => setCancelling(g)}>
                          {w.cancel}
                        </Button>
                      )}
                    </Space>
                  ),
              },
            ]}
          />
        )}
      </div>
      {recording && (
        <RecordOutside
          org={org}
          onClose={() => setRecording(false)}
          onRecorded={() => {
            setRecording(false);
            refresh();
          }}
        />
      )}
      <ReasonModal
        open={cancelling !== null}
        title={h.cancelTitle}
        note={h.cancelNote}
        label={w.cancelReason}
        maxLength={200}
        pending={cancel.isPending}
        error={cancel.error}
        testId="cancel-outside-form"
        onSubmit={(reason) => cancelling && cancel.mutate({ grant: cancelling, reason })}
        onClose={() => {
          setCancelling(null);
          cancel.reset();
        }}
      />
    </Space>
  );
}

/** The help in full: the person's details only as the service answers them, the goods, finance's answer. */
function GrantDetails({ grant: g }: { grant: OutsideGrant }) {
  const { t } = useI18n();
  const h = t.help;
  return (
    <Descriptions size="small" bordered column={{ xs: 1, md: 3 }} data-testid="outside-details">
      {g.recipient_kind === "person" && (
        <>
          <Descriptions.Item label={h.phone}>{g.phone ?? "—"}</Descriptions.Item>
          <Descriptions.Item label={h.idNumber}>{g.id_number ?? "—"}</Descriptions.Item>
        </>
      )}
      {g.recipient_note && <Descriptions.Item label={h.recipientNote}>{g.recipient_note}</Descriptions.Item>}
      {g.goods.length > 0 && (
        <Descriptions.Item label={h.goods} span={3}>
          {g.goods.map((l) => `${l.item} ${l.quantity}${l.unit}（${yuan(l.value_fen)}）`).join("、")}
        </Descriptions.Item>
      )}
      <Descriptions.Item label={h.paidYuan}>{yuan(g.paid_fen)}</Descriptions.Item>
      <Descriptions.Item label={h.paidOn}>{g.paid_on ?? "—"}</Descriptions.Item>
      {g.cancel_reason && <Descriptions.Item label={t.welfare.cancelReason}>{g.cancel_reason}</Descriptions.Item>}
      {g.note && <Descriptions.Item label={t.welfare.note}>{g.note}</Descriptions.Item>}
    </Descriptions>
  );
}
