import { useQuery } from "@tanstack/react-query";
import { Button, Card, Select, Space, Table, Tag, Typography } from "antd";
import { useMemo, useState } from "react";
import { call } from "../../api/client";
import type { Hazard, Inspection, SafetyInspector } from "../../api/safetyRows";
import type { Enterprise } from "../../api/streetRows";
import { shanghaiToday } from "../../api/streetRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { useI18n } from "../../i18n";
import { FixHazard } from "./FixHazard";
import { InspectionForm } from "./InspectionForm";
import { AppointInspector, RetireInspector } from "./InspectorForms";
import { SeverityTag } from "./RollupTab";

const enc = encodeURIComponent;

/** One enterprise of the register: its inspectors (appoint, retire) and its inspections with the hazards found (fix). */
export function EnterpriseTab({ org, mayWrite }: { org: string; mayWrite: boolean }) {
  const { t } = useI18n();
  const s = t.safety;
  const [enterpriseId, setEnterpriseId] = useState<string | undefined>();
  const register = useQuery({
    queryKey: ["enterprises", org, null],
    queryFn: () => call<Enterprise[]>("membership", `/v1/organizations/${enc(org)}/enterprises`),
  });
  const enterprise = register.data?.find((x) => x.id === enterpriseId);
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="large">
      <Space wrap>
        <label htmlFor="safety-enterprise">{s.enterprise}</label>
        <Select
          id="safety-enterprise"
          data-testid="safety-enterprise"
          showSearch
          optionFilterProp="label"
          placeholder={s.chooseEnterprise}
          style={{ width: 360 }}
          loading={register.isLoading}
          value={enterpriseId}
          onChange={setEnterpriseId}
          options={(register.data ?? []).map((x) => ({ value: x.id, label: x.name }))}
        />
      </Space>
      {register.error ? <ProblemAlert error={register.error} /> : null}
      {enterprise && <EnterpriseSafety key={enterprise.id} enterprise={enterprise} mayWrite={mayWrite} />}
    </Space>
  );
}

