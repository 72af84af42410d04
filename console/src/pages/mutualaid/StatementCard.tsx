import { useQuery } from "@tanstack/react-query";
import { Card, Col, Row, Space, Statistic, Table, Typography } from "antd";
import { call, url } from "../../api/client";
import { useOrganizationNames } from "../../api/members";
import type { FundFigures, FundOfOrganization, FundStatement, RefusedMovement } from "../../api/mutualAidRows";
import { DownloadButton } from "../../components/DownloadButton";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";
import { fill } from "./shared";

const enc = encodeURIComponent;

/**
 * The fund's statement as of today: of the union's own fund when a union is chosen, else of every fund
 * of the scope together (a line per fund below). Each total leaves out what finance refused; the part
 * still awaiting finance's answer is shown under it, and the refusals are listed with finance's reasons.
 */
export function StatementCard({ target, union }: { target: string; union?: string }) {
  const { t } = useI18n();
  const m = t.mutualAid;
  const { nameOf } = useOrganizationNames();
  const statement = useQuery({
    queryKey: ["mutual-aid-statement", target],
    queryFn: () => call<FundStatement>("welfare", `/v1/organizations/${enc(target)}/mutual-aid/statement`),
    // While finance has not answered a movement, its answer is asked for again.
    refetchInterval: (q) => (pendingIn(q.state.data?.subtree) ? 2000 : false),
  });
  const s = statement.data;
  const figures = s ? (union ? s.own : s.subtree) : undefined;
  const figure = (title: string, fen: number | undefined, testId: string, pending?: number) => (
    <Col xs={12} md={8} xl={4}>
      <Statistic title={title} value={yuan(fen)} valueRender={(node) => <span data-testid={testId} data-fen={fen}>{node}</span>} />
      {pending ? (
        <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid={`${testId}-pending`}>
          {fill(m.pendingPart, { amount: yuan(pending) })}
        </Typography.Text>
      ) : null}
    </Col>
  );
  return (
    <Card
      size="small"
      title={s ? `${m.statement} · ${nameOf(target)} · ${fill(m.asOf, { day: s.as_of })}` : m.statement}
      data-testid="fund-statement"
      loading={statement.isLoading}
      extra={
        <DownloadButton
          url={url("welfare", `/v1/organizations/${enc(target)}/mutual-aid/statement`, { format: "xlsx" })}
          filename={m.statementFile}
          label={m.exportStatement}
          data-testid="export-statement-xlsx"
        />
      }
    >
      {statement.error ? (
        <ProblemAlert error={statement.error} />
      ) : (
        <Space direction="vertical" style={{ width: "100%" }} size="middle">
          <Row gutter={[16, 16]}>
            {figure(m.contributed, figures?.contributed_fen, "fund-contributed", figures?.contributed_pending_fen)}
            {figure(m.lent, figures?.lent_fen, "fund-lent", figures?.lent_pending_fen)}
            {figure(m.repaid, figures?.repaid_fen, "fund-repaid", figures?.repaid_pending_fen)}
            {figure(m.outstanding, figures?.outstanding_fen, "fund-outstanding")}
            <Col xs={12} md={8} xl={4}>
              <Statistic
                title={m.available}
                value={yuan(figures?.available_fen)}
                valueRender={(node) => (
                  <span data-testid="fund-available" data-fen={figures?.available_fen}>
                    {node}
                  </span>
                )}
              />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {m.availableNote}
              </Typography.Text>
            </Col>
            <Col xs={12} md={8} xl={4}>
              <Statistic
                title={m.overdue}
                value={yuan(figures?.overdue_fen)}
                valueStyle={figures?.overdue_fen ? { color: "#a8071a" } : undefined}
                valueRender={(node) => (
                  <span data-testid="fund-overdue" data-fen={figures?.overdue_fen}>
                    {node}
                  </span>
                )}
              />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {m.loansOverdue} {figures?.loans_overdue ?? "—"} / {m.loansOutstanding} {figures?.loans_outstanding ?? "—"}
              </Typography.Text>
            </Col>
          </Row>
          {!union && s && s.funds.length > 0 && (
            <Table<FundOfOrganization>
              data-testid="funds"
              rowKey="organization_id"
              size="small"
              pagination={false}
              scroll={{ x: "max-content" }}
              title={() => m.funds}
              dataSource={s.funds}
              columns={[
                { title: m.union, dataIndex: "organization_id", render: (id: string) => nameOf(id) },
                { title: m.contributed, dataIndex: "contributed_fen", align: "right", render: yuan },
                { title: m.lent, dataIndex: "lent_fen", align: "right", render: yuan },
                { title: m.repaid, dataIndex: "repaid_fen", align: "right", render: yuan },
                { title: m.outstanding, dataIndex: "outstanding_fen", align: "right", render: yuan },
                { title: m.available, dataIndex: "available_fen", align: "right", render: yuan },
                { title: m.overdue, dataIndex: "overdue_fen", align: "right", render: yuan },
              ]}
            />
          )}
          {s && s.refused_by_finance.length > 0 && (
            <Table<RefusedMovement>
              data-testid="refused-by-finance"
              rowKey="id"
              size="small"
              pagination={false}
              title={() => m.refusedByFinance}
              dataSource={union ? s.refused_by_finance.filter((r) => r.organization_id === union) : s.refused_by_finance}
              columns={[
                { title: m.movement, dataIndex: "movement", render: (k: string) => m.movements[k] ?? k },
                { title: m.union, dataIndex: "organization_id", render: (id: string) => nameOf(id) },
                { title: m.amount, dataIndex: "amount_fen", align: "right", render: yuan },
                { title: t.date, dataIndex: "on" },
                { title: m.financeReason, dataIndex: "finance_reason" },
              ]}
            />
          )}
        </Space>
      )}
    </Card>
  );
}

const pendingIn = (f: FundFigures | undefined) =>
  !!f && f.contributed_pending_fen + f.lent_pending_fen + f.repaid_pending_fen > 0;
