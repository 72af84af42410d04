import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Alert, Button, Popconfirm, Select, Space, Table, Tag, Typography } from "antd";
import { useState } from "react";
import { call, newIdempotencyKey } from "../../api/client";
import { useOrganizationNames } from "../../api/members";
import type { Instalment, Loan, Repayment } from "../../api/mutualAidRows";
import { LOAN_STATUSES } from "../../api/mutualAidRows";
import { ProblemAlert } from "../../components/ProblemAlert";
import { ReasonModal } from "../../components/ReasonModal";
import { useI18n } from "../../i18n";
import { yuan } from "../../money";
import { ApplyLoan, RepayLoan } from "./LoanForms";
import { fill, FinanceStatusTag } from "./shared";

const enc = encodeURIComponent;

// Solid colours with white text: antd's light presets fall short of 4.5:1 contrast.
const STATUS_COLOURS: Record<string, string> = {
  applied: "#0050b3",
  lent: "#874d00",
  repaid: "#237804",
  rejected: "#595959",
  refused: "#a8071a",
};

/** The loans of the scope (the chosen union's, or every union's): apply, approve or reject, repay; each with its schedule. */
export function LoansTab({ target, union, mayRecord }: { target: string; union?: string; mayRecord: boolean }) {
  const { t } = useI18n();
  const m = t.mutualAid;
  const client = useQueryClient();
  const { nameOf } = useOrganizationNames();
  const [status, setStatus] = useState<string | undefined>();
  const [applying, setApplying] = useState(false);
  const [rejecting, setRejecting] = useState<Loan | null>(null);
  const [repaying, setRepaying] = useState<Loan | null>(null);
  const loans = useQuery({
    queryKey: ["mutual-aid-loans", target, status ?? null],
    queryFn: () => call<Loan[]>("welfare", `/v1/organizations/${enc(target)}/mutual-aid/loans`, { query: { status } }),
    placeholderData: keepPreviousData,
    refetchInterval: (q) => (q.state.data?.some((l) => l.finance_status === "pending") ? 2000 : false),
  });
  const refresh = () => {
    for (const key of ["mutual-aid-loans", "mutual-aid-loan", "mutual-aid-statement", "mutual-aid-overdue"]) {
      void client.invalidateQueries({ queryKey: [key] });
    }
  };
  const approve = useMutation({
    mutationFn: (loan: Loan) =>
      call<Loan>("welfare", `/v1/mutual-aid/loans/${enc(loan.id)}/approval`, { method: "POST", body: {}, idempotencyKey: newIdempotencyKey() }),
    onSuccess: refresh,
  });
  const reject = useMutation({
    mutationFn: ({ loan, note }: { loan: Loan; note: string }) =>
      call<Loan>("welfare", `/v1/mutual-aid/loans/${enc(loan.id)}/rejection`, { method: "POST", body: { note }, idempotencyKey: newIdempotencyKey() }),
    onSuccess: () => {
      setRejecting(null);
      refresh();
    },
  });
  // The newest application first: the service answers the oldest first.
  const rows = [...(loans.data ?? [])].sort(
    (a, b) => b.applied_on.localeCompare(a.applied_on) || (b.created_at ?? "").localeCompare(a.created_at ?? ""),
  );
  const borrower = (loan: Loan) => loan.borrower ?? "—";
  return (
    <Space direction="vertical" style={{ width: "100%" }} size="middle">
      <Space wrap>
        {mayRecord &&
          (union ? (
            <Button type="primary" data-testid="apply-loan" onClick={() => setApplying(true)}>
              {m.applyLoan}
            </Button>
          ) : (
            <Alert type="info" showIcon message={m.needUnion} />
          ))}
        <label htmlFor="loan-status">{m.status}</label>
        <Select
          id="loan-status"
          data-testid="loan-status-filter"
          allowClear
          placeholder={m.anyStatus}
          style={{ width: 180 }}
          value={status}
          onChange={(v?: string) => setStatus(v || undefined)}
          options={LOAN_STATUSES.map((s) => ({ value: s, label: m.statuses[s] }))}
        />
      </Space>
      {approve.error ? <ProblemAlert error={approve.error} /> : null}
      {loans.error ? (
        <ProblemAlert error={loans.error} />
      ) : (
        <Table<Loan>
          data-testid="loans"
          rowKey="id"
          size="small"
          loading={loans.isFetching && !loans.data}
          dataSource={rows}
          pagination={{ pageSize: 20, hideOnSinglePage: true }}
          scroll={{ x: "max-content" }}
          expandable={{ expandedRowRender: (loan) => <LoanDetail loanId={loan.id} /> }}
          columns={[
            { title: m.borrower, key: "borrower", render: (_, loan) => <span data-testid="loan-borrower">{borrower(loan)}</span> },
            { title: m.union, dataIndex: "organization_id", render: (id: string) => nameOf(id) },
            { title: m.amount, dataIndex: "amount_fen", align: "right", render: (fen: number) => <span data-testid="loan-amount">{yuan(fen)}</span> },
            { title: m.months, dataIndex: "months", align: "right" },
            { title: m.purpose, dataIndex: "purpose" },
            {
              title: m.status,
              dataIndex: "status",
              render: (s: string, loan) => (
                <Tag color={STATUS_COLOURS[s]} data-testid="loan-status" data-status={s}>
                  {m.statuses[s] ?? loan.status_label}
                </Tag>
              ),
            },
            {
              title: m.financeStatus,
              key: "finance",
              render: (_, loan) => <FinanceStatusTag status={loan.finance_status} reason={loan.finance_reason} />,
            },
            { title: m.appliedOn, dataIndex: "applied_on", width: 110 },
            { title: m.decidedOn, dataIndex: "decided_on", width: 110, render: (d: string | null) => d ?? "—" },
            { title: m.repaidFen, dataIndex: "repaid_fen", align: "right", render: (fen: number) => <span data-testid="loan-repaid">{yuan(fen)}</span> },
            { title: m.outstanding, dataIndex: "outstanding_fen", align: "right", render: (fen: number) => <span data-testid="loan-outstanding">{yuan(fen)}</span> },
            {
              title: m.overdue,
              dataIndex: "overdue_fen",
              align: "right",
              render: (fen: number) => (fen ? <Typography.Text type="danger" data-testid="loan-overdue">{yuan(fen)}</Typography.Text> : yuan(fen)),
            },
            { title: m.nextDue, dataIndex: "next_due_on", render: (d: string | null) => d ?? "—" },
            {
              title: "",
              key: "actions",
              fixed: "right",
              render: (_, loan) =>
                mayRecord && (
                  <Space wrap>
                    {loan.status === "applied" && (
                      <>
                        <Popconfirm
                          title={fill(m.approveConfirm, { amount: yuan(loan.amount_fen) })}
                          okText={t.eventsDesk.confirm}
                          cancelText={m.cancel}
                          onConfirm={() => approve.mutate(loan)}
                        >
                          <Button size="small" type="primary" data-testid="approve-loan" loading={approve.isPending && approve.variables?.id === loan.id}>
                            {m.approve}
                          </Button>
                        </Popconfirm>
                        <Button size="small" danger data-testid="reject-loan" onClick={() => setRejecting(loan)}>
                          {m.reject}
                        </Button>
                      </>
                    )}
                    {loan.status === "lent" && (
                      <Button size="small" data-testid="repay-loan" onClick={() => setRepaying(loan)}>
                        {m.repay}
                      </Button>
                    )}
                  </Space>
                ),
            },
          ]}
        />
      )}
      {applying && union && (
        <ApplyLoan
          union={union}
          onClose={() => setApplying(false)}
          onApplied={() => {
            setApplying(false);
            setStatus(undefined);
            refresh();
          }}
        />
      )}
      <ReasonModal
        open={rejecting !== null}
        title={fill(m.rejectTitle, { name: rejecting ? borrower(rejecting) : "" })}
        note={m.rejectNote}
        label={m.rejectReason}
        maxLength={2000}
        pending={reject.isPending}
        error={reject.error}
        testId="reject-loan-form"
        onSubmit={(note) => rejecting && reject.mutate({ loan: rejecting, note })}
        onClose={() => {
          setRejecting(null);
          reject.reset();
        }}
      />
      {repaying && (
        <RepayLoan
          loan={repaying}
          borrower={borrower(repaying)}
          onClose={() => setRepaying(null)}
          onRepaid={() => {
            setRepaying(null);
            refresh();
          }}
        />
      )}
    </Space>
  );
}