function EnterpriseSafety({ enterprise, mayWrite }: { enterprise: Enterprise; mayWrite: boolean }) {
  const { t } = useI18n();
  const s = t.safety;
  const [appointing, setAppointing] = useState(false);
  const [retiring, setRetiring] = useState<SafetyInspector | null>(null);
  const [recording, setRecording] = useState(false);
  const [fixing, setFixing] = useState<Hazard | null>(null);
  const inspectors = useQuery({
    queryKey: ["safety-inspectors", enterprise.id],
    queryFn: () => call<SafetyInspector[]>("membership", `/v1/enterprises/${enc(enterprise.id)}/safety-inspectors`),
  });
  const inspections = useQuery({
    queryKey: ["safety-inspections", enterprise.id],
    queryFn: () => call<Inspection[]>("membership", `/v1/enterprises/${enc(enterprise.id)}/safety-inspections`),
  });
  const inspectorName = useMemo(() => new Map((inspectors.data ?? []).map((i) => [i.id, i.name])), [inspectors.data]);
  const anyServing = (inspectors.data ?? []).some((i) => !i.retired_on);
  return (
    <>
      <Card
        size="small"
        title={s.inspectors}
        data-testid="safety-inspectors"
        extra={
          mayWrite && (
            <Button type="primary" size="small" data-testid="appoint-inspector" onClick={() => setAppointing(true)}>
              {s.appoint}
            </Button>
          )
        }
      >
        {inspectors.error ? (
          <ProblemAlert error={inspectors.error} />
        ) : (
          <Table<SafetyInspector>
            rowKey="id"
            size="small"
            loading={inspectors.isFetching}
            dataSource={inspectors.data}
            pagination={false}
            locale={{ emptyText: <Typography.Text type="secondary">{s.noInspectors}</Typography.Text> }}
            columns={[
              {
                title: s.inspectorName,
                key: "name",
                render: (_, i) => (
                  <Space size={4}>
                    {i.name}
                    {i.member_id ? <Tag>{s.member}</Tag> : null}
                  </Space>
                ),
              },
              { title: s.phone, dataIndex: "phone_masked", width: 140, render: (p: string | null) => p ?? "—" },
              { title: s.appointedOn, dataIndex: "appointed_on", width: 110 },
              {
                title: s.state,
                key: "state",
                width: 160,
                render: (_, i) =>
                  i.retired_on ? (
                    <Tag data-testid="inspector-state">{`${s.retired} ${i.retired_on}`}</Tag>
                  ) : (
                    <Tag color="#237804" data-testid="inspector-state">
                      {s.serving}
                    </Tag>
                  ),
              },
              ...(mayWrite
                ? [
                    {
                      title: "",
                      key: "actions",
                      width: 90,
                      render: (_: unknown, i: SafetyInspector) =>
                        i.retired_on ? null : (
                          <Button size="small" danger data-testid="retire-inspector-open" onClick={() => setRetiring(i)}>
                            {s.retire}
                          </Button>
                        ),
                    },
                  ]
                : []),
            ]}
          />
        )}
      </Card>
      <Card
        size="small"
        title={s.inspectionsOf}
        data-testid="safety-inspections"
        extra={
          mayWrite && (
            <Button type="primary" size="small" data-testid="record-inspection" disabled={!anyServing} onClick={() => setRecording(true)}>
              {s.record}
            </Button>
          )
        }
      >
        {inspections.error ? (
          <ProblemAlert error={inspections.error} />
        ) : (
          <Table<Inspection>
            rowKey="id"
            size="small"
            loading={inspections.isFetching}
            dataSource={inspections.data}
            pagination={{ pageSize: 10, hideOnSinglePage: true }}
            locale={{ emptyText: <Typography.Text type="secondary">{s.noInspections}</Typography.Text> }}
            columns={[
              { title: s.inspectedOn, dataIndex: "inspected_on", width: 110 },
              { title: s.inspector, dataIndex: "inspector_id", width: 120, render: (id: string) => inspectorName.get(id) ?? "—" },
              { title: s.findings, dataIndex: "findings" },
              {
                title: s.hazards,
                key: "hazards",
                render: (_, i) =>
                  i.hazards.length === 0 ? (
                    <Typography.Text type="secondary">{s.noHazards}</Typography.Text>
                  ) : (
                    <HazardList hazards={i.hazards} mayWrite={mayWrite} onFix={setFixing} />
                  ),
              },
            ]}
          />
        )}
      </Card>
      {appointing && <AppointInspector enterprise={enterprise} onClose={() => setAppointing(false)} />}
      {retiring && <RetireInspector inspector={retiring} onClose={() => setRetiring(null)} />}
      {recording && <InspectionForm enterprise={enterprise} inspectors={inspectors.data ?? []} onClose={() => setRecording(false)} />}
      {fixing && <FixHazard hazard={fixing} onClose={() => setFixing(null)} />}
    </>
  );
}

/** An inspection's hazards, each with its deadline and state (fixed in time, late, open, overdue). */
function HazardList({ hazards, mayWrite, onFix }: { hazards: Hazard[]; mayWrite: boolean; onFix: (h: Hazard) => void }) {
  const { t } = useI18n();
  const s = t.safety;
  const today = shanghaiToday();
  return (
    <Space direction="vertical" size={4} style={{ width: "100%" }}>
      {hazards.map((h) => (
        <Space key={h.id} wrap size={6} data-testid="hazard" data-hazard={h.description}>
          <SeverityTag severity={h.severity} />
          <span>{h.description}</span>
          <Typography.Text type="secondary">
            {s.deadline} {h.deadline}
          </Typography.Text>
          <HazardState hazard={h} today={today} />
          {mayWrite && !h.fixed_on && (
            <Button size="small" data-testid="fix-hazard-open" onClick={() => onFix(h)}>
              {s.fix}
            </Button>
          )}
        </Space>
      ))}
    </Space>
  );
}

function HazardState({ hazard, today }: { hazard: Hazard; today: string }) {
  const { t } = useI18n();
  const s = t.safety;
  if (hazard.fixed_on)
    return (
      <Tag color={hazard.fixed_in_time ? "#237804" : "#874d00"} data-testid="hazard-state">
        {`${hazard.fixed_in_time ? s.fixedInTimeTag : s.fixedLateTag} ${hazard.fixed_on}`}
      </Tag>
    );
  return (
    <Tag color={hazard.deadline < today ? "#a8071a" : undefined} data-testid="hazard-state">
      {hazard.deadline < today ? s.overdueTag : s.openTag}
    </Tag>
  );
}
