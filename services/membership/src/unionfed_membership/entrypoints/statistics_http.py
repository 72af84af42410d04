"""HTTP for statistics reports that roll up (工会月报 / 工会统计年报): forms, a union's reports and their
workflow, an upper union's status board and roll-up (with a figure's trace), as JSON or .xlsx."""

import datetime as dt
import uuid
from typing import Literal

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel, Field

from unionfed_membership.domain.statistics_reports import (
    BoardState,
    ReportForm,
    ReportKind,
    ReportState,
    Row,
    StatisticsReport,
)
from unionfed_membership.entrypoints.dependencies import CurrentRuntime
from unionfed_membership.service_layer import clock, commands, report_layouts, statistics_reports, statistics_sheets
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.documents import spreadsheet
from unionfed_shared.idempotent_routes import IdempotentRoute

router = APIRouter(prefix="/v1", tags=["membership statistics reports"], route_class=IdempotentRoute)

Kind = Query(description="monthly 月报 or annual 年报")
PeriodQuery = Query(min_length=4, max_length=7, description="YYYY-MM for a monthly report, YYYY for an annual one")
Format = Query(default="json", alias="format", description="`xlsx` for an Excel sheet")
LayoutQuery = Query(
    default=None,
    description="with `format=xlsx`: a version of one of the federation's export layouts (report-layouts); "
    "by default the form's own order",
)


class ReportManualIndicatorOut(BaseModel):
    code: str
    zh: str
    en: str
    unit: str


class ReportFormOut(BaseModel):
    federation_id: str
    kind: ReportKind
    version: int = Field(description="0: the standard form, for a federation that has defined none")
    indicators: list[str]
    manual: list[ReportManualIndicatorOut]
    deadline_days: int = Field(description="due this many days after the period's last day")

    @classmethod
    def of(cls, f: ReportForm) -> "ReportFormOut":
        return cls(
            federation_id=f.federation_id,
            kind=f.kind,
            version=f.version,
            indicators=list(f.indicators),
            manual=[ReportManualIndicatorOut(code=m.code, zh=m.zh, en=m.en, unit=m.unit) for m in f.manual],
            deadline_days=f.deadline_days,
        )


class ReportRowOut(BaseModel):
    code: str
    zh: str
    en: str
    unit: str = Field(description="count, or fen for an amount")
    value: int | None = Field(description="null: not known yet (a section not in, a figure not typed in)")
    source: str = Field(description="membership, welfare, events, finance, or manual (typed in, with a note)")
    note: str

    @classmethod
    def of(cls, r: Row) -> "ReportRowOut":
        return cls(code=r.code, zh=r.zh, en=r.en, unit=r.unit, value=r.value, source=r.source, note=r.note)


class StatisticsReportOut(BaseModel):
    id: uuid.UUID
    organization_id: str
    kind: ReportKind
    period: str
    version: int
    form_version: int
    period_start: dt.date
    period_end: dt.date
    deadline: dt.date
    state: ReportState
    board_state: BoardState = Field(description="open told apart: collecting (sections or figures missing) or ready")
    request_id: uuid.UUID
    sections_missing: list[str]
    manual_missing: list[str]
    rows: list[ReportRowOut]
    membership_rate_per_mille: int | None = Field(description="入会率: working members per thousand staff")
    return_reason: str | None
    submitted_by: str | None
    submitted_at: dt.datetime | None
    reviewed_by: str | None
    reviewed_at: dt.datetime | None

    @classmethod
    def of(cls, r: StatisticsReport) -> "StatisticsReportOut":
        return cls(
            id=r.id,
            organization_id=r.organization_id,
            kind=r.kind,
            period=r.period,
            version=r.version,
            form_version=r.form.version,
            period_start=r.period_start,
            period_end=r.period_end,
            deadline=r.deadline,
            state=r.state,
            board_state=r.board_state,
            request_id=r.request_id,
            sections_missing=r.sections_missing,
            manual_missing=r.manual_missing,
            rows=[ReportRowOut.of(x) for x in r.rows()],
            membership_rate_per_mille=r.membership_rate_per_mille,
            return_reason=r.return_reason,
            submitted_by=r.submitted_by,
            submitted_at=r.submitted_at,
            reviewed_by=r.reviewed_by,
            reviewed_at=r.reviewed_at,
        )


