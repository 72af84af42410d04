"""An activity's results: teams of members holding confirmed places, and awards to a member or a
team. Rules only, no I/O."""

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from unionfed_events.domain.registration_model import Registration
from unionfed_shared.errors import Conflict, Invalid


@dataclass(frozen=True)
class Team:
    id: uuid.UUID
    activity_id: uuid.UUID
    name: str
    member_ids: tuple[uuid.UUID, ...] = ()  # its members holding confirmed places, in the order they asked


@dataclass(frozen=True)
class Award:
    id: uuid.UUID
    activity_id: uuid.UUID
    category: str  # e.g. 女子单打, 团体
    level: str  # first, second, third, excellence
    member_id: uuid.UUID | None  # a member or a team wins, never both
    team_id: uuid.UUID | None
    result: str | None  # the score or placing as announced
    prize_fen: int
    recorded_by: str | None
    recorded_at: dt.datetime | None = None  # stamped by the store
    team_name: str | None = None


def check_confirmed(member_ids: Iterable[uuid.UUID], confirmed: Sequence[Registration]) -> None:
    """Attendance, teams and awards are for members holding a confirmed place."""
    missing = set(member_ids) - {registration.member_id for registration in confirmed}
    if missing:
        listed = sorted(map(str, missing))
        raise Invalid(
            "registration_not_confirmed",
            zh=f"以下会员在本活动中没有已确认的名额：{'、'.join(listed)}",
            en=f"without a confirmed place in this activity: {', '.join(listed)}",
        )


def check_team_name_free(name: str, taken: bool) -> None:
    if taken:
        raise Conflict("team_name_taken", zh=f"队伍“{name}”已存在", en=f"team {name} already exists")


def check_teamless(registrations: Sequence[Registration]) -> None:
    """A member plays in one team of an activity."""
    in_teams = [str(registration.member_id) for registration in registrations if registration.team_id is not None]
    if in_teams:
        raise Invalid(
            "already_in_team",
            zh=f"以下会员已在其他队伍中：{'、'.join(in_teams)}",
            en=f"already in a team: {', '.join(in_teams)}",
        )
