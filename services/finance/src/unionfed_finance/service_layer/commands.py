"""What treasurers and the federation ask of finance: the request bodies of its money commands."""

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import Field

from unionfed_finance.domain.disclosures import Channel
from unionfed_finance.domain.texts import ANONYMOUS_DONOR
from unionfed_shared.commands import Command
from unionfed_shared.contracts.spending import SpendingCategory
from unionfed_shared.wire_values import PositiveRequestFen, whole

Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]
Text = Annotated[str, Field(min_length=1, max_length=200)]


class RecordEmployerFunds(Command):
    amount_fen: PositiveRequestFen
    received_on: dt.date
    note: Text | None = None  # the federation's language's words for the 2% union funds


class PayRemittance(Command):
    amount_fen: PositiveRequestFen
    paid_on: dt.date


class RecordExpense(Command):
    category: SpendingCategory
    amount_fen: PositiveRequestFen
    spent_on: dt.date
    description: Text


class RecordDonation(Command):
    drive: Slug
    amount_fen: PositiveRequestFen
    received_on: dt.date
    donor: Text = ANONYMOUS_DONOR


class DisburseDonations(Command):
    drive: Slug
    amount_fen: PositiveRequestFen
    paid_on: dt.date
    beneficiary: Text


class RequestFunds(Command):
    amount_fen: PositiveRequestFen
    purpose: Text


class DecideFundRequest(Command):
    approve: bool
    reason: Text | None = None
    paid_on: dt.date | None = None


class ReversePosting(Command):
    reason: Text
    effective_date: dt.date


class ClosePeriod(Command):
    label: Annotated[str, Field(min_length=1, max_length=40)]
    starts_on: dt.date
    ends_on: dt.date


class SetBudget(Command):
    amount_fen: whole(ge=0, le=10**15)  # type: ignore[valid-type]  # whole(…) is built at run time; to mypy, Any
    policy: Literal["stop", "warn"] = "stop"


class SetFundPolicy(Command):
    employer_funds_remit_per_mille: whole(ge=0, le=1000)  # type: ignore[valid-type]  # whole(…) is built at run time; to mypy, Any


# The audit committee (经审): its findings, the treasurers' answers and its sign-off of a term.
LongText = Annotated[str, Field(min_length=1, max_length=2000)]


class RecordFinding(Command):
    subject_kind: Literal["entry", "statement", "report"]
    posting_id: uuid.UUID | None = None  # an entry
    period_start: dt.date | None = None  # a statement's period, or a report's
    period_end: dt.date | None = None
    report_kind: Annotated[str, Field(min_length=1, max_length=60)] | None = None  # a report: its kind …
    report_ref: Annotated[str, Field(min_length=1, max_length=120)] | None = None  # … and its id
    severity: Literal["minor", "major", "serious"]
    text: LongText


class AnswerFinding(Command):
    answer: LongText


class CloseFinding(Command):
    note: LongText | None = None


class ReopenFinding(Command):
    reason: LongText


class SignOffTerm(Command):
    term: Annotated[str, Field(pattern=r"^\d{4}(-(H1|H2|Q[1-4]))?$", examples=["2026-H1", "2026"])]
    opinion: LongText


class RecordDisclosure(Command):
    """The statement for ``period_from``..``period_to`` was published to the staff (校务公开)."""

    period_from: dt.date
    period_to: dt.date
    published_on: dt.date | None = Field(default=None, description="Default: today in the federation's time zone")
    channel: Channel = Field(description="notice_board (公示栏), staff_congress, website or other")
    note: str | None = Field(default=None, max_length=500)
