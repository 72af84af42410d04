"""The congress roll-up over HTTP: a subtree's staff and workers' congresses of a year, per union and in total."""

import datetime as dt
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from unionfed_events.domain.congress import shown
from unionfed_events.entrypoints.dependencies import CurrentRuntime
from unionfed_events.service_layer import congress_rollup
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.wire_values import Moment

router = APIRouter(prefix="/v1", tags=["staff congress"], route_class=IdempotentRoute)


class CongressFiguresOut(BaseModel):
    sessions: int = Field(description="sessions that start in the year")
    proposals: int = Field(description="proposals filed in those sessions, standing or not")
    answered: int
    overdue: int = Field(description="standing without an answer after their session's deadline, as of ``as_of``")
    answered_in_time: int = Field(description="answered by their session's answer deadline (part of ``answered``)")
    answered_late: int = Field(description="answered after their session's answer deadline (part of ``answered``)")


class UnionCongressOut(CongressFiguresOut):
    organization_id: str
    name: str


class CongressRollupOut(BaseModel):
    organization_id: str
    year: int
    as_of: dt.datetime
    unions: list[UnionCongressOut] = Field(description="every grassroots union of the subtree, in tree order")
    total: CongressFiguresOut


@router.get("/organizations/{organization_id}/congress-rollup", response_model=CongressRollupOut)
async def congress_rollup_of(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    year: Annotated[
        int | None, Query(ge=2000, le=2100, description="Default: this year in the federation's time zone")
    ] = None,
    as_of: Annotated[Moment | None, Query(description="Overdue as of this moment; default now")] = None,
) -> CongressRollupOut:
    """The year's congresses of the organization and every union under it: sessions, proposals,
    answered (in time and late) and overdue, per union and in total."""
    async with runtime.uow() as uow:
        rollup = await congress_rollup.congress_rollup(uow, principal, organization_id, year, as_of)
    return CongressRollupOut(
        organization_id=rollup.organization_id,
        year=rollup.year,
        as_of=shown(rollup.as_of),
        unions=[
            UnionCongressOut(organization_id=u.organization_id, name=u.name, **asdict(u.figures)) for u in rollup.unions
        ],
        total=CongressFiguresOut(**asdict(rollup.total)),
    )
