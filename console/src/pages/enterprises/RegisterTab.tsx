import { useMutation, useQuery } from "@tanstack/react-query";
import { Button, Card, Form, Input, InputNumber, Modal, Select, Space, Statistic, Table, Tag } from "antd";
import { useMemo, useState } from "react";
import { call } from "../../api/client";
import { useOrganizationNames, useRequestKeys } from "../../api/members";
import type { Enterprise, Foundings, RegisterEnterprise } from "../../api/streetRows";
import { fill, shanghaiToday } from "../../api/streetRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { FoundUnion, useRefreshRegister } from "./FoundUnion";

const enc = encodeURIComponent;

interface Filters {
  text?: string;
  union?: "with" | "without";
}

/** The register with its search (name or credit code, with or without a union), registering and founding. */
export function RegisterTab({ org, mayWrite }: { org: string; mayWrite: boolean }) {
  const { t } = useI18n();
  const e = t.enterprises;
  const [filters, setFilters] = useState<Filters>({});
  const [registering, setRegistering] = useState(false);
  const [founding, setFounding] = useState<Enterprise | null>(null);
  const list = useQuery({
    queryKey: ["enterprises", org, filters.union ?? null],
    queryFn: () => call<Enterprise[]>("membership", `/v1/organizations/${enc(org)}/enterprises`, { query: { union: filters.union } }),
  });
  // The register of a federation is a few hundred rows: searched here, by name or credit code.
  const rows = useMemo(() => {
    const text = filters.text?.trim().toUpperCase();
    return (list.data ?? []).filter((x) => !text || x.name.toUpperCase().includes(text) || x.credit_code.includes(text));
  }, [list.data, filters.text]);
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large">
      <Space wrap align="start" size="large">
        <FoundingsThisYear org={org} />
        {mayWrite && (
          <Button type="primary" data-testid="register-enterprise" onClick={() => setRegistering(true)}>
            {e.registerEnterprise}
          </Button>
        )}
      </Space>
      <Form<Filters>
        name="enterprise-search"
        layout="inline"
        onFinish={(v) => setFilters({ text: v.text?.trim() || undefined, union: v.union || undefined })}
        style={{ rowGap: 8 }}
        aria-label={t.search}
        data-testid="enterprise-search"
      >
        <Form.Item name="text" label={e.searchText}>
          <Input style={{ width: 220 }} allowClear />
        </Form.Item>
        <Form.Item name="union" label={e.union}>
          <Select
            style={{ width: 120 }}
            allowClear
            placeholder={e.anyUnion}
            options={[
              { value: "with", label: e.withUnion },
              { value: "without", label: e.withoutUnion },
            ]}
          />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit">
              {t.search}
            </Button>
            <Button htmlType="reset" onClick={() => setFilters({})}>
              {t.reset}
            </Button>
          </Space>
        </Form.Item>
      </Form>
      {list.error ? (
        <ProblemAlert error={list.error} />
      ) : (
        <EnterpriseTable rows={rows} loading={list.isFetching} mayWrite={mayWrite} onFound={setFounding} testId="enterprises" />
      )}
      {registering && <RegisterEnterpriseForm org={org} onClose={() => setRegistering(false)} />}
      {founding && <FoundUnion enterprise={founding} onClose={() => setFounding(null)} />}
    </Space>
  );
}