@router.get("/federations/{federation_id}/report-forms", response_model=list[ReportFormOut])
async def report_forms(federation_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[ReportFormOut]:
    """Every version of the federation's monthly and annual forms, newest first (the standard form
    stands for a kind the federation has not defined)."""
    async with runtime.uow() as uow:
        return [ReportFormOut.of(f) for f in await statistics_reports.forms(uow, principal, federation_id)]


@router.post("/federations/{federation_id}/report-forms", response_model=ReportFormOut, status_code=201)
async def define_report_form(
    federation_id: str, body: commands.DefineReportForm, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> ReportFormOut:
    """A new version of the form: reports opened from now on use it; those opened keep theirs."""
    async with runtime.uow() as uow:
        return ReportFormOut.of(await statistics_reports.define_form(uow, principal, federation_id, body))


@router.post("/organizations/{organization_id}/statistics-reports", response_model=StatisticsReportOut, status_code=201)
async def open_statistics_report(
    organization_id: str, body: commands.OpenStatisticsReport, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> StatisticsReportOut:
    """Open the union's report for a period: membership's figures are computed now, welfare's,
    events' and finance's are asked for and arrive as they answer."""
    async with runtime.uow() as uow:
        return StatisticsReportOut.of(await statistics_reports.open_report(uow, principal, organization_id, body))


@router.get("/organizations/{organization_id}/statistics-reports", response_model=list[StatisticsReportOut])
async def statistics_reports_of(
    organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[StatisticsReportOut]:
    """The union's reports, newest period first, every version kept."""
    async with runtime.uow() as uow:
        return [StatisticsReportOut.of(r) for r in await statistics_reports.reports_of(uow, principal, organization_id)]


@router.get(
    "/statistics-reports/{report_id}",
    response_model=StatisticsReportOut,
    responses=spreadsheet.openapi_responses(
        "The report, or with `format=xlsx` as an Excel sheet (a row per indicator, or in the `layout` given)"
    ),
)
async def statistics_report(
    report_id: uuid.UUID,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    output: Literal["json", "xlsx"] = Format,
    layout: uuid.UUID | None = LayoutQuery,
) -> StatisticsReportOut | Response:
    async with runtime.uow() as uow:
        found = await statistics_reports.report(uow, principal, report_id)
        union = await uow.organizations.get(found.organization_id)
        chosen = (
            await report_layouts.layout_for(uow, found.federation_id, found.kind, layout)
            if output == "xlsx" and layout
            else None
        )
    if chosen is not None and union is not None:
        filename, form = statistics_sheets.report_in_layout(
            found, chosen, union.name, union.zone, clock.today(union.zone)
        )
        return spreadsheet.form_download(filename, form)
    if output == "xlsx":
        filename, title, rows = statistics_sheets.report_sheet(found, union.name if union else found.organization_id)
        return spreadsheet.xlsx_download(filename, title, statistics_sheets.HEADERS, rows)
    return StatisticsReportOut.of(found)


@router.put("/statistics-reports/{report_id}/manual-figures", response_model=StatisticsReportOut)
async def fill_statistics_report(
    report_id: uuid.UUID, body: commands.FillStatisticsReport, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> StatisticsReportOut:
    """Type in the figures the platform cannot know, each with a note (others typed before stay)."""
    async with runtime.uow() as uow:
        return StatisticsReportOut.of(await statistics_reports.fill(uow, principal, report_id, body))


@router.post("/statistics-reports/{report_id}/refresh", response_model=StatisticsReportOut)
async def refresh_statistics_report(
    report_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> StatisticsReportOut:
    """Compute an open or returned report again (a new request: answers to the old one are ignored)."""
    async with runtime.uow() as uow:
        return StatisticsReportOut.of(await statistics_reports.refresh(uow, principal, report_id))


@router.post("/statistics-reports/{report_id}/submission", response_model=StatisticsReportOut)
async def submit_statistics_report(
    report_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> StatisticsReportOut:
    """Submit to the level above: every section in and every manual figure typed in."""
    async with runtime.uow() as uow:
        return StatisticsReportOut.of(await statistics_reports.submit(uow, principal, report_id))


@router.post("/statistics-reports/{report_id}/return", response_model=StatisticsReportOut)
async def return_statistics_report(
    report_id: uuid.UUID, body: commands.ReturnWithReason, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> StatisticsReportOut:
    """The level above returns a submitted report with a reason; the union puts it right and submits again."""
    async with runtime.uow() as uow:
        return StatisticsReportOut.of(await statistics_reports.return_report(uow, principal, report_id, body))


@router.post("/statistics-reports/{report_id}/acceptance", response_model=StatisticsReportOut)
async def accept_statistics_report(
    report_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> StatisticsReportOut:
    """The level above accepts a submitted report: it is locked and counts in the roll-ups above."""
    async with runtime.uow() as uow:
        return StatisticsReportOut.of(await statistics_reports.accept(uow, principal, report_id))


@router.post("/statistics-reports/{report_id}/corrections", response_model=StatisticsReportOut, status_code=201)
async def correct_statistics_report(
    report_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> StatisticsReportOut:
    """Open version n+1 of an accepted report; the accepted one is kept and counts until the correction is accepted."""
    async with runtime.uow() as uow:
        return StatisticsReportOut.of(await statistics_reports.correct(uow, principal, report_id))


class StatisticsBoardLineOut(BaseModel):
    organization_id: str
    name: str
    state: BoardState
    late: bool = Field(description="past the deadline and not submitted")
    deadline: dt.date
    report_id: uuid.UUID | None
    version: int | None


class StatisticsBoardOut(BaseModel):
    organization_id: str
    kind: ReportKind
    period: str
    today: dt.date = Field(description="today in the federation's time zone")
    lines: list[StatisticsBoardLineOut]


@router.get("/organizations/{organization_id}/statistics-board", response_model=StatisticsBoardOut)
async def statistics_board(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    kind: ReportKind = Kind,
    period: str = PeriodQuery,
) -> StatisticsBoardOut:
    """Each union directly under the organization, for the period: not opened, collecting, ready,
    submitted, returned or accepted, and late."""
    async with runtime.uow() as uow:
        found = await statistics_reports.board(uow, principal, organization_id, kind, period)
    return StatisticsBoardOut(
        organization_id=found.organization.id,
        kind=found.kind,
        period=found.period,
        today=found.today,
        lines=[
            StatisticsBoardLineOut(
                organization_id=line.organization_id,
                name=line.name,
                state=line.state,
                late=line.late,
                deadline=line.deadline,
                report_id=line.report.id if line.report else None,
                version=line.report.version if line.report else None,
            )
            for line in found.lines
        ],
    )


class CountedReportOut(BaseModel):
    organization_id: str
    name: str
    report_id: uuid.UUID
    version: int
    state: ReportState


class StatisticsRollupOut(BaseModel):
    organization_id: str
    kind: ReportKind
    period: str
    own_report: CountedReportOut | None = Field(description="the organization's own report, its latest version")
    accepted_reports: list[CountedReportOut] = Field(description="the latest accepted version of each union below")
    rows: list[ReportRowOut]
    membership_rate_per_mille: int | None = Field(
        description="入会率 recomputed from the summed figures: (members − retired) per thousand staff"
    )


def _counted(r: StatisticsReport, names: dict[str, str]) -> CountedReportOut:
    return CountedReportOut(
        organization_id=r.organization_id,
        name=names.get(r.organization_id, r.organization_id),
        report_id=r.id,
        version=r.version,
        state=r.state,
    )


@router.get(
    "/organizations/{organization_id}/statistics-rollup",
    response_model=StatisticsRollupOut,
    responses=spreadsheet.openapi_responses(
        "The roll-up, or with `format=xlsx` as an Excel sheet (a row per indicator, or in the `layout` given)"
    ),
)
async def statistics_rollup(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    kind: ReportKind = Kind,
    period: str = PeriodQuery,
    output: Literal["json", "xlsx"] = Format,
    layout: uuid.UUID | None = LayoutQuery,
) -> StatisticsRollupOut | Response:
    """The organization's own figures plus the sum of the accepted reports of every union below it."""
    async with runtime.uow() as uow:
        upper, result, names = await statistics_reports.rollup_of(uow, principal, organization_id, kind, period)
        chosen = (
            await report_layouts.layout_for(uow, upper.federation_id, kind, layout)
            if output == "xlsx" and layout
            else None
        )
    if chosen is not None:
        filename, form = statistics_sheets.rollup_in_layout(result, chosen, upper.name, clock.today(upper.zone))
        return spreadsheet.form_download(filename, form)
    if output == "xlsx":
        filename, title, rows = statistics_sheets.rollup_sheet(result, upper.name)
        return spreadsheet.xlsx_download(filename, title, statistics_sheets.HEADERS, rows)
    return StatisticsRollupOut(
        organization_id=upper.id,
        kind=kind,
        period=period,
        own_report=_counted(result.own, names) if result.own else None,
        accepted_reports=[_counted(r, names) for r in result.accepted],
        rows=[ReportRowOut.of(r) for r in result.rows],
        membership_rate_per_mille=result.membership_rate_per_mille,
    )


class StatisticsContributionOut(BaseModel):
    organization_id: str
    name: str
    report_id: uuid.UUID
    version: int
    state: ReportState
    value: int


class StatisticsTraceOut(BaseModel):
    organization_id: str
    code: str
    total: int
    contributions: list[StatisticsContributionOut]


@router.get("/organizations/{organization_id}/statistics-rollup/trace", response_model=StatisticsTraceOut)
async def statistics_rollup_trace(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    kind: ReportKind = Kind,
    period: str = PeriodQuery,
    code: str = Query(min_length=1, max_length=40, description="the indicator code"),
) -> StatisticsTraceOut:
    """Where one figure of the roll-up came from: each report counted, with its value."""
    async with runtime.uow() as uow:
        upper, result, names = await statistics_reports.rollup_of(uow, principal, organization_id, kind, period)
    found = result.trace(code)
    return StatisticsTraceOut(
        organization_id=upper.id,
        code=code,
        total=sum(c.value for c in found),
        contributions=[
            StatisticsContributionOut(
                organization_id=c.organization_id,
                name=names.get(c.organization_id, c.organization_id),
                report_id=c.report_id,
                version=c.version,
                state=c.state,
                value=c.value,
            )
            for c in found
        ],
    )
