"""Rationalization proposals and technical innovations (合理化建议, 技术革新) over HTTP.

Workers' participation, apart from the staff congress's proposals (提案, under ``congress-sessions``).
Dates are business dates in the federation's zone; money is integer fen.
"""

import datetime as dt
import uuid
from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, Field

from unionfed_events.domain.congress import shown
from unionfed_events.domain.improvements import Improvement, ImprovementFigures, ImprovementFilter, ImprovementKind
from unionfed_events.entrypoints.dependencies import CurrentRuntime
from unionfed_events.service_layer import improvements, participation_sheets
from unionfed_events.service_layer.commands import DecideImprovement, FileImprovement, ImplementImprovement, ValueFigure
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.documents import spreadsheet
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.paging import DEFAULT_LIMIT, Cursor, Limit, Page
from unionfed_shared.problems import language_of

router = APIRouter(prefix="/v1", tags=["rationalization proposals and innovations"], route_class=IdempotentRoute)


class ProposerOut(BaseModel):
    member_id: uuid.UUID
    name: str


class ValueRecordOut(BaseModel):
    value_fen: int
    note: str
    recorded_by: str
    recorded_at: dt.datetime


class ImprovementOut(BaseModel):
    id: uuid.UUID
    organization_id: str
    federation_id: str
    kind: ImprovementKind
    title: str
    content: str
    department: str
    proposers: list[ProposerOut]
    status: Literal["submitted", "adopted", "not_adopted", "implemented"]
    filed_on: dt.date
    filed_by: str
    created_at: dt.datetime
    decided_on: dt.date | None
    decided_by: str | None
    decision_note: str | None
    implemented_on: dt.date | None
    implemented_by: str | None
    value_fen: int | None = Field(description="The economic value created, latest figure (fen)")
    value_history: list[ValueRecordOut] = Field(description="Every figure recorded, oldest first")

    @classmethod
    def of(cls, i: Improvement) -> "ImprovementOut":
        assert i.created_at is not None  # stamped by the store
        return cls(
            **{
                k: v for k, v in asdict(i).items() if k in cls.model_fields and k not in ("value_history", "created_at")
            },
            created_at=shown(i.created_at),
            proposers=[ProposerOut(member_id=m, name=n) for m, n in zip(i.proposer_ids, i.proposer_names, strict=True)],
            value_history=[
                ValueRecordOut(**{**asdict(r), "recorded_at": shown(r.recorded_at)}) for r in i.value_history
            ],
        )


