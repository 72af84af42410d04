import { useQuery } from "@tanstack/react-query";
import { Form, Radio, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { call, url as apiUrl } from "../../api/client";
import type { DisclosureRollup, UnionDisclosures } from "../../api/checksRows";
import { DownloadButton } from "../../components/DownloadButton";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

type Term = "" | "spring" | "autumn";

/** 校务公开: what each union under the organization published to its staff in the year or term, and when; who published none. */
export function DisclosureTab({ org, year }: { org: string; year: number }) {
  const { t } = useI18n();
  const s = t.checks;
  const [term, setTerm] = useState<Term>("");
  const path = `/v1/organizations/${encodeURIComponent(org)}/disclosure-rollup`;
  const query = { year, ...(term ? { term } : {}) };
  const rollup = useQuery({
    queryKey: ["disclosure-rollup", org, year, term],
    queryFn: () => call<DisclosureRollup>("finance", path, { query }),
  });
  return (
    <Space direction="vertical" style={{ width: "100%" }}>
      <Space wrap style={{ width: "100%", justifyContent: "space-between" }}>
        <Form layout="inline">
          <Form.Item label={s.term} style={{ margin: 0 }}>
            <Radio.Group data-testid="disclosure-term" value={term} onChange={(e) => setTerm(e.target.value as Term)}>
              <Radio.Button value="">{s.wholeYear}</Radio.Button>
              <Radio.Button value="spring">{s.spring}</Radio.Button>
              <Radio.Button value="autumn">{s.autumn}</Radio.Button>
            </Radio.Group>
          </Form.Item>
        </Form>
        <DownloadButton
          data-testid="disclosure-xlsx"
          url={apiUrl("finance", path, { ...query, format: "xlsx" })}
          filename={`disclosure-${org}-${year}${term ? `-${term}` : ""}.xlsx`}
          label={s.download}
        />
      </Space>
      {rollup.data ? (
        <Typography.Text data-testid="disclosure-summary">
          {s.disclosedSummary
            .replace("{disclosed}", String(rollup.data.unions_disclosed))
            .replace("{unions}", String(rollup.data.unions.length))
            .replace("{from}", rollup.data.first_day)
            .replace("{to}", rollup.data.last_day)}
        </Typography.Text>
      ) : null}
      {rollup.error ? (
        <ProblemAlert error={rollup.error} />
      ) : (
        <Table<UnionDisclosures>
          data-testid="checks-disclosure"
          rowKey="organization_id"
          size="small"
          loading={rollup.isFetching}
          pagination={false}
          dataSource={rollup.data?.unions}
          onRow={(u) => ({ "data-org": u.organization_id }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: s.union, dataIndex: "name" },
            {
              title: s.disclosed,
              dataIndex: "disclosed",
              width: 110,
              render: (yes: boolean) => (yes ? <Tag color="#237804">{s.yes}</Tag> : <Tag color="red" data-testid="disclosed-none">{s.none}</Tag>),
            },
            { title: s.lastPublished, dataIndex: "last_published_on", width: 120, render: (d: string | null) => d ?? "—" },
            {
              title: s.publications,
              dataIndex: "publications",
              render: (list: UnionDisclosures["publications"]) =>
                list.length
                  ? list.map((p) => (
                      <div key={`${p.published_on}-${p.head_sequence}`} data-testid="publication">
                        {`${p.published_on} ${s.channels[p.channel] ?? p.channel}：${p.period_from} ~ ${p.period_to}`}
                      </div>
                    ))
                  : "—",
            },
          ]}
        />
      )}
    </Space>
  );
}
