import { useQuery } from "@tanstack/react-query";
import { Form, InputNumber, Space, Table, Typography } from "antd";
import { useState } from "react";
import { call, url as apiUrl } from "../../api/client";
import type { InfoRanking, UnionRank } from "../../api/infoRows";
import { shanghaiToday } from "../../api/streetRows";
import { DownloadButton } from "../../components/DownloadButton";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

/** The year's ranking of the scope's unions by points (equal points share a rank), and its Excel. */
export function RankingTab({ org }: { org: string }) {
  const { t } = useI18n();
  const s = t.info;
  const [year, setYear] = useState(Number(shanghaiToday().slice(0, 4)));
  const path = `/v1/organizations/${encodeURIComponent(org)}/info-ranking`;
  const ranking = useQuery({ queryKey: ["info-ranking", org, year], queryFn: () => call<InfoRanking>("events", path, { query: { year } }) });
  const total = ranking.data?.total;
  return (
    <div data-testid="info-ranking">
      <Space style={{ marginBottom: 16 }} wrap>
        <Form layout="inline">
          <Form.Item label={s.year} htmlFor="info-ranking-year" style={{ margin: 0 }}>
            <InputNumber id="info-ranking-year" min={2000} max={2100} precision={0} value={year} onChange={(v) => v && v >= 2000 && v <= 2100 && setYear(v)} />
          </Form.Item>
        </Form>
        <DownloadButton
          data-testid="info-ranking-xlsx"
          url={apiUrl("events", path, { year, format: "xlsx" })}
          filename={`info-ranking-${org}-${year}.xlsx`}
          label={s.download}
        />
      </Space>
      <Typography.Paragraph type="secondary">{s.rankingHint}</Typography.Paragraph>
      {ranking.error ? (
        <ProblemAlert error={ranking.error} />
      ) : (
        <Table<UnionRank>
          data-testid="info-ranking-table"
          rowKey="organization_id"
          size="small"
          loading={ranking.isFetching}
          dataSource={ranking.data?.unions}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          onRow={(u) => ({ "data-union": u.organization_id }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: s.rank, dataIndex: "rank", width: 70, render: (n: number) => <span data-testid="rank">{n}</span> },
            { title: s.union, dataIndex: "name" },
            { title: s.submittedCount, dataIndex: "submitted", align: "right", render: (n: number) => <span data-testid="rank-submitted">{n}</span> },
            { title: s.levels.county, dataIndex: "county", align: "right" },
            { title: s.levels.city, dataIndex: "city", align: "right" },
            { title: s.levels.province, dataIndex: "province", align: "right" },
            { title: s.pointsColumn, dataIndex: "points", align: "right", render: (n: number) => <span data-testid="rank-points">{n}</span> },
          ]}
          summary={() =>
            total ? (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0} colSpan={2}>
                  {s.total}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={2} align="right">
                  {total.submitted}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={3} align="right">
                  {total.county}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={4} align="right">
                  {total.city}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={5} align="right">
                  {total.province}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={6} align="right">
                  <span data-testid="total-points">{total.points}</span>
                </Table.Summary.Cell>
              </Table.Summary.Row>
            ) : null
          }
        />
      )}
    </div>
  );
}
