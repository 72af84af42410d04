"""What callers ask of the welfare service: the command models the use cases take."""

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import Field, StringConstraints

from unionfed_shared.commands import Command
from unionfed_shared.wire_values import Day, PositiveRequestFen, whole
from unionfed_welfare.domain.grants import VISIT_TYPES
from unionfed_welfare.domain.greetings import FESTIVALS, Eligibility, Festival
from unionfed_welfare.domain.hardship import CAUSES, LEVELS

# --- grants, hardship and greetings ---

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"\S")]
if TYPE_CHECKING:  # a type checker cannot evaluate these calls: to it they are int and str
    Fen = int
    PositiveFen = int
    VisitType = str
    HardshipLevel = str
    HardshipCause = str
else:
    Fen = whole(ge=0, le=10**12)
    PositiveFen = whole(gt=0, le=10**12)
    # The closed sets of the domain, as enums in the document.
    VisitType = Literal[tuple(VISIT_TYPES)]
    HardshipLevel = Literal[tuple(LEVELS)]
    HardshipCause = Literal[tuple(CAUSES)]


class OpenFile(Command):
    member_id: uuid.UUID
    level: HardshipLevel
    cause: HardshipCause
    cause_detail: Text = ""
    family_situation: Text = ""
    documents: list[Name] = Field(default_factory=list, max_length=50)
    opened_on: dt.date
    next_review_on: dt.date | None = None


class ReviewFile(Command):
    reviewed_on: dt.date
    level: HardshipLevel | None = None  # another level: the file is upgraded or eased
    notes: Text = ""
    family_situation: Text | None = None
    documents: list[Name] = Field(default_factory=list, max_length=50)
    next_review_on: dt.date | None = None


class CloseFile(Command):
    closed_on: dt.date
    reason: Name


class VisitPolicy(Command):
    amounts_fen: dict[VisitType, PositiveFen] = Field(min_length=1)
    yearly_cap_fen: PositiveFen


class Goods(Command):
    item: Name
    quantity: whole(gt=0, le=1_000_000)  # type: ignore[valid-type]  # whole(…) is built at run time; to mypy, Any
    unit: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20, pattern=r"\S")]
    value_fen: PositiveFen  # the value of all of them together, as posted to the ledger


class RecordGrant(Command):
    member_id: uuid.UUID
    visit_type: VisitType
    occasion_on: dt.date
    # What tells this occasion from another of the same day (a hospital admission number …).
    occasion_ref: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] = ""
    money_fen: Fen | None = None  # default: the policy's standard amount less the goods
    goods: list[Goods] = Field(default_factory=list, max_length=20)
    hardship_file_id: uuid.UUID | None = None
    note: Text = ""


class ApproveGrant(Command):
    paid_on: dt.date | None = None  # default: today in the federation's time zone


class CancelGrant(Command):
    reason: Name


class CreateGreeting(Command):
    festival: Festival
    amount_fen: PositiveRequestFen
    eligibility: Eligibility = Eligibility()
    paid_on: Day  # a date as written, never a number read as a timestamp

    def purpose(self) -> str:
        return FESTIVALS[self.festival]
