"""Skills and jobs (技能与就业) over HTTP: job placements (再就业帮扶) and the year's roll-up of
training courses, labour competitions, skill contests and placements over a subtree."""

import datetime as dt
import uuid
from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, Field

from unionfed_events.domain.congress import shown
from unionfed_events.domain.skills import JobPlacement
from unionfed_events.entrypoints.dependencies import CurrentRuntime
from unionfed_events.service_layer import participation_sheets, skills
from unionfed_events.service_layer.commands import RecordJobPlacement
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.documents import spreadsheet
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.problems import language_of

router = APIRouter(prefix="/v1", tags=["skills and jobs"], route_class=IdempotentRoute)
Year = Annotated[int | None, Query(ge=2000, le=2100, description="Default: this year in the federation's time zone")]


class JobPlacementOut(BaseModel):
    id: uuid.UUID
    organization_id: str
    federation_id: str
    placed_on: dt.date
    employer: str
    people: int
    members: int
    training_activity_id: uuid.UUID | None
    note: str
    recorded_by: str
    recorded_at: dt.datetime

    @classmethod
    def of(cls, p: JobPlacement) -> "JobPlacementOut":
        assert p.recorded_at is not None  # stamped by the store
        return cls(**{**asdict(p), "recorded_at": shown(p.recorded_at)})


class JobPlacementsOut(BaseModel):
    year: int
    items: list[JobPlacementOut] = Field(description="newest first, at most 1000")


class ActivityFiguresOut(BaseModel):
    held: int = Field(description="activities held (published, not cancelled) starting in the year")
    entrants: int = Field(description="confirmed registrations")
    attended: int = Field(description="confirmed registrations marked present")
    awards: int


class SkillKindsOut(BaseModel):
    training: ActivityFiguresOut
    labour_competition: ActivityFiguresOut
    skill_contest: ActivityFiguresOut


class PlacementFiguresOut(BaseModel):
    records: int
    people: int = Field(description="people helped into work (再就业)")
    members: int = Field(description="of them, union members")
    after_training: int = Field(description="of them, placed after one of the union's training courses")


class SkillsRollupOut(BaseModel):
    organization_id: str
    year: int
    by_kind: SkillKindsOut
    placements: PlacementFiguresOut


@router.post(
    "/organizations/{organization_id}/job-placements",
    status_code=status.HTTP_201_CREATED,
    response_model=JobPlacementOut,
    summary="Record people the union helped into work (再就业帮扶)",
)
async def record_placement(
    organization_id: str, body: RecordJobPlacement, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> JobPlacementOut:
    async with runtime.uow() as uow:
        return JobPlacementOut.of(await skills.record_placement(uow, principal, organization_id, body))


@router.get("/organizations/{organization_id}/job-placements", response_model=JobPlacementsOut)
async def list_placements(
    organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime, year: Year = None
) -> JobPlacementsOut:
    """The year's placements recorded in the organization and the unions under it, newest first."""
    async with runtime.uow() as uow:
        year_, found = await skills.placements_of(uow, principal, organization_id, year)
    return JobPlacementsOut(year=year_, items=[JobPlacementOut.of(p) for p in found])


@router.get(
    "/organizations/{organization_id}/skills-rollup",
    response_model=SkillsRollupOut,
    responses=spreadsheet.openapi_responses("The roll-up as JSON, or with `format=xlsx` as an Excel sheet"),
)
async def skills_rollup(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    year: Year = None,
    output: Literal["json", "xlsx"] = Query(default="json", alias="format", description="`xlsx` for an Excel sheet"),
) -> SkillsRollupOut | Response:
    """Training courses, labour competitions (劳动竞赛) and skill contests (技能比武) the subtree held in
    the year, with entrants, attendance and awards; and the people its unions helped into work."""
    async with runtime.uow() as uow:
        rollup = await skills.rollup(uow, principal, organization_id, year)
        name = (await uow.directory.names_of({organization_id})).get(organization_id, organization_id)
    if output == "xlsx":
        language = language_of(request)
        title = participation_sheets.SKILLS_TITLE[language]
        return spreadsheet.xlsx_download(
            f"{title}-{name}-{rollup.year}.xlsx",
            title,
            participation_sheets.SKILLS_HEADERS[language],
            participation_sheets.skills_rows(rollup, language),
        )
    return SkillsRollupOut(
        organization_id=rollup.organization_id,
        year=rollup.year,
        by_kind=SkillKindsOut(**{k: ActivityFiguresOut(**asdict(f)) for k, f in rollup.by_kind.items()}),
        placements=PlacementFiguresOut(**asdict(rollup.placements)),
    )
