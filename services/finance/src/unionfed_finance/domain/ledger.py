"""Double-entry postings on an organization's own books (独立建账): rules only, no I/O."""

import datetime as dt
import enum
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from unionfed_shared import business_time
from unionfed_shared.errors import Invalid

GENESIS_HASH = "0" * 64
# Only for showing report timestamps (labelled Beijing time); business dates use the federation's zone.
SHANGHAI = business_time.DEFAULT_ZONE


class AccountType(enum.StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    NET_ASSETS = "net_assets"
    INCOME = "income"
    EXPENSE = "expense"

    @property
    def debit_normal(self) -> bool:
        return self in (AccountType.ASSET, AccountType.EXPENSE)


@dataclass(frozen=True)
class AccountSpec:
    code: str
    name: str
    name_zh: str
    type: AccountType
    floor_fen: int | None = None  # None: may go either way


# The chart every union and federation level opens with. Bank may not be overdrawn, and money
# held for a named beneficiary (2301/<drive>) cannot be paid out beyond what was raised for it.
STANDARD_CHART: tuple[AccountSpec, ...] = (
    AccountSpec("1001", "Bank and cash", "银行存款及现金", AccountType.ASSET, floor_fen=0),
    AccountSpec("1131", "Remittance receivable", "应收下级上缴款", AccountType.ASSET, floor_fen=0),
    AccountSpec("2201", "Remittance payable", "应付上级上缴款", AccountType.LIABILITY, floor_fen=0),
    AccountSpec("2301", "Donations held for beneficiaries", "代管捐款", AccountType.LIABILITY, floor_fen=0),
    AccountSpec("3001", "Fund balance", "工会资金结余", AccountType.NET_ASSETS),
    AccountSpec("4101", "Dues income", "会费收入", AccountType.INCOME),
    AccountSpec("4102", "Employer union funds", "拨缴经费收入", AccountType.INCOME),
    AccountSpec("4103", "Allocations received", "上级补助收入", AccountType.INCOME),
    AccountSpec("4104", "Remittances from member unions", "下级上缴经费收入", AccountType.INCOME),
    AccountSpec("5101", "Welfare expense", "职工福利支出", AccountType.EXPENSE),
    AccountSpec("5102", "Activity expense", "文体活动支出", AccountType.EXPENSE),
    AccountSpec("5103", "Equipment", "设备购置支出", AccountType.EXPENSE),
    # 业务支出: the union's own work — training officers and activists, meetings, publicity (0014).
    AccountSpec("5104", "Union business expense", "业务支出", AccountType.EXPENSE),
    AccountSpec("5201", "Allocations paid", "补助下级支出", AccountType.EXPENSE),
    AccountSpec("5202", "Remittance to the upper union", "上缴上级经费支出", AccountType.EXPENSE),
)
# The mutual-aid fund (互助金), kept apart from the union's general funds: its own cash, the loans
# members owe it (a receivable: lending is not spending) and the restricted fund they add up to.
# Opened on the fund's first movement, so books opened before it existed need no migration.
MUTUAL_AID_CHART: tuple[AccountSpec, ...] = (
    AccountSpec("1002", "Mutual-aid fund cash", "互助金存款", AccountType.ASSET, floor_fen=0),
    AccountSpec("1141", "Mutual-aid loans receivable", "应收互助借款", AccountType.ASSET, floor_fen=0),
    AccountSpec("3101", "Mutual-aid fund", "互助金", AccountType.NET_ASSETS, floor_fen=0),
)
CHART_BY_CODE = {spec.code: spec for spec in (*STANDARD_CHART, *MUTUAL_AID_CHART)}

BANK = "1001"
REMITTANCE_RECEIVABLE = "1131"
REMITTANCE_PAYABLE = "2201"
DONATIONS_HELD = "2301"
GENERAL_FUND = "3001"
MUTUAL_AID_CASH = "1002"
MUTUAL_AID_LOANS = "1141"
MUTUAL_AID_FUND = "3101"
DUES_INCOME = "4101"
EMPLOYER_FUNDS_INCOME = "4102"
ALLOCATIONS_RECEIVED = "4103"
REMITTANCES_RECEIVED = "4104"
WELFARE_EXPENSE = "5101"
ACTIVITY_EXPENSE = "5102"
EQUIPMENT_EXPENSE = "5103"
BUSINESS_EXPENSE = "5104"
ALLOCATIONS_PAID = "5201"
REMITTANCE_EXPENSE = "5202"

SPENDING_ACCOUNTS = {
    "welfare": WELFARE_EXPENSE,
    "activity": ACTIVITY_EXPENSE,
    "equipment": EQUIPMENT_EXPENSE,
    "business": BUSINESS_EXPENSE,
}


def account_spec(code: str) -> AccountSpec:
    """The chart entry of a code; ``2301/drive-7`` is a sub-account of 2301 with its rules."""
    parent, _, suffix = code.partition("/")
    spec = CHART_BY_CODE.get(parent)
    if spec is None:
        raise Invalid("account_unknown", zh=f"未知的会计科目 {code}", en=f"unknown account {code}")
    if not suffix:
        return spec
    return AccountSpec(code, f"{spec.name}: {suffix}", f"{spec.name_zh}：{suffix}", spec.type, spec.floor_fen)


@dataclass
class AccountBalance:
    """An account's balance, the part of it reserved by pending holds, and its floor."""

    balance_fen: int
    pending_fen: int
    floor_fen: int | None

    @property
    def available_fen(self) -> int:
        return self.balance_fen - self.pending_fen - (self.floor_fen or 0)

    def can_move(self, delta_fen: int) -> bool:
        # Money reserved by pending holds is not available to anything else.
        return (
            self.floor_fen is None
            or delta_fen >= 0
            or self.balance_fen - self.pending_fen + delta_fen >= self.floor_fen
        )

    def can_reserve(self, amount_fen: int) -> bool:
        return self.floor_fen is None or self.balance_fen - self.pending_fen - amount_fen >= self.floor_fen


# Union groups keep no books of their own; their union does.
BOOKKEEPING_KINDS = ("federation", "grassroots_union")


@dataclass(frozen=True)
class Line:
    account_code: str
    debit_fen: int = 0
    credit_fen: int = 0
    counterparty_id: str | None = None  # the other organization of an inter-organization transfer

    def signed_for(self, account_type: AccountType) -> int:
        """The change this line makes to the account's balance in its normal direction."""
        delta = self.debit_fen - self.credit_fen
        return delta if account_type.debit_normal else -delta


@dataclass(frozen=True)
class Posting:
    organization_id: str
    effective_date: dt.date
    description: str
    lines: tuple[Line, ...]
    reverses_posting_id: uuid.UUID | None = None

    @classmethod
    def balanced(
        cls,
        organization_id: str,
        effective_date: dt.date,
        description: str,
        lines: list[Line],
        reverses_posting_id: uuid.UUID | None = None,
    ) -> "Posting":
        if len(lines) < 2:
            raise Invalid("posting_lines_too_few", zh="一笔分录至少须有两行", en="a posting needs at least two lines")
        for line in lines:
            account_spec(line.account_code)
            amounts = (line.debit_fen, line.credit_fen)
            if any(isinstance(a, bool) or not isinstance(a, int) or a < 0 for a in amounts):
                raise Invalid(
                    "posting_line_amount_invalid",
                    zh="每行金额须为非负整数（单位：分）",
                    en="line amounts are non-negative whole fen",
                )
            if (line.debit_fen > 0) == (line.credit_fen > 0):
                raise Invalid(
                    "posting_line_side_invalid",
                    zh="每行须记借方或贷方之一，且金额不能为零",
                    en="each line is either a debit or a credit, and not zero",
                )
        debits = sum(line.debit_fen for line in lines)
        credits = sum(line.credit_fen for line in lines)
        if debits != credits:
            raise Invalid(
                "posting_unbalanced",
                zh=f"借方合计 {debits} 分与贷方合计 {credits} 分不相等",
                en=f"debits {debits} fen do not equal credits {credits} fen",
            )
        return cls(organization_id, effective_date, description, tuple(lines), reverses_posting_id)

    @property
    def total_fen(self) -> int:
        return sum(line.debit_fen for line in self.lines)

    def reversal(self, own_id: uuid.UUID, effective_date: dt.date, description: str) -> "Posting":
        """The correcting entry: every line on the other side, pointing at what it reverses."""
        if self.reverses_posting_id is not None:
            raise Invalid(
                "reversal_not_reversible",
                zh="冲销分录本身不能再冲销；请另记一笔新分录",
                en="a reversal cannot itself be reversed; post a new entry instead",
            )
        return Posting.balanced(
            self.organization_id,
            effective_date,
            description[:300],
            [Line(l.account_code, l.credit_fen, l.debit_fen, l.counterparty_id) for l in self.lines],
            reverses_posting_id=own_id,
        )


@dataclass(frozen=True)
class SourceEvent:
    """The event a posting answers to, so an auditor can walk back to who caused it."""

    event_id: str
    event_type: str
    topic: str
    partition: int
    offset: int
    actor: str | None
    causation_id: str | None
    correlation_id: str
    trace_id: str | None
    # The journal entry that applied it (the same event when a command was made in finance).
    journal_event_id: str | None = None
    journal_partition: int | None = None
    journal_offset: int | None = None
    # When finance recorded it: the journal entry's own time, the same on every replay.
    recorded_at: dt.datetime | None = None
    occurred_at: dt.datetime | None = None

    def fiscal_year(self, zone: ZoneInfo) -> int:
        """Fiscal years follow the calendar of the federation's zone, whatever the server's."""
        assert self.occurred_at is not None  # source_of sets it on every event the ledger records
        return business_time.business_year(self.occurred_at, zone)


class Refused(Exception):
    """A well-formed instruction that the books' rules refuse: floor, budget, closed period…"""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
