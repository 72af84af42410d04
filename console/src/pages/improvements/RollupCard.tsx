import { useQuery } from "@tanstack/react-query";
import { Card, Descriptions, Form, InputNumber, Table, Typography } from "antd";
import { useState } from "react";
import { call } from "../../api/client";
import type { ImprovementRollup, UnionImprovements } from "../../api/streetRows";
import { fill, shanghaiToday } from "../../api/streetRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";

/** The year's proposals of every grassroots union below: filed, adopted, implemented, value created, and the total. */
export function RollupCard({ org }: { org: string }) {
  const { t } = useI18n();
  const p = t.improvements;
  const [year, setYear] = useState(Number(shanghaiToday().slice(0, 4)));
  const rollup = useQuery({
    queryKey: ["improvement-rollup", org, year],
    queryFn: () => call<ImprovementRollup>("events", `/v1/organizations/${encodeURIComponent(org)}/improvement-rollup`, { query: { year } }),
  });
  const total = rollup.data?.total;
  return (
    <Card
      size="small"
      title={p.rollup}
      data-testid="improvement-rollup"
      extra={
        <Form layout="inline">
          <Form.Item label={p.year} htmlFor="improvement-rollup-year" style={{ margin: 0 }}>
            <InputNumber id="improvement-rollup-year" size="small" min={2000} max={2100} precision={0} value={year} onChange={(v) => v && setYear(v)} />
          </Form.Item>
        </Form>
      }
    >
      {rollup.error ? (
        <ProblemAlert error={rollup.error} />
      ) : (
        <>
          {total && (
            <Typography.Paragraph strong data-testid="improvement-total" data-filed={total.filed} data-value-fen={total.value_fen}>
              {fill(p.totalLine, { filed: total.filed, adopted: total.adopted, implemented: total.implemented, value: yuan(total.value_fen) })}
            </Typography.Paragraph>
          )}
          {rollup.data && (
            <Descriptions size="small" column={{ xs: 1, md: 2 }} style={{ marginBottom: 12 }}>
              {(["rationalization", "innovation"] as const).map((kind) => {
                const k = rollup.data.by_kind[kind];
                return (
                  <Descriptions.Item key={kind} label={p.kinds[kind]}>
                    <span data-testid={`improvement-${kind}`}>
                      {fill(p.kindLine, { filed: k.filed, adopted: k.adopted, implemented: k.implemented, value: yuan(k.value_fen) })}
                    </span>
                  </Descriptions.Item>
                );
              })}
            </Descriptions>
          )}
          <Table<UnionImprovements>
            rowKey="organization_id"
            size="small"
            loading={rollup.isFetching}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            dataSource={rollup.data?.unions}
            columns={[
              { title: p.union, dataIndex: "name" },
              { title: p.filedCount, dataIndex: "filed", align: "right", width: 90 },
              { title: p.adoptedCount, dataIndex: "adopted", align: "right", width: 90 },
              { title: p.implementedCount, dataIndex: "implemented", align: "right", width: 90 },
              { title: p.value, dataIndex: "value_fen", align: "right", width: 150, render: yuan },
            ]}
          />
        </>
      )}
    </Card>
  );
}
