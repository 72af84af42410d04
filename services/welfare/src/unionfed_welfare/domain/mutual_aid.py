"""The mutual-aid fund (互助金): the rules, free of I/O.

A union's fund is paid into by members and by the union, and lends to members who repay the
principal in monthly instalments within the fund's term ("principal repaid within half a year").
Lending is not spending: the money is owed back. Instalments are whole fen that add up to the
principal exactly; an instalment is overdue from the day after its due date on the federation's
calendar until it is paid in full. Repayments pay the oldest instalment first, in part if need be.

Finance books every movement (money paid in, a loan paid out, a repayment) and answers it:
posted, or refused with its reason (the union's bank cannot cover its contribution, a closed
period …). Each movement carries that finance status: pending until the answer comes, then posted
or refused. A refused movement leaves the fund's totals; a refused loan is void with its schedule,
a refused repayment no longer counts against what the member owes.

What the fund may lend (``available``) is money finance has booked into the fund's cash, less
everything lent that finance has not refused:

    available = (contributed − contributed pending) − lent + (repaid − repaid pending)

Money comes in when finance has posted it and goes out as soon as it is sent, so whatever finance
still answers about the pending movements, welfare has never lent more than finance's fund cash
(1002, which may not go below zero) holds: a loan is never approved on money finance refused or
has not yet booked. No answer lowers ``available``; only lending does, and lending checks it.
"""

import calendar
import dataclasses
import datetime as dt
import uuid

from unionfed_shared.amount_words import yuan
from unionfed_shared.auth import Role
from unionfed_shared.errors import Conflict, Invalid

MAX_MONTHS = 6  # the fund's rule: principal repaid within half a year
RECORDERS = (Role.WELFARE_OFFICER, Role.UNION_OFFICER, Role.FEDERATION_ADMIN)
READERS = (*RECORDERS, Role.AUDITOR)
CONTRIBUTORS = {"member": "会员缴纳", "union": "工会拨入"}
_CONTRIBUTORS_EN = {"member": "members' contributions", "union": "the union's contribution"}

# A loan's status; ``refused``: finance refused to pay it out, so it is void and nothing is owed on it.
APPLIED, LENT, REPAID, REJECTED, REFUSED = "applied", "lent", "repaid", "rejected", "refused"
STATUSES = {APPLIED: "待审批", LENT: "还款中", REPAID: "已还清", REJECTED: "未批准", REFUSED: "财务拒绝，借款作废"}

# A movement's finance status: sent and awaiting finance's answer, booked, or refused (with its reason).
PENDING, POSTED = "pending", "posted"
FINANCE_STATUSES = {PENDING: "待财务入账", POSTED: "财务已入账", REFUSED: "财务拒绝入账"}


def finance_label(finance_status: str | None) -> str | None:
    return FINANCE_STATUSES[finance_status] if finance_status else None


@dataclasses.dataclass(frozen=True)
class FinanceAnswer:
    """Finance's answer to one movement: posted, or refused with finance's reason."""

    posted: bool
    reason: str | None = None

    @property
    def status(self) -> str:
        return POSTED if self.posted else REFUSED

    @property
    def kept_reason(self) -> str | None:
        return None if self.posted else (self.reason or "")[:500]


