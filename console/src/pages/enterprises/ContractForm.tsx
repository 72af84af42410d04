import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Button, DatePicker, Form, Input, InputNumber, Modal, Space } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { call } from "../../api/client";
import { useOrganizationNames, useRequestKeys } from "../../api/members";
import type { CollectiveContract, ContractKind, Enterprise, SignCollectiveContract } from "../../api/streetRows";
import { CONTRACT_KINDS, fill, shanghaiToday } from "../../api/streetRows";
import { FormSelect } from "../../components/FormControls";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";

interface Values {
  kind: ContractKind;
  employer_party: string;
  union_party: string;
  rounds?: number | null;
  wage_increase?: number | null;
  signed_on: Dayjs;
  valid_from: Dayjs;
  valid_until: Dayjs;
  workers_covered: number;
  filed_on?: Dayjs | null;
}

const day = (d: Dayjs) => d.format("YYYY-MM-DD");

function bodyOf(v: Values): SignCollectiveContract {
  return {
    kind: v.kind,
    employer_party: v.employer_party.trim(),
    union_party: v.union_party.trim(),
    signed_on: day(v.signed_on),
    valid_from: day(v.valid_from),
    valid_until: day(v.valid_until),
    workers_covered: v.workers_covered,
    // The wage increase is typed in percent with one decimal and stored in whole per-mille (3.5 % → 35).
    negotiation: v.rounds
      ? {
          rounds: v.rounds,
          wage_increase_per_mille: v.wage_increase === null || v.wage_increase === undefined ? null : Math.round(v.wage_increase * 10),
        }
      : null,
    filed_on: v.filed_on ? day(v.filed_on) : null,
  };
}

/** Sign a collective contract for an enterprise with a union, or renew one (same kind, a later start). */
export function ContractForm({
  enterprise,
  renewing,
  onClose,
}: {
  enterprise: Enterprise;
  renewing?: CollectiveContract;
  onClose: () => void;
}) {
  const { t } = useI18n();
  const e = t.enterprises;
  const keyOf = useRequestKeys();
  const client = useQueryClient();
  const { nameOf } = useOrganizationNames();
  const sign = useMutation({
    mutationFn: (body: SignCollectiveContract) =>
      call<CollectiveContract>(
        "membership",
        renewing
          ? `/v1/collective-contracts/${encodeURIComponent(renewing.id)}/renewal`
          : `/v1/enterprises/${encodeURIComponent(enterprise.id)}/collective-contracts`,
        { method: "POST", body, idempotencyKey: keyOf(body) },
      ),
    onSuccess: () => {
      for (const key of ["contracts", "contracts-rollup", "contracts-expiring"]) void client.invalidateQueries({ queryKey: [key] });
      onClose();
    },
  });
  const today = dayjs(shanghaiToday());
  const initial: Partial<Values> = renewing
    ? {
        kind: renewing.kind,
        employer_party: renewing.employer_party,
        union_party: renewing.union_party,
        workers_covered: renewing.workers_covered,
        signed_on: today,
        valid_from: dayjs(renewing.valid_until).add(1, "day"),
      }
    : {
        kind: "comprehensive",
        employer_party: enterprise.name,
        union_party: enterprise.union_id ? nameOf(enterprise.union_id) : "",
        workers_covered: enterprise.workers,
        signed_on: today,
        valid_from: today,
      };
  return (
    <Modal
      open
      width={720}
      title={fill(renewing ? e.renewOf : e.signFor, { name: enterprise.name })}
      onCancel={onClose}
      footer={null}
      destroyOnClose
    >
      <Form<Values>
        layout="vertical"
        name="collective-contract"
        data-testid="contract-form"
        initialValues={initial}
        onValuesChange={() => sign.reset()}
        onFinish={(v) => sign.mutate(bodyOf(v))}
      >
        <Form.Item name="kind" label={e.kind} rules={[{ required: true, message: t.required }]}>
          <FormSelect
            data-testid="contract-kind"
            disabled={renewing !== undefined}
            style={{ width: 280 }}
            options={CONTRACT_KINDS.map((k) => ({ value: k, label: e.kinds[k] }))}
          />
        </Form.Item>
        <Space wrap align="start" size="large">
          <Form.Item name="employer_party" label={e.employerParty} rules={[{ required: true, whitespace: true, message: t.required }]}>
            <Input maxLength={200} style={{ width: 300 }} />
          </Form.Item>
          <Form.Item name="union_party" label={e.unionParty} rules={[{ required: true, whitespace: true, message: t.required }]}>
            <Input maxLength={200} style={{ width: 300 }} />
          </Form.Item>
        </Space>
        <Space wrap align="start" size="large">
          <Form.Item name="rounds" label={e.rounds}>
            <InputNumber min={1} max={100} precision={0} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item
            name="wage_increase"
            label={e.wageIncrease}
            dependencies={["rounds"]}
            rules={[
              ({ getFieldValue }) => ({
                validator: (_, value) =>
                  value === null || value === undefined || getFieldValue("rounds") ? Promise.resolve() : Promise.reject(new Error(e.rounds)),
              }),
            ]}
          >
            <InputNumber min={-100} max={1000} precision={1} style={{ width: 140 }} />
          </Form.Item>
          <Form.Item name="workers_covered" label={e.workersCovered} rules={[{ required: true, message: t.required }]}>
            <InputNumber min={1} max={enterprise.workers || 1} precision={0} style={{ width: 140 }} />
          </Form.Item>
        </Space>
        <Space wrap align="start" size="large">
          <Form.Item name="signed_on" label={e.signedOn} rules={[{ required: true, message: t.required }]}>
            <DatePicker data-testid="contract-signed-on" />
          </Form.Item>
          <Form.Item name="valid_from" label={e.validFrom} rules={[{ required: true, message: t.required }]}>
            <DatePicker data-testid="contract-valid-from" />
          </Form.Item>
          <Form.Item name="valid_until" label={e.validUntil} rules={[{ required: true, message: t.required }]}>
            <DatePicker data-testid="contract-valid-until" />
          </Form.Item>
          <Form.Item name="filed_on" label={e.filedOn}>
            <DatePicker data-testid="contract-filed-on" />
          </Form.Item>
        </Space>
        {sign.error ? <ProblemAlert error={sign.error} /> : null}
        <Button type="primary" htmlType="submit" loading={sign.isPending} data-testid="contract-submit" style={{ marginTop: 8 }}>
          {renewing ? e.renew : e.sign}
        </Button>
      </Form>
    </Modal>
  );
}
