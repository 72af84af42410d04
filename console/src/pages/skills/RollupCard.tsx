import { useQuery } from "@tanstack/react-query";
import { Card, Col, Form, InputNumber, Row, Space, Statistic, Table } from "antd";
import { call, url as apiUrl } from "../../api/client";
import type { ActivityFigures, SkillKind, SkillsRollup } from "../../api/skillsRows";
import { SKILL_KINDS } from "../../api/skillsRows";
import { DownloadButton } from "../../components/DownloadButton";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

interface KindRow extends ActivityFigures {
  kind: SkillKind;
}

/** The subtree's year: training, labour competitions and skill contests held, and the people helped into work. */
export function RollupCard({ org, year, onYear }: { org: string; year: number; onYear: (year: number) => void }) {
  const { t } = useI18n();
  const s = t.skills;
  const path = `/v1/organizations/${encodeURIComponent(org)}/skills-rollup`;
  const rollup = useQuery({
    queryKey: ["skills-rollup", org, year],
    queryFn: () => call<SkillsRollup>("events", path, { query: { year } }),
  });
  const placed = rollup.data?.placements;
  const figure = (title: string, value: number | undefined, testId: string) => (
    <Col xs={12} md={6}>
      <Statistic title={title} value={value ?? "—"} valueRender={(node) => <span data-testid={testId}>{node}</span>} />
    </Col>
  );
  const kinds: KindRow[] = rollup.data ? SKILL_KINDS.map((kind) => ({ kind, ...rollup.data.by_kind[kind] })) : [];
  return (
    <Card
      size="small"
      title={s.rollup}
      data-testid="skills-rollup"
      extra={
        <Space wrap>
          <Form layout="inline">
            <Form.Item label={s.year} htmlFor="skills-rollup-year" style={{ margin: 0 }}>
              <InputNumber
                id="skills-rollup-year"
                size="small"
                min={2000}
                max={2100}
                precision={0}
                value={year}
                onChange={(v) => v && v >= 2000 && v <= 2100 && onYear(v)}
              />
            </Form.Item>
          </Form>
          <DownloadButton
            size="small"
            data-testid="skills-rollup-xlsx"
            url={apiUrl("events", path, { year, format: "xlsx" })}
            filename={`skills-${org}-${year}.xlsx`}
            label={s.download}
          />
        </Space>
      }
    >
      {rollup.error ? (
        <ProblemAlert error={rollup.error} />
      ) : (
        <>
          <Row gutter={[16, 16]} style={{ marginBottom: 12 }}>
            {figure(s.placedPeople, placed?.people, "placed-people")}
            {figure(s.placedMembers, placed?.members, "placed-members")}
            {figure(s.afterTraining, placed?.after_training, "placed-after-training")}
            {figure(s.placementRecords, placed?.records, "placement-records")}
          </Row>
          <Table<KindRow>
            data-testid="skills-by-kind"
            rowKey="kind"
            size="small"
            pagination={false}
            loading={rollup.isFetching}
            dataSource={kinds}
            onRow={(row) => ({ "data-kind": row.kind }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              { title: s.kind, dataIndex: "kind", render: (k: string) => t.activities.kinds[k] ?? k },
              { title: s.held, dataIndex: "held", align: "right", width: 100, render: (n: number) => <span data-testid="kind-held">{n}</span> },
              { title: s.entrants, dataIndex: "entrants", align: "right", width: 100 },
              { title: s.attended, dataIndex: "attended", align: "right", width: 100 },
              { title: s.awards, dataIndex: "awards", align: "right", width: 100 },
            ]}
          />
        </>
      )}
    </Card>
  );
}