@dataclasses.dataclass
class Fund:
    """A union's fund with its running totals, kept on one row that lending and finance's answers lock.

    Each total counts the movements finance has not refused; its ``_pending_fen`` is the part
    finance has not answered yet.
    """

    organization_id: str
    federation_id: str
    contributed_fen: int = 0
    lent_fen: int = 0
    repaid_fen: int = 0
    contributed_pending_fen: int = 0
    lent_pending_fen: int = 0
    repaid_pending_fen: int = 0

    @property
    def available_fen(self) -> int:
        """What a loan may take: see the module's docstring."""
        return available(
            self.contributed_fen, self.contributed_pending_fen, self.lent_fen, self.repaid_fen, self.repaid_pending_fen
        )

    @property
    def outstanding_fen(self) -> int:
        return self.lent_fen - self.repaid_fen

    def receive(self, contribution: "Contribution") -> None:
        self.contributed_fen += contribution.amount_fen
        self.contributed_pending_fen += contribution.amount_fen

    def contribution_answered(self, amount_fen: int, answer: FinanceAnswer) -> None:
        self.contributed_pending_fen -= amount_fen
        if not answer.posted:
            self.contributed_fen -= amount_fen

    def loan_answered(self, amount_fen: int, answer: FinanceAnswer) -> None:
        self.lent_pending_fen -= amount_fen
        if not answer.posted:
            self.lent_fen -= amount_fen

    def repayment_answered(self, amount_fen: int, answer: FinanceAnswer) -> None:
        self.repaid_pending_fen -= amount_fen
        if not answer.posted:
            self.repaid_fen -= amount_fen

    def lend(self, amount_fen: int) -> None:
        if amount_fen > self.available_fen:
            raise Conflict(
                "mutual_aid_fund_insufficient",
                zh=f"借款 {yuan(amount_fen)} 超过互助金现有可借余额 {yuan(self.available_fen)}",
                en=f"lending {amount_fen} fen exceeds what the mutual-aid fund holds: {self.available_fen} fen",
            )
        self.lent_fen += amount_fen
        self.lent_pending_fen += amount_fen

    def take_back(self, amount_fen: int) -> None:
        self.repaid_fen += amount_fen
        self.repaid_pending_fen += amount_fen


def available(contributed: int, contributed_pending: int, lent: int, repaid: int, repaid_pending: int) -> int:
    """Money finance has booked into the fund, less everything lent that finance has not refused."""
    return (contributed - contributed_pending) - lent + (repaid - repaid_pending)


@dataclasses.dataclass(frozen=True)
class Contribution:
    id: uuid.UUID
    organization_id: str
    contributor: str  # "member" or "union"
    member_id: uuid.UUID | None
    amount_fen: int
    received_on: dt.date
    note: str
    recorded_by: str
    created_at: dt.datetime | None = None
    finance_status: str = PENDING
    finance_reason: str | None = None

    def answered(self, answer: FinanceAnswer) -> "Contribution":
        return dataclasses.replace(self, finance_status=answer.status, finance_reason=answer.kept_reason)


@dataclasses.dataclass(frozen=True)
class Instalment:
    loan_id: uuid.UUID
    number: int  # 1, 2, … in order of due date
    due_on: dt.date
    amount_fen: int
    repaid_fen: int = 0

    @property
    def unpaid_fen(self) -> int:
        return self.amount_fen - self.repaid_fen

    def overdue_on(self, today: dt.date) -> bool:
        return self.due_on < today and self.unpaid_fen > 0


@dataclasses.dataclass(frozen=True)
class Repayment:
    id: uuid.UUID
    loan_id: uuid.UUID
    amount_fen: int
    repaid_on: dt.date
    recorded_by: str
    created_at: dt.datetime | None = None
    finance_status: str = PENDING
    finance_reason: str | None = None

    def answered(self, answer: FinanceAnswer) -> "Repayment":
        return dataclasses.replace(self, finance_status=answer.status, finance_reason=answer.kept_reason)


