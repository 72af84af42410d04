"""What callers ask of the membership service."""

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Literal

from pydantic import Field

from unionfed_membership.domain.model import PERIOD_PATTERN, Period
from unionfed_shared import business_time
from unionfed_shared.commands import Command
from unionfed_shared.contracts.base import OrgId
from unionfed_shared.contracts.membership import DEFAULT_LANGUAGE, Language, Sector, TimeZoneName
from unionfed_shared.wire_values import PositiveRequestFen, whole


class FoundFederation(Command):
    id: OrgId
    name: str = Field(min_length=1, max_length=200)
    time_zone: TimeZoneName = Field(
        default=business_time.DEFAULT_TIME_ZONE, description="IANA name; every business date is a date there"
    )
    language: Language = DEFAULT_LANGUAGE
    sector: Sector | None = None


class RegisterOrganization(Command):
    id: OrgId
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["federation", "grassroots_union", "union_group"]
    parent_id: OrgId
    sector: Sector | None = Field(
        default=None, description="education, enterprise or public_sector; omitted: the parent's"
    )


if TYPE_CHECKING:  # a type checker cannot evaluate whole(…): to it a bounded Whole is an int
    NonNegativeFen = int
else:
    NonNegativeFen = whole(ge=0, le=10**12)


class EnrolMember(Command):
    display_name: str = Field(min_length=1, max_length=100)
    gender: Literal["female", "male"]
    joined_on: dt.date
    # Checked by the domain (GB 11643 check digit, 11-digit phone) so a refusal names the rule
    # without echoing the number back, as a schema error would.
    id_number: str | None = Field(default=None, max_length=40, description="身份证号, 18 characters (GB 11643)")
    phone: str | None = Field(default=None, max_length=40, description="11-digit mobile number")
    staff_no: str | None = Field(default=None, max_length=40, description="The employer's staff number (工号)")
    base_salary_fen: NonNegativeFen | None = Field(default=None, description="Monthly base salary, integer fen")


class MoveOrganization(Command):
    new_parent_id: OrgId
    moved_on: dt.date | None = Field(default=None, description="Defaults to today; not in the future")


class TransferMember(Command):
    to_organization_id: OrgId
    effective_on: dt.date = Field(description="Today or earlier applies now; a later date is scheduled")


class ChangeMemberStatus(Command):
    status: Literal["retired", "left", "deceased", "active"] = Field(
        description="retired (stays a member), left, deceased, or active again (rejoined after leaving)"
    )
    effective_on: dt.date = Field(description="Today or earlier applies now; a later date is scheduled")


class CommitteeSeat(Command):
    role: Literal["chair", "vice_chair", "treasurer", "women_committee", "culture_sports", "member"]
    subject: str = Field(min_length=1, max_length=200, description="The holder's token subject (member or user id)")
    display_name: str = Field(min_length=1, max_length=100)


class ElectCommittee(Command):
    number: int = Field(ge=1, le=1000, description="The term's number (第N届); the next after the current one")
    elected_on: dt.date
    starts_on: dt.date
    ends_on: dt.date
    roster: list[CommitteeSeat] = Field(min_length=1, max_length=100)


class RecordDuesPayment(Command):
    member_id: uuid.UUID
    period: Period = Field(json_schema_extra={"pattern": PERIOD_PATTERN}, examples=["2026-11"])
    amount_fen: PositiveRequestFen = Field(description="Integer fen (1 yuan = 100 fen)", examples=[2150])
