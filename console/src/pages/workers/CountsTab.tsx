import { useQuery } from "@tanstack/react-query";
import { Card, Col, Row, Space, Statistic, Table, Typography } from "antd";
import { call, url } from "../../api/client";
import type { FormTally, MobileWorkerCounts } from "../../api/workersRows";
import { NEW_FORMS } from "../../api/workersRows";
import { DownloadButton } from "../../components/DownloadButton";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

const enc = encodeURIComponent;

/** Active migrant and new-form members of the subtree this year (1 January to today), and by form. */
export function CountsTab({ org }: { org: string }) {
  const { t } = useI18n();
  const w = t.workers;
  const counts = useQuery({
    queryKey: ["mobile-worker-counts", org],
    queryFn: () => call<MobileWorkerCounts>("membership", `/v1/organizations/${enc(org)}/mobile-worker-counts`),
  });
  if (counts.error) return <ProblemAlert error={counts.error} />;
  const c = counts.data;
  const rows = [...(c?.by_form ?? [])].sort((a, b) => NEW_FORMS.indexOf(a.form) - NEW_FORMS.indexOf(b.form));
  const tally = (title: string, testId: string, figures: { members: number; joined: number } | undefined) => (
    <Col xs={24} md={8}>
      <Card size="small" loading={counts.isLoading} data-testid={testId}>
        <Statistic title={title} value={figures?.members ?? 0} />
        <Typography.Text type="secondary">
          {w.joined} <span data-testid={`${testId}-joined`}>{figures?.joined ?? 0}</span>
        </Typography.Text>
      </Card>
    </Col>
  );
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large">
      <Space wrap style={{ justifyContent: "space-between", width: "100%" }}>
        <Typography.Text data-testid="counts-period">
          {w.period}：{c ? `${c.from} ~ ${c.to}` : "…"}
        </Typography.Text>
        <DownloadButton
          url={url("membership", `/v1/organizations/${enc(org)}/mobile-worker-counts`, { format: "xlsx" })}
          filename={w.exportFile}
          label={w.exportExcel}
          data-testid="export-worker-counts-xlsx"
        />
      </Space>
      <Row gutter={[16, 16]}>
        {tally(w.migrant, "count-migrant", c?.migrant_workers)}
        {tally(w.newForm, "count-new-form", c?.new_form_workers)}
        {tally(w.both, "count-both", c?.migrant_and_new_form)}
      </Row>
      <Table<FormTally>
        data-testid="counts-by-form"
        rowKey="form"
        size="small"
        loading={counts.isLoading}
        pagination={false}
        dataSource={rows}
        onRow={(f) => ({ "data-form": f.form }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: w.form, dataIndex: "form", render: (f: string) => w.forms[f] ?? f },
          { title: w.members, dataIndex: "members", align: "right", render: (n: number) => <span data-testid="form-members">{n}</span> },
          { title: w.joined, dataIndex: "joined", align: "right" },
        ]}
      />
    </Space>
  );
}
