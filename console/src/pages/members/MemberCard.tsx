import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Card, Descriptions, Popconfirm, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { Link, useParams } from "react-router-dom";
import { call, url } from "../../api/client";
import {
  GRANT_READERS,
  isMemberOfficer,
  useOrganizationNames,
  type DuesPayment,
  type GrantRow,
  type HistoryEntry,
  type Member,
  type MemberChange,
  type PersonalData,
} from "../../api/members";
import { DownloadButton } from "../../components/DownloadButton";
import { ProblemAlert } from "../../components/ProblemAlert";
import { DUES_READERS, type MemberArrears } from "../dues/shared";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";
import { useOrg } from "../../scope";
import { useSession } from "../../session";
import { nextStatuses, StatusForm, TransferForm } from "./ChangeForms";
import { MemberAccountButton } from "./MemberAccountButton";
import { STATUS_COLORS } from "./MembersDesk";
import { WorkerCard } from "./WorkerCard";

export default function MemberCard() {
  const { t } = useI18n();
  const m = t.memberDesk;
  const org = useOrg();
  const memberId = useParams().memberId!;
  const { claims } = useSession();
  const officer = isMemberOfficer(claims.role);
  const { nameOf } = useOrganizationNames();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<"transfer" | "status" | null>(null);

  const member = useQuery({
    queryKey: ["member", memberId],
    queryFn: () => call<Member>("membership", `/v1/members/${memberId}`),
  });
  const organizationId = member.data?.organization_id;
  const pending = useQuery({
    queryKey: ["member", memberId, "scheduled", organizationId],
    enabled: !!organizationId,
    queryFn: async () =>
      (
        await call<MemberChange[]>(
          "membership",
          `/v1/organizations/${encodeURIComponent(organizationId!)}/scheduled-changes`,
          { query: { status: "scheduled" } },
        )
      ).filter((c) => c.member_id === memberId),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["member", memberId] });
  const cancel = useMutation({
    mutationFn: (changeId: string) =>
      call<MemberChange>("membership", `/v1/scheduled-changes/${changeId}`, { method: "DELETE" }),
    onSuccess: refresh,
  });

  if (member.error) return <ProblemAlert error={member.error} />;
  if (!member.data) return null;
  const who = member.data;
  const changeText = (c: MemberChange) =>
    c.change === "transferred" ? `${m.changes.transfer} ${nameOf(c.to_organization_id)}` : (m.changes[c.change] ?? c.change);

  return (
    <div data-testid="member-card">
      <Link to={`/o/${encodeURIComponent(org)}/members`}>← {m.back}</Link>
      <Space style={{ width: "100%", justifyContent: "space-between", marginTop: 8 }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {who.display_name}{" "}
          <Tag color={STATUS_COLORS[who.status]} data-testid="member-status">
            {m.statuses[who.status] ?? who.status}
          </Tag>
        </Typography.Title>
        <Space wrap>
          {/* The 入会申请书 filled in from the roster, to sign and seal; personal data for officers only. */}
          <DownloadButton
            data-testid="print-application-form"
            url={url("membership", `/v1/members/${encodeURIComponent(memberId)}/application-form`, { format: "pdf" })}
            filename={t.printForms.applicationFormFile}
            label={t.printForms.applicationForm}
          />
          {officer && (
            <>
              <Button data-testid="open-transfer" disabled={who.status !== "active"} onClick={() => setForm("transfer")}>
                {m.transfer}
              </Button>
              <Button
                data-testid="open-status"
                disabled={nextStatuses(who.status).length === 0}
                onClick={() => setForm("status")}
              >
                {m.changeStatus}
              </Button>
              <MemberAccountButton member={who} />
            </>
          )}
        </Space>
      </Space>

      {(pending.data ?? []).map((c) => (
        <Alert
          key={c.id}
          data-testid="scheduled-change"
          type="info"
          showIcon
          style={{ marginTop: 16 }}
          message={m.scheduledNote(changeText(c), c.effective_on)}
          action={
            officer && (
              <Popconfirm title={m.cancelScheduledConfirm} onConfirm={() => cancel.mutate(c.id)}>
                <Button size="small" loading={cancel.isPending} data-testid="cancel-scheduled">
                  {m.cancelScheduled}
                </Button>
              </Popconfirm>
            )
          }
        />
      ))}
      {cancel.error && <ProblemAlert error={cancel.error} />}

      <Card title={m.details} size="small" style={{ marginTop: 16 }}>
        <Details member={who} officer={officer} />
      </Card>
      <WorkerCard memberId={memberId} />
      <History memberId={memberId} />
      <Dues memberId={memberId} />
      <Grants memberId={memberId} />

      {form === "transfer" && (
        <TransferForm
          member={who}
          onClose={() => setForm(null)}
          onDone={() => {
            setForm(null);
            void refresh();
          }}
        />
      )}
      {form === "status" && (
        <StatusForm
          member={who}
          onClose={() => setForm(null)}
          onDone={() => {
            setForm(null);
            void refresh();
          }}
        />
      )}
    </div>
  );
}

/** What the role may see: everyone the basics; officers the staff number, masked ID number, and
 * (where the union's committee allows them personal data) phone and salary. Nothing else is shown. */
function Details({ member, officer }: { member: Member; officer: boolean }) {
  const { t } = useI18n();
  const m = t.memberDesk;
  const { nameOf } = useOrganizationNames();
  const [full, setFull] = useState(false);
  const personal = useQuery({
    queryKey: ["member", member.id, "personal-data"],
    enabled: officer,
    retry: false,
    queryFn: () => call<PersonalData>("membership", `/v1/members/${member.id}/personal-data`),
  });
  const items = [
    { key: "name", label: m.name, children: member.display_name },
    { key: "gender", label: m.gender, children: m.genders[member.gender] ?? member.gender },
    { key: "union", label: m.union, children: <span data-testid="member-union">{nameOf(member.organization_id)}</span> },
    { key: "joined", label: m.joinedOn, children: member.joined_on },
  ];
  if (member.staff_no) items.push({ key: "staff", label: m.staffNo, children: member.staff_no });
  if (member.id_number_masked) {
    const clear = personal.data?.id_number;
    items.push({
      key: "id",
      label: m.idNumber,
      children: (
        <Space>
          <span data-testid="member-id-number">{full && clear ? clear : member.id_number_masked}</span>
          {clear && !full && (
            <Button size="small" type="link" onClick={() => setFull(true)}>
              {m.showFull}
            </Button>
          )}
        </Space>
      ),
    });
  }
  if (personal.data?.phone) items.push({ key: "phone", label: m.phone, children: personal.data.phone });
  if (personal.data?.base_salary_fen !== undefined && personal.data?.base_salary_fen !== null) {
    items.push({ key: "salary", label: m.baseSalary, children: yuan(personal.data.base_salary_fen) });
  }
  return <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }} items={items} />;
}

