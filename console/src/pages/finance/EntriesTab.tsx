import { useQuery, keepPreviousData } from "@tanstack/react-query";
import { Button, DatePicker, Form, Input, InputNumber, Space, Table } from "antd";
import type { Dayjs } from "dayjs";
import { useState } from "react";
import { Link } from "react-router-dom";
import { call, url } from "../../api/client";
import { DownloadButton } from "../../components/DownloadButton";
import type { components } from "../../api/finance";
import { ProblemAlert } from "../../components/ProblemAlert";
import { MoneyCommandStatus, type Accepted } from "../../components/MoneyCommand";
import { ReverseEntry } from "../../components/ReverseEntry";
import { useI18n } from "../../i18n";
import { toFen, yuan } from "../../money";

type Page = components["schemas"]["Page_PostingOut_"];
type Posting = components["schemas"]["PostingOut"];

interface Filters {
  from?: string;
  to?: string;
  account?: string;
  amount_min_fen?: number;
  amount_max_fen?: number;
  text?: string;
}

const PAGE_SIZE = 20;

export function EntriesTab({ org }: { org: string }) {
  const { t } = useI18n();
  const [filters, setFilters] = useState<Filters>({});
  const [reversal, setReversal] = useState<Accepted | null>(null);
  // The cursors of the pages seen so far: the server pages forward, the stack goes back.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const query = useQuery({
    queryKey: ["postings", org, filters, cursor],
    queryFn: () =>
      call<Page>("finance", `/v1/organizations/${encodeURIComponent(org)}/ledger/postings`, {
        query: { ...filters, cursor, limit: PAGE_SIZE },
      }),
    placeholderData: keepPreviousData,
  });

  const onSearch = (values: { dates?: [Dayjs, Dayjs]; account?: string; min?: number; max?: number; text?: string }) => {
    setFilters({
      from: values.dates?.[0]?.format("YYYY-MM-DD"),
      to: values.dates?.[1]?.format("YYYY-MM-DD"),
      account: values.account || undefined,
      amount_min_fen: toFen(values.min),
      amount_max_fen: toFen(values.max),
      text: values.text || undefined,
    });
    setCursors([undefined]);
  };

  return (
    <>
      <Form layout="inline" onFinish={onSearch} style={{ marginBottom: 16, rowGap: 8 }} aria-label={t.search}>
        <Form.Item name="dates" label={t.dates}>
          <DatePicker.RangePicker />
        </Form.Item>
        <Form.Item name="account" label={t.account}>
          <Input style={{ width: 100 }} placeholder="5101" />
        </Form.Item>
        <Form.Item name="min" label={t.amountMin}>
          <InputNumber min={0} style={{ width: 120 }} />
        </Form.Item>
        <Form.Item name="max" label={t.amountMax}>
          <InputNumber min={0} style={{ width: 120 }} />
        </Form.Item>
        <Form.Item name="text" label={t.text}>
          <Input style={{ width: 160 }} />
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
        {/* The whole filtered list, not the page on screen. */}
        <DownloadButton
          url={url("finance", `/v1/organizations/${encodeURIComponent(org)}/ledger/postings`, { ...filters, format: "xlsx" })}
          filename={`entries-${org}.xlsx`}
          label={t.exportExcel}
          data-testid="export-entries-xlsx"
        />
      </div>
      {reversal && <MoneyCommandStatus key={reversal.request_id} accepted={reversal} />}
      {query.error ? (
        <ProblemAlert error={query.error} />
      ) : (
        <Table<Posting>
          data-testid="entries"
          rowKey="id"
          size="small"
          loading={query.isFetching}
          pagination={false}
          dataSource={query.data?.items}
          columns={[
            { title: t.sequence, dataIndex: "sequence", width: 70 },
            { title: t.date, dataIndex: "effective_date", width: 110 },
            {
              title: t.description,
              render: (_, p) => <Link to={`/o/${encodeURIComponent(org)}/finance/entries/${p.id}`}>{p.description}</Link>,
            },
            { title: t.amount, dataIndex: "total_fen", align: "right", render: yuan },
            { title: t.actor, dataIndex: "actor" },
            { title: "", key: "actions", render: (_, p) => <ReverseEntry postingId={p.id} onAccepted={setReversal} /> },
          ]}
        />
      )}
      <Space style={{ marginTop: 16 }}>
        <Button disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t.previous}
        </Button>
        <Button
          disabled={!query.data?.next_cursor}
          onClick={() => query.data?.next_cursor && setCursors([...cursors, query.data.next_cursor])}
        >
          {t.next}
        </Button>
      </Space>
    </>
  );
}
