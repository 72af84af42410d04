"""What callers ask of the membership service."""

import datetime as dt
import uuid
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from unionfed_shared.contracts.base import OrgId, PositiveFen


class _Command(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FoundFederation(_Command):
    id: OrgId
    name: str = Field(min_length=1, max_length=200)


class RegisterOrganization(_Command):
    id: OrgId
    name: str = Field(min_length=1, max_length=200)
    kind: Literal["federation", "grassroots_union", "union_group"]
    parent_id: OrgId


class EnrolMember(_Command):
    display_name: str = Field(min_length=1, max_length=100)
    gender: Literal["female", "male"]
    joined_on: dt.date


class RecordDuesPayment(_Command):
    member_id: uuid.UUID
    period: str = Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$", examples=["2026-11"])
    amount_fen: PositiveFen = Field(description="Integer fen (1 yuan = 100 fen)", examples=[2150])
