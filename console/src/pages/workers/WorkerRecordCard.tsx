import { useQuery } from "@tanstack/react-query";
import { Button, Card, Descriptions, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { call } from "../../api/client";
import { useOrganizationNames } from "../../api/members";
import type { Employment, WorkerCategory, WorkerRecord } from "../../api/workersRows";
import { WORKER_OFFICERS } from "../../api/workersRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useSession } from "../../session";
import { CategoryForm, EmployerForm, TransferToEmployerUnion, workerRecordKey } from "./WorkerForms";

/** 用工与职工身份: a member's worker category and employers, dated, with the officers' forms. */
export function WorkerRecordCard({ memberId }: { memberId: string }) {
  const { t } = useI18n();
  const w = t.workers;
  const { claims } = useSession();
  const officer = WORKER_OFFICERS.includes(claims.role);
  const { nameOf } = useOrganizationNames();
  const [form, setForm] = useState<"category" | "employer" | null>(null);
  const record = useQuery({
    queryKey: workerRecordKey(memberId),
    queryFn: () => call<WorkerRecord>("membership", `/v1/members/${encodeURIComponent(memberId)}/worker-record`),
  });
  const r = record.data;
  const categoryText = (c: WorkerCategory | null | undefined) =>
    c ? [c.migrant_worker ? w.migrant : null, c.new_form ? w.forms[c.new_form] : null].filter(Boolean).join("、") || w.noNewForm : w.none;
  const active = r?.member.status === "active";
  return (
    <Card
      size="small"
      title={w.card}
      loading={record.isLoading}
      data-testid="worker-record"
      style={{ marginTop: 16 }}
      extra={
        officer &&
        r &&
        active && (
          <Space wrap>
            <Button size="small" data-testid="open-category" onClick={() => setForm("category")}>
              {w.setCategory}
            </Button>
            <Button size="small" data-testid="open-employer-change" onClick={() => setForm("employer")}>
              {w.changeEmployer}
            </Button>
            {claims.role === "federation_admin" && <TransferToEmployerUnion record={r} />}
          </Space>
        )
      }
    >
      {record.error ? <ProblemAlert error={record.error} /> : null}
      {r && (
        <>
          <Descriptions
            size="small"
            column={{ xs: 1, md: 2, xl: 4 }}
            items={[
              { key: "name", label: w.member, children: <span data-testid="worker-name">{r.member.display_name}</span> },
              {
                key: "union",
                label: w.memberUnion,
                children: (
                  <Space size={4} wrap>
                    <span data-testid="worker-union">{nameOf(r.member.organization_id)}</span>
                    {r.joint_union ? (
                      <Tag color={r.joint_union.form === "trade" ? "geekblue" : "purple"}>
                        {w.unionForms[r.joint_union.form]}
                        {r.joint_union.trade ? `（${r.joint_union.trade}）` : ""}
                      </Tag>
                    ) : (
                      <Typography.Text type="secondary">{w.notJointUnion}</Typography.Text>
                    )}
                  </Space>
                ),
              },
              { key: "category", label: w.currentCategory, children: <span data-testid="worker-category">{categoryText(r.category)}</span> },
              {
                key: "employer",
                label: w.currentEmployer,
                children: <span data-testid="worker-employer">{r.employer?.employer_name ?? w.none}</span>,
              },
            ]}
          />
          <Typography.Title level={3} style={{ fontSize: 14, marginTop: 12 }}>
            {w.categories}
          </Typography.Title>
          <Table<WorkerCategory>
            data-testid="worker-categories"
            rowKey="effective_on"
            size="small"
            pagination={false}
            dataSource={r.categories}
            columns={[
              { title: w.effectiveOn, dataIndex: "effective_on", width: 120 },
              { title: w.migrantWorker, dataIndex: "migrant_worker", render: (m: boolean) => (m ? w.yes : w.no) },
              { title: w.form, dataIndex: "new_form", render: (f: string | null) => (f ? w.forms[f] ?? f : w.noNewForm) },
            ]}
          />
          <Typography.Title level={3} style={{ fontSize: 14, marginTop: 12 }}>
            {w.employments}
          </Typography.Title>
          <Table<Employment>
            data-testid="worker-employments"
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={r.employments}
            columns={[
              { title: w.employer, dataIndex: "employer_name" },
              {
                title: w.employerSource,
                key: "kind",
                width: 140,
                render: (_, e) => <Tag>{e.enterprise_id ? w.registered : w.byName}</Tag>,
              },
              { title: w.startedOn, dataIndex: "started_on", width: 120 },
              { title: w.endedOn, dataIndex: "ended_on", width: 120, render: (d: string | null) => d ?? w.ongoing },
            ]}
          />
        </>
      )}
      {r && form === "category" && <CategoryForm record={r} onClose={() => setForm(null)} />}
      {r && form === "employer" && <EmployerForm record={r} onClose={() => setForm(null)} />}
    </Card>
  );
}
