"""Hardship files, visits, grants and the welfare report over HTTP.

Money is integer fen (strict: 12.5 and "1200" are refused). Times are stored in UTC and
answered in Asia/Shanghai (+08:00).
"""

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from unionfed_shared import business_time
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.documents import downloads, pdf, printed_form, spreadsheet
from unionfed_shared.idempotent_routes import IdempotentRoute, exempt
from unionfed_shared.openapi_examples import example
from unionfed_shared.paging import DEFAULT_LIMIT, Cursor, Limit
from unionfed_shared.problems import language_of
from unionfed_shared.wire_values import Day
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.entrypoints.dependencies import CurrentRuntime
from unionfed_welfare.service_layer import grant_form, welfare_reports, welfare_sheets
from unionfed_welfare.service_layer import grants as grant_service
from unionfed_welfare.service_layer import hardship as hardship_service
from unionfed_welfare.service_layer.commands import (
    ApproveGrant,
    CancelGrant,
    CloseFile,
    HardshipLevel,
    OpenFile,
    RecordGrant,
    ReviewFile,
    VisitPolicy,
    VisitType,
)

router = APIRouter(prefix="/v1", tags=["hardship and grants"], route_class=IdempotentRoute)
# Timestamps in answers carry Beijing's offset (the same instant whatever the zone); business
# dates are computed in the federation's zone (unionfed_shared.business_time).
SHANGHAI = business_time.DEFAULT_ZONE

# `format=xlsx` answers the same report as a sheet to download (headers in the caller's language).
SheetFormat = Annotated[Literal["json", "xlsx"], Query(alias="format", description="`xlsx` for an Excel sheet")]


class Refusal(BaseModel):
    code: str
    detail: str  # in the caller's language


class SameOccasion(BaseModel):
    id: uuid.UUID
    organization_id: str
    occasion_on: dt.date
    occasion_ref: str
    amount_fen: int
    status: str
    taken: bool  # the very occasion (same date and reference): recording it again is refused


class GrantPreview(BaseModel):
    member_id: uuid.UUID
    member_name: str
    year: int
    money_fen: int
    goods_fen: int
    amount_fen: int
    yearly_cap_fen: int
    granted_this_year_fen: int
    cap_left_fen: int
    cap_refusal: Refusal | None  # what recording would answer: refused by the yearly cap
    same_occasion: list[SameOccasion]  # the member's grants of this visit type this year, not cancelled


class ReportGrantLine(BaseModel):
    """One union's visits of one type: made in the period (by occasion) and paid in it (by payment)."""

    organization_id: str
    visit_type: VisitType
    visit_label: str
    visits: int
    granted_fen: int
    paid: int
    paid_fen: int
    paid_money_fen: int
    paid_goods_fen: int


class ReportHardshipLine(BaseModel):
    """One union's hardship files of one level: open at the period's end, opened and closed in it."""

    organization_id: str
    level: HardshipLevel
    level_label: str
    open: int
    opened: int
    closed: int


class ReportOutsideHelpLine(BaseModel):
    """Help to non-members (``person``) or to one kind of organization: given in the period (by its
    date) with the people it reached, and paid in it (by payment), cash and goods apart."""

    group: Literal["person", "village_school", "migrant_workers", "community", "other"]
    group_label: str
    given: int
    people_reached: int
    granted_fen: int
    paid: int
    paid_fen: int
    paid_money_fen: int
    paid_goods_fen: int


class ReportTotals(BaseModel):
    visits: int
    granted_fen: int
    grants_paid: int
    grants_paid_fen: int
    welfare_paid_fen: int  # every welfare hold paid in the tree (greetings too): the ledger account's total
    ledger_account: str


