"""Events published by the membership service."""

import datetime as dt
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import AwareDatetime, Field

from unionfed_shared.contracts import topics
from unionfed_shared.contracts.base import IntegrationEvent, OrgId, PositiveFen

OrganizationKind = Literal["federation", "grassroots_union", "union_group"]


class OrganizationRegisteredV1(IntegrationEvent):
    event_type: ClassVar[str] = "unionfed.membership.organization_registered.v1"
    topic: ClassVar[str] = topics.MEMBERSHIP

    name: str = Field(min_length=1, max_length=200)
    kind: OrganizationKind
    parent_id: OrgId | None
    # Ancestors from the federation root down to this organization, itself included.
    path: list[OrgId] = Field(min_length=1)


class MemberJoinedV1(IntegrationEvent):
    event_type: ClassVar[str] = "unionfed.membership.member_joined.v1"
    topic: ClassVar[str] = topics.MEMBERSHIP

    member_id: UUID
    display_name: str = Field(min_length=1, max_length=100)
    gender: Literal["female", "male"]
    joined_on: dt.date

    def subject(self) -> str:
        return f"member/{self.member_id}"


class DuesCollectedV1(IntegrationEvent):
    event_type: ClassVar[str] = "unionfed.membership.dues_collected.v1"
    topic: ClassVar[str] = topics.MEMBERSHIP

    payment_id: UUID
    member_id: UUID
    period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    amount_fen: PositiveFen
    collected_at: AwareDatetime

    def subject(self) -> str:
        return f"member/{self.member_id}"