@router.post(
    "/organizations/{organization_id}/improvements", status_code=status.HTTP_201_CREATED, response_model=ImprovementOut
)
async def file_improvement(
    organization_id: str, body: FileImprovement, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> ImprovementOut:
    """An officer files a rationalization proposal or technical innovation for its proposers, members of the union."""
    async with runtime.uow() as uow:
        return ImprovementOut.of(await improvements.file(uow, principal, organization_id, body))


@router.get("/organizations/{organization_id}/improvements", response_model=Page[ImprovementOut])
async def list_improvements(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    kind: ImprovementKind | None = Query(default=None),
    status_: Literal["submitted", "adopted", "not_adopted", "implemented"] | None = Query(default=None, alias="status"),
    year: int | None = Query(default=None, ge=2000, le=2100, description="Filed in this year"),
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[ImprovementOut]:
    """Filed in the organization and the unions under it, by filing date. Pass the answer's
    `next_cursor` as `cursor` for the next page; null on the last."""
    wanted = ImprovementFilter(kind=kind.value if kind else None, status=status_, year=year)
    async with runtime.uow() as uow:
        found, next_cursor = await improvements.improvements_of(uow, principal, organization_id, wanted, cursor, limit)
    return Page[ImprovementOut](items=[ImprovementOut.of(i) for i in found], next_cursor=next_cursor)


@router.get("/improvements/{improvement_id}", response_model=ImprovementOut)
async def get_improvement(
    improvement_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> ImprovementOut:
    async with runtime.uow() as uow:
        return ImprovementOut.of(await improvements.get(uow, principal, improvement_id))


@router.post("/improvements/{improvement_id}/decision", response_model=ImprovementOut)
async def decide_improvement(
    improvement_id: uuid.UUID, body: DecideImprovement, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> ImprovementOut:
    """Adopted or not (采纳); an adopted one may carry the value created at once."""
    async with runtime.uow() as uow:
        return ImprovementOut.of(await improvements.decide(uow, principal, improvement_id, body))


@router.post("/improvements/{improvement_id}/implementation", response_model=ImprovementOut)
async def implement_improvement(
    improvement_id: uuid.UUID, body: ImplementImprovement, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> ImprovementOut:
    """An adopted proposal was put into practice (实施), with the value created if known."""
    async with runtime.uow() as uow:
        return ImprovementOut.of(await improvements.implement(uow, principal, improvement_id, body))


@router.post("/improvements/{improvement_id}/value", response_model=ImprovementOut)
async def record_improvement_value(
    improvement_id: uuid.UUID, body: ValueFigure, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> ImprovementOut:
    """Record or revise the economic value created (fen) of an adopted or implemented proposal;
    the earlier figures stay in `value_history`."""
    async with runtime.uow() as uow:
        return ImprovementOut.of(await improvements.record_value(uow, principal, improvement_id, body))


class ImprovementFiguresOut(BaseModel):
    filed: int = Field(description="proposals filed in the year")
    adopted: int = Field(description="adopted, the implemented ones included")
    implemented: int
    value_fen: int = Field(description="economic value created by the adopted and implemented ones (fen)")


class ImprovementKindsOut(BaseModel):
    rationalization: ImprovementFiguresOut
    innovation: ImprovementFiguresOut


class UnionImprovementsOut(ImprovementFiguresOut):
    organization_id: str
    name: str
    by_kind: ImprovementKindsOut


class ImprovementRollupOut(BaseModel):
    organization_id: str
    year: int
    unions: list[UnionImprovementsOut] = Field(description="every grassroots union of the subtree, in tree order")
    total: ImprovementFiguresOut
    by_kind: ImprovementKindsOut


def _kinds(by_kind: dict[str, ImprovementFigures]) -> ImprovementKindsOut:
    return ImprovementKindsOut(**{k: ImprovementFiguresOut(**asdict(f)) for k, f in by_kind.items()})


@router.get(
    "/organizations/{organization_id}/improvement-rollup",
    response_model=ImprovementRollupOut,
    responses=spreadsheet.openapi_responses("The roll-up as JSON, or with `format=xlsx` as an Excel sheet"),
)
async def improvement_rollup(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    year: Annotated[
        int | None, Query(ge=2000, le=2100, description="Default: this year in the federation's time zone")
    ] = None,
    output: Literal["json", "xlsx"] = Query(default="json", alias="format", description="`xlsx` for an Excel sheet"),
) -> ImprovementRollupOut | Response:
    """The year's rationalization proposals and innovations of the organization and every union
    under it: filed, adopted, implemented and value created, per union, per kind and in total."""
    async with runtime.uow() as uow:
        rollup = await improvements.rollup(uow, principal, organization_id, year)
        name = (await uow.directory.names_of({organization_id})).get(organization_id, organization_id)
    if output == "xlsx":
        language = language_of(request)
        title = participation_sheets.IMPROVEMENTS_TITLE[language]
        return spreadsheet.xlsx_download(
            f"{title}-{name}-{rollup.year}.xlsx",
            title,
            participation_sheets.IMPROVEMENT_HEADERS[language],
            participation_sheets.improvement_rows(rollup, language),
        )
    return ImprovementRollupOut(
        organization_id=rollup.organization_id,
        year=rollup.year,
        unions=[
            UnionImprovementsOut(
                organization_id=u.organization_id, name=u.name, by_kind=_kinds(u.by_kind), **asdict(u.figures)
            )
            for u in rollup.unions
        ],
        total=ImprovementFiguresOut(**asdict(rollup.total)),
        by_kind=_kinds(rollup.by_kind),
    )
