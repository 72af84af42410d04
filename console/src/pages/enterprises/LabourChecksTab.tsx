import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Button, Card, Col, DatePicker, Form, Input, InputNumber, Modal, Row, Select, Space, Statistic, Table, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useState } from "react";
import { call, url } from "../../api/client";
import { useRequestKeys } from "../../api/members";
import type { BelowTarget, LabourContractCheck, RecordLabourContractCheck, SigningRollup } from "../../api/safetyRows";
import type { Enterprise } from "../../api/streetRows";
import { fill, rateText, shanghaiToday } from "../../api/streetRows";
import { DownloadButton } from "../../components/DownloadButton";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useSettled } from "../welfare/shared";

const enc = encodeURIComponent;
// 春暖行动's target: labour contracts signed by 98 % of the workers checked (membership's TARGET_PER_MILLE).
const TARGET_PERCENT = 98;

/** 春暖行动: the period's signing rates with the enterprises below the target, and the checks of one enterprise. */
export function LabourChecksTab({ org, mayWrite }: { org: string; mayWrite: boolean }) {
  const { t } = useI18n();
  const l = t.labourChecks;
  const [enterpriseId, setEnterpriseId] = useState<string | undefined>();
  const [recording, setRecording] = useState(false);
  const register = useQuery({
    queryKey: ["enterprises", org, null],
    queryFn: () => call<Enterprise[]>("membership", `/v1/organizations/${enc(org)}/enterprises`),
  });
  const enterprise = register.data?.find((x) => x.id === enterpriseId);
  const checks = useQuery({
    queryKey: ["labour-checks", enterpriseId],
    queryFn: () => call<LabourContractCheck[]>("membership", `/v1/enterprises/${enc(enterpriseId!)}/labour-contract-checks`),
    enabled: enterpriseId !== undefined,
  });
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large">
      <SigningRollupCard org={org} />
      <Card size="small" title={l.checks} data-testid="labour-checks">
        <Space wrap style={{ marginBottom: 16 }}>
          <label htmlFor="labour-checks-enterprise">{l.enterprise}</label>
          <Select
            id="labour-checks-enterprise"
            data-testid="labour-checks-enterprise"
            showSearch
            optionFilterProp="label"
            placeholder={l.chooseEnterprise}
            style={{ width: 360 }}
            loading={register.isLoading}
            value={enterpriseId}
            onChange={setEnterpriseId}
            options={(register.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
          />
          {mayWrite && enterprise && (
            <Button type="primary" data-testid="record-labour-check" onClick={() => setRecording(true)}>
              {l.record}
            </Button>
          )}
        </Space>
        {register.error ? <ProblemAlert error={register.error} /> : null}
        {checks.error ? <ProblemAlert error={checks.error} /> : null}
        {enterprise && (
          <Table<LabourContractCheck>
            data-testid="labour-check-rows"
            rowKey="id"
            size="small"
            loading={checks.isFetching}
            dataSource={checks.data}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            locale={{ emptyText: <Typography.Text type="secondary">{l.noChecks}</Typography.Text> }}
            columns={[...checkColumns(l), { title: l.note, dataIndex: "note", render: (n: string | null) => n ?? "—" }]}
          />
        )}
      </Card>
      {recording && enterprise && <RecordCheck enterprise={enterprise} onClose={() => setRecording(false)} />}
    </Space>
  );
}

type LabourStrings = ReturnType<typeof useI18n>["t"]["labourChecks"];

function checkColumns(l: LabourStrings) {
  return [
    { title: l.checkedOn, dataIndex: "checked_on", width: 110 },
    { title: l.workersChecked, dataIndex: "workers_checked", align: "right" as const, width: 110 },
    { title: l.workersSigned, dataIndex: "workers_signed", align: "right" as const, width: 100 },
    {
      title: l.rate,
      key: "rate",
      align: "right" as const,
      render: (_: unknown, c: LabourContractCheck) => <span data-testid="check-rate">{rateText(c.rate)}</span>,
    },
    { title: l.migrantChecked, dataIndex: "migrant_checked", align: "right" as const, width: 120 },
    {
      title: l.migrantRate,
      key: "migrant-rate",
      align: "right" as const,
      render: (_: unknown, c: LabourContractCheck) => <span data-testid="check-migrant-rate">{rateText(c.migrant_rate)}</span>,
    },
  ];
}

/** The subtree's signing rates in a period (this year by default), each enterprise by its latest check, and those below the target. */
function SigningRollupCard({ org }: { org: string }) {
  const { t } = useI18n();
  const l = t.labourChecks;
  const today = shanghaiToday();
  const [period, setPeriod] = useState<[Dayjs, Dayjs]>([dayjs(`${today.slice(0, 4)}-01-01`), dayjs(today)]);
  const [typedTarget, setTypedTarget] = useState(TARGET_PERCENT);
  const target = useSettled(typedTarget);
  const from = period[0].format("YYYY-MM-DD");
  const to = period[1].format("YYYY-MM-DD");
  // The target is typed in percent with one decimal and asked for in whole per-mille (98 % → 980).
  const query = { from, to, below_per_mille: Math.round(target * 10) };
  const path = `/v1/organizations/${enc(org)}/labour-contract-checks/rollup`;
  const rollup = useQuery({
    queryKey: ["labour-checks-rollup", org, from, to, query.below_per_mille],
    queryFn: () => call<SigningRollup>("membership", path, { query }),
  });
  const r = rollup.data;
  return (
    <Card
      size="small"
      title={l.rollup}
      data-testid="labour-checks-rollup"
      loading={rollup.isLoading}
      extra={
        <Space wrap>
          <DatePicker.RangePicker
            aria-label={l.period}
            allowClear={false}
            value={period}
            onChange={(v) => v?.[0] && v[1] && setPeriod([v[0], v[1]])}
          />
          <label htmlFor="labour-checks-target">{l.target}</label>
          <InputNumber
            id="labour-checks-target"
            min={0.1}
            max={100}
            step={0.5}
            precision={1}
            size="small"
            value={typedTarget}
            onChange={(v) => v !== null && setTypedTarget(v)}
          />
          <DownloadButton
            url={url("membership", path, { ...query, format: "xlsx" })}
            filename={`labour-contract-checks-${org}-${from}-${to}.xlsx`}
            label={t.exportExcel}
            data-testid="export-labour-checks-xlsx"
          />
        </Space>
      }
    >
      {rollup.error ? (
        <ProblemAlert error={rollup.error} />
      ) : (
        r && (
          <>
            <Row gutter={[16, 16]} style={{ marginBottom: 12 }}>
              <Col xs={24} md={8}>
                <Statistic
                  title={l.enterprisesChecked}
                  value={r.enterprises_checked}
                  valueRender={(node) => <span data-testid="checks-enterprises">{node}</span>}
                />
              </Col>
              <Col xs={24} md={8}>
                <Statistic title={l.overall} value={rateText(r.overall)} valueRender={(node) => <span data-testid="checks-overall">{node}</span>} />
              </Col>
              <Col xs={24} md={8}>
                <Statistic title={l.migrant} value={rateText(r.migrant)} valueRender={(node) => <span data-testid="checks-migrant">{node}</span>} />
              </Col>
            </Row>
            <Typography.Title level={5}>{l.below}</Typography.Title>
            <Table<BelowTarget>
              data-testid="checks-below"
              rowKey="enterprise_id"
              size="small"
              pagination={false}
              dataSource={r.below}
              locale={{ emptyText: <Typography.Text type="secondary">{l.noneBelow}</Typography.Text> }}
              columns={[
                { title: l.enterprise, dataIndex: "enterprise_name" },
                { title: l.checkedOn, key: "on", width: 110, render: (_, b) => b.check.checked_on },
                { title: l.rate, key: "rate", align: "right", render: (_, b) => rateText(b.check.rate) },
                { title: l.migrantRate, key: "migrant", align: "right", render: (_, b) => rateText(b.check.migrant_rate) },
              ]}
            />
          </>
        )
      )}
    </Card>
  );
}

interface CheckValues {
  checked_on: Dayjs;
  workers_checked: number;
  workers_signed: number;
  migrant_checked?: number | null;
  migrant_signed?: number | null;
  note?: string;
}

/** Record a check: workers checked and signed, of them migrant workers checked and signed (the service checks the sums). */
function RecordCheck({ enterprise, onClose }: { enterprise: Enterprise; onClose: () => void }) {
  const { t } = useI18n();
  const l = t.labourChecks;
  const keyOf = useRequestKeys();
  const client = useQueryClient();
  const record = useMutation({
    mutationFn: (body: RecordLabourContractCheck) =>
      call<LabourContractCheck>("membership", `/v1/enterprises/${enc(enterprise.id)}/labour-contract-checks`, {
        method: "POST",
        body,
        idempotencyKey: keyOf(body),
      }),
    onSuccess: () => {
      for (const key of ["labour-checks", "labour-checks-rollup"]) void client.invalidateQueries({ queryKey: [key] });
      onClose();
    },
  });
  const notMore = (other: string, field: string) => ({ getFieldValue }: { getFieldValue: (name: string) => unknown }) => ({
    validator: (_: unknown, value: number | null | undefined) =>
      value === null || value === undefined || value <= Number(getFieldValue(other) ?? 0)
        ? Promise.resolve()
        : Promise.reject(new Error(fill(l.notMore, { field }))),
  });
  return (
    <Modal open width={640} title={fill(l.recordFor, { name: enterprise.name })} onCancel={onClose} footer={null} destroyOnClose>
      <Form<CheckValues>
        layout="vertical"
        name="labour-check"
        data-testid="labour-check-form"
        initialValues={{ checked_on: dayjs(shanghaiToday()), migrant_checked: 0, migrant_signed: 0 }}
        onValuesChange={() => record.reset()}
        onFinish={(v) =>
          record.mutate({
            checked_on: v.checked_on.format("YYYY-MM-DD"),
            workers_checked: v.workers_checked,
            workers_signed: v.workers_signed,
            migrant_checked: v.migrant_checked ?? 0,
            migrant_signed: v.migrant_signed ?? 0,
            note: v.note?.trim() || null,
          })
        }
      >
        <Form.Item name="checked_on" label={l.checkedOn} rules={[{ required: true, message: t.required }]}>
          <DatePicker data-testid="checked-on" />
        </Form.Item>
        <Space wrap align="start" size="large">
          <Form.Item name="workers_checked" label={l.workersChecked} rules={[{ required: true, message: t.required }]}>
            <InputNumber min={1} max={enterprise.workers || 1} precision={0} style={{ width: 140 }} />
          </Form.Item>
          <Form.Item
            name="workers_signed"
            label={l.workersSigned}
            dependencies={["workers_checked"]}
            rules={[{ required: true, message: t.required }, notMore("workers_checked", l.workersChecked)]}
          >
            <InputNumber min={0} precision={0} style={{ width: 140 }} />
          </Form.Item>
        </Space>
        <Space wrap align="start" size="large">
          <Form.Item
            name="migrant_checked"
            label={l.migrantChecked}
            dependencies={["workers_checked"]}
            rules={[notMore("workers_checked", l.workersChecked)]}
          >
            <InputNumber min={0} precision={0} style={{ width: 140 }} />
          </Form.Item>
          <Form.Item
            name="migrant_signed"
            label={l.migrantSigned}
            dependencies={["migrant_checked"]}
            rules={[notMore("migrant_checked", l.migrantChecked)]}
          >
            <InputNumber min={0} precision={0} style={{ width: 140 }} />
          </Form.Item>
        </Space>
        <Form.Item name="note" label={l.note}>
          <Input.TextArea rows={2} maxLength={500} />
        </Form.Item>
        {record.error ? <ProblemAlert error={record.error} /> : null}
        <Button type="primary" htmlType="submit" loading={record.isPending} data-testid="labour-check-submit">
          {l.record}
        </Button>
      </Form>
    </Modal>
  );
}
