import { useQuery } from "@tanstack/react-query";
import { Card, Col, List, Row, Statistic, Tag, Typography } from "antd";
import { call } from "../../api/client";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";
import type { MyDues } from "./api";

/** What the member has paid and still owes, month by month. */
export function DuesTab() {
  const m = useI18n().t.me;
  const dues = useQuery({ queryKey: ["me", "dues"], queryFn: () => call<MyDues>("membership", "/v1/me/dues") });
  if (dues.error) return <ProblemAlert error={dues.error} />;
  if (!dues.data) return <Card loading />;
  const d = dues.data;
  return (
    <div data-testid="my-dues">
      <Row gutter={8}>
        <Col span={12}>
          <Card size="small">
            <Statistic title={m.paidTotal} value={yuan(d.paid_total_fen)} valueStyle={{ fontSize: 20 }} />
          </Card>
        </Col>
        <Col span={12}>
          <Card size="small">
            <Statistic
              title={m.arrearsTotal}
              value={yuan(d.arrears_total_fen)}
              valueStyle={{ fontSize: 20, color: d.arrears_total_fen > 0 ? "#cf1322" : undefined }}
            />
          </Card>
        </Col>
      </Row>
      <Typography.Paragraph type="secondary" style={{ margin: "8px 0" }}>
        {m.through} {d.through}
      </Typography.Paragraph>
      <Typography.Title level={2} style={{ fontSize: 16 }}>
        {m.unpaidMonths}
      </Typography.Title>
      {d.unpaid.length === 0 ? (
        <Tag color="#237804" data-testid="dues-paid-up">
          {m.noArrears}
        </Tag>
      ) : (
        <List
          size="small"
          bordered
          data-testid="dues-unpaid"
          dataSource={d.unpaid}
          renderItem={(u) => (
            <List.Item>
              <span>{u.period}</span>
              <span>{u.amount_fen === null ? m.amountUnknown : yuan(u.amount_fen)}</span>
            </List.Item>
          )}
        />
      )}
      <Typography.Title level={2} style={{ fontSize: 16, marginTop: 16 }}>
        {m.paidMonths}
      </Typography.Title>
      <List
        size="small"
        bordered
        data-testid="dues-paid"
        dataSource={[...d.payments].reverse()}
        renderItem={(p) => (
          <List.Item>
            <span>{p.period}</span>
            <span>{yuan(p.amount_fen)}</span>
          </List.Item>
        )}
      />
    </div>
  );
}