/** A loan's schedule, instalment by instalment, and its repayments with finance's answer to each. */
function LoanDetail({ loanId }: { loanId: string }) {
  const { t } = useI18n();
  const m = t.mutualAid;
  const one = useQuery({
    queryKey: ["mutual-aid-loan", loanId],
    queryFn: () => call<Loan>("welfare", `/v1/mutual-aid/loans/${enc(loanId)}`),
    refetchInterval: (q) => (q.state.data?.repayments?.some((r) => r.finance_status === "pending") ? 2000 : false),
  });
  if (one.error) return <ProblemAlert error={one.error} />;
  const loan = one.data;
  return (
    <Space direction="vertical" style={{ width: "100%", paddingTop: 8 }} data-testid="loan-detail">
      {loan?.decision_note ? <Typography.Text>{loan.decision_note}</Typography.Text> : null}
      {(loan?.instalments?.length ?? 0) > 0 && (
        <Table<Instalment>
          data-testid="loan-schedule"
          rowKey="number"
          size="small"
          pagination={false}
          title={() => m.schedule}
          dataSource={loan?.instalments ?? []}
          columns={[
            { title: m.instalment, dataIndex: "number", render: (n: number) => fill(m.instalmentOf, { n }) },
            { title: m.dueOn, dataIndex: "due_on" },
            { title: m.amount, dataIndex: "amount_fen", align: "right", render: yuan },
            { title: m.repaidFen, dataIndex: "repaid_fen", align: "right", render: yuan },
            { title: m.unpaid, dataIndex: "unpaid_fen", align: "right", render: yuan },
            {
              title: m.overdue,
              dataIndex: "overdue",
              render: (late: boolean) =>
                late ? (
                  <Tag color="#a8071a" data-testid="instalment-overdue">
                    {m.overdue}
                  </Tag>
                ) : null,
            },
          ]}
        />
      )}
      <Table<Repayment>
        data-testid="loan-repayments"
        rowKey="id"
        size="small"
        pagination={false}
        title={() => m.repayments}
        locale={{ emptyText: <Typography.Text type="secondary">{m.noRepayments}</Typography.Text> }}
        dataSource={loan?.repayments ?? []}
        columns={[
          { title: m.repaidOn, dataIndex: "repaid_on" },
          { title: m.amount, dataIndex: "amount_fen", align: "right", render: yuan },
          { title: m.financeStatus, key: "finance", render: (_, r) => <FinanceStatusTag status={r.finance_status} reason={r.finance_reason} /> },
        ]}
      />
    </Space>
  );
}
