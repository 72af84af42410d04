"""The mutual-aid fund (互助金): the rules, free of I/O.

A union's fund is paid into by members and by the union, and lends to members who repay the
principal in monthly instalments within the fund's term ("principal repaid within half a year").
Lending is not spending: the money is owed back. The fund lends only what it holds now:
contributions − lent + repaid. Instalments are whole fen that add up to the principal exactly;
an instalment is overdue from the day after its due date on the federation's calendar until it
is paid in full. Repayments pay the oldest instalment first, in part if need be.
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

APPLIED, LENT, REPAID, REJECTED = "applied", "lent", "repaid", "rejected"
STATUSES = {APPLIED: "待审批", LENT: "还款中", REPAID: "已还清", REJECTED: "未批准"}


@dataclasses.dataclass
class Fund:
    """A union's fund with its running totals, kept on one row that lending locks."""

    organization_id: str
    federation_id: str
    contributed_fen: int = 0
    lent_fen: int = 0
    repaid_fen: int = 0

    @property
    def available_fen(self) -> int:
        return self.contributed_fen - self.lent_fen + self.repaid_fen

    @property
    def outstanding_fen(self) -> int:
        return self.lent_fen - self.repaid_fen

    def receive(self, contribution: "Contribution") -> None:
        self.contributed_fen += contribution.amount_fen

    def lend(self, amount_fen: int) -> None:
        if amount_fen > self.available_fen:
            raise Conflict(
                "mutual_aid_fund_insufficient",
                zh=f"借款 {yuan(amount_fen)} 超过互助金现有可借余额 {yuan(self.available_fen)}",
                en=f"lending {amount_fen} fen exceeds what the mutual-aid fund holds: {self.available_fen} fen",
            )
        self.lent_fen += amount_fen

    def take_back(self, amount_fen: int) -> None:
        self.repaid_fen += amount_fen


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
        return schedule(self.id, self.amount_fen, self.months, on)

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
        left, updated = repayment.amount_fen, []
        for instalment in sorted(instalments, key=lambda i: i.number):
            paid = min(left, instalment.unpaid_fen)
            left -= paid
            updated.append(dataclasses.replace(instalment, repaid_fen=instalment.repaid_fen + paid))
        self.repaid_fen += repayment.amount_fen
        if self.outstanding_fen == 0:
            self.status = REPAID
        return updated

    def _require_applied(self) -> None:
        if self.status != APPLIED:
            raise Conflict(
                "mutual_aid_loan_already_decided",
                zh=f"该借款申请已处理（{STATUSES[self.status]}）",
                en=f"the loan application was already decided: {self.status}",
            )


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

    @property
    def outstanding_fen(self) -> int:
        return self.lent_fen - self.repaid_fen

    @property
    def available_fen(self) -> int:
        return self.contributed_fen - self.outstanding_fen

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
    )
