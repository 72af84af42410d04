"""What registering for an activity works on besides the activity (``domain.activities.Activity``):
a member from the directory (the signed-in one, in self-service) and a registration."""

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Registrant:
    """A member as the directory knows them, with the path of their organization."""

    id: uuid.UUID
    display_name: str
    gender: str
    status: str
    organization_id: str
    path: tuple[str, ...]
    federation_id: str


@dataclass(frozen=True)
class SignedInMember:
    """The signed-in member as the directory knows them, and the union they belong to (a union
    group's member, to the grassroots union above the group)."""

    member: Registrant
    union_id: str

    @property
    def id(self) -> uuid.UUID:
        return self.member.id


def union_of(path: Sequence[str], organization_kind: str | None) -> str:
    """The union a member belongs to: their organization, or for a union group's member the
    grassroots union above the group."""
    return path[-2] if organization_kind == "union_group" and len(path) > 1 else path[-1]


@dataclass
class Registration:
    id: uuid.UUID
    activity_id: uuid.UUID
    member_id: uuid.UUID
    sequence: int
    status: str  # confirmed, waitlisted, cancelled
    registered_by: str | None
    team_id: uuid.UUID | None = None
    attended: bool | None = None
    registered_at: dt.datetime | None = None  # stamped by the store
    promoted_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None


@dataclass(frozen=True)
class ListedRegistration:
    """A registration as the list shows it: with the member's name and organization (None if the
    directory has not heard of the member yet)."""

    registration: Registration
    display_name: str | None
    organization_id: str | None
    member_path: tuple[str, ...] | None