class WelfareReport(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    organization_id: str
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    grants: list[ReportGrantLine]  # by union, then visit type
    hardship_files: list[ReportHardshipLine]
    outside_help: list[ReportOutsideHelpLine]  # help beyond the members, by kind of recipient
    totals: ReportTotals


def local(value):
    """Answers in Asia/Shanghai: every aware datetime, however deep."""
    if isinstance(value, dt.datetime):
        return value.astimezone(SHANGHAI)
    if isinstance(value, dict):
        return {k: local(v) for k, v in value.items()}
    if isinstance(value, list):
        return [local(v) for v in value]
    return value


# Hardship files


@router.post("/organizations/{organization_id}/hardship-files", status_code=status.HTTP_201_CREATED)
async def open_file(
    organization_id: str,
    body: Annotated[
        OpenFile,
        example(
            "A member with a serious illness",
            {
                "member_id": "0b6f3c5e-5d0a-4c1e-9a57-2f1f4a9b8c11",
                "level": "hardship",
                "cause": "serious_illness",
                "cause_detail": "本人重病住院",
                "opened_on": "2026-11-05",
                "next_review_on": "2027-05-05",
            },
        ),
    ],
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
):
    async with runtime.uow() as uow:
        return local(await hardship_service.open_file(uow, principal, organization_id, body))


@router.get("/organizations/{organization_id}/hardship-files")
async def files(organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await hardship_service.files_of(uow, principal, organization_id))


@router.get("/organizations/{organization_id}/hardship-files/due-for-review")
async def due_for_review(
    organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime, on: Day | None = None
):
    async with runtime.uow() as uow:
        day = on or await grant_service.federation_today(uow, organization_id)
        return local(await hardship_service.files_of(uow, principal, organization_id, due_on=day))


@router.get("/hardship-files/{file_id}")
async def file(file_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await hardship_service.read(uow, principal, file_id))


@router.post("/hardship-files/{file_id}/reviews")
async def review_file(file_id: uuid.UUID, body: ReviewFile, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await hardship_service.review(uow, principal, file_id, body))


@router.post("/hardship-files/{file_id}/closure")
async def close_file(file_id: uuid.UUID, body: CloseFile, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await hardship_service.close(uow, principal, file_id, body))


# The federation's visit policy


@router.put("/federations/{federation_id}/visit-policy")
async def set_policy(federation_id: str, body: VisitPolicy, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await grant_service.set_policy(uow, principal, federation_id, body))


@router.get("/federations/{federation_id}/visit-policy")
async def get_policy(federation_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await grant_service.policy(uow, principal, federation_id))


# Grants


@router.post("/organizations/{organization_id}/grants", status_code=status.HTTP_201_CREATED)
async def record_grant(
    organization_id: str,
    body: Annotated[
        RecordGrant,
        example(
            "A hospital visit with fruit and a standard grant",
            {
                "member_id": "0b6f3c5e-5d0a-4c1e-9a57-2f1f4a9b8c11",
                "visit_type": "hospitalised",
                "occasion_on": "2026-11-03",
                "occasion_ref": "住院号 2026-11873",
                "goods": [{"item": "水果篮", "quantity": 1, "unit": "个", "value_fen": 10000}],
            },
        ),
    ],
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
):
    async with runtime.uow() as uow:
        return local(await grant_service.record(uow, principal, organization_id, body))


@router.post(
    "/organizations/{organization_id}/grants/preview",
    response_model=GrantPreview,
    summary="What recording this grant would give, before it is recorded",
)
@exempt("a preview writes nothing")
async def preview_grant(
    organization_id: str, body: RecordGrant, request: Request, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> GrantPreview:
    """The same checks as recording (a refusal of the input is the same problem); the member's
    yearly cap, what is left of it and the refusal recording would meet, and the member's grants
    of the same visit type in the same year (`taken`: this very occasion). Nothing is written."""
    async with runtime.uow() as uow:
        found = await grant_service.preview(uow, principal, organization_id, body)
    refusal = found["cap_refusal"]
    return GrantPreview(
        **{
            **found,
            "cap_refusal": Refusal(code=refusal.code, detail=refusal.text(language_of(request))) if refusal else None,
        }
    )


@router.get(
    "/organizations/{organization_id}/grants",
    summary="Grants of the organization's subtree, a page at a time (or all of them as a sheet)",
    responses=spreadsheet.openapi_responses(
        "A page of grants as JSON, or with `format=xlsx` every grant the filter finds as an Excel sheet"
    ),
)
async def grants_of(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    status_: Literal["recorded", "approved", "cancelled"] | None = Query(default=None, alias="status"),
    visit_type: VisitType | None = Query(default=None),
    member_id: uuid.UUID | None = None,
    occasion_from: Day | None = Query(default=None, alias="from", description="Occasion date, inclusive"),
    occasion_to: Day | None = Query(default=None, alias="to", description="Occasion date, inclusive"),
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    output: SheetFormat = "json",
):
    """By occasion date, then as recorded. Pass the answer's `next_cursor` as `cursor` for the next
    page; it is null on the last. Answers `{"items": [...], "next_cursor": ...}`. The sheet
    (`format=xlsx`) holds every grant the filter finds, members and unions by name."""
    wanted = grant_service.GrantFilter(
        status=status_,
        visit_type=visit_type,
        member_id=member_id,
        occasion_from=occasion_from,
        occasion_to=occasion_to,
    )
    if output == "xlsx":
        language = language_of(request)
        async with runtime.uow() as uow:
            every = await grant_service.all_grants_of(uow, principal, organization_id, wanted)
            names = await directory.names_of(uow.session, {organization_id} | {g["organization_id"] for g in every})
        return spreadsheet.xlsx_download(
            welfare_sheets.grants_filename(language, names.get(organization_id, organization_id)),
            welfare_sheets.GRANTS_TITLE[language],
            welfare_sheets.GRANT_HEADERS[language],
            welfare_sheets.grant_rows(every, names, language),
        )
    async with runtime.uow() as uow:
        found, next_cursor = await grant_service.grants_of(uow, principal, organization_id, wanted, cursor, limit)
    return {"items": local(found), "next_cursor": next_cursor}


@router.get(
    "/grants/{grant_id}",
    responses=pdf.openapi_responses(
        "The grant (JSON), or with `format=pdf` its 慰问金（品）领取单 to print: the member and their union, "
        "the occasion, the money in figures and in capitals, the goods with their value, the approval "
        "state and the lines for the recipient, the officer and the reviewer to sign"
    ),
)
async def grant(
    grant_id: uuid.UUID,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    output: Annotated[pdf.JsonOrPdf, pdf.format_query("the 慰问金（品）领取单")] = "json",
):
    async with runtime.uow() as uow:
        if output == "pdf":
            return await _receipt(uow, *await grant_service.read_with_member_union(uow, principal, grant_id))
        return local(await grant_service.read(uow, principal, grant_id))


async def _receipt(uow, grant: dict, member_union: str) -> Response:
    head = await printed_form.letterhead(directory, uow.session, grant["organization_id"])
    page = grant_form.render_receipt(grant, head, member_union=member_union, printed_at=business_time.utc_now())
    return downloads.attachment(await pdf.render_pdf(page), pdf.MEDIA_TYPE, grant_form.file_name(grant, head))


@router.post("/grants/{grant_id}/approval")
async def approve_grant(grant_id: uuid.UUID, body: ApproveGrant, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await grant_service.approve(uow, principal, grant_id, body))


@router.post("/grants/{grant_id}/cancellation")
async def cancel_grant(grant_id: uuid.UUID, body: CancelGrant, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await grant_service.cancel(uow, principal, grant_id, body))


# Report


@router.get(
    "/organizations/{organization_id}/welfare-report",
    response_model=WelfareReport,
    summary="Visits, grants paid and hardship files of the organization's subtree in a period, by union",
    responses=spreadsheet.openapi_responses("The report as JSON, or with `format=xlsx` as an Excel sheet"),
)
async def welfare_report(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    start: Annotated[Day, Query(alias="from")],
    end: Annotated[Day, Query(alias="to")],
    output: SheetFormat = "json",
):
    async with runtime.uow() as uow:
        report = await welfare_reports.report(uow, principal, organization_id, start, end)
        if output == "json":
            return local(report)
        names = await directory.names_of(uow.session, {line["organization_id"] for line in report["grants"]})
    language = language_of(request)
    return spreadsheet.xlsx_download(
        welfare_sheets.report_filename(language, start, end),
        welfare_sheets.REPORT_TITLE[language],
        welfare_sheets.REPORT_HEADERS[language],
        welfare_sheets.report_rows(report, names, language),
    )
