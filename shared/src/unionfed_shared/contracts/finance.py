"""Events published by the finance service.

``JournalEntryV1`` is finance's sequencer. Every money instruction — whether it comes from
another service's event or from a treasurer's HTTP command — is first written to the journal
topic, keyed by its ``organization_id``, and only then applied to the ledgers. Everything that
must stay in order for one ledger (its hash chain, a hold's life, its budgets and periods) is on
one key, which Kafka keeps in order, so replaying the journal into an empty database rebuilds
every ledger entry for entry, hash for hash, whatever the interleaving of partitions.

Two orderings (``JournalEntryV1.ordering``): ``federation`` — the entry's organization is its
federation, one total order per federation (every entry written before ledger keys, and every
entry of a federation not switched to them); ``ledger`` — the entry's organization is the one
ledger it extends, and an instruction that posts in two ledgers is applied on the first (the
paying side) and carried to the other by a follow-up entry (a *leg*) keyed by that ledger.
"""

import datetime as dt
from typing import TYPE_CHECKING, Annotated, ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from unionfed_shared.contracts import topics
from unionfed_shared.contracts.base import IntegrationEvent, OrgId, PositiveFen
from unionfed_shared.errors import field_refusal
from unionfed_shared.wire_values import whole

AccountCode = Annotated[str, Field(pattern=r"^\d{4}(/[a-z0-9][a-z0-9-]{0,62})?$")]
if TYPE_CHECKING:  # a type checker cannot evaluate whole(…): to it a bounded Whole is an int
    NonNegativeFen = int
else:
    NonNegativeFen = whole(ge=0, le=10**15)


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceRef(_Part):
    """The event (or command) that caused an instruction, as it was delivered."""

    event_id: str
    event_type: str
    topic: str
    partition: int
    offset: int
    occurred_at: AwareDatetime
    actor: str | None = None
    causation_id: str | None = None
    correlation_id: str
    trace_id: str | None = None


class LineSpec(_Part):
    account: AccountCode
    debit_fen: NonNegativeFen = 0
    credit_fen: NonNegativeFen = 0
    # The other organization of an inter-organization transfer, eliminated on consolidation.
    counterparty_id: OrgId | None = None


class PostingSpec(_Part):
    organization_id: OrgId
    effective_date: dt.date
    description: str = Field(min_length=1, max_length=300)
    lines: list[LineSpec] = Field(min_length=2, max_length=20)


class Post(_Part):
    op: Literal["post"] = "post"
    postings: list[PostingSpec] = Field(min_length=1, max_length=10)


class Reserve(_Part):
    op: Literal["reserve"] = "reserve"
    hold_id: UUID
    organization_id: OrgId
    category_account: AccountCode
    amount_fen: PositiveFen
    description: str = Field(min_length=1, max_length=300)
    reference: str
    # The budget year the hold counts against: the federation's year when the money was asked
    # for. Entries written before it was added leave it out: the year of the source event's
    # time in the federation's zone.
    fiscal_year: int | None = Field(default=None, ge=2000, le=2999)


class Capture(_Part):
    op: Literal["capture"] = "capture"
    hold_id: UUID
    amount_fen: PositiveFen
    effective_date: dt.date
    description: str = Field(min_length=1, max_length=300)
    # The part of the amount given as goods at their value (rice, oil, quilts), not as cash;
    # absent in entries journaled before goods were told apart, which were all counted as cash.
    goods_fen: NonNegativeFen = 0

    @model_validator(mode="after")
    def _goods_within_amount(self):
        if self.goods_fen > self.amount_fen:
            raise field_refusal(
                "goods_exceed_amount",
                zh="实物折价是金额的一部分，不得超过金额",
                en="the goods are part of the amount, so at most the amount",
            )
        return self


class Void(_Part):
    op: Literal["void"] = "void"
    hold_id: UUID
    reason: str = Field(min_length=1, max_length=300)


class PayLine(_Part):
    """One member's line of a :class:`PayMany`: their own hold (kept in finance's holds, naming
    the reference and the request) and their own expense line in the chunk's journal entry."""

    hold_id: UUID
    reference: str = Field(min_length=1, max_length=200)
    amount_fen: PositiveFen


class PayMany(_Part):
    """Reserve and post many members' money in one step, as one multi-line posting.

    For scope-wide payments approved by the command that created them (a festival greeting's
    chunk): a separate reserve then capture would only cross Kafka twice more per chunk for the
    same checks. The lines are tried in their order: each is paid if the bank (above its floor,
    net of pending holds) and a ``stop`` budget still cover it after the lines before it, and
    refused with the reason otherwise, so a refusal names its members and the others are paid.
    A line whose hold was already posted is answered as captured again, never posted twice. The
    paid lines make one posting: one expense debit per member line (in the order of the
    instruction), the bank credited once with their total (the last line); each member's hold row
    names that posting and its line number. ``PostingSpec`` keeps its 20 lines: this shape is
    built by finance from the lines, not given by the caller.
    """

    op: Literal["pay_many"] = "pay_many"
    organization_id: OrgId
    category_account: AccountCode
    effective_date: dt.date
    description: str = Field(min_length=1, max_length=300)
    # Reserved and posted at once: the budget year is the effective date's, as for any posting.
    lines: list[PayLine] = Field(min_length=1, max_length=1000)


