import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Button, DatePicker, Descriptions, Form, Space, Table, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { call, url } from "../../api/client";
import { useOrganizationNames } from "../../api/members";
import type { components } from "../../api/welfare";
import { DownloadButton } from "../../components/DownloadButton";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";

type WelfareReport = components["schemas"]["WelfareReport"];
type GrantLine = components["schemas"]["ReportGrantLine"];
type HardshipLine = components["schemas"]["ReportHardshipLine"];

const enc = encodeURIComponent;
const DAY = "YYYY-MM-DD";

interface Period {
  from: string;
  to: string;
}

/** A calendar year as the report's period (business dates: the federation's calendar). */
function yearPeriod(year: number): [Dayjs, Dayjs] {
  const start = dayjs(`${year}-01-01`);
  return [start, start.endOf("year")];
}

/**
 * The welfare report of the scope's subtree for a period: visits by union and type (counted by
 * occasion date), what was paid (by payment date), the hardship files, and the welfare expense the
 * ledger shows. A county officer sees each of their schools on its own line.
 */
export function ReportTab({ org }: { org: string }) {
  const { t } = useI18n();
  const r = t.welfareReport;
  const { nameOf } = useOrganizationNames();
  const thisYear = dayjs().year();
  const [form] = Form.useForm<{ year?: number; dates: [Dayjs, Dayjs] }>();
  const [period, setPeriod] = useState<Period>(() => {
    const [from, to] = yearPeriod(thisYear);
    return { from: from.format(DAY), to: to.format(DAY) };
  });
  const report = useQuery({
    queryKey: ["welfare-report", org, period],
    queryFn: () => call<WelfareReport>("welfare", `/v1/organizations/${enc(org)}/welfare-report`, { query: { ...period } }),
    placeholderData: keepPreviousData,
  });
  const totals = report.data?.totals;
  const visitLabel = (line: GrantLine) => t.welfare.visitTypes[line.visit_type] ?? line.visit_label;
  const levelLabel = (line: HardshipLine) => r.levels[line.level] ?? line.level_label;

  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large" data-testid="welfare-report">
      <Form
        form={form}
        name="welfare-report-period"
        layout="inline"
        aria-label={r.period}
        initialValues={{ year: thisYear, dates: yearPeriod(thisYear) }}
        onValuesChange={(changed: { year?: number }) => {
          if (changed.year) form.setFieldValue("dates", yearPeriod(changed.year));
        }}
        onFinish={({ dates }) => setPeriod({ from: dates[0].format(DAY), to: dates[1].format(DAY) })}
        style={{ rowGap: 8 }}
        data-testid="report-period"
      >
        <Form.Item name="year" label={r.year}>
          <FormSelect
            data-testid="report-year"
            style={{ width: 110 }}
            options={[0, 1, 2, 3, 4].map((back) => ({ value: thisYear - back, label: String(thisYear - back) }))}
          />
        </Form.Item>
        <Form.Item name="dates" label={r.period} rules={[{ required: true, message: t.required }]}>
          <DatePicker.RangePicker allowClear={false} />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit" data-testid="report-search">
            {t.search}
          </Button>
        </Form.Item>
      </Form>
      <div>
        <DownloadButton
          url={url("welfare", `/v1/organizations/${enc(org)}/welfare-report`, { ...period, format: "xlsx" })}
          filename={`welfare-report-${period.from}-${period.to}.xlsx`}
          label={t.exportExcel}
          data-testid="export-report-xlsx"
        />
      </div>
      {report.error ? (
        <ProblemAlert error={report.error} />
      ) : (
        <>
          <Descriptions
            bordered
            size="small"
            column={{ xs: 1, sm: 2, lg: 3 }}
            title={r.totalsOf.replace("{from}", period.from).replace("{to}", period.to)}
            data-testid="report-totals"
            items={[
              { key: "visits", label: r.visits, children: <span data-testid="total-visits">{totals?.visits ?? "—"}</span> },
              { key: "granted", label: r.granted, children: <span data-testid="total-granted">{yuan(totals?.granted_fen)}</span> },
              { key: "paid", label: r.paidCount, children: <span data-testid="total-paid-count">{totals?.grants_paid ?? "—"}</span> },
              { key: "paidFen", label: r.paid, children: <span data-testid="total-paid">{yuan(totals?.grants_paid_fen)}</span> },
              {
                key: "ledger",
                label: r.welfarePaid.replace("{account}", totals?.ledger_account ?? "5101"),
                children: <span data-testid="total-welfare-paid">{yuan(totals?.welfare_paid_fen)}</span>,
              },
            ]}
          />
          <div>
            <Typography.Title level={4}>{r.grantsByUnion}</Typography.Title>
            <Table<GrantLine>
              data-testid="report-grants"
              rowKey={(line) => `${line.organization_id}/${line.visit_type}`}
              size="small"
              loading={report.isLoading}
              pagination={false}
              dataSource={report.data?.grants}
              columns={[
                { title: r.union, dataIndex: "organization_id", render: (id: string) => nameOf(id) },
                { title: t.welfare.visitType, key: "visit", render: (_, line) => visitLabel(line) },
                { title: r.visits, dataIndex: "visits", align: "right" },
                { title: r.granted, dataIndex: "granted_fen", align: "right", render: yuan },
                { title: r.paidCount, dataIndex: "paid", align: "right" },
                { title: r.paid, dataIndex: "paid_fen", align: "right", render: yuan },
                { title: r.paidMoney, dataIndex: "paid_money_fen", align: "right", render: yuan },
                { title: r.paidGoods, dataIndex: "paid_goods_fen", align: "right", render: yuan },
              ]}
            />
          </div>
          <div>
            <Typography.Title level={4}>{r.hardshipByUnion}</Typography.Title>
            <Table<HardshipLine>
              data-testid="report-hardship"
              rowKey={(line) => `${line.organization_id}/${line.level}`}
              size="small"
              loading={report.isLoading}
              pagination={false}
              dataSource={report.data?.hardship_files}
              columns={[
                { title: r.union, dataIndex: "organization_id", render: (id: string) => nameOf(id) },
                { title: t.welfare.level, key: "level", render: (_, line) => levelLabel(line) },
                { title: r.openAtEnd, dataIndex: "open", align: "right" },
                { title: r.opened, dataIndex: "opened", align: "right" },
                { title: r.closed, dataIndex: "closed", align: "right" },
              ]}
            />
          </div>
        </>
      )}
    </Space>
  );
}
