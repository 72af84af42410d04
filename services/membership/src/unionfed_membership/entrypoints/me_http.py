"""A member's self-service over HTTP: the signed-in member's own record and dues (``/v1/me``).

Only a ``member`` token naming a member is let in (``members_only`` / ``member_account_unlinked``
otherwise, 403): officers work on members through the organization routes.
"""

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from unionfed_membership.domain.model import PERIOD_PATTERN, MemberStatus, Period
from unionfed_membership.entrypoints.dependencies import CurrentRuntime
from unionfed_membership.entrypoints.http import DuesPaymentOut
from unionfed_membership.service_layer import self_service
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.idempotent_routes import IdempotentRoute

router = APIRouter(prefix="/v1/me", tags=["self-service"], route_class=IdempotentRoute)


class MeOut(BaseModel):
    member_id: uuid.UUID
    display_name: str
    status: MemberStatus
    joined_on: dt.date
    organization_id: str
    organization_name: str
    union_id: str
    union_name: str


class UnpaidMonthOut(BaseModel):
    period: str
    amount_fen: int | None  # None: no policy amount for the month (no base salary on file)
    reason: str


class MyDuesOut(BaseModel):
    through: str  # the last month counted
    payments: list[DuesPaymentOut]  # every month paid, oldest first
    paid_total_fen: int
    arrears_total_fen: int
    unpaid: list[UnpaidMonthOut]


@router.get("", response_model=MeOut, summary="Who the signed-in member is")
async def get_me(principal: CurrentPrincipal, runtime: CurrentRuntime) -> MeOut:
    async with runtime.uow() as uow:
        found = await self_service.me(uow, principal)
    return MeOut(
        member_id=found.member.id,
        display_name=found.member.display_name,
        status=found.member.status,
        joined_on=found.member.joined_on,
        organization_id=found.organization.id,
        organization_name=found.organization.name,
        union_id=found.union.id,
        union_name=found.union.name,
    )


@router.get("/dues", response_model=MyDuesOut, summary="The signed-in member's dues: months paid and unpaid")
async def get_my_dues(
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    through: Annotated[
        Period | None,
        Query(json_schema_extra={"pattern": PERIOD_PATTERN}, description="Last month counted; default this month"),
    ] = None,
) -> MyDuesOut:
    async with runtime.uow() as uow:
        found = await self_service.my_dues(uow, principal, through)
    payments = [DuesPaymentOut(**row) for row in found.payments]
    return MyDuesOut(
        through=found.through,
        payments=payments,
        paid_total_fen=sum(p.amount_fen for p in payments),
        arrears_total_fen=found.arrears.total_fen,
        unpaid=[
            UnpaidMonthOut(period=p.period, amount_fen=p.amount_fen, reason=p.reason or "unpaid")
            for p in found.arrears.unpaid
        ],
    )
