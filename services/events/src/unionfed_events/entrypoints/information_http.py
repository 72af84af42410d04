"""Information reporting with assessment (信息报送) over HTTP: a union's items, drafted and submitted;
the level above's adoptions (采用, at county, city or province level) and declines; the federation's
points table, versioned; the yearly ranking of the unions by points, as JSON or Excel.

Dates are business dates in the federation's zone.
"""

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, Field

from unionfed_events.domain.congress import shown
from unionfed_events.domain.information import (
    AdoptionLevel,
    InfoCategory,
    InfoFilter,
    InfoItem,
    PointsTable,
    UnionInfoFigures,
)
from unionfed_events.entrypoints.dependencies import CurrentRuntime
from unionfed_events.service_layer import information, information_sheets
from unionfed_events.service_layer.commands import AdoptInfoItem, DeclineInfoItem, PublishPointsTable, WriteInfoItem
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.documents import spreadsheet
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.paging import DEFAULT_LIMIT, Cursor, Limit, Page
from unionfed_shared.problems import language_of

router = APIRouter(prefix="/v1", tags=["information reporting"], route_class=IdempotentRoute)

InfoStatus = Literal["draft", "submitted", "adopted", "declined"]


class AdoptionOut(BaseModel):
    level: AdoptionLevel
    adopted_on: dt.date
    adopted_by: str
    adopted_by_organization: str
    points: int = Field(description="The points of the table in force on the adoption day, fixed when recorded")
    table_version: int


class InfoItemOut(BaseModel):
    id: uuid.UUID
    organization_id: str
    federation_id: str
    title: str
    body: str
    category: InfoCategory
    event_on: dt.date
    author: str
    created_by: str
    created_at: dt.datetime
    status: InfoStatus
    submitted_on: dt.date | None
    submitted_by: str | None
    declined_on: dt.date | None
    declined_by: str | None
    decline_reason: str | None
    adoptions: list[AdoptionOut] = Field(description="One per level, lowest first")
    points: int = Field(description="The points its adoptions earned")

    @classmethod
    def of(cls, item: InfoItem) -> "InfoItemOut":
        assert item.created_at is not None  # stamped by the store
        return cls(
            id=item.id,
            organization_id=item.organization_id,
            federation_id=item.federation_id,
            title=item.title,
            body=item.body,
            category=InfoCategory(item.category),
            event_on=item.event_on,
            author=item.author,
            created_by=item.created_by,
            created_at=shown(item.created_at),
            status=item.status,
            submitted_on=item.submitted_on,
            submitted_by=item.submitted_by,
            declined_on=item.declined_on,
            declined_by=item.declined_by,
            decline_reason=item.decline_reason,
            adoptions=[
                AdoptionOut(
                    level=AdoptionLevel(a.level),
                    adopted_on=a.adopted_on,
                    adopted_by=a.adopted_by,
                    adopted_by_organization=a.adopted_by_organization,
                    points=a.points,
                    table_version=a.table_version,
                )
                for a in item.adoptions
            ],
            points=item.points,
        )


