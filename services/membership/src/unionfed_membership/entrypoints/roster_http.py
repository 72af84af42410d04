"""HTTP for dues (policy, a month's collection, arrears), roster import/export and membership reports."""

import datetime as dt
import json
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, File, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from unionfed_membership.domain.dues import Arrears, DuesPolicy, Outcome
from unionfed_membership.domain.model import PERIOD_PATTERN, MemberStatus, Organization, Period
from unionfed_membership.entrypoints import import_progress
from unionfed_membership.entrypoints.dependencies import CurrentRuntime
from unionfed_membership.service_layer import dues, dues_sheets, membership_reports, roster_export, roster_import
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.documents import downloads, spreadsheet
from unionfed_shared.idempotent_routes import IdempotentRoute, exempt
from unionfed_shared.problems import ProblemResponse, language_of, problem_response
from unionfed_shared.wire_values import Day

router = APIRouter(prefix="/v1", tags=["membership dues, rosters and reports"], route_class=IdempotentRoute)


class DuesPolicyOut(BaseModel):
    federation_id: str
    valid_from: dt.date
    rate_per_mille: int
    exempt_statuses: list[MemberStatus]
    exempt_member_ids: list[uuid.UUID]

    @classmethod
    def of(cls, p: DuesPolicy) -> "DuesPolicyOut":
        return cls(
            federation_id=p.federation_id,
            valid_from=p.valid_from,
            rate_per_mille=p.rate_per_mille,
            exempt_statuses=sorted(p.exempt_statuses),
            exempt_member_ids=sorted(p.exempt_member_ids),
        )


