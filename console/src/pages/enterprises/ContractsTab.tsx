import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { Button, Card, Descriptions, Form, Input, InputNumber, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { call, url } from "../../api/client";
import type { ContractState, RegisteredContract, RegisteredContractPage } from "../../api/contractRows";
import { CONTRACT_STATES } from "../../api/contractRows";
import type { CollectiveContract, ContractKind, ContractsRollup, Enterprise, ExpiringContract, ExpiringContracts, KindFigures } from "../../api/streetRows";
import { CONTRACT_KINDS, rateText } from "../../api/streetRows";
import { DownloadButton } from "../../components/DownloadButton";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { useSettled } from "../welfare/shared";
import { ContractForm } from "./ContractForm";

const enc = encodeURIComponent;

/**
 * The roll-up, the expiry reminder, every contract of the register (filtered, paged, downloaded) and
 * the contracts of one enterprise (sign, renew). `union`: the officers of an enterprise's union, who
 * read their enterprise's contracts only.
 */
export function ContractsTab({ org, mayWrite, union = false }: { org: string; mayWrite: boolean; union?: boolean }) {
  if (union) return <ContractRegister org={org} union />;
  return <RegisterContractsTab org={org} mayWrite={mayWrite} />;
}

function RegisterContractsTab({ org, mayWrite }: { org: string; mayWrite: boolean }) {
  const { t } = useI18n();
  const e = t.enterprises;
  const [enterpriseId, setEnterpriseId] = useState<string | undefined>();
  const [signing, setSigning] = useState(false);
  const [renewing, setRenewing] = useState<CollectiveContract | null>(null);
  const withUnion = useQuery({
    queryKey: ["enterprises", org, "with"],
    queryFn: () => call<Enterprise[]>("membership", `/v1/organizations/${enc(org)}/enterprises`, { query: { union: "with" } }),
  });
  const enterprise = withUnion.data?.find((x) => x.id === enterpriseId);
  const contracts = useQuery({
    queryKey: ["contracts", enterpriseId],
    queryFn: () => call<CollectiveContract[]>("membership", `/v1/enterprises/${enc(enterpriseId!)}/collective-contracts`),
    enabled: enterpriseId !== undefined,
  });
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large">
      <RollupCard org={org} />
      <ExpiringCard org={org} />
      <ContractRegister org={org} />
      <Card size="small" title={t.contractRegister.perEnterprise} data-testid="enterprise-contracts">
        <Space wrap style={{ marginBottom: 16 }}>
          <label htmlFor="contracts-enterprise">{e.enterprise}</label>
          <Select
            id="contracts-enterprise"
            data-testid="contracts-enterprise"
            showSearch
            optionFilterProp="label"
            placeholder={e.chooseEnterprise}
            style={{ width: 360 }}
            loading={withUnion.isLoading}
            value={enterpriseId}
            onChange={setEnterpriseId}
            options={(withUnion.data ?? []).map((x) => ({ value: x.id, label: `${x.name}（${x.credit_code}）` }))}
          />
          {mayWrite && enterprise && (
            <Button type="primary" data-testid="sign-contract" onClick={() => setSigning(true)}>
              {e.sign}
            </Button>
          )}
        </Space>
        {withUnion.error ? <ProblemAlert error={withUnion.error} /> : null}
        {contracts.error ? <ProblemAlert error={contracts.error} /> : null}
        {enterprise && (
          <Table<CollectiveContract>
            data-testid="contracts"
            rowKey="id"
            size="small"
            loading={contracts.isFetching}
            dataSource={contracts.data}
            pagination={false}
            locale={{ emptyText: <Typography.Text type="secondary">{e.noContracts}</Typography.Text> }}
            columns={[
              ...contractColumns(e),
              ...(mayWrite
                ? [
                    {
                      title: "",
                      key: "actions",
                      width: 90,
                      render: (_: unknown, c: CollectiveContract) =>
                        c.replaced_by_id ? (
                          <Tag>{e.renewed}</Tag>
                        ) : (
                          <Button size="small" data-testid="renew-contract" onClick={() => setRenewing(c)}>
                            {e.renew}
                          </Button>
                        ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </Card>
      {signing && enterprise && <ContractForm enterprise={enterprise} onClose={() => setSigning(false)} />}
      {renewing && enterprise && <ContractForm enterprise={enterprise} renewing={renewing} onClose={() => setRenewing(null)} />}
    </Space>
  );
}

type EnterpriseStrings = ReturnType<typeof useI18n>["t"]["enterprises"];

function contractColumns(e: EnterpriseStrings) {
  return [
    { title: e.kind, dataIndex: "kind", render: (k: string) => e.kinds[k] ?? k },
    { title: e.signedOn, dataIndex: "signed_on", width: 110 },
    {
      title: e.term,
      key: "term",
      width: 200,
      render: (_: unknown, c: CollectiveContract) => `${c.valid_from} ~ ${c.valid_until}`,
    },
    { title: e.workersCovered, dataIndex: "workers_covered", align: "right" as const, width: 110 },
    {
      title: e.rounds,
      key: "rounds",
      width: 90,
      align: "right" as const,
      render: (_: unknown, c: CollectiveContract) => c.negotiation?.rounds ?? "—",
    },
    {
      title: e.wageIncrease,
      key: "wage",
      width: 120,
      align: "right" as const,
      render: (_: unknown, c: CollectiveContract) => {
        const pm = c.negotiation?.wage_increase_per_mille;
        return pm === null || pm === undefined ? "—" : `${(pm / 10).toFixed(1)}%`;
      },
    },
    { title: e.filedOn, dataIndex: "filed_on", width: 110, render: (d: string | null) => d ?? "—" },
  ];
}

const PAGE_SIZE = 20;

interface RegisterFilters {
  kind?: ContractKind;
  state?: ContractState;
  enterprise?: string;
}

// Solid colours with white text (4.5:1 contrast).
const STATE_COLOURS: Record<string, string> = { in_force: "#237804", pending: "#0050b3", expired: "default", superseded: "default" };

/** Every contract of the organization's register by signing date (a union: its enterprise's), filtered, a page at a time, and the whole list as a workbook. */
function ContractRegister({ org, union = false }: { org: string; union?: boolean }) {
  const { t } = useI18n();
  const e = t.enterprises;
  const c = t.contractRegister;
  const [filters, setFilters] = useState<RegisterFilters>({});
  // The cursors of the pages seen so far: the service pages forward, the stack goes back.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const path = `/v1/organizations/${enc(org)}/collective-contracts`;
  const list = useQuery({
    queryKey: ["contracts", "register", org, filters, cursor],
    queryFn: () => call<RegisteredContractPage>("membership", path, { query: { ...filters, cursor, limit: PAGE_SIZE } }),
    placeholderData: keepPreviousData,
  });
  const search = (next: RegisterFilters) => {
    setFilters(next);
    setCursors([undefined]);
  };
  return (
    <Card
      size="small"
      title={union ? c.unionTitle : c.title}
      data-testid="contract-register"
      extra={
        /* The whole filtered list, not the page on screen. */
        <DownloadButton
          size="small"
          url={url("membership", path, { ...filters, format: "xlsx" })}
          filename={`contracts-${org}.xlsx`}
          label={c.download}
          data-testid="export-contracts-xlsx"
        />
      }
    >
      <Form<RegisterFilters>
        name="contract-register-filter"
        layout="inline"
        onFinish={(v) => search({ kind: v.kind || undefined, state: v.state || undefined, enterprise: v.enterprise?.trim() || undefined })}
        style={{ marginBottom: 16, rowGap: 8 }}
        aria-label={t.search}
        data-testid="contract-register-filters"
      >
        {!union && (
          <Form.Item name="enterprise" label={c.enterpriseSearch}>
            <Input allowClear maxLength={100} style={{ width: 180 }} />
          </Form.Item>
        )}
        <Form.Item name="kind" label={e.kind}>
          <Select allowClear placeholder={c.anyKind} style={{ width: 220 }} options={CONTRACT_KINDS.map((k) => ({ value: k, label: e.kinds[k] }))} />
        </Form.Item>
        <Form.Item name="state" label={c.state}>
          <Select allowClear placeholder={c.anyState} style={{ width: 140 }} options={CONTRACT_STATES.map((s) => ({ value: s, label: c.states[s] }))} />
        </Form.Item>
        <Form.Item>
          <Space>
            <Button type="primary" htmlType="submit">
              {t.search}
            </Button>
            <Button htmlType="reset" onClick={() => search({})}>
              {t.reset}
            </Button>
          </Space>
        </Form.Item>
      </Form>
      {list.error ? (
        <ProblemAlert error={list.error} />
      ) : (
        <Table<RegisteredContract>
          data-testid="contract-register-rows"
          rowKey="id"
          size="small"
          loading={list.isFetching}
          pagination={false}
          dataSource={list.data?.items}
          locale={{ emptyText: <Typography.Text type="secondary">{e.noContracts}</Typography.Text> }}
          columns={[
            ...(union ? [] : [{ title: e.enterprise, dataIndex: "enterprise_name" }]),
            ...contractColumns(e).slice(0, 4),
            { title: e.filedOn, dataIndex: "filed_on", width: 110, render: (d: string | null) => d ?? "—" },
            {
              title: c.state,
              dataIndex: "state",
              width: 100,
              render: (s: string) => (
                <Tag color={STATE_COLOURS[s]} data-testid="contract-state" data-state={s}>
                  {c.states[s] ?? s}
                </Tag>
              ),
            },
          ]}
        />
      )}
      <Space style={{ marginTop: 16 }}>
        <Button disabled={cursors.length <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>
          {t.previous}
        </Button>
        <Button
          disabled={!list.data?.next_cursor}
          onClick={() => list.data?.next_cursor && setCursors([...cursors, list.data.next_cursor])}
        >
          {t.next}
        </Button>
      </Space>
    </Card>
  );
}

/** Contracts in force and not renewed whose term ends within N days. */
function ExpiringCard({ org }: { org: string }) {
  const { t } = useI18n();
  const e = t.enterprises;
  const [typed, setTyped] = useState(30);
  const within = useSettled(typed);
  const expiring = useQuery({
    queryKey: ["contracts-expiring", org, within],
    queryFn: () =>
      call<ExpiringContracts>("membership", `/v1/organizations/${enc(org)}/collective-contracts/expiring`, { query: { within_days: within } }),
  });
  return (
    <Card
      size="small"
      title={e.expiring}
      data-testid="contracts-expiring"
      extra={
        <Space>
          <InputNumber
            aria-label={e.withinDays}
            id="expiring-within"
            min={0}
            max={366}
            precision={0}
            size="small"
            value={typed}
            onChange={(v) => v !== null && setTyped(v)}
          />
          <label htmlFor="expiring-within">{e.withinDays}</label>
        </Space>
      }
    >
      {expiring.error ? (
        <ProblemAlert error={expiring.error} />
      ) : (
        <Table<ExpiringContract>
          rowKey="id"
          size="small"
          loading={expiring.isFetching}
          dataSource={expiring.data?.contracts}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          columns={[
            { title: e.enterprise, dataIndex: "enterprise_name" },
            ...contractColumns(e).slice(0, 4),
            {
              title: e.daysLeft,
              dataIndex: "days_left",
              align: "right",
              width: 90,
              render: (n: number) => <Typography.Text strong={n <= 7}>{n}</Typography.Text>,
            },
          ]}
        />
      )}
    </Card>
  );
}

const ROLLUP_ORDER = ["any", "comprehensive", "wage", "women_workers"];

/** The reports' indicators today: signing rates over enterprises with a union and over those with 20+ workers, by kind. */
export function RollupCard({ org }: { org: string }) {
  const { t } = useI18n();
  const e = t.enterprises;
  const rollup = useQuery({
    queryKey: ["contracts-rollup", org],
    queryFn: () => call<ContractsRollup>("membership", `/v1/organizations/${enc(org)}/collective-contracts/rollup`),
  });
  if (rollup.error) return <ProblemAlert error={rollup.error} />;
  const r = rollup.data;
  const rows = [...(r?.by_kind ?? [])].sort((a, b) => ROLLUP_ORDER.indexOf(a.kind) - ROLLUP_ORDER.indexOf(b.kind));
  return (
    <Card size="small" title={e.rollup} data-testid="contracts-rollup" loading={rollup.isLoading}>
      {r && (
        <>
          <Descriptions size="small" column={{ xs: 1, md: 3, xl: 6 }} style={{ marginBottom: 12 }}>
            <Descriptions.Item label={e.rollupOn}>{r.on}</Descriptions.Item>
            <Descriptions.Item label={e.enterprisesCount}>{r.enterprises}</Descriptions.Item>
            <Descriptions.Item label={e.withUnion}>
              <span data-testid="rollup-with-union">{r.with_union}</span>
            </Descriptions.Item>
            <Descriptions.Item label={e.twentyPlus}>{r.twenty_plus}</Descriptions.Item>
            <Descriptions.Item label={`${e.twentyPlus} · ${e.withUnion}`}>{r.twenty_plus_with_union}</Descriptions.Item>
            <Descriptions.Item label={e.foundingsThisYear.replace("{year}", r.on.slice(0, 4))}>{r.unions_founded_in_year}</Descriptions.Item>
          </Descriptions>
          <Table<KindFigures>
            rowKey="kind"
            size="small"
            pagination={false}
            dataSource={rows}
            onRow={(k) => ({ "data-kind": k.kind }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              { title: e.kind, dataIndex: "kind", render: (k: string) => e.kinds[k] ?? k },
              { title: e.contractsInForce, dataIndex: "contracts", align: "right", render: (n: number) => <span data-testid="kind-contracts">{n}</span> },
              { title: e.enterprisesCovered, dataIndex: "enterprises", align: "right" },
              {
                title: e.workersCovered,
                dataIndex: "workers_covered",
                align: "right",
                render: (n: number) => <span data-testid="kind-workers">{n}</span>,
              },
              {
                title: e.rateWithUnion,
                key: "with-union",
                align: "right",
                render: (_, k) => (
                  <span data-testid="rate-with-union" data-signed={k.among_with_union.signed} data-of={k.among_with_union.of}>
                    {rateText(k.among_with_union)}
                  </span>
                ),
              },
              {
                title: e.rateTwentyPlus,
                key: "twenty-plus",
                align: "right",
                render: (_, k) => (
                  <span data-testid="rate-twenty-plus" data-signed={k.among_twenty_plus.signed} data-of={k.among_twenty_plus.of}>
                    {rateText(k.among_twenty_plus)}
                  </span>
                ),
              },
            ]}
          />
        </>
      )}
    </Card>
  );
}