class DuesReceiptLine(_Part):
    """One member's line of a :class:`CollectDues`: membership's payment id, the member, the amount."""

    payment_id: UUID
    member_id: UUID
    amount_fen: PositiveFen


class CollectDues(_Part):
    """Book a chunk of a month's dues (membership's ``DuesBatchCollectedV1``) as one posting.

    The same accounts and amounts as one ``post`` per member (Dr 1001 bank / Cr 4101 dues
    income): one 4101 credit line per member, in the instruction's order, and the bank debited
    once with their total (the last line). Each member's receipt row (finance's
    ``dues_receipts``, keyed by the payment id) names the posting and its line number, and the
    member's dues account grows with it, so a payment already booked (a chunk sent again) is
    answered as booked and never posted twice. ``member_organization_id`` is the organization
    the members belong to (their dues accounts'), ``organization_id`` the books.
    """

    op: Literal["collect_dues"] = "collect_dues"
    organization_id: OrgId
    member_organization_id: OrgId
    period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    effective_date: dt.date
    description: str = Field(min_length=1, max_length=300)
    lines: list[DuesReceiptLine] = Field(min_length=1, max_length=1000)


class Reverse(_Part):
    op: Literal["reverse"] = "reverse"
    posting_id: UUID
    effective_date: dt.date
    reason: str = Field(min_length=1, max_length=300)
    # The correcting entries' description, in the federation's language, decided when the
    # instruction was written so every replay posts the same words; absent in older entries.
    description: str | None = Field(default=None, min_length=1, max_length=300)


class ClosePeriod(_Part):
    op: Literal["close_period"] = "close_period"
    organization_id: OrgId
    label: str = Field(min_length=1, max_length=40)
    starts_on: dt.date
    ends_on: dt.date


class SetBudget(_Part):
    op: Literal["set_budget"] = "set_budget"
    organization_id: OrgId
    fiscal_year: int = Field(ge=2000, le=2100)
    category_account: AccountCode
    amount_fen: NonNegativeFen
    policy: Literal["stop", "warn"]


Instruction = Annotated[
    Post | Reserve | Capture | Void | PayMany | CollectDues | Reverse | ClosePeriod | SetBudget,
    Field(discriminator="op"),
]


class LegOf(_Part):
    """What a leg (a follow-up entry carrying one ledger's part of an instruction) continues."""

    # The entry that posted the first part, in its own ledger's order.
    journal_event_id: str
    organization_id: OrgId
    # That entry's posting in its ledger, the other side of this leg's posting (none for a reversal).
    posting_id: UUID | None = None


Ordering = Literal["federation", "ledger"]


class JournalEntryV1(IntegrationEvent):
    """One money instruction, in the order of its key: ``organization_id`` is the federation
    (``ordering="federation"``, every entry written before ledger keys) or the one ledger whose
    chain it extends (``ordering="ledger"``)."""

    event_type: ClassVar[str] = "unionfed.finance.journal_entry.v1"
    topic: ClassVar[str] = topics.FINANCE_JOURNAL

    instruction: Instruction
    ordering: Ordering = "federation"
    # Set on a leg: written by the poster when it applied the entry it continues, never by a caller.
    leg_of: LegOf | None = None
    # Absent when the journal entry is itself the cause (a command made in finance).
    source: SourceRef | None = None
    # Who hears the outcome (MoneyRequestSettledV1): the organization and its reference.
    requested_by: OrgId
    reference: str | None = None


Outcome = Literal["posted", "reserved", "captured", "voided", "refused"]


class _MoneyAnswer(IntegrationEvent):
    """What every answer of finance to a money instruction says (no event of its own)."""

    request_event_id: str
    journal_event_id: str
    operation: str
    outcome: Outcome
    reason: str | None = None
    warnings: list[str] = Field(default_factory=list)
    reference: str | None = None

    def subject(self) -> str | None:
        return self.reference


class MoneyRequestSettledV1(_MoneyAnswer):
    """Finance's answer to a money instruction: what happened, and why when it was refused."""

    event_type: ClassVar[str] = "unionfed.finance.money_request_settled.v1"
    topic: ClassVar[str] = topics.FINANCE

    hold_id: UUID | None = None
    posting_ids: list[UUID] = Field(default_factory=list)


LineOutcome = Literal["captured", "refused"]


class LineSettlement(_Part):
    """One line's end: captured (its hold posted, on ``posting_id``'s line ``line_no``) or refused."""

    hold_id: UUID
    reference: str
    outcome: LineOutcome
    reason: str | None = None
    posting_id: UUID | None = None
    line_no: int | None = None


class MoneyRequestsSettledV1(_MoneyAnswer):
    """Finance's one answer to a :class:`PayMany` (a batch payment): each line's outcome.

    ``outcome`` is the entry's: ``captured`` when at least one line was paid, else ``refused``.
    """

    event_type: ClassVar[str] = "unionfed.finance.money_requests_settled.v1"
    topic: ClassVar[str] = topics.FINANCE

    posting_ids: list[UUID] = Field(default_factory=list)
    lines: list[LineSettlement] = Field(min_length=1, max_length=1000)
