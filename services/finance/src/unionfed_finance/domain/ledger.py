"""Double-entry postings on an organization's own books (独立建账): rules only, no I/O."""

import datetime as dt
import enum
import hashlib
import json
from dataclasses import dataclass

from unionfed_shared.errors import Invalid

GENESIS_HASH = "0" * 64


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


# The chart every union and federation level opens with. Bank may not be overdrawn.
STANDARD_CHART: tuple[AccountSpec, ...] = (
    AccountSpec("1001", "Bank and cash", "银行存款及现金", AccountType.ASSET, floor_fen=0),
    AccountSpec("1131", "Remittance receivable", "应收上解款", AccountType.ASSET),
    AccountSpec("2201", "Remittance payable", "应付上解款", AccountType.LIABILITY),
    AccountSpec("2301", "Donations held for beneficiaries", "代管捐款", AccountType.LIABILITY),
    AccountSpec("3001", "Fund balance", "工会资金结余", AccountType.NET_ASSETS),
    AccountSpec("4101", "Dues income", "会费收入", AccountType.INCOME),
    AccountSpec("4102", "Employer union funds", "拨缴经费收入", AccountType.INCOME),
    AccountSpec("4103", "Allocations received", "上级补助收入", AccountType.INCOME),
    AccountSpec("5101", "Welfare expense", "职工福利支出", AccountType.EXPENSE),
    AccountSpec("5102", "Activity expense", "文体活动支出", AccountType.EXPENSE),
    AccountSpec("5103", "Equipment", "设备购置支出", AccountType.EXPENSE),
    AccountSpec("5201", "Allocations paid", "补助下级支出", AccountType.EXPENSE),
)
CHART_BY_CODE = {spec.code: spec for spec in STANDARD_CHART}

BANK = "1001"
DUES_INCOME = "4101"

# Union groups keep no books of their own; their union does.
BOOKKEEPING_KINDS = ("federation", "grassroots_union")


@dataclass(frozen=True)
class Line:
    account_code: str
    debit_fen: int = 0
    credit_fen: int = 0

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

    @classmethod
    def balanced(
        cls, organization_id: str, effective_date: dt.date, description: str, lines: list[Line]
    ) -> "Posting":
        if len(lines) < 2:
            raise Invalid("a posting needs at least two lines")
        for line in lines:
            if line.account_code not in CHART_BY_CODE:
                raise Invalid(f"unknown account {line.account_code}")
            amounts = (line.debit_fen, line.credit_fen)
            if any(isinstance(a, bool) or not isinstance(a, int) or a < 0 for a in amounts):
                raise Invalid("line amounts are non-negative whole fen")
            if (line.debit_fen > 0) == (line.credit_fen > 0):
                raise Invalid("each line is either a debit or a credit, and not zero")
        debits = sum(line.debit_fen for line in lines)
        credits = sum(line.credit_fen for line in lines)
        if debits != credits:
            raise Invalid(f"debits {debits} fen do not equal credits {credits} fen")
        return cls(organization_id, effective_date, description, tuple(lines))

    @property
    def total_fen(self) -> int:
        return sum(line.debit_fen for line in self.lines)


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


def chain_hash(previous_hash: str, sequence: int, posting: Posting, source_event_id: str) -> str:
    """Each ledger is a hash chain: rewriting any entry changes every hash after it."""
    canonical = json.dumps(
        {
            "org": posting.organization_id,
            "seq": sequence,
            "date": posting.effective_date.isoformat(),
            "description": posting.description,
            "lines": [[l.account_code, l.debit_fen, l.credit_fen] for l in posting.lines],
            "source": source_event_id,
        },
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
    return hashlib.sha256(f"{previous_hash}:{canonical}".encode()).hexdigest()


def dues_posting(organization_id: str, amount_fen: int, period: str, collected_on: dt.date) -> Posting:
    return Posting.balanced(
        organization_id,
        collected_on,
        f"Dues collected for {period}",
        [Line(BANK, debit_fen=amount_fen), Line(DUES_INCOME, credit_fen=amount_fen)],
    )
