"""Events published by the events service about activities and competitions.

Money for activities travels as ``EventsHold*`` events (``contracts/spending.py``); these
events tell the other services what happened to an activity itself.
"""

import datetime as dt
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from unionfed_shared.contracts import topics
from unionfed_shared.contracts.base import IntegrationEvent, OrgId
from unionfed_shared.wire_values import Whole, whole

# labour_competition (劳动竞赛) and skill_contest (技能比武) are activities with results like the others;
# rights_week is the monthly workers' rights week (维权周), which welfare hears of to count the rights
# cases it opened (welfare reads only that value). Added values only.
ActivityKind = Literal[
    "sport",
    "culture",
    "contest",
    "trip",
    "training",
    "health_check",
    "labour_competition",
    "skill_contest",
    "rights_week",
]
AwardLevel = Literal["first", "second", "third", "excellence"]


class _ActivityEvent(IntegrationEvent):
    """``organization_id`` is the organizer."""

    activity_id: UUID

    def subject(self) -> str:
        return f"activity/{self.activity_id}"


class ActivityPublishedV1(_ActivityEvent):
    """An activity opened for registration; its budget was sent to finance to be reserved."""

    event_type: ClassVar[str] = "unionfed.events.activity_published.v1"
    topic: ClassVar[str] = topics.EVENTS

    title: str = Field(min_length=1, max_length=200)
    kind: ActivityKind
    # Members of these organizations' subtrees may take part.
    scope_organization_ids: list[OrgId] = Field(min_length=1)
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    registration_deadline: AwareDatetime
    capacity: whole(ge=1) | None = Field(default=None)  # type: ignore[valid-type]  # whole(…) is built at run time; to mypy, Any
    budget_fen: Whole = Field(ge=0)


class ActivityCancelledV1(_ActivityEvent):
    """An activity was called off; its open holds were released."""

    event_type: ClassVar[str] = "unionfed.events.activity_cancelled.v1"
    topic: ClassVar[str] = topics.EVENTS

    reason: str = Field(min_length=1, max_length=200)


class AwardSummary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    award_id: UUID
    category: str = Field(min_length=1, max_length=100)
    level: AwardLevel
    member_id: UUID | None = None
    team_id: UUID | None = None
    team_name: str | None = None
    prize_fen: Whole = Field(ge=0)


class ActivityAwardsPublishedV1(_ActivityEvent):
    """The results of an activity were announced (一等奖 …); prize money was paid through finance."""

    event_type: ClassVar[str] = "unionfed.events.activity_awards_published.v1"
    topic: ClassVar[str] = topics.EVENTS

    awards: list[AwardSummary] = Field(max_length=1000)
    prize_total_fen: Whole = Field(ge=0)
    paid_on: dt.date
