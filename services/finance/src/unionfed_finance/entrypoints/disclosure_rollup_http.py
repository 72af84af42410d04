"""校务公开 over HTTP: a union records a statement it published to its staff; the upper union's
roll-up shows what each union under it published and when, and who published none (``format=xlsx``)."""

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, Field

from unionfed_finance.domain.disclosures import Channel, Term
from unionfed_finance.entrypoints.dependencies import CurrentRuntime
from unionfed_finance.service_layer import disclosure_rollup
from unionfed_finance.service_layer.commands import RecordDisclosure
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.documents import spreadsheet
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.problems import language_of

router = APIRouter(prefix="/v1", tags=["disclosure to staff"], route_class=IdempotentRoute)


class PublicationOut(BaseModel):
    organization_id: str
    period_from: dt.date
    period_to: dt.date
    published_on: dt.date
    channel: Channel
    head_sequence: int = Field(description="The ledger's head when it was recorded: the statement as published")
    published_by: str
    note: str | None


class UnionDisclosuresOut(BaseModel):
    organization_id: str
    name: str
    disclosed: bool = Field(description="Published at least one statement in the window")
    last_published_on: dt.date | None
    publications: list[PublicationOut] = Field(description="By the day they were published")


class DisclosureRollupOut(BaseModel):
    organization_id: str
    year: int
    term: Term | None
    first_day: dt.date
    last_day: dt.date
    unions: list[UnionDisclosuresOut] = Field(description="Every grassroots union of the subtree, in tree order")
    unions_disclosed: int
    unions_without: list[str] = Field(description="The unions that published nothing in the window")


@router.post(
    "/organizations/{organization_id}/disclosure-publications",
    status_code=status.HTTP_201_CREATED,
    response_model=PublicationOut,
)
async def record_disclosure(
    organization_id: str, body: RecordDisclosure, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> PublicationOut:
    """The union's income and expenditure statement for a period was published to its staff (校务公开):
    on which day and where. The books' head is kept, so the statement can be rebuilt as published."""
    async with runtime.uow() as uow:
        publication = await disclosure_rollup.record(uow, principal, organization_id, body)
    return PublicationOut(**publication.__dict__)


@router.get(
    "/organizations/{organization_id}/disclosure-rollup",
    response_model=DisclosureRollupOut,
    responses=spreadsheet.openapi_responses("The roll-up as JSON, or with `format=xlsx` as an Excel sheet"),
)
async def disclosure_rollup_of(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    year: Annotated[
        int | None, Query(ge=2000, le=2100, description="Default: this year in the federation's time zone")
    ] = None,
    term: Annotated[
        Term | None, Query(description="spring: Feb–Jul; autumn: Aug–Jan of the next year; default the whole year")
    ] = None,
    output: Literal["json", "xlsx"] = Query(default="json", alias="format", description="`xlsx` for an Excel sheet"),
) -> DisclosureRollupOut | Response:
    """What each union under the organization published to its staff in the year or term, and when;
    a union that published nothing has a row too."""
    async with runtime.uow() as uow:
        rollup = await disclosure_rollup.rollup(uow, principal, organization_id, year, term)
        name = (await uow.directory.names_of({organization_id})).get(organization_id, organization_id)
    if output == "xlsx":
        language = language_of(request)
        title = disclosure_rollup.TITLE[language]
        return spreadsheet.xlsx_download(
            f"{title}-{name}-{rollup.year}{'-' + rollup.term.value if rollup.term else ''}.xlsx",
            title,
            disclosure_rollup.HEADERS[language],
            disclosure_rollup.sheet_rows(rollup, language),
        )
    return DisclosureRollupOut(
        organization_id=rollup.organization_id,
        year=rollup.year,
        term=rollup.term,
        first_day=rollup.first_day,
        last_day=rollup.last_day,
        unions=[
            UnionDisclosuresOut(
                organization_id=u.organization_id,
                name=u.name,
                disclosed=u.disclosed,
                last_published_on=u.last_published_on,
                publications=[PublicationOut(**p.__dict__) for p in u.publications],
            )
            for u in rollup.unions
        ],
        unions_disclosed=sum(1 for u in rollup.unions if u.disclosed),
        unions_without=[u.organization_id for u in rollup.without],
    )
