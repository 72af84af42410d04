"""Finance HTTP API: balances, postings and dues accounts, read-only for now."""

import datetime as dt
import uuid
from typing import Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from unionfed_finance.adapters.tables import directory
from unionfed_finance.domain.posting_search import PostingFilter
from unionfed_finance.entrypoints.dependencies import CurrentRuntime
from unionfed_finance.service_layer import report_sheets
from unionfed_finance.service_layer.permissions import BOOK_READERS
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.documents import spreadsheet
from unionfed_shared.errors import NotFound
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.paging import DEFAULT_LIMIT, MAX_LIMIT, Cursor, Limit, Page, decode_position, page_of
from unionfed_shared.problems import language_of
from unionfed_shared.wire_values import Day

router = APIRouter(prefix="/v1", tags=["finance"], route_class=IdempotentRoute)


class AccountBalance(BaseModel):
    code: str
    name: str
    name_zh: str
    type: str
    balance_fen: int
    floor_fen: int | None


class Balances(BaseModel):
    organization_id: str
    accounts: list[AccountBalance]
    total_debit_balances_fen: int
    total_credit_balances_fen: int


class PostingLineOut(BaseModel):
    line_no: int
    account_code: str
    debit_fen: int
    credit_fen: int


class PostingOut(BaseModel):
    id: uuid.UUID
    sequence: int
    effective_date: dt.date
    description: str
    total_fen: int
    source_event_id: str
    source_event_type: str
    source_topic: str
    source_partition: int
    source_offset: int
    actor: str | None
    correlation_id: str
    trace_id: str | None
    previous_hash: str
    hash: str
    recorded_at: dt.datetime
    lines: list[PostingLineOut]


class DuesAccountOut(BaseModel):
    member_id: uuid.UUID
    organization_id: str
    paid_total_fen: int
    periods_paid: int
    last_period: str | None


@router.get("/organizations/{organization_id}/ledger/balances", response_model=Balances)
async def balances(organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime) -> Balances:
    """Every account of the organization's own books, in fen."""
    async with runtime.uow() as uow:
        await directory.require_in_scope(uow.session, principal, organization_id)
        principal.require_role(*BOOK_READERS)
        rows = await uow.ledgers.balances(organization_id)
    if not rows:
        raise NotFound(
            "books_not_found",
            zh=f"{organization_id} 没有独立建账",
            en=f"{organization_id} keeps no books of its own",
        )
    debit_normal = {"asset", "expense"}
    return Balances(
        organization_id=organization_id,
        accounts=[AccountBalance(**row) for row in rows],
        total_debit_balances_fen=sum(r["balance_fen"] for r in rows if r["type"] in debit_normal),
        total_credit_balances_fen=sum(r["balance_fen"] for r in rows if r["type"] not in debit_normal),
    )


@router.get(
    "/organizations/{organization_id}/ledger/postings",
    response_model=Page[PostingOut],
    summary="The organization's ledger entries, filtered, a page at a time (or all of them as a sheet)",
    responses=spreadsheet.openapi_responses(
        "A page of entries as JSON, or with `format=xlsx` every entry the filter finds as an Excel sheet, "
        "one row per line"
    ),
)
async def postings(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    date_from: Day | None = Query(default=None, alias="from", description="Effective date, inclusive"),
    date_to: Day | None = Query(default=None, alias="to", description="Effective date, inclusive"),
    account: str | None = Query(
        default=None, min_length=1, max_length=20, description="Entries with a line on this account code, e.g. 5101"
    ),
    amount_min_fen: int | None = Query(default=None, ge=0, description="The entry's total, inclusive, fen"),
    amount_max_fen: int | None = Query(default=None, ge=0, description="The entry's total, inclusive, fen"),
    text: str | None = Query(
        default=None,
        min_length=1,
        max_length=100,
        description="A part of the description, case-insensitive",
    ),
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    output: Literal["json", "xlsx"] = Query(default="json", alias="format", description="`xlsx` for an Excel sheet"),
) -> Page[PostingOut] | Response:
    """Entries in ledger order (by sequence), each with its lines and the event that caused it. Pass
    the answer's `next_cursor` as `cursor` for the next page; it is null on the last. The sheet
    (`format=xlsx`) holds every entry the filter finds, a row per line."""
    wanted = PostingFilter(
        date_from=date_from,
        date_to=date_to,
        account_code=account,
        amount_min_fen=amount_min_fen,
        amount_max_fen=amount_max_fen,
        text=text,
    )
    if output == "xlsx":
        return await _postings_sheet(request, principal, runtime, organization_id, wanted)
    after_sequence = decode_position(cursor) if cursor else 0
    async with runtime.uow() as uow:
        await directory.require_in_scope(uow.session, principal, organization_id)
        principal.require_role(*BOOK_READERS)
        rows = await uow.ledgers.postings(organization_id, limit + 1, after_sequence, wanted)
    found, next_cursor = page_of(rows, limit, key=lambda row: (row["sequence"],))
    return Page[PostingOut](items=[PostingOut(**row) for row in found], next_cursor=next_cursor)


@router.get("/members/{member_id}/dues-account", response_model=DuesAccountOut)
async def dues_account(member_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> DuesAccountOut:
    async with runtime.uow() as uow:
        account = await uow.dues_accounts.get(member_id)
        path = await directory.path_of(uow.session, account["organization_id"]) if account else None
        if account is None or path is None or not principal.can_see(path):
            raise NotFound(
                "dues_account_not_found",
                zh="未找到该会费账户，或该账户不在您的管理范围内",
                en="dues account not found or outside your scope",
            )
        principal.require_role(*BOOK_READERS)
        return DuesAccountOut(**account)


async def _postings_sheet(
    request: Request, principal, runtime, organization_id: str, wanted: PostingFilter
) -> Response:
    """Every entry the filter finds, read page after page in ledger order."""
    language = language_of(request)
    found: list[dict] = []
    async with runtime.uow() as uow:
        await directory.require_in_scope(uow.session, principal, organization_id)
        principal.require_role(*BOOK_READERS)
        while True:
            rows = await uow.ledgers.postings(organization_id, MAX_LIMIT, found[-1]["sequence"] if found else 0, wanted)
            found += rows
            if len(rows) < MAX_LIMIT:
                break
        names = await directory.names_of(uow.session, [organization_id])
    return spreadsheet.xlsx_download(
        report_sheets.entries_filename(language, names.get(organization_id, organization_id)),
        report_sheets.ENTRIES_TITLE[language],
        report_sheets.ENTRY_HEADERS[language],
        report_sheets.entry_rows(found, language),
    )
