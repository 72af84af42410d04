"""Help beyond the members over HTTP: 送温暖 to non-members and organizations (record, approve, cancel, read, list).

Money is integer fen: money and goods at their value, paid through finance like a grant.
Business dates are the federation's; timestamps are answered in Asia/Shanghai (+08:00).
"""

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel

from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.openapi_examples import example
from unionfed_shared.wire_values import Day
from unionfed_welfare.entrypoints.dependencies import CurrentRuntime
from unionfed_welfare.entrypoints.grants_http import local
from unionfed_welfare.service_layer import outside_help
from unionfed_welfare.service_layer.commands import ApproveGrant, CancelGrant, RecordOutsideGrant

router = APIRouter(prefix="/v1", tags=["help beyond the members"], route_class=IdempotentRoute)


class GoodsLineOut(BaseModel):
    item: str
    quantity: int
    unit: str
    value_fen: int


class OutsideGrantOut(BaseModel):
    """Help given; a person's name, phone and ID number only to who may read them (else a pseudonym)."""

    id: uuid.UUID
    organization_id: str
    federation_id: str
    recipient_kind: Literal["person", "organization"]
    recipient_kind_label: str
    organization_kind: Literal["village_school", "migrant_workers", "community", "other"] | None
    organization_kind_label: str | None
    recipient_name: str
    phone: str | None
    id_number: str | None
    recipient_note: str
    people_reached: int
    details_visible: bool
    given_on: dt.date
    purpose: str
    money_fen: int
    goods_fen: int
    amount_fen: int
    goods: list[GoodsLineOut]
    note: str
    status: Literal["recorded", "approved", "cancelled"]
    state: str  # the help and its money together, as a grant's
    hold_id: uuid.UUID
    hold_status: str
    finance_reason: str | None
    paid_fen: int | None
    paid_on: dt.date | None
    recorded_by: str
    recorded_at: dt.datetime | None
    approved_by: str | None
    approved_at: dt.datetime | None
    cancelled_by: str | None
    cancelled_at: dt.datetime | None
    cancel_reason: str | None


@router.post(
    "/organizations/{organization_id}/outside-grants",
    status_code=status.HTTP_201_CREATED,
    response_model=OutsideGrantOut,
    summary="Record help to a non-member or an organization (送温暖); its amount is reserved in finance",
)
async def record(
    organization_id: str,
    body: Annotated[
        RecordOutsideGrant,
        example(
            "Tea, sugar and basketballs for the migrant workers of a building site",
            {
                "recipient": {
                    "kind": "organization",
                    "name": "某工地农民工",
                    "organization_kind": "migrant_workers",
                    "headcount": 600,
                },
                "purpose": "送温暖",
                "given_on": "2026-01-20",
                "goods": [
                    {"item": "茶叶", "quantity": 300, "unit": "盒", "value_fen": 900000},
                    {"item": "白糖", "quantity": 600, "unit": "袋", "value_fen": 480000},
                    {"item": "篮球", "quantity": 20, "unit": "个", "value_fen": 240000},
                ],
            },
        ),
    ],
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
):
    async with runtime.uow() as uow:
        return local(await outside_help.record(uow, principal, organization_id, body))


@router.get(
    "/organizations/{organization_id}/outside-grants",
    response_model=list[OutsideGrantOut],
    summary="The help the organization's subtree gave to non-members and organizations, by date",
)
async def given_by(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    given_from: Annotated[Day | None, Query(alias="from", description="Date given, inclusive")] = None,
    given_to: Annotated[Day | None, Query(alias="to", description="Date given, inclusive")] = None,
):
    async with runtime.uow() as uow:
        return local(
            await outside_help.given_by(uow, principal, organization_id, given_from=given_from, given_to=given_to)
        )


@router.get("/outside-grants/{grant_id}", response_model=OutsideGrantOut)
async def one(grant_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await outside_help.read(uow, principal, grant_id))


@router.post(
    "/outside-grants/{grant_id}/approval",
    response_model=OutsideGrantOut,
    summary="Approve and pay the help (money and goods at value) through finance",
)
async def approve(grant_id: uuid.UUID, body: ApproveGrant, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await outside_help.approve(uow, principal, grant_id, body))


@router.post(
    "/outside-grants/{grant_id}/cancellation",
    response_model=OutsideGrantOut,
    summary="Cancel unpaid help: its hold in finance is released",
)
async def cancel(grant_id: uuid.UUID, body: CancelGrant, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await outside_help.cancel(uow, principal, grant_id, body))
