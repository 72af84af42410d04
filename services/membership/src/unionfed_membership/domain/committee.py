"""Union committees elected for a term (换届选举), and what each committee role may do."""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Literal

from unionfed_membership.domain.labels import action_zh, kind_zh
from unionfed_shared.errors import Forbidden, Invalid

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
        cls,
        organization_id: str,
        organization_kind: str,
        number: int,
        elected_on: dt.date,
        starts_on: dt.date,
        ends_on: dt.date,
        roster: list[Seat],
        previous: "Term | None",
        today: dt.date,
        by: str,
    ) -> "Term":
        if organization_kind not in COMMITTEE_KINDS:
            raise Invalid(
                "committee_not_elected_here",
                zh=f"{kind_zh(organization_kind)}不单独选举委员会，由所属工会的委员会履职",
                en=f"a {organization_kind} elects no committee; its union's committee serves it",
            )
        expected = previous.number + 1 if previous else None
        if expected is not None and number != expected:
            raise Invalid(
                "committee_term_number_wrong",
                zh=f"{organization_id} 的下一届应为第 {expected} 届，而非第 {number} 届",
                en=f"the next term of {organization_id} is number {expected}, not {number}",
            )
        if number < 1:
            raise Invalid("committee_term_number_wrong", zh="届次从 1 开始", en="a term number starts at 1")
        if elected_on > today:
            raise Invalid("election_date_in_future", zh="选举日期不能晚于今天", en="elected_on cannot be in the future")
        if starts_on < elected_on or ends_on <= starts_on:
            raise Invalid(
                "committee_term_dates_invalid",
                zh="任期须自选举之日或其后开始，且结束日期须晚于开始日期",
                en="a term starts on or after its election and ends after it starts",
            )
        if previous and starts_on < previous.starts_on:
            raise Invalid(
                "committee_term_starts_too_early",
                zh=f"第 {number} 届不能早于第 {previous.number} 届的开始日期（{previous.starts_on}）",
                en=f"term {number} cannot start before term {previous.number} did ({previous.starts_on})",
            )
        _check_roster(roster)
        return cls(uuid.uuid4(), organization_id, number, elected_on, starts_on, ends_on, tuple(roster), recorded_by=by)

    def roles_of(self, subject: str) -> frozenset[str]:
        return frozenset(seat.role for seat in self.roster if seat.subject == subject)


def check_action(term: Term, subject: str, action: str) -> Forbidden | None:
    """The refusal of ``action`` by ``subject`` under ``term``, or None when they may do it."""
    roles = term.roles_of(subject)
    if not roles:
        return Forbidden(
            "not_on_committee",
            zh=f"{subject} 不是 {term.organization_id} 本届委员会（第 {term.number} 届，自 {term.starts_on} 起）的成员；"
            "工会干部的登录凭据只对本届委员会成员有效",
            en=f"{subject} is not on the current committee of {term.organization_id} "
            f"(term {term.number}, since {term.starts_on}); an officer's token is honoured only for its members",
        )
    allowed = ACTION_ROLES[action]
    if not roles & allowed:
        return Forbidden(
            "committee_role_not_allowed",
            zh=f"{subject} 作为 {term.organization_id} 的{_roles_zh(roles)}，无权{action_zh(action)}；"
            f"须由以下职务办理：{_roles_zh(allowed)}",
            en=f"as {', '.join(sorted(roles))} of {term.organization_id}, {subject} may not {action.replace('_', ' ')}; "
            f"needs one of: {', '.join(sorted(allowed))}",
        )
    return None


def _roles_zh(roles) -> str:
    return "、".join(ROLES.get(role, role) for role in sorted(roles))


def _check_roster(roster: list[Seat]) -> None:
    if not roster:
        raise Invalid(
            "committee_chair_missing", zh="委员会名单至少须列明主席", en="a committee names at least its chair"
        )
    seen = set()
    for seat in roster:
        if seat.role not in ROLES:
            raise Invalid(
                "committee_role_unknown",
                zh=f"职务 {seat.role!r} 无效，须为以下之一：{', '.join(ROLES)}",
                en=f"role {seat.role!r} is not one of {', '.join(ROLES)}",
            )
        if not seat.subject.strip() or len(seat.subject) > 200:
            raise Invalid(
                "committee_seat_subject_invalid",
                zh="每个席位须填写任职人的账号（1 至 200 个字符）",
                en="each seat names its holder's subject (1 to 200 characters)",
            )
        if not seat.display_name.strip() or len(seat.display_name) > 100:
            raise Invalid(
                "committee_seat_name_invalid",
                zh="每个席位须填写任职人姓名（1 至 100 个字符）",
                en="each seat names its holder (1 to 100 characters)",
            )
        if (seat.role, seat.subject) in seen:
            raise Invalid(
                "committee_seat_duplicate",
                zh=f"{seat.subject} 被重复列为{ROLES.get(seat.role, seat.role)}",
                en=f"{seat.subject} is named twice as {seat.role}",
            )
        seen.add((seat.role, seat.subject))
    chairs = [s for s in roster if s.role == "chair"]
    if len(chairs) != 1:
        raise Invalid(
            "committee_chair_count",
            zh=f"委员会须有且仅有一名主席，现为 {len(chairs)} 名",
            en=f"a committee has exactly one chair, not {len(chairs)}",
        )
