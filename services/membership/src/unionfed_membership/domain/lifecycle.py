"""A member's life in the union, dated and effective-dated: transfer, retire, leave, die, rejoin.

A change is planned (checked against the member as they are), then applied on its effective
date. Planning and applying are separate because a change may take effect later (a transfer on
the 1st of next month): it is recorded as scheduled and applied when due.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, replace
from typing import Literal

from unionfed_membership.domain.labels import status_zh
from unionfed_membership.domain.model import Member, MemberStatus, Organization
from unionfed_shared.errors import Invalid

Change = Literal["transferred", "retired", "left", "deceased", "rejoined"]
# employer_changed: a member without a fixed employer union (a joint union's migrant or new-form
# worker) changed employer and kept their membership (domain/mobile_workers.py).
HistoryChange = Literal[
    "joined", "transferred_out", "transferred_in", "retired", "left", "deceased", "rejoined", "employer_changed"
]

# The status a status change leads to, and the statuses it may start from. Retired members stay
# in the union (they get visits); a member who left may rejoin; nothing follows death.
STATUS_AFTER: dict[str, MemberStatus] = {
    "retired": "retired",
    "left": "left",
    "deceased": "deceased",
    "rejoined": "active",
}
ALLOWED_FROM: dict[str, tuple[MemberStatus, ...]] = {
    "retired": ("active",),
    "left": ("active", "retired"),
    "deceased": ("active", "retired"),
    "rejoined": ("left",),
}
CHANGE_FOR_STATUS: dict[str, Change] = {
    "retired": "retired",
    "left": "left",
    "deceased": "deceased",
    "active": "rejoined",
}


@dataclass(frozen=True)
class MemberChange:
    id: uuid.UUID
    member_id: uuid.UUID
    change: Change
    from_organization_id: str
    to_organization_id: str | None
    effective_on: dt.date
    recorded_at: dt.datetime
    recorded_by: str
    status: Literal["scheduled", "applied", "cancelled"] = "scheduled"

    def is_due(self, today: dt.date) -> bool:
        return self.effective_on <= today


@dataclass(frozen=True)
class HistoryEntry:
    member_id: uuid.UUID
    organization_id: str
    change: HistoryChange
    effective_on: dt.date
    recorded_at: dt.datetime
    recorded_by: str


def plan_transfer(
    member: Member, target: Organization, effective_on: dt.date, last_change_on: dt.date, by: str, now: dt.datetime
) -> MemberChange:
    """教师交流: the member moves to another union of the federation, history and dues account with them."""
    if member.status != "active":
        raise Invalid(
            "member_not_active",
            zh=f"会员 {member.id} 当前为{status_zh(member.status)}状态，只有在册会员才能调转",
            en=f"member {member.id} is {member.status}; only active members transfer",
        )
    target.check_can_hold_members()
    if target.federation_id != member.federation_id:
        raise Invalid(
            "transfer_outside_federation",
            zh="会员调转只能在本联合会内进行",
            en="a transfer stays within the federation",
        )
    if target.id == member.organization_id:
        raise Invalid(
            "member_already_in_organization",
            zh=f"会员 {member.id} 已属于 {target.id}",
            en=f"member {member.id} already belongs to {target.id}",
        )
    check_date_order(effective_on, last_change_on)
    return _change(member, "transferred", target.id, effective_on, by, now)


def plan_status_change(
    member: Member,
    status: str,
    effective_on: dt.date,
    last_change_on: dt.date,
    today: dt.date,
    by: str,
    now: dt.datetime,
) -> MemberChange:
    change = CHANGE_FOR_STATUS.get(status)
    if change is None:
        raise Invalid(
            "member_status_unknown",
            zh=f"状态须为以下之一：{', '.join(CHANGE_FOR_STATUS)}",
            en=f"status must be one of {', '.join(CHANGE_FOR_STATUS)}",
        )
    if member.status not in ALLOWED_FROM[change]:
        raise Invalid(
            "member_status_change_not_allowed",
            zh=f"{status_zh(member.status)}会员不能变更为{status_zh(status)}",
            en=f"a {member.status} member cannot become {status}",
        )
    if change == "deceased" and effective_on > today:
        raise Invalid(
            "death_date_in_future",
            zh="会员去世须在事后登记，不能提前登记",
            en="a death is recorded after it happened, not in advance",
        )
    check_date_order(effective_on, last_change_on)
    return _change(member, change, None, effective_on, by, now)


def apply(member: Member, change: MemberChange) -> tuple[Member, list[HistoryEntry]]:
    """The member after the change, and the history rows it writes."""

    def entry(organization_id: str, what: HistoryChange) -> HistoryEntry:
        return HistoryEntry(
            member.id, organization_id, what, change.effective_on, change.recorded_at, change.recorded_by
        )

    if change.change == "transferred":
        assert change.to_organization_id is not None  # a transfer names where to
        moved = replace(member, organization_id=change.to_organization_id)
        return moved, [
            entry(member.organization_id, "transferred_out"),
            entry(change.to_organization_id, "transferred_in"),
        ]
    return replace(member, status=STATUS_AFTER[change.change]), [entry(member.organization_id, change.change)]


def joined(member: Member, by: str, now: dt.datetime) -> HistoryEntry:
    return HistoryEntry(member.id, member.organization_id, "joined", member.joined_on, now, by)


def check_date_order(effective_on: dt.date, last_change_on: dt.date) -> None:
    # History reads in date order; a change dated before the member's last one would rewrite it.
    if effective_on < last_change_on:
        raise Invalid(
            "effective_date_before_last_change",
            zh=f"生效日期 {effective_on} 早于该会员上次变更的日期 {last_change_on}",
            en=f"effective_on {effective_on} is before the member's last change on {last_change_on}",
        )


def _change(member: Member, change: Change, to: str | None, effective_on: dt.date, by: str, now: dt.datetime):
    return MemberChange(
        id=uuid.uuid4(),
        member_id=member.id,
        change=change,
        from_organization_id=member.organization_id,
        to_organization_id=to,
        effective_on=effective_on,
        recorded_at=now,
        recorded_by=by,
    )


# What each history entry leaves the member as, where it is recorded: in the union (active or
# retired) or out of it. An employer change (employer_changed) changes no membership: it is skipped.
STANDING_AFTER: dict[str, MemberStatus | None] = {
    "joined": "active",
    "rejoined": "active",
    "transferred_in": "active",
    "retired": "retired",
    "transferred_out": None,
    "left": None,
    "deceased": None,
}


def standing_on(history: list[HistoryEntry], day: dt.date) -> tuple[str, MemberStatus] | None:
    """Where a member stood at the end of ``day`` and how — (organization, active | retired) — or None
    when not a member that day (not joined yet, left, died, or transferred out with nowhere in).

    Read from the dated history alone: the last membership change effective on or before ``day``,
    in the order recorded (a transfer writes its out before its in, on the same date). A statistics
    report counts its members as they stood on the period's last day with this rule (the adapter
    computes the same in SQL)."""
    effective = [e for e in history if e.change in STANDING_AFTER and e.effective_on <= day]
    if not effective:
        return None
    last = max(enumerate(effective), key=lambda pair: (pair[1].effective_on, pair[0]))[1]
    status = STANDING_AFTER[last.change]
    return None if status is None else (last.organization_id, status)