/** Enterprises, each with its union (or a button to found one). */
export function EnterpriseTable({
  rows,
  loading,
  mayWrite,
  onFound,
  testId,
}: {
  rows: Enterprise[];
  loading: boolean;
  mayWrite: boolean;
  onFound: (enterprise: Enterprise) => void;
  testId: string;
}) {
  const { t } = useI18n();
  const e = t.enterprises;
  const { nameOf } = useOrganizationNames();
  return (
    <Table<Enterprise>
      data-testid={testId}
      rowKey="id"
      size="small"
      loading={loading}
      dataSource={rows}
      pagination={{ pageSize: 20, hideOnSinglePage: true }}
      columns={[
        { title: e.name, dataIndex: "name" },
        { title: e.creditCode, dataIndex: "credit_code", width: 200 },
        { title: e.workers, dataIndex: "workers", align: "right", width: 100 },
        {
          title: e.union,
          key: "union",
          render: (_, x) =>
            x.union_id ? (
              <Space size={4} data-testid="enterprise-union">
                <Tag color="#237804">{e.withUnion}</Tag>
                {nameOf(x.union_id)}
              </Space>
            ) : (
              <Tag data-testid="enterprise-union">{e.withoutUnion}</Tag>
            ),
        },
        { title: e.foundedOn, dataIndex: "union_founded_on", width: 110, render: (d: string | null) => d ?? "—" },
        ...(mayWrite
          ? [
              {
                title: "",
                key: "actions",
                width: 90,
                render: (_: unknown, x: Enterprise) =>
                  x.union_id ? null : (
                    <Button size="small" data-testid="found-union-open" onClick={() => onFound(x)}>
                      {e.foundUnion}
                    </Button>
                  ),
              },
            ]
          : []),
      ]}
    />
  );
}

/** Unions founded this year (from 1 January to today in the federation's zone). */
function FoundingsThisYear({ org }: { org: string }) {
  const { t } = useI18n();
  const today = shanghaiToday();
  const year = today.slice(0, 4);
  const foundings = useQuery({
    queryKey: ["union-foundings", org, year, today],
    queryFn: () =>
      call<Foundings>("membership", `/v1/organizations/${enc(org)}/union-foundings`, { query: { from: `${year}-01-01`, to: today } }),
  });
  if (foundings.error) return <ProblemAlert error={foundings.error} />;
  return (
    <Card size="small" data-testid="foundings-this-year">
      <Statistic
        title={fill(t.enterprises.foundingsThisYear, { year })}
        value={foundings.data?.founded ?? "—"}
        loading={foundings.isLoading}
        valueRender={(node) => <span data-testid="foundings-count">{node}</span>}
      />
    </Card>
  );
}

// GB 32100's character set; the check character itself is the service's to verify (its refusal is shown).
const CREDIT_CODE_SHAPE = /^\s*[0-9A-HJ-NPQRTUWXYa-hj-npqrtuwxy]{18}\s*$/;

function RegisterEnterpriseForm({ org, onClose }: { org: string; onClose: () => void }) {
  const { t } = useI18n();
  const e = t.enterprises;
  const keyOf = useRequestKeys();
  const refresh = useRefreshRegister();
  const register = useMutation({
    mutationFn: (body: RegisterEnterprise) =>
      call<Enterprise>("membership", `/v1/organizations/${enc(org)}/enterprises`, { method: "POST", body, idempotencyKey: keyOf(body) }),
    onSuccess: () => {
      refresh();
      onClose();
    },
  });
  return (
    <Modal open title={e.registerEnterprise} onCancel={onClose} footer={null} destroyOnClose>
      <Form<RegisterEnterprise>
        layout="vertical"
        name="register-enterprise"
        data-testid="register-enterprise-form"
        onValuesChange={() => register.reset()}
        onFinish={(v) => register.mutate({ name: v.name.trim(), credit_code: v.credit_code.trim().toUpperCase(), workers: v.workers })}
      >
        <Form.Item name="name" label={e.name} rules={[{ required: true, whitespace: true, message: t.required }]}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item
          name="credit_code"
          label={e.creditCode}
          rules={[
            { required: true, message: t.required },
            { pattern: CREDIT_CODE_SHAPE, message: e.creditCodeShape },
          ]}
        >
          <Input maxLength={20} style={{ textTransform: "uppercase" }} />
        </Form.Item>
        <Form.Item name="workers" label={e.workers} rules={[{ required: true, message: t.required }]}>
          <InputNumber min={0} max={10_000_000} precision={0} style={{ width: 160 }} />
        </Form.Item>
        {register.error ? <ProblemAlert error={register.error} /> : null}
        <Button type="primary" htmlType="submit" loading={register.isPending} data-testid="register-enterprise-submit" style={{ marginTop: 8 }}>
          {e.registerEnterprise}
        </Button>
      </Form>
    </Modal>
  );
}
