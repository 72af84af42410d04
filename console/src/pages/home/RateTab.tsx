import { useQuery } from "@tanstack/react-query";
import { Card, InputNumber, Space, Table, Typography } from "antd";
import { useState } from "react";
import { call, url } from "../../api/client";
import type { HomeCertificationRate, HomeDueAward, HomeRateLine, HomeRenewalsDue } from "../../api/homeRows";
import { fill } from "../../api/streetRows";
import { DownloadButton } from "../../components/DownloadButton";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { LevelTag } from "./LevelTag";

const enc = encodeURIComponent;

/** The subtree's certification rate (per organization directly under it, and the total) and the awards due for renewal. */
export function RateTab({ org }: { org: string }) {
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large">
      <RateCard org={org} />
      <DueCard org={org} />
    </Space>
  );
}

const percentText = (line: { percent?: number | null; certified: number; unions: number }) =>
  `${line.percent === null || line.percent === undefined ? "—" : `${line.percent.toFixed(1)}%`}（${line.certified}/${line.unions}）`;

function RateCard({ org }: { org: string }) {
  const { t } = useI18n();
  const h = t.home;
  const path = `/v1/organizations/${enc(org)}/home-certification-rate`;
  const rate = useQuery({ queryKey: ["home-rate", org], queryFn: () => call<HomeCertificationRate>("membership", path) });
  const r = rate.data;
  const rows: HomeRateLine[] = r
    ? [...r.lines, { ...r.total, organization_id: "__total", organization_name: h.total }]
    : [];
  return (
    <Card
      size="small"
      title={h.rate}
      data-testid="home-rate"
      extra={
        <Space>
          {r ? <Typography.Text type="secondary">{fill(h.rateOf, { today: r.today })}</Typography.Text> : null}
          <DownloadButton
            url={url("membership", path, { format: "xlsx" })}
            filename={`home-${org}.xlsx`}
            label={h.exportExcel}
            data-testid="export-home-rate-xlsx"
          />
        </Space>
      }
    >
      {rate.error ? (
        <ProblemAlert error={rate.error} />
      ) : (
        <Table<HomeRateLine>
          rowKey="organization_id"
          size="small"
          loading={rate.isFetching}
          dataSource={rows}
          pagination={false}
          onRow={(line) => ({ "data-testid": line.organization_id === "__total" ? "home-rate-total" : "home-rate-line" }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: h.organization, dataIndex: "organization_name" },
            { title: h.unions, dataIndex: "unions", width: 110, align: "right" },
            { title: h.certified, dataIndex: "certified", width: 90, align: "right" },
            { title: h.levels.qualified, dataIndex: "qualified", width: 120, align: "right" },
            { title: h.levels.advanced, dataIndex: "advanced", width: 120, align: "right" },
            { title: h.levels.model, dataIndex: "model", width: 120, align: "right" },
            {
              title: h.ratePercent,
              key: "percent",
              width: 140,
              align: "right",
              render: (_: unknown, line: HomeRateLine) => <span data-testid="home-rate-percent">{percentText(line)}</span>,
            },
          ]}
        />
      )}
    </Card>
  );
}

function DueCard({ org }: { org: string }) {
  const { t } = useI18n();
  const h = t.home;
  const [within, setWithin] = useState(180);
  const due = useQuery({
    queryKey: ["home-due", org, within],
    queryFn: () =>
      call<HomeRenewalsDue>("membership", `/v1/organizations/${enc(org)}/home-awards/due-for-renewal`, {
        query: { within_days: within },
      }),
  });
  return (
    <Card
      size="small"
      title={h.due}
      data-testid="home-due"
      extra={
        <Space>
          <label htmlFor="home-within-days">{h.withinDays}</label>
          <InputNumber
            id="home-within-days"
            min={0}
            max={3660}
            precision={0}
            value={within}
            onChange={(v) => setWithin(typeof v === "number" ? v : 180)}
            data-testid="home-within-days"
          />
        </Space>
      }
    >
      {due.error ? (
        <ProblemAlert error={due.error} />
      ) : (
        <Table<HomeDueAward>
          rowKey="id"
          size="small"
          loading={due.isFetching}
          dataSource={due.data?.awards}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          locale={{ emptyText: <Typography.Text type="secondary">{h.noDue}</Typography.Text> }}
          columns={[
            { title: h.union, dataIndex: "organization_name" },
            { title: h.year, dataIndex: "year", width: 80 },
            { title: h.level, dataIndex: "level", width: 140, render: (v: string | null) => <LevelTag level={v} reviewed /> },
            { title: h.awardedOn, dataIndex: "awarded_on", width: 110 },
            { title: h.renewBy, dataIndex: "renew_by", width: 110 },
            {
              title: h.daysLeft,
              dataIndex: "days_left",
              width: 130,
              align: "right",
              render: (n: number) => <span data-testid="home-days-left">{n < 0 ? fill(h.expired, { days: -n }) : n}</span>,
            },
          ]}
        />
      )}
    </Card>
  );
}