@router.post(
    "/organizations/{organization_id}/info-items", status_code=status.HTTP_201_CREATED, response_model=InfoItemOut
)
async def write_info_item(
    organization_id: str, body: WriteInfoItem, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> InfoItemOut:
    """A draft item, written by an officer of the union that reports it."""
    async with runtime.uow() as uow:
        return InfoItemOut.of(await information.write(uow, principal, organization_id, body))


@router.get("/organizations/{organization_id}/info-items", response_model=Page[InfoItemOut])
async def list_info_items(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    status_: InfoStatus | None = Query(default=None, alias="status"),
    category: InfoCategory | None = Query(default=None),
    year: int | None = Query(default=None, ge=2000, le=2100, description="Events of this year"),
    union: str | None = Query(default=None, description="Only this union's items"),
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[InfoItemOut]:
    """Items of the organization and the unions under it, newest event first; a union's drafts only to
    itself. With `status=submitted` it is the level above's inbox. Pass the answer's `next_cursor`
    as `cursor` for the next page; null on the last."""
    wanted = InfoFilter(status=status_, category=category.value if category else None, year=year, organization_id=union)
    async with runtime.uow() as uow:
        found, next_cursor = await information.items_of(uow, principal, organization_id, wanted, cursor, limit)
    return Page[InfoItemOut](items=[InfoItemOut.of(i) for i in found], next_cursor=next_cursor)


@router.get("/info-items/{item_id}", response_model=InfoItemOut)
async def get_info_item(item_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> InfoItemOut:
    async with runtime.uow() as uow:
        return InfoItemOut.of(await information.get(uow, principal, item_id))


@router.put("/info-items/{item_id}", response_model=InfoItemOut)
async def rewrite_info_item(
    item_id: uuid.UUID, body: WriteInfoItem, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> InfoItemOut:
    """Edit a draft (a declined item edited becomes a draft again); submitted and adopted items are locked."""
    async with runtime.uow() as uow:
        return InfoItemOut.of(await information.rewrite(uow, principal, item_id, body))


@router.post("/info-items/{item_id}/submission", response_model=InfoItemOut)
async def submit_info_item(item_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> InfoItemOut:
    """Submit a draft to the level above (报送)."""
    async with runtime.uow() as uow:
        return InfoItemOut.of(await information.submit(uow, principal, item_id))


@router.post("/info-items/{item_id}/adoptions", response_model=InfoItemOut)
async def adopt_info_item(
    item_id: uuid.UUID, body: AdoptInfoItem, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> InfoItemOut:
    """The level above adopts the item (采用) at a level; once per level, later only at a higher one.
    It earns the points of the table in force on the adoption day."""
    async with runtime.uow() as uow:
        return InfoItemOut.of(await information.adopt(uow, principal, item_id, body))


@router.post("/info-items/{item_id}/declination", response_model=InfoItemOut)
async def decline_info_item(
    item_id: uuid.UUID, body: DeclineInfoItem, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> InfoItemOut:
    """The level above declines a submitted item, with the reason; the union may edit and submit it again."""
    async with runtime.uow() as uow:
        return InfoItemOut.of(await information.decline(uow, principal, item_id, body))


class PointsTableOut(BaseModel):
    federation_id: str
    version: int
    effective_from: dt.date
    county: int
    city: int
    province: int
    note: str
    published_by: str
    published_at: dt.datetime

    @classmethod
    def of(cls, table: PointsTable) -> "PointsTableOut":
        assert table.published_at is not None  # stamped by the store
        return cls(
            federation_id=table.federation_id,
            version=table.version,
            effective_from=table.effective_from,
            note=table.note,
            published_by=table.published_by,
            published_at=shown(table.published_at),
            **table.points,
        )


@router.post(
    "/federations/{federation_id}/info-points-tables",
    status_code=status.HTTP_201_CREATED,
    response_model=PointsTableOut,
)
async def publish_points_table(
    federation_id: str, body: PublishPointsTable, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> PointsTableOut:
    """A new version of the points table (federation admins), in force from `effective_from` until
    the next version; earlier adoptions keep the points they earned."""
    async with runtime.uow() as uow:
        return PointsTableOut.of(await information.publish_points_table(uow, principal, federation_id, body))


@router.get("/federations/{federation_id}/info-points-tables", response_model=list[PointsTableOut])
async def list_points_tables(
    federation_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[PointsTableOut]:
    """Every version, oldest first."""
    async with runtime.uow() as uow:
        return [PointsTableOut.of(t) for t in await information.points_tables(uow, principal, federation_id)]


class InfoFiguresOut(BaseModel):
    submitted: int = Field(description="items submitted in the year")
    county: int = Field(description="adoptions at county level in the year")
    city: int
    province: int
    points: int = Field(description="points earned by the year's adoptions")

    @classmethod
    def of(cls, f: UnionInfoFigures) -> dict:
        return dict(submitted=f.submitted, points=f.points, **f.adopted)


class UnionRankOut(InfoFiguresOut):
    rank: int = Field(description="by points; equal points share a rank (1, 2, 2, 4)")
    organization_id: str
    name: str


class InfoRankingOut(BaseModel):
    organization_id: str
    year: int
    unions: list[UnionRankOut]
    total: InfoFiguresOut


@router.get(
    "/organizations/{organization_id}/info-ranking",
    response_model=InfoRankingOut,
    responses=spreadsheet.openapi_responses("The ranking as JSON, or with `format=xlsx` as an Excel sheet"),
)
async def info_ranking(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    year: Annotated[
        int | None, Query(ge=2000, le=2100, description="Default: this year in the federation's time zone")
    ] = None,
    output: Literal["json", "xlsx"] = Query(default="json", alias="format", description="`xlsx` for an Excel sheet"),
) -> InfoRankingOut | Response:
    """The year's ranking of the unions of the organization's subtree by the points their items
    earned: items submitted, adoptions per level, points, rank."""
    async with runtime.uow() as uow:
        ranking = await information.ranking(uow, principal, organization_id, year)
        name = (await uow.directory.names_of({organization_id})).get(organization_id, organization_id)
    if output == "xlsx":
        language = language_of(request)
        title = information_sheets.RANKING_TITLE[language]
        return spreadsheet.xlsx_download(
            f"{title}-{name}-{ranking.year}.xlsx",
            title,
            information_sheets.RANKING_HEADERS[language],
            information_sheets.ranking_rows(ranking, language),
        )
    return InfoRankingOut(
        organization_id=ranking.organization_id,
        year=ranking.year,
        unions=[
            UnionRankOut(rank=u.rank, organization_id=u.organization_id, name=u.name, **InfoFiguresOut.of(u))
            for u in ranking.unions
        ],
        total=InfoFiguresOut(**InfoFiguresOut.of(ranking.total)),
    )
