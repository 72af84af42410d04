import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Form, Input, InputNumber, Popconfirm, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { call } from "../../api/client";
import type { InfoItem, InfoItemPage } from "../../api/infoRows";
import { INFO_CATEGORIES, INFO_OFFICERS, INFO_STATUSES, levelsLeft } from "../../api/infoRows";
import { useOrganizationNames, useRequestKeys } from "../../api/members";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import { InfoForm } from "./InfoForm";
import { ReviewModal, type Review } from "./ReviewModal";

const PAGE_SIZE = 50;
// Solid colours with white text (4.5:1 contrast).
const STATUS_COLOURS: Record<string, string> = { draft: "default", submitted: "#0050b3", adopted: "#237804", declined: "#a8071a" };

interface Filters {
  status?: string;
  category?: string;
  year?: number;
}

/** The items of the scope (a union's own drafts only to itself), or the inbox: items the unions below submitted. */
export function ItemsTab({ org, inbox, writes }: { org: string; inbox: boolean; writes: boolean }) {
  const { t } = useI18n();
  const s = t.info;
  const { claims } = useSession();
  const { nameOf } = useOrganizationNames();
  const client = useQueryClient();
  const keyOf = useRequestKeys();
  const officer = INFO_OFFICERS.includes(claims.role);
  const [filters, setFilters] = useState<Filters>({});
  const [text, setText] = useState("");
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const [editing, setEditing] = useState<InfoItem | "new" | null>(null);
  const [reviewing, setReviewing] = useState<{ item: InfoItem; review: Review } | null>(null);
  const query = inbox ? { status: "submitted" } : filters;
  const list = useQuery({
    queryKey: ["info-items", org, query, cursor],
    queryFn: () =>
      call<InfoItemPage>("events", `/v1/organizations/${encodeURIComponent(org)}/info-items`, {
        query: { ...query, cursor, limit: PAGE_SIZE },
      }),
    placeholderData: keepPreviousData,
  });
  const refresh = () => {
    void client.invalidateQueries({ queryKey: ["info-items"] });
    void client.invalidateQueries({ queryKey: ["info-ranking"] });
  };
  const submit = useMutation({
    mutationFn: (item: InfoItem) =>
      call<InfoItem>("events", `/v1/info-items/${encodeURIComponent(item.id)}/submission`, {
        method: "POST",
        idempotencyKey: keyOf({ submit: item.id }),
      }),
    onSuccess: refresh,
  });
  const wanted = text.trim().toLowerCase();
  const rows = (list.data?.items ?? []).filter(
    (i) =>
      (!inbox || i.organization_id !== claims.org) &&
      (!wanted || [i.title, i.author, nameOf(i.organization_id)].some((f) => f.toLowerCase().includes(wanted))),
  );
  const own = (i: InfoItem) => officer && i.organization_id === claims.org;
  const upper = (i: InfoItem) => officer && i.organization_id !== claims.org;
  return (
    <div data-testid={inbox ? "info-inbox" : "info-items"}>
      <Space style={{ width: "100%", justifyContent: "space-between", marginBottom: 16 }} wrap>
        <Form<Filters>
          name={inbox ? "info-inbox-filter" : "info-filter"}
          layout="inline"
          style={{ rowGap: 8 }}
          aria-label={t.search}
          onFinish={(v) => {
            setFilters({ status: v.status || undefined, category: v.category || undefined, year: v.year || undefined });
            setCursors([undefined]);
          }}
        >
          <Form.Item label={s.searchLabel} htmlFor={inbox ? "info-inbox-search" : "info-search"}>
            <Input id={inbox ? "info-inbox-search" : "info-search"} allowClear style={{ width: 220 }} onChange={(e) => setText(e.target.value)} />
          </Form.Item>
          {!inbox && (
            <>
              <Form.Item name="status" label={s.status}>
                <Select
                  allowClear
                  placeholder={s.any}
                  style={{ width: 130 }}
                  options={INFO_STATUSES.map((v) => ({ value: v, label: s.statuses[v] }))}
                />
              </Form.Item>
              <Form.Item name="category" label={s.category}>
                <Select allowClear placeholder={s.any} style={{ width: 130 }} options={INFO_CATEGORIES.map((v) => ({ value: v, label: s.categories[v] }))} />
              </Form.Item>
              <Form.Item name="year" label={s.year}>
                <InputNumber min={2000} max={2100} precision={0} style={{ width: 100 }} />
              </Form.Item>
              <Form.Item>
                <Button type="primary" htmlType="submit">
                  {t.search}
                </Button>
              </Form.Item>
            </>
          )}
        </Form>
        {writes && (
          <Button type="primary" data-testid="write-info" onClick={() => setEditing("new")}>
            {s.write}
          </Button>
        )}
      </Space>
      {submit.error ? <ProblemAlert error={submit.error} /> : null}
      {list.error ? (
        <ProblemAlert error={list.error} />
      ) : (
        <Table<InfoItem>
          data-testid={inbox ? "info-inbox-table" : "info-table"}
          rowKey="id"
          size="small"
          loading={list.isFetching}
          pagination={false}
          dataSource={rows}
          scroll={{ x: "max-content" }}
          expandable={{
            expandedRowRender: (i) => (
              <div data-testid="info-body">
                <Typography.Paragraph style={{ whiteSpace: "pre-wrap", maxWidth: 900 }}>{i.body}</Typography.Paragraph>
                {i.decline_reason && (
                  <Typography.Text type="danger">
                    {s.declineReason}：{i.decline_reason}
                  </Typography.Text>
                )}
              </div>
            ),
          }}
          onRow={(i) => ({ "data-title": i.title }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: s.title, dataIndex: "title" },
            { title: s.category, dataIndex: "category", width: 100, render: (c: string) => s.categories[c] ?? c },
            { title: s.union, dataIndex: "organization_id", render: (id: string) => nameOf(id) },
            { title: s.eventOn, dataIndex: "event_on", width: 110 },
            { title: s.author, dataIndex: "author" },
            { title: s.submittedOn, dataIndex: "submitted_on", width: 110, render: (d: string | null) => d ?? "—" },
            {
              title: s.status,
              dataIndex: "status",
              width: 110,
              render: (v: string) => (
                <Tag color={STATUS_COLOURS[v]} data-testid="info-status" data-status={v}>
                  {s.statuses[v] ?? v}
                </Tag>
              ),
            },
            {
              title: s.adoptions,
              key: "adoptions",
              render: (_, i) =>
                i.adoptions.length
                  ? i.adoptions.map((a) => (
                      <Tag key={a.level} data-testid="info-adoption" data-level={a.level}>
                        {s.levels[a.level]} {a.adopted_on}（{a.points}{s.pointsUnit}）
                      </Tag>
                    ))
                  : "—",
            },
            { title: s.pointsColumn, dataIndex: "points", align: "right", width: 70, render: (n: number) => <span data-testid="info-points">{n}</span> },
            ...(officer
              ? [
                  {
                    title: "",
                    key: "actions",
                    render: (_: unknown, i: InfoItem) => (
                      <Space wrap>
                        {own(i) && (i.status === "draft" || i.status === "declined") && (
                          <Button size="small" data-testid="edit-info" onClick={() => setEditing(i)}>
                            {s.edit}
                          </Button>
                        )}
                        {own(i) && i.status === "draft" && (
                          <Popconfirm title={s.submitConfirm} okText={s.submit} cancelText={s.cancel} onConfirm={() => submit.mutate(i)}>
                            <Button size="small" type="primary" data-testid="submit-info" loading={submit.isPending}>
                              {s.submit}
                            </Button>
                          </Popconfirm>
                        )}
                        {upper(i) && (i.status === "submitted" || i.status === "adopted") && levelsLeft(i).length > 0 && (
                          <Button size="small" type="primary" data-testid="adopt-info" onClick={() => setReviewing({ item: i, review: "adopt" })}>
                            {i.status === "adopted" ? s.adoptHigher : s.adopt}
                          </Button>
                        )}
                        {upper(i) && i.status === "submitted" && (
                          <Button size="small" danger data-testid="decline-info" onClick={() => setReviewing({ item: i, review: "decline" })}>
                            {s.decline}
                          </Button>
                        )}
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      )}
      <Space style={{ marginTop: 16 }}>
        <Button disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t.previous}
        </Button>
        <Button disabled={!list.data?.next_cursor} onClick={() => list.data?.next_cursor && setCursors([...cursors, list.data.next_cursor])}>
          {t.next}
        </Button>
      </Space>
      {editing && (
        <InfoForm
          org={org}
          item={editing === "new" ? null : editing}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            refresh();
          }}
        />
      )}
      {reviewing && (
        <ReviewModal
          item={reviewing.item}
          review={reviewing.review}
          onClose={() => setReviewing(null)}
          onDone={() => {
            setReviewing(null);
            refresh();
          }}
        />
      )}
    </div>
  );
}
