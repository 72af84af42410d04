"""Union committees elected for a term (换届选举), and what each committee role may do."""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Literal

from unionfed_shared.errors import Invalid

Role = Literal["chair", "vice_chair", "treasurer", "women_committee", "culture_sports", "member"]
ROLES: dict[str, str] = {
    "chair": "主席",
    "vice_chair": "副主席",
    "treasurer": "财务委员/经审",
    "women_committee": "女工委员",
    "culture_sports": "文体委员",
    "member": "委员",
}
COMMITTEE_KINDS = ("federation", "grassroots_union")

# What a union_officer token may do, by the roles its subject holds on the current committee.
ALL_ROLES = frozenset(ROLES)
ACTION_ROLES: dict[str, frozenset[str]] = {
    "enrol_member": ALL_ROLES,
    "record_dues": frozenset({"chair", "treasurer"}),
    "change_member": frozenset({"chair", "vice_chair"}),
    "read_personal_data": frozenset({"chair", "vice_chair"}),
    "elect_committee": frozenset({"chair"}),
}


@dataclass(frozen=True)
class Seat:
    role: Role
    subject: str
    display_name: str


@dataclass(frozen=True)
class Term:
    id: uuid.UUID
    organization_id: str
    number: int
    elected_on: dt.date
    starts_on: dt.date
    ends_on: dt.date
    roster: tuple[Seat, ...]
    closed_on: dt.date | None = None
    recorded_by: str = ""

    @classmethod
    def elect(
        cls, organization_id: str, organization_kind: str, number: int, elected_on: dt.date, starts_on: dt.date,
        ends_on: dt.date, roster: list[Seat], previous: "Term | None", today: dt.date, by: str,
    ) -> "Term":
        if organization_kind not in COMMITTEE_KINDS:
            raise Invalid(f"a {organization_kind} elects no committee; its union's committee serves it")
        expected = previous.number + 1 if previous else None
        if expected is not None and number != expected:
            raise Invalid(f"the next term of {organization_id} is number {expected}, not {number}")
        if number < 1:
            raise Invalid("a term number starts at 1")
        if elected_on > today:
            raise Invalid("elected_on cannot be in the future")
        if starts_on < elected_on or ends_on <= starts_on:
            raise Invalid("a term starts on or after its election and ends after it starts")
        if previous and starts_on < previous.starts_on:
            raise Invalid(f"term {number} cannot start before term {previous.number} did ({previous.starts_on})")
        _check_roster(roster)
        return cls(uuid.uuid4(), organization_id, number, elected_on, starts_on, ends_on, tuple(roster), recorded_by=by)

    def roles_of(self, subject: str) -> frozenset[str]:
        return frozenset(seat.role for seat in self.roster if seat.subject == subject)


def check_action(term: Term, subject: str, action: str) -> str | None:
    """Why ``subject`` may not do ``action`` under ``term``, or None when they may."""
    roles = term.roles_of(subject)
    if not roles:
        return (
            f"{subject} is not on the current committee of {term.organization_id} "
            f"(term {term.number}, since {term.starts_on}); an officer's token is honoured only for its members"
        )
    allowed = ACTION_ROLES[action]
    if not roles & allowed:
        return (
            f"as {', '.join(sorted(roles))} of {term.organization_id}, {subject} may not {action.replace('_', ' ')}; "
            f"needs one of: {', '.join(sorted(allowed))}"
        )
    return None


def _check_roster(roster: list[Seat]) -> None:
    if not roster:
        raise Invalid("a committee names at least its chair")
    seen = set()
    for seat in roster:
        if seat.role not in ROLES:
            raise Invalid(f"role {seat.role!r} is not one of {', '.join(ROLES)}")
        if not seat.subject.strip() or len(seat.subject) > 200:
            raise Invalid("each seat names its holder's subject (1 to 200 characters)")
        if not seat.display_name.strip() or len(seat.display_name) > 100:
            raise Invalid("each seat names its holder (1 to 100 characters)")
        if (seat.role, seat.subject) in seen:
            raise Invalid(f"{seat.subject} is named twice as {seat.role}")
        seen.add((seat.role, seat.subject))
    chairs = [s for s in roster if s.role == "chair"]
    if len(chairs) != 1:
        raise Invalid(f"a committee has exactly one chair, not {len(chairs)}")