@dataclasses.dataclass
class Loan:
    id: uuid.UUID
    organization_id: str
    federation_id: str
    member_id: uuid.UUID
    amount_fen: int
    purpose: str
    months: int
    status: str
    applied_on: dt.date
    applied_by: str
    decided_on: dt.date | None = None
    decided_by: str | None = None
    decision_note: str = ""
    repaid_fen: int = 0
    created_at: dt.datetime | None = None
    finance_status: str | None = None  # once lent: pending, posted or refused
    finance_reason: str | None = None

    @classmethod
    def apply(
        cls,
        *,
        organization_id: str,
        federation_id: str,
        member_id: uuid.UUID,
        amount_fen: int,
        purpose: str,
        months: int,
        applied_on: dt.date,
        applied_by: str,
    ) -> "Loan":
        check_months(months)
        return cls(
            id=uuid.uuid4(),
            organization_id=organization_id,
            federation_id=federation_id,
            member_id=member_id,
            amount_fen=amount_fen,
            purpose=purpose,
            months=months,
            status=APPLIED,
            applied_on=applied_on,
            applied_by=applied_by,
        )

    @property
    def outstanding_fen(self) -> int:
        return self.amount_fen - self.repaid_fen

    def borrower_pseudonym(self, language: str = "zh-CN") -> str:
        """What finance's public books call the borrower: the loan, never the member's name."""
        return f"{'borrower' if language == 'en' else '借款人'} {self.id.hex[:8]}"

    def approve(self, fund: Fund, on: dt.date, by: str, note: str) -> list[Instalment]:
        """Lend: the fund pays out now, and the schedule starts a month after ``on``."""
        self._require_applied()
        if on < self.applied_on:
            raise Invalid(
                "mutual_aid_loan_decided_before_applied",
                zh="审批日期不能早于申请日期",
                en="a loan is decided on or after the day it was applied for",
            )
        fund.lend(self.amount_fen)
        self.status, self.decided_on, self.decided_by, self.decision_note = LENT, on, by, note
        self.finance_status = PENDING
        return schedule(self.id, self.amount_fen, self.months, on)

    def answered(self, fund: Fund, answer: FinanceAnswer) -> None:
        """Finance's answer to the loan paid out; refused, the loan is void and the fund has it back.

        Nothing was repaid on it: a repayment waits for finance to have booked the loan.
        """
        self.finance_status, self.finance_reason = answer.status, answer.kept_reason
        fund.loan_answered(self.amount_fen, answer)
        if not answer.posted:
            self.status = REFUSED

    def reject(self, on: dt.date, by: str, note: str) -> None:
        self._require_applied()
        self.status, self.decided_on, self.decided_by, self.decision_note = REJECTED, on, by, note

    def repay(self, repayment: Repayment, instalments: list[Instalment]) -> list[Instalment]:
        """Pay the oldest unpaid instalments first; returns the instalments as they now stand."""
        if self.status != LENT:
            raise Conflict(
                "mutual_aid_loan_not_repayable",
                zh=f"该借款{STATUSES[self.status]}，不能还款",
                en=f"the loan is {self.status}: nothing is owed on it",
            )
        if self.finance_status != POSTED:
            # Money finance has not lent cannot be repaid in its books; were the loan refused after
            # a repayment, the member would have repaid a loan that never was.
            raise Conflict(
                "mutual_aid_loan_not_posted",
                zh="该借款尚待财务入账，财务入账后才能记录还款",
                en="finance has not yet booked the loan: a repayment is recorded once it has",
            )
        if repayment.amount_fen > self.outstanding_fen:
            raise Conflict(
                "mutual_aid_repayment_over_outstanding",
                zh=f"还款 {yuan(repayment.amount_fen)} 超过尚欠本金 {yuan(self.outstanding_fen)}",
                en=f"repaying {repayment.amount_fen} fen exceeds the {self.outstanding_fen} fen still owed",
            )
        assert self.decided_on is not None  # a lent loan was decided
        if repayment.repaid_on < self.decided_on:
            raise Invalid(
                "mutual_aid_repayment_before_loan",
                zh="还款日期不能早于借出日期",
                en="a repayment is made on or after the day the loan was made",
            )
        self.repaid_fen += repayment.amount_fen
        if self.outstanding_fen == 0:
            self.status = REPAID
        return allocate(instalments, self.repaid_fen)

    def repayment_refused(self, repayment: Repayment, instalments: list[Instalment]) -> list[Instalment]:
        """Finance refused the repayment: it is owed again, on the instalments it had paid."""
        self.repaid_fen -= repayment.amount_fen
        if self.status == REPAID:
            self.status = LENT
        return allocate(instalments, self.repaid_fen)

    def _require_applied(self) -> None:
        if self.status != APPLIED:
            raise Conflict(
                "mutual_aid_loan_already_decided",
                zh=f"该借款申请已处理（{STATUSES[self.status]}）",
                en=f"the loan application was already decided: {self.status}",
            )


