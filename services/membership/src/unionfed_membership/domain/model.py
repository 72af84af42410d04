"""The organization tree, members and their dues: rules only, no I/O."""

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field
from typing import Literal

from unionfed_shared.errors import Conflict, Invalid

OrganizationKind = Literal["federation", "grassroots_union", "union_group"]
ORG_ID = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
PERIOD = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")

# Which kind of organization may be founded under which.
CHILD_KINDS: dict[str, tuple[str, ...]] = {
    "federation": ("federation", "grassroots_union"),
    "grassroots_union": ("union_group",),
    "union_group": (),
}
# Members belong to a grassroots union, or to one of its union groups.
MEMBER_HOLDING_KINDS = ("grassroots_union", "union_group")


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    kind: OrganizationKind
    parent_id: str | None
    path: tuple[str, ...]

    @property
    def federation_id(self) -> str:
        return self.path[0]

    @classmethod
    def found_federation(cls, id: str, name: str) -> "Organization":
        _check_org_id(id)
        return cls(id=id, name=_clean_name(name), kind="federation", parent_id=None, path=(id,))

    def found_child(self, id: str, name: str, kind: OrganizationKind) -> "Organization":
        _check_org_id(id)
        if kind not in CHILD_KINDS[self.kind]:
            allowed = ", ".join(CHILD_KINDS[self.kind]) or "nothing"
            raise Invalid(f"a {self.kind} can hold {allowed}, not a {kind}")
        return Organization(id=id, name=_clean_name(name), kind=kind, parent_id=self.id, path=(*self.path, id))

    def check_can_hold_members(self) -> None:
        if self.kind not in MEMBER_HOLDING_KINDS:
            raise Invalid(f"members join a grassroots union or union group, not a {self.kind}")


@dataclass(frozen=True)
class Member:
    id: uuid.UUID
    organization_id: str
    federation_id: str
    display_name: str
    gender: Literal["female", "male"]
    joined_on: dt.date
    status: str = "active"

    @classmethod
    def join(
        cls, organization: Organization, display_name: str, gender: str, joined_on: dt.date, today: dt.date
    ) -> "Member":
        organization.check_can_hold_members()
        if joined_on > today:
            raise Invalid("joined_on cannot be in the future")
        return cls(
            id=uuid.uuid4(),
            organization_id=organization.id,
            federation_id=organization.federation_id,
            display_name=_clean_name(display_name),
            gender=gender,
            joined_on=joined_on,
        )


@dataclass(frozen=True)
class DuesPayment:
    id: uuid.UUID
    member_id: uuid.UUID
    organization_id: str
    federation_id: str
    period: str
    amount_fen: int
    collected_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    @classmethod
    def collect(
        cls, member: Member, period: str, amount_fen: int, already_paid_periods: set[str], now: dt.datetime
    ) -> "DuesPayment":
        if member.status != "active":
            raise Conflict(f"member {member.id} is {member.status}; dues are collected from active members")
        if not PERIOD.match(period):
            raise Invalid(f"period {period!r} is not YYYY-MM")
        if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
            raise Invalid("amount_fen must be a positive whole number of fen")
        if period in already_paid_periods:
            raise Conflict(f"dues for {period} were already collected from member {member.id}")
        return cls(
            id=uuid.uuid4(),
            member_id=member.id,
            organization_id=member.organization_id,
            federation_id=member.federation_id,
            period=period,
            amount_fen=amount_fen,
            collected_at=now,
        )


def _check_org_id(id: str) -> None:
    if not ORG_ID.match(id):
        raise Invalid(f"organization id {id!r} must be 2-63 lowercase letters, digits or hyphens")


def _clean_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 200:
        raise Invalid("a name must have 1 to 200 characters")
    return name