function History({ memberId }: { memberId: string }) {
  const { t } = useI18n();
  const m = t.memberDesk;
  const { nameOf } = useOrganizationNames();
  const history = useQuery({
    queryKey: ["member", memberId, "history"],
    queryFn: () => call<HistoryEntry[]>("membership", `/v1/members/${memberId}/history`),
  });
  return (
    <Card title={m.history} size="small" style={{ marginTop: 16 }}>
      {history.error ? (
        <ProblemAlert error={history.error} />
      ) : (
        <Table<HistoryEntry>
          data-testid="member-history"
          rowKey="id"
          size="small"
          pagination={false}
          loading={history.isLoading}
          dataSource={history.data}
          columns={[
            { title: m.effectiveOn, dataIndex: "effective_on", width: 120 },
            { title: m.change, dataIndex: "change", width: 120, render: (c: string) => m.changes[c] ?? c },
            { title: m.union, dataIndex: "organization_id", render: (id: string) => nameOf(id) },
            { title: m.recordedBy, dataIndex: "recorded_by" },
          ]}
        />
      )}
    </Card>
  );
}

function Dues({ memberId }: { memberId: string }) {
  const { t } = useI18n();
  const m = t.memberDesk;
  const { claims } = useSession();
  const { nameOf } = useOrganizationNames();
  const dues = useQuery({
    queryKey: ["member", memberId, "dues"],
    queryFn: () => call<DuesPayment[]>("membership", `/v1/members/${memberId}/dues-payments`),
  });
  return (
    <Card
      title={m.dues}
      size="small"
      style={{ marginTop: 16 }}
      extra={DUES_READERS.includes(claims.role) && <Arrears memberId={memberId} />}
    >
      {dues.error ? (
        <ProblemAlert error={dues.error} />
      ) : (
        <Table<DuesPayment>
          data-testid="member-dues"
          rowKey="id"
          size="small"
          pagination={false}
          loading={dues.isLoading}
          dataSource={dues.data}
          // antd's own empty text is too pale for 4.5:1 contrast; the theme's secondary text is not.
          locale={{ emptyText: <Typography.Text type="secondary">{m.noDues}</Typography.Text> }}
          columns={[
            { title: m.period, dataIndex: "period", width: 100 },
            { title: m.amount, dataIndex: "amount_fen", align: "right", width: 120, render: yuan },
            { title: m.collectedBy, dataIndex: "organization_id", render: (id: string) => nameOf(id) },
            { title: m.collectedAt, dataIndex: "collected_at", render: (at: string) => at.slice(0, 10) },
          ]}
        />
      )}
    </Card>
  );
}

