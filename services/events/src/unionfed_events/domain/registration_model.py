"""What registering for an activity works on: the activity, a member from the directory, a registration."""

import datetime as dt
import uuid
from dataclasses import dataclass

from unionfed_events.domain.activities import Eligibility


@dataclass
class Activity:
    """The part of an activity its registrations need; ``next_sequence`` is taken under its row lock."""

    id: uuid.UUID
    organization_id: str
    scope_organization_ids: tuple[str, ...]
    status: str  # draft, published, cancelled
    registration_deadline: dt.datetime
    capacity: int | None  # None: no limit
    eligible_gender: str | None  # None: everyone
    eligible_statuses: tuple[str, ...]
    next_sequence: int

    @property
    def eligibility(self) -> Eligibility:
        return Eligibility(self.scope_organization_ids, self.eligible_gender, self.eligible_statuses)

    def take_sequence(self) -> int:
        """The next number in the order people asked in."""
        sequence = self.next_sequence
        self.next_sequence += 1
        return sequence


@dataclass(frozen=True)
class Registrant:
    """A member as the directory knows them, with the path of their organization."""

    id: uuid.UUID
    display_name: str
    gender: str
    status: str
    organization_id: str
    path: tuple[str, ...]


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
