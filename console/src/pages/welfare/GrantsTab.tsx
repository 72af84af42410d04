import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, DatePicker, Form, Input, Modal, Select, Space, Table } from "antd";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { call, newIdempotencyKey, url } from "../../api/client";
import type { Grant, GrantPage } from "../../api/welfareRows";
import { GRANT_IN_FLIGHT } from "../../api/welfareRows";
import { ArchiveButton, AttachmentsPanel } from "../../components/AttachmentsPanel";
import { DownloadButton } from "../../components/DownloadButton";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";
import { RecordGrant, VISIT_TYPES } from "./RecordGrant";
import { GrantStateTag, MemberPicker } from "./shared";

const enc = encodeURIComponent;
const PAGE_SIZE = 20;

interface Filters {
  member_id?: string;
  status?: string;
  visit_type?: string;
  from?: string;
  to?: string;
}

export function GrantsTab({ org, mayRecord }: { org: string; mayRecord: boolean }) {
  const { t } = useI18n();
  const w = t.welfare;
  const client = useQueryClient();
  const [filters, setFilters] = useState<Filters>({});
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const list = useQuery({
    queryKey: ["grants", org, filters, cursor],
    queryFn: () =>
      call<GrantPage>("welfare", `/v1/organizations/${enc(org)}/grants`, { query: { ...filters, cursor, limit: PAGE_SIZE } }),
    placeholderData: keepPreviousData,
    // A grant whose money finance has not answered yet is asked again every second.
    refetchInterval: (q) => (q.state.data?.items.some((g) => GRANT_IN_FLIGHT.includes(g.state)) ? 1000 : false),
  });
  const refresh = () => client.invalidateQueries({ queryKey: ["grants", org] });

  const approve = useMutation({
    mutationFn: (grant: Grant) =>
      call<Grant>("welfare", `/v1/grants/${enc(grant.id)}/approval`, {
        method: "POST",
        body: {},
        idempotencyKey: newIdempotencyKey(),
      }),
    onSuccess: () => void refresh(),
  });
  const [cancelling, setCancelling] = useState<Grant | null>(null);
  const cancel = useMutation({
    mutationFn: ({ grant, reason }: { grant: Grant; reason: string }) =>
      call<Grant>("welfare", `/v1/grants/${enc(grant.id)}/cancellation`, {
        method: "POST",
        body: { reason },
        idempotencyKey: newIdempotencyKey(),
      }),
    onSuccess: () => {
      setCancelling(null);
      void refresh();
    },
  });

  const onSearch = (values: { member_id?: string; status?: string; visit_type?: string; dates?: [Dayjs, Dayjs] }) => {
    setFilters({
      member_id: values.member_id || undefined,
      status: values.status || undefined,
      visit_type: values.visit_type || undefined,
      from: values.dates?.[0]?.format("YYYY-MM-DD"),
      to: values.dates?.[1]?.format("YYYY-MM-DD"),
    });
    setCursors([undefined]);
  };

  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large">
      {mayRecord && <RecordGrant org={org} onRecorded={() => void refresh()} />}
      <div>
        <Form
          name="grant-filter"
          layout="inline"
          onFinish={onSearch}
          style={{ marginBottom: 16, rowGap: 8 }}
          aria-label={t.search}
          data-testid="grant-filters"
        >
          <Form.Item name="member_id" label={w.member}>
            <MemberPicker org={org} />
          </Form.Item>
          <Form.Item name="status" label={w.status}>
            <Select
              allowClear
              style={{ width: 140 }}
              options={(["recorded", "approved", "cancelled"] as const).map((s) => ({ value: s, label: w.grantStatuses[s] }))}
            />
          </Form.Item>
          <Form.Item name="visit_type" label={w.visitType}>
            <Select allowClear style={{ width: 160 }} options={VISIT_TYPES.map((v) => ({ value: v, label: w.visitTypes[v] }))} />
          </Form.Item>
          <Form.Item name="dates" label={w.occasionOn}>
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
        <div style={{ marginBottom: 16 }}>
          {/* Every grant the filter finds, not the page on screen. */}
          <DownloadButton
            url={url("welfare", `/v1/organizations/${enc(org)}/grants`, { ...filters, format: "xlsx" })}
            filename={`grants-${org}.xlsx`}
            label={t.exportExcel}
            data-testid="export-grants-xlsx"
          />{" "}
          <ArchiveButton service="welfare" org={org} />
        </div>
        {approve.error ? <ProblemAlert error={approve.error} /> : null}
        {list.error ? (
          <ProblemAlert error={list.error} />
        ) : (
          <Table<Grant>
            data-testid="grants"
            rowKey="id"
            size="small"
            // A grant's receipts (签收单) and photos, under its row.
            expandable={{
              expandedRowRender: (grant) => (
                <AttachmentsPanel
                  service="welfare"
                  path={`/v1/grants/${enc(grant.id)}`}
                  purposes={["receipt", "photo", "other"]}
                  canUpload={mayRecord}
                />
              ),
            }}
            loading={list.isLoading}
            pagination={false}
            dataSource={list.data?.items}
            columns={[
              { title: w.member, dataIndex: "member_name" },
              { title: w.visitType, dataIndex: "visit_label" },
              { title: w.occasionOn, dataIndex: "occasion_on", width: 110 },
              { title: w.occasionRef, dataIndex: "occasion_ref" },
              { title: w.money, dataIndex: "money_fen", align: "right", render: yuan },
              { title: w.goods, dataIndex: "goods_fen", align: "right", render: yuan },
              { title: w.total, dataIndex: "amount_fen", align: "right", render: yuan },
              {
                title: w.state,
                render: (_, g) => (
                  <Space direction="vertical" size={0}>
                    <GrantStateTag state={g.state} />
                    {g.finance_reason && <span style={{ fontSize: 12 }}>{g.finance_reason}</span>}
                  </Space>
                ),
              },
              {
                title: "",
                key: "actions",
                render: (_, g) => (
                  <Space wrap>
                    {/* The 慰问金（品）领取单 the member signs: any reader of the grant may print it. */}
                    <DownloadButton
                      size="small"
                      url={url("welfare", `/v1/grants/${enc(g.id)}`, { format: "pdf" })}
                      filename={t.welfareReport.receiptFile}
                      label={t.welfareReport.printReceipt}
                      data-testid="print-grant-receipt"
                    />
                    {mayRecord && (
                      <>
                        {g.status === "recorded" && g.state === "reserved" && (
                          <Button size="small" type="primary" loading={approve.isPending && approve.variables?.id === g.id} onClick={() => approve.mutate(g)}>
                            {w.approve}
                          </Button>
                        )}
                        {g.status !== "cancelled" && ["awaiting_finance", "reserved", "refused"].includes(g.state) && (
                          <Button size="small" danger onClick={() => setCancelling(g)}>
                            {w.cancel}
                          </Button>
                        )}
                      </>
                    )}
                  </Space>
                ),
              },
            ]}
          />
        )}
        <Space style={{ marginTop: 16 }}>
          <Button disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
            {t.previous}
          </Button>
          <Button
            disabled={!list.data?.next_cursor}
            onClick={() => list.data?.next_cursor && setCursors([...cursors, list.data.next_cursor])}
          >
            {t.next}
          </Button>
        </Space>
      </div>
      <Modal
        open={cancelling !== null}
        title={w.cancelGrant}
        onCancel={() => setCancelling(null)}
        footer={null}
        destroyOnClose
      >
        <Form layout="vertical" onFinish={({ reason }: { reason: string }) => cancelling && cancel.mutate({ grant: cancelling, reason })}>
          <Form.Item name="reason" label={w.cancelReason} rules={[{ required: true, whitespace: true, message: t.required }]}>
            <Input maxLength={200} />
          </Form.Item>
          {cancel.error ? <ProblemAlert error={cancel.error} /> : null}
          <Button type="primary" danger htmlType="submit" loading={cancel.isPending}>
            {w.cancelGrant}
          </Button>
        </Form>
      </Modal>
    </Space>
  );
}
