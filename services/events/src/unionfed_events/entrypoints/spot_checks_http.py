"""Spot checks (督查) over HTTP: an upper union checks a union under it, the union follows up, the
upper union closes the check; a searched list over a subtree, overdue follow-ups flagged.

Dates are business dates in the federation's zone.
"""

import datetime as dt
import uuid
from dataclasses import asdict
from typing import Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field

from unionfed_events.domain.congress import shown
from unionfed_events.domain.spot_checks import SpotCheck, SpotCheckFilter, Subject
from unionfed_events.entrypoints.dependencies import CurrentRuntime
from unionfed_events.service_layer import spot_checks
from unionfed_events.service_layer.commands import CloseSpotCheck, FollowUpSpotCheck, RecordSpotCheck
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.paging import DEFAULT_LIMIT, Cursor, Limit, Page

router = APIRouter(prefix="/v1", tags=["spot checks"], route_class=IdempotentRoute)

Status = Literal["open", "followed_up", "closed"]


class SpotCheckOut(BaseModel):
    id: uuid.UUID
    organization_id: str = Field(description="The union checked")
    organization_name: str | None = Field(None, description="In lists: the union checked, by name")
    federation_id: str
    checked_by_organization_id: str = Field(description="The union above that checked it")
    checked_on: dt.date
    subject: Subject
    subject_detail: str
    findings: str
    follow_up_required: bool
    follow_up_due_on: dt.date | None
    recorded_by: str
    status: Status = Field(description="open: awaits follow-up (or closing); followed_up: awaits closing")
    created_at: dt.datetime
    follow_up: str | None
    followed_up_on: dt.date | None
    followed_up_by: str | None
    closed_on: dt.date | None
    closed_by: str | None
    closing_note: str | None
    overdue: bool | None = Field(
        None, description="In lists: follow-up required, none recorded, and the day it was due has passed"
    )

    @classmethod
    def of(cls, check: SpotCheck, name: str | None = None, today: dt.date | None = None) -> "SpotCheckOut":
        assert check.created_at is not None  # stamped by the store
        return cls(
            **{**asdict(check), "created_at": shown(check.created_at)},
            organization_name=name,
            overdue=check.overdue(today) if today else None,
        )


@router.post(
    "/organizations/{organization_id}/spot-checks", status_code=status.HTTP_201_CREATED, response_model=SpotCheckOut
)
async def record_spot_check(
    organization_id: str, body: RecordSpotCheck, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> SpotCheckOut:
    """An officer of a union above records a spot check of this union: what was checked, the
    findings, and whether follow-up is required and by when."""
    async with runtime.uow() as uow:
        return SpotCheckOut.of(await spot_checks.record(uow, principal, organization_id, body))


@router.get("/organizations/{organization_id}/spot-checks", response_model=Page[SpotCheckOut])
async def list_spot_checks(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    subject: Subject | None = Query(default=None),
    status_: Status | None = Query(default=None, alias="status"),
    overdue: bool = Query(default=False, description="Only the checks whose follow-up is overdue"),
    q: str | None = Query(
        default=None,
        min_length=1,
        max_length=100,
        description="In the union's name, what was checked, findings, follow-up",
    ),
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[SpotCheckOut]:
    """The checks of the organization and every union under it, newest first, each flagged when
    its follow-up is overdue. Pass the answer's `next_cursor` as `cursor` for the next page."""
    async with runtime.uow() as uow:
        today = await spot_checks.federation_today(uow, organization_id) if overdue else None
        wanted = SpotCheckFilter(subject=subject.value if subject else None, status=status_, overdue_on=today, text=q)
        found, next_cursor, today = await spot_checks.checks_of(uow, principal, organization_id, wanted, cursor, limit)
    return Page[SpotCheckOut](
        items=[SpotCheckOut.of(check, name, today) for check, name in found], next_cursor=next_cursor
    )


@router.get("/spot-checks/{spot_check_id}", response_model=SpotCheckOut)
async def get_spot_check(
    spot_check_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> SpotCheckOut:
    async with runtime.uow() as uow:
        return SpotCheckOut.of(await spot_checks.get(uow, principal, spot_check_id))


@router.post("/spot-checks/{spot_check_id}/follow-up", response_model=SpotCheckOut)
async def follow_up_spot_check(
    spot_check_id: uuid.UUID, body: FollowUpSpotCheck, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> SpotCheckOut:
    """The checked union's officer records what it rectified (整改情况); written again until closed."""
    async with runtime.uow() as uow:
        return SpotCheckOut.of(await spot_checks.follow_up(uow, principal, spot_check_id, body))


@router.post("/spot-checks/{spot_check_id}/closure", response_model=SpotCheckOut)
async def close_spot_check(
    spot_check_id: uuid.UUID, body: CloseSpotCheck, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> SpotCheckOut:
    """The checking union closes the check (销号), after the follow-up when one was required."""
    async with runtime.uow() as uow:
        return SpotCheckOut.of(await spot_checks.close(uow, principal, spot_check_id, body))