@router.put("/federations/{federation_id}/dues-policies/{valid_from}", response_model=DuesPolicyOut)
async def set_dues_policy(
    federation_id: str,
    valid_from: Day,
    body: dues.SetDuesPolicy,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> DuesPolicyOut:
    """The federation's dues rule from ``valid_from`` on (federation admins): rate and exemptions."""
    async with runtime.uow() as uow:
        return DuesPolicyOut.of(await dues.set_policy(uow, principal, federation_id, valid_from, body))


@router.get("/federations/{federation_id}/dues-policies", response_model=list[DuesPolicyOut])
async def list_dues_policies(federation_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return [DuesPolicyOut.of(p) for p in await dues.policies(uow, principal, federation_id)]


class MemberDuesOut(BaseModel):
    member_id: uuid.UUID
    display_name: str
    organization_id: str
    status: str
    outcome: Outcome
    amount_fen: int | None = Field(description="what the member owes; null unless the outcome is `due`")
    reason: str
    paid: bool


class DuesMonthSummaryOut(BaseModel):
    """What collecting the month would do now: the same split ``dues-collections`` answers."""

    members: int
    to_collect: int = Field(description="members who owe the month and have not paid it")
    to_collect_total_fen: int = Field(description="the total a collection run now would take")
    already_paid: int
    exempt: int = Field(description="exempt by status or by name in the policy, not paid")
    not_collected: int = Field(description="not exempt and not collectable: no base salary, joined later, …")


class DuesOfMonthOut(BaseModel):
    organization_id: str
    period: str
    summary: DuesMonthSummaryOut
    members: list[MemberDuesOut]


@router.get("/organizations/{organization_id}/dues", response_model=DuesOfMonthOut)
async def dues_of_month(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    period: Annotated[Period, Query(json_schema_extra={"pattern": PERIOD_PATTERN}, examples=["2026-11"])],
) -> DuesOfMonthOut:
    """What each member of the subtree owes for a month, and whether it was paid: the preview of a collection."""
    async with runtime.uow() as uow:
        found = await dues.assessments(uow, principal, organization_id, period)
    members = [
        MemberDuesOut(
            member_id=m.id,
            display_name=m.display_name,
            organization_id=m.organization_id,
            status=m.status,
            outcome=a.outcome,
            amount_fen=a.amount_fen,
            reason=a.reason,
            paid=paid,
        )
        for m, a, paid in found
    ]
    unpaid = [m for m in members if not m.paid]
    to_collect = [m for m in unpaid if m.outcome == "due" and m.amount_fen]
    exempt = [m for m in unpaid if m.outcome == "exempt"]
    return DuesOfMonthOut(
        organization_id=organization_id,
        period=period,
        summary=DuesMonthSummaryOut(
            members=len(members),
            to_collect=len(to_collect),
            to_collect_total_fen=sum(m.amount_fen or 0 for m in to_collect),
            already_paid=len(members) - len(unpaid),
            exempt=len(exempt),
            not_collected=len(unpaid) - len(to_collect) - len(exempt),
        ),
        members=members,
    )


class CollectedPaymentOut(BaseModel):
    payment_id: uuid.UUID
    member_id: uuid.UUID
    display_name: str
    amount_fen: int


class NotCollectedOut(BaseModel):
    member_id: uuid.UUID
    display_name: str
    outcome: Outcome
    reason: str


class DuesCollectionOut(BaseModel):
    organization_id: str
    period: str
    rate_per_mille: int
    collected: int
    collected_total_fen: int
    already_paid: int
    not_collected: int
    payments: list[CollectedPaymentOut]
    not_collected_members: list[NotCollectedOut]


@router.post("/organizations/{organization_id}/dues-collections", response_model=DuesCollectionOut)
async def collect_dues(
    organization_id: str, body: dues.CollectDues, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> DuesCollectionOut:
    """Collect a month for a union: one payment per member who owes it, sent to finance in chunks of
    up to 1,000 members (one DuesBatchCollected event and one journal posting each).

    Running it again for the same month collects nothing twice.
    """
    async with runtime.uow() as uow:
        c = await dues.collect_month(uow, principal, organization_id, body)
    return DuesCollectionOut(
        organization_id=c.organization_id,
        period=c.period,
        rate_per_mille=c.rate_per_mille,
        collected=len(c.collected),
        collected_total_fen=c.total_fen,
        already_paid=len(c.already_paid),
        not_collected=len(c.not_collected),
        payments=[
            CollectedPaymentOut(payment_id=p.id, member_id=m.id, display_name=m.display_name, amount_fen=p.amount_fen)
            for m, p in c.collected
        ],
        not_collected_members=[
            NotCollectedOut(member_id=m.id, display_name=m.display_name, outcome=a.outcome, reason=a.reason)
            for m, a in c.not_collected
        ],
    )


class UnionCollectionOut(BaseModel):
    organization_id: str
    collected: int
    collected_total_fen: int
    already_paid: int
    not_collected: int


class FederationDuesCollectionOut(BaseModel):
    """A month collected for every union of a federation: the totals and each union's counts (the
    members themselves are in each union's ``dues`` view and payments)."""

    federation_id: str
    period: str
    rate_per_mille: int
    collected: int
    collected_total_fen: int
    already_paid: int
    not_collected: int
    unions: list[UnionCollectionOut]


@router.post("/federations/{federation_id}/dues-collections", response_model=FederationDuesCollectionOut)
async def collect_federation_dues(
    federation_id: str, body: dues.CollectDues, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> FederationDuesCollectionOut:
    """Collect a month for every union of a federation in one request and one transaction (the
    federation's officers): each union as its own ``dues-collections`` would, in chunks of up to
    1,000 members to finance. Running it again collects nothing twice.
    """
    async with runtime.uow() as uow:
        collections = await dues.collect_federation_month(uow, principal, federation_id, body)
    unions = [
        UnionCollectionOut(
            organization_id=c.organization_id,
            collected=len(c.collected),
            collected_total_fen=c.total_fen,
            already_paid=len(c.already_paid),
            not_collected=len(c.not_collected),
        )
        for c in collections
    ]
    return FederationDuesCollectionOut(
        federation_id=federation_id,
        period=body.period,
        rate_per_mille=collections[0].rate_per_mille if collections else 0,
        collected=sum(u.collected for u in unions),
        collected_total_fen=sum(u.collected_total_fen for u in unions),
        already_paid=sum(u.already_paid for u in unions),
        not_collected=sum(u.not_collected for u in unions),
        unions=unions,
    )


class UnpaidMonthOut(BaseModel):
    period: str
    amount_fen: int | None = Field(description="null when the member has no base salary recorded")
    reason: str


class MemberArrearsOut(BaseModel):
    member_id: uuid.UUID
    display_name: str
    organization_id: str
    total_fen: int
    periods_without_amount: int = Field(description="unpaid months whose amount is unknown (no base salary)")
    periods: list[UnpaidMonthOut]

    @classmethod
    def of(cls, a: Arrears) -> "MemberArrearsOut":
        return cls(
            member_id=a.member.id,
            display_name=a.member.display_name,
            organization_id=a.member.organization_id,
            total_fen=a.total_fen,
            periods_without_amount=a.periods_without_amount,
            periods=[
                UnpaidMonthOut(period=p.period, amount_fen=p.amount_fen, reason=p.reason or "unpaid") for p in a.unpaid
            ],
        )


class UnionArrearsOut(BaseModel):
    organization_id: str
    name: str
    members_in_arrears: int
    total_fen: int
    periods_without_amount: int


class OrganizationArrearsOut(BaseModel):
    organization_id: str
    through: str
    total_fen: int
    unions: list[UnionArrearsOut]
    members: list[MemberArrearsOut]


ARREARS_FORMATS = spreadsheet.openapi_responses(
    "The arrears as JSON, or the whole list as an .xlsx sheet with `format=xlsx`"
)


@router.get(
    "/organizations/{organization_id}/dues-arrears", response_model=OrganizationArrearsOut, responses=ARREARS_FORMATS
)
async def organization_arrears(
    request: Request,
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    through: Annotated[
        Period | None,
        Query(json_schema_extra={"pattern": PERIOD_PATTERN}, description="Last month counted; default this month"),
    ] = None,
    output: Literal["json", "xlsx"] = Query(
        default="json", alias="format", description="`xlsx` for the sheet (headers in the caller's language)"
    ),
):
    """Unpaid months per member and per union of the subtree, since joining or since the first policy."""
    async with runtime.uow() as uow:
        organizations, found = await dues.organization_arrears(uow, principal, organization_id, through)
    union_of = _union_of(organizations)
    name_of = {o.id: o.name for o in organizations}
    unions: dict[str, UnionArrearsOut] = {}
    for a in found:
        union = union_of.get(a.member.organization_id, a.member.organization_id)
        entry = unions.setdefault(
            union,
            UnionArrearsOut(
                organization_id=union,
                name=name_of.get(union, union),
                members_in_arrears=0,
                total_fen=0,
                periods_without_amount=0,
            ),
        )
        entry.members_in_arrears += 1
        entry.total_fen += a.total_fen
        entry.periods_without_amount += a.periods_without_amount
    # The subtree comes root first: its zone is the federation's.
    through = through or dues.current_period(organizations[0].zone)
    if output == "xlsx":
        language: dues_sheets.Language = "en" if language_of(request) == "en" else "zh"
        return dues_sheets.arrears_download(found, name_of, union_of, language, name_of[organization_id], through)
    return OrganizationArrearsOut(
        organization_id=organization_id,
        through=through,
        total_fen=sum(a.total_fen for a in found),
        unions=list(unions.values()),
        members=[MemberArrearsOut.of(a) for a in found],
    )


@router.get("/members/{member_id}/dues-arrears", response_model=MemberArrearsOut)
async def member_arrears(
    member_id: uuid.UUID,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    through: Annotated[Period | None, Query(json_schema_extra={"pattern": PERIOD_PATTERN})] = None,
) -> MemberArrearsOut:
    async with runtime.uow() as uow:
        return MemberArrearsOut.of(await dues.member_arrears(uow, principal, member_id, through))


def _union_of(organizations: list[Organization]) -> dict[str, str]:
    kinds = {o.id: o.kind for o in organizations}
    return {
        o.id: o.parent_id
        if o.kind == "union_group" and o.parent_id is not None and kinds.get(o.parent_id) == "grassroots_union"
        else o.id
        for o in organizations
    }


class SkippedRowOut(BaseModel):
    line: int = Field(description="the row's line in the file (the header is line 1)")
    member_id: str
    reason: str


class RefusedRowOut(BaseModel):
    line: int = Field(description="the row's line in the file (the header is line 1)")
    code: str = Field(
        description="stable name of the refusal, e.g. roster_gender_unknown", examples=["roster_name_missing"]
    )
    reason: str = Field(description="why, in the caller's language (Accept-Language)")


class RosterImportOut(BaseModel):
    organization_id: str
    filename: str
    imported: bool = Field(description="false on a dry run, and when bad rows stopped the whole file")
    dry_run: bool
    to_create: int = Field(description="on a dry run: the good rows whose people are not members yet")
    rows: int
    created: int
    skipped_already_members: int
    refused: int
    skipped: list[SkippedRowOut]
    refused_rows: list[RefusedRowOut]


# A file stopped by bad rows answers 422: a problem that carries this summary's fields too.
@router.post(
    "/organizations/{organization_id}/roster-imports",
    response_model=RosterImportOut,
    responses={
        200: {
            "content": {
                import_progress.MEDIA_TYPE: {
                    "schema": {"type": "string"},
                    "example": '{"done": 120, "total": 480}\n{"summary": {"created": 480, "...": "..."}}\n',
                }
            },
            "description": "The summary; asked as NDJSON, a line per step of the import and then the summary",
        }
    },
)
@exempt("a re-import skips everyone already enrolled; one transaction per member on purpose")
async def import_roster(
    request: Request,
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    file: UploadFile = File(description="The roster: .xlsx or .csv (UTF-8 or GB18030)"),
    import_valid_rows: bool = Query(default=False, description="Import the good rows of a file that has bad ones"),
    dry_run: bool = Query(
        default=False,
        description="Check the file and answer what an import would do (refused rows, members already there); "
        "import nothing",
    ),
):
    """Import members from an .xlsx or .csv roster (Chinese or English headers).

    Every row is checked first; bad rows come back with their Excel line number (header = 1).
    A file with bad rows imports nothing (422) unless ``import_valid_rows=true``; ``dry_run=true``
    answers the same check (200) and imports nothing, so the office sees every refusal first. People already
    in the federation (same ID number, or same staff number in the union) are skipped, never
    duplicated.
    """
    data = await file.read(roster_import.MAX_BYTES + 1)
    if len(data) > roster_import.MAX_BYTES:
        raise roster_import.RosterTooLarge(
            "roster_too_large",
            zh=f"上传文件超过 {roster_import.MAX_BYTES} 字节的上限，请拆分后再导入",
            en=f"the upload exceeds the limit of {roster_import.MAX_BYTES} bytes; split the file",
        )
    name = file.filename or "roster.csv"
    if import_progress.wants_progress(request.headers.get("accept")) and not dry_run:
        # Checked first, so that a file with refused rows answers 422 (below) before any line is sent.
        checked = await roster_import.import_roster(runtime.uow, principal, organization_id, name, data, dry_run=True)
        if import_valid_rows or not checked.refused:
            return import_progress.streamed(
                lambda progress: roster_import.import_roster(
                    runtime.uow, principal, organization_id, name, data, import_valid_rows=True, progress=progress
                ),
                language_of(request),
            )
    summary = await roster_import.import_roster(
        runtime.uow, principal, organization_id, name, data, import_valid_rows=import_valid_rows, dry_run=dry_run
    )
    body = summary.as_dict(language_of(request))
    if not summary.imported and not summary.dry_run:
        valid = summary.rows - len(summary.refused)
        refusal = problem_response(
            request,
            status=422,
            category="invalid",
            code="roster_rows_invalid",
            texts={
                "zh-CN": f"{len(summary.refused)} 行有误，未导入任何成员（import_valid_rows=true 可导入其余 {valid} 行）",
                "en": f"{len(summary.refused)} row(s) are invalid; nothing was imported "
                f"(import_valid_rows=true imports the other {valid})",
            },
        )
        # The problem carries the summary (refused_rows with their line numbers) as extension members.
        document = json.loads(bytes(refusal.body))
        language_headers = {k: v for k, v in refusal.headers.items() if k in ("content-language", "vary")}
        return ProblemResponse({**document, **body}, status_code=422, headers=language_headers)
    return body


@router.get(
    "/organizations/{organization_id}/roster",
    response_class=Response,
    responses={
        200: {
            "description": "The roster file: a spreadsheet (`format=xlsx`) or CSV (`format=csv`)",
            "content": {
                roster_export.MEDIA_TYPES["xlsx"]: {"schema": {"type": "string", "format": "binary"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
async def export_roster(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    format: Literal["xlsx", "csv"] = "xlsx",
    lang: Literal["zh", "en"] = "zh",
) -> Response:
    """The members of the organization and everything under it; ID numbers and phones masked."""
    async with runtime.uow() as uow:
        root, rows = await roster_export.roster_rows(uow, principal, organization_id, lang)
    content = roster_export.to_csv(rows, lang) if format == "csv" else roster_export.to_xlsx(rows, lang)
    return downloads.attachment(content, roster_export.MEDIA_TYPES[format], f"roster-{root.id}.{format}")


@router.put("/organizations/{organization_id}/staff-count")
async def set_staff_count(
    organization_id: str, body: membership_reports.SetStaffCount, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> dict:
    """The union's staff count (职工人数), the denominator of its membership rate (入会率)."""
    async with runtime.uow() as uow:
        count = await membership_reports.set_staff_count(uow, principal, organization_id, body)
    return {"organization_id": organization_id, "staff_count": count}


class MembershipFiguresOut(BaseModel):
    """One union's figures, or the tree's total; the changes count what happened between ``from`` and ``to``."""

    organization_id: str
    name: str
    staff_count: int | None
    active_members: int
    retired_members: int
    members: int
    membership_rate_percent: str | None = Field(
        description='入会率: active members over the staff count, two decimals ("66.67"); null without a staff count'
    )
    joined: int
    transferred_in: int
    transferred_out: int
    retired: int
    left: int
    deceased: int
    rejoined: int


class MembershipReportOut(BaseModel):
    organization_id: str
    first_day: dt.date = Field(alias="from")
    last_day: dt.date = Field(alias="to")
    generated_at: dt.datetime
    unions: list[MembershipFiguresOut]
    total: MembershipFiguresOut
    unions_without_staff_count: list[str]


@router.get(
    "/organizations/{organization_id}/membership-report",
    response_model=MembershipReportOut,
    responses={
        200: {
            "description": "The report as JSON, or as a CSV file with `format=csv`, or as an Excel sheet with "
            "`format=xlsx` (headers in the caller's language)",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                **spreadsheet.openapi_responses("")[200]["content"],
            },
        }
    },
)
async def membership_report(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    first_day: Day | None = Query(default=None, alias="from", description="Default: 1 January of `to`'s year"),
    last_day: Day | None = Query(default=None, alias="to", description="Default: today in the federation's time zone"),
    format: Literal["json", "csv", "xlsx"] = "json",
):
    """Members and membership rate per union and for the tree; joins, leaves, transfers, retirements."""
    async with runtime.uow() as uow:
        report = await membership_reports.membership_report(uow, principal, organization_id, first_day, last_day)
    if format == "xlsx":
        language = language_of(request)
        return spreadsheet.xlsx_download(
            membership_reports.sheet_filename(report, language),
            membership_reports.SHEET_TITLE[language],
            membership_reports.SHEET_HEADERS[language],
            membership_reports.sheet_rows(report, language),
        )
    if format == "csv":
        return downloads.attachment(
            membership_reports.report_csv(report), "text/csv; charset=utf-8", f"membership-{report.root.id}.csv"
        )
    return report.as_dict()