/** What the member still owes, month by month (membership's dues readers only). */
function Arrears({ memberId }: { memberId: string }) {
  const { t } = useI18n();
  const d = t.duesDesk;
  const arrears = useQuery({
    queryKey: ["member", memberId, "arrears"],
    queryFn: () => call<MemberArrears>("membership", `/v1/members/${memberId}/dues-arrears`),
  });
  if (!arrears.data) return null;
  const { periods, total_fen } = arrears.data;
  return (
    <Typography.Text data-testid="member-arrears" type={periods.length ? "danger" : undefined}>
      {periods.length ? d.memberArrears(periods.length, yuan(total_fen), periods.map((p) => p.period).join("、")) : d.noMemberArrears}
    </Typography.Text>
  );
}

/** Welfare keeps grants; it answers the roles that may read them (its READERS) for the user's scope. */
function Grants({ memberId }: { memberId: string }) {
  const { t } = useI18n();
  const m = t.memberDesk;
  const { claims } = useSession();
  const { nameOf } = useOrganizationNames();
  const allowed = GRANT_READERS.includes(claims.role);
  const grants = useQuery({
    queryKey: ["member", memberId, "grants", claims.org],
    enabled: allowed,
    queryFn: () =>
      call<{ items: GrantRow[]; next_cursor: string | null }>(
        "welfare",
        `/v1/organizations/${encodeURIComponent(claims.org)}/grants`,
        { query: { member_id: memberId, limit: 200 } },
      ),
  });
  return (
    <Card title={m.grants} size="small" style={{ marginTop: 16 }}>
      {!allowed ? (
        <Typography.Text type="secondary">{m.grantsHidden}</Typography.Text>
      ) : grants.error ? (
        <ProblemAlert error={grants.error} />
      ) : (
        <Table<GrantRow>
          data-testid="member-grants"
          rowKey="id"
          size="small"
          pagination={false}
          loading={grants.isLoading}
          dataSource={grants.data?.items}
          columns={[
            { title: m.occasionOn, dataIndex: "occasion_on", width: 120 },
            { title: m.visitType, dataIndex: "visit_type", render: (v: string) => m.visitTypes[v] ?? v },
            { title: m.amount, dataIndex: "amount_fen", align: "right", render: yuan },
            { title: m.union, dataIndex: "organization_id", render: (id: string) => nameOf(id) },
            { title: m.grantStatus, dataIndex: "status", render: (s: string) => m.grantStatuses[s] ?? s },
          ]}
        />
      )}
    </Card>
  );
}
