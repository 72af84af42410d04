"""What callers ask about activities. Unknown fields, float money and naive times are refused."""

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from unionfed_events.domain.activities import check_schedule
from unionfed_shared.contracts.base import OrgId, PositiveFen
from unionfed_shared.contracts.events import ActivityKind, AwardLevel
from unionfed_shared.errors import Invalid
from unionfed_shared.wire_values import whole

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"\S")]
NonNegativeFen = whole(ge=0, le=10**12)


class _Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BudgetItem(_Command):
    kind: Literal["cost", "prizes"] = Field(description="prizes: the prize money paid when awards are published")
    label: Text
    amount_fen: PositiveFen


class CreateActivity(_Command):
    title: Text
    kind: ActivityKind
    description: str = Field(default="", max_length=2000)
    scope_organization_ids: list[OrgId] | None = Field(
        default=None, min_length=1, max_length=200, description="default: the organizer's whole subtree"
    )
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    registration_deadline: AwareDatetime
    capacity: whole(ge=1, le=100_000) | None = Field(default=None, description="none: no limit")
    eligible_gender: Literal["female", "male"] | None = None
    eligible_statuses: list[Literal["active", "retired"]] = Field(default=["active", "retired"], min_length=1)
    budget: list[BudgetItem] = Field(default_factory=list, max_length=50)

    @model_validator(mode="after")
    def _consistent(self) -> "CreateActivity":
        try:
            check_schedule(self.starts_at, self.ends_at, self.registration_deadline)
        except Invalid as refusal:  # pydantic reports ValueErrors as 422 with the field
            raise ValueError(refusal.detail) from refusal
        if sum(1 for item in self.budget if item.kind == "prizes") > 1:
            raise ValueError("a budget has at most one prizes line")
        return self


class CancelActivity(_Command):
    reason: Text


class Register(_Command):
    member_id: uuid.UUID


class RecordAttendance(_Command):
    member_ids: list[uuid.UUID] = Field(min_length=1, max_length=1000)
    attended: bool = True


class CreateTeam(_Command):
    name: Text
    member_ids: list[uuid.UUID] = Field(min_length=1, max_length=100)


class RecordAward(_Command):
    category: Text = Field(examples=["女子单打", "团体"])
    level: AwardLevel = Field(description="first 一等奖, second 二等奖, third 三等奖, excellence 优秀奖")
    member_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    result: str | None = Field(default=None, max_length=200)
    prize_fen: NonNegativeFen = 0

    @model_validator(mode="after")
    def _one_winner(self) -> "RecordAward":
        if (self.member_id is None) == (self.team_id is None):
            raise ValueError("an award goes to one member or one team")
        return self


class PublishAwards(_Command):
    paid_on: dt.date


class PayCost(_Command):
    amount_fen: PositiveFen
    paid_on: dt.date
    description: Text