def allocate(instalments: list[Instalment], repaid_fen: int) -> list[Instalment]:
    """The schedule with ``repaid_fen`` paid on it, the oldest instalments first."""
    left, updated = repaid_fen, []
    for instalment in sorted(instalments, key=lambda i: i.number):
        paid = min(left, instalment.amount_fen)
        left -= paid
        updated.append(dataclasses.replace(instalment, repaid_fen=paid))
    return updated


def contribution_label(contributor: str, note: str, language: str = "zh-CN") -> str:
    """What the books say was paid in: the officer's note, else who paid, in the federation's language."""
    if note.strip():
        return note.strip()[:100]
    return (_CONTRIBUTORS_EN if language == "en" else CONTRIBUTORS)[contributor]


def check_months(months: int) -> None:
    if not 1 <= months <= MAX_MONTHS:
        raise Invalid(
            "mutual_aid_term_too_long",
            zh=f"互助金借款期限为 1 至 {MAX_MONTHS} 个月",
            en=f"a mutual-aid loan is repaid within 1 to {MAX_MONTHS} months",
        )


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later; the month's last day when it has no such day (31 Jan → 28 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def schedule(loan_id: uuid.UUID, principal_fen: int, months: int, lent_on: dt.date) -> list[Instalment]:
    """Equal monthly instalments in whole fen adding up to the principal; the odd fen fall on the first ones."""
    check_months(months)
    base, odd = divmod(principal_fen, months)
    return [Instalment(loan_id, n, add_months(lent_on, n), base + (1 if n <= odd else 0)) for n in range(1, months + 1)]


@dataclasses.dataclass(frozen=True)
class FundFigures:
    """What a fund (or a subtree of funds) has taken in, lent, been repaid, and is owed."""

    contributed_fen: int = 0
    lent_fen: int = 0
    repaid_fen: int = 0
    overdue_fen: int = 0
    loans_outstanding: int = 0
    loans_overdue: int = 0
    contributed_pending_fen: int = 0
    lent_pending_fen: int = 0
    repaid_pending_fen: int = 0

    @property
    def outstanding_fen(self) -> int:
        return self.lent_fen - self.repaid_fen

    @property
    def available_fen(self) -> int:
        return available(
            self.contributed_fen, self.contributed_pending_fen, self.lent_fen, self.repaid_fen, self.repaid_pending_fen
        )

    def __add__(self, other: "FundFigures") -> "FundFigures":
        return FundFigures(*(getattr(self, f.name) + getattr(other, f.name) for f in dataclasses.fields(self)))


def figures(fund: Fund | None, loans: list[Loan], instalments: list[Instalment], today: dt.date) -> FundFigures:
    """One union's fund as of ``today``: ``loans`` and ``instalments`` are its own."""
    overdue_by_loan: dict[uuid.UUID, int] = {}
    for instalment in instalments:
        if instalment.overdue_on(today):
            overdue_by_loan[instalment.loan_id] = overdue_by_loan.get(instalment.loan_id, 0) + instalment.unpaid_fen
    return FundFigures(
        contributed_fen=fund.contributed_fen if fund else 0,
        lent_fen=fund.lent_fen if fund else 0,
        repaid_fen=fund.repaid_fen if fund else 0,
        overdue_fen=sum(overdue_by_loan.values()),
        loans_outstanding=sum(1 for loan in loans if loan.status == LENT),
        loans_overdue=len(overdue_by_loan),
        contributed_pending_fen=fund.contributed_pending_fen if fund else 0,
        lent_pending_fen=fund.lent_pending_fen if fund else 0,
        repaid_pending_fen=fund.repaid_pending_fen if fund else 0,
    )
