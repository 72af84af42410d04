"""Events the events service publishes about staff congresses, surveys and awards."""

import datetime as dt
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from unionfed_shared.contracts import topics
from unionfed_shared.contracts.base import IntegrationEvent, OrgId

AwardKind = Literal["may_day_labour_medal", "model_worker", "advanced_individual", "outstanding_union_officer"]


class AwardApprovedV1(IntegrationEvent):
    """The federation approved a member's award (五一劳动奖章, 劳模, 先进个人, 优秀工会干部).

    ``organization_id`` is the union that nominated the member, so the event is keyed with that
    union's other events; the public notice (公示) runs from ``notice_starts_on`` to
    ``notice_ends_on`` inclusive, Beijing dates.
    """

    event_type: ClassVar[str] = "unionfed.events.award_approved.v1"
    topic: ClassVar[str] = topics.EVENTS

    nomination_id: UUID
    member_id: UUID
    award: AwardKind
    year: int = Field(ge=2000, le=2100)
    approved_by_federation: OrgId
    approved_at: AwareDatetime
    notice_starts_on: dt.date
    notice_ends_on: dt.date

    def subject(self) -> str:
        return f"member/{self.member_id}"
