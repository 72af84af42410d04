"""Finance reports over HTTP: public disclosure (page, CSV, printable PDF), term audit pack, entry trace, consolidation.

Each report reads one database snapshot (``db.read_snapshot``), so its figures, the ledger head
it names and the chain verification all describe the same state of the books.
"""

import datetime as dt
import uuid
from typing import Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters import report_queries as queries
from unionfed_finance.adapters.signed_head import ChainBroken, SigningKeyMissing, export_ledger_head, load_signing_key
from unionfed_finance.adapters.tables import directory
from unionfed_finance.domain.ledger import account_spec
from unionfed_finance.entrypoints.dependencies import CurrentRuntime
from unionfed_finance.service_layer import (
    audit_pack,
    consolidation,
    disclosure_check,
    disclosure_html,
    disclosure_statement,
    pseudonyms,
    report_format,
    report_sheets,
)
from unionfed_finance.service_layer.permissions import BOOK_READERS
from unionfed_shared import db, openapi_problems
from unionfed_shared.auth import Principal, Role
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.documents import downloads, pdf, spreadsheet
from unionfed_shared.errors import NotFound
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.problems import language_of

router = APIRouter(prefix="/v1", tags=["finance reports"], route_class=IdempotentRoute)

# The review group's members act with these roles; welfare officers keep to their own files.
AUDIT_PACK_READERS = (Role.FEDERATION_ADMIN, Role.UNION_OFFICER, Role.AUDITOR)
# A trace shows who did what, when and under which trace: for auditors and the federation.
TRACE_READERS = (Role.AUDITOR, Role.FEDERATION_ADMIN)

# Required, as the document says; checked by report_format.Period.parse so that a missing or impossible
# day is refused with its own code (date_missing, date_invalid) rather than as a bare field error.
FromDay = Query(default=None, alias="from", description="first day, YYYY-MM-DD", examples=["2026-09-01"])
ToDay = Query(default=None, alias="to", description="last day (inclusive), YYYY-MM-DD", examples=["2027-01-31"])
TERM_REQUIRED = {openapi_problems.REQUIRED_DATES: ["from", "to"]}
FormatQuery = Query(default="html", alias="format", description="`html` for a page, `csv` for a spreadsheet")
# The statement and the pack answer a page or a CSV file, as `format` asks.
HTML_OR_CSV: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The page (`format=html`) or the CSV file (`format=csv`, UTF-8 with a BOM)",
        "content": {"text/html": {"schema": {"type": "string"}}, "text/csv": {"schema": {"type": "string"}}},
    }
}
# The statement is also printed and posted: a PDF with the QR code of its public check.
DISCLOSURE_FORMATS: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The page (`format=html`), the CSV file (`format=csv`, UTF-8 with a BOM), the Excel sheet "
        "(`format=xlsx`) or the A4 sheet to print and post (`format=pdf`), whose QR code opens the public check "
        "(`GET /v1/public/disclosure-check`)",
        "content": {
            **HTML_OR_CSV[200]["content"],
            pdf.MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
            **spreadsheet.openapi_responses("")[200]["content"],
        },
    }
}


def _csv(content: bytes, filename: str) -> Response:
    return downloads.attachment(content, "text/csv; charset=utf-8", filename)


async def _books_in_scope(
    session: AsyncSession, principal: Principal, organization_id: str
) -> tuple[dict, disclosure_statement.LedgerHead]:
    await directory.require_in_scope(session, principal, organization_id)
    org = await queries.organization(session, organization_id)
    head = await queries.ledger_head(session, organization_id)
    if org is None or head is None:
        raise NotFound(
            "books_not_found",
            zh=f"{organization_id} 没有独立建账",
            en=f"{organization_id} keeps no books of its own",
        )
    return org, disclosure_statement.LedgerHead(*head)


# ---------------------------------------------------------------- public disclosure


async def build_disclosure(
    session: AsyncSession,
    org: dict,
    head: disclosure_statement.LedgerHead,
    period: report_format.Period,
    lang: report_format.Lang,
) -> disclosure_statement.Disclosure:
    """The statement from the entries up to ``head``: the ledger's head now, or the one a printed
    statement names (entries posted since do not change what it showed)."""
    organization_id, through = org["id"], head.sequence
    entries = await queries.welfare_entries(
        session, organization_id, period.bounds, through, disclosure_statement.BATCH_REFERENCE_PREFIXES
    )
    # Every member's name is read only when there is a text to take names out of.
    names = pseudonyms.KnownMembers(await queries.members_by_name(session, organization_id) if entries else {})
    welfare = [
        disclosure_statement.WelfareEntry(
            row["effective_date"],
            row["sequence"],
            pseudonyms.pseudonymise(row["description"], organization_id, names, lang),
            row["amount_fen"],
            goods_fen=row["goods_fen"],
            count=row["count"],
            reference=row["reference"],
        )
        for row in entries
    ]
    movements = await queries.movements(session, organization_id, period.bounds, through)
    return disclosure_statement.build_disclosure(
        organization_id=organization_id,
        organization_name=org["name"],
        period=period,
        generated_at=dt.datetime.now(dt.UTC),
        head=head,
        opening_bank_fen=await queries.bank_balance_before(session, organization_id, period.starts_on, through),
        movements={code: disclosure_statement.Movement(d, c) for code, (d, c) in movements.items()},
        welfare_entries=welfare,
    )


@router.get(
    "/organizations/{organization_id}/disclosure",
    response_class=HTMLResponse,
    responses=DISCLOSURE_FORMATS,
    openapi_extra=TERM_REQUIRED,
    summary="Public income and expenditure statement for a term (校务公开), recipients pseudonymised",
)
async def disclosure(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    starts: str | None = FromDay,
    ends: str | None = ToDay,
    lang: Literal["zh", "en"] | None = Query(None, description="default: the federation's language"),
    output: Literal["html", "csv", "xlsx", "pdf"] = Query(
        default="html",
        alias="format",
        description="`html` for a page, `csv` or `xlsx` for a spreadsheet, `pdf` for the A4 sheet to print and post",
    ),
) -> Response:
    async with runtime.session_factory() as session:
        await db.read_snapshot(session)
        # Public within the union: every role in scope, members included; no role check.
        org, head = await _books_in_scope(session, principal, organization_id)
        # The statement speaks the language its entries were written in, unless asked otherwise.
        lang = lang or report_format.statement_lang(await directory.language_of(session, organization_id))
        period = report_format.Period.parse(starts, ends)
        statement = await build_disclosure(session, org, head, period, lang)
        signature = await _signed_head(session, runtime.settings, statement) if output == "pdf" else None
    name = f"disclosure-{organization_id}-{period.starts_on}-{period.ends_on}-{lang}"
    if output == "csv":
        return _csv(disclosure_statement.render_disclosure_csv(statement, lang), f"{name}.csv")
    if output == "xlsx":
        return spreadsheet.xlsx_download(
            report_sheets.disclosure_filename(statement, lang),
            report_format.LABELS[lang]["disclosure"],
            report_sheets.disclosure_headers(lang),
            report_sheets.disclosure_rows(statement, lang),
        )
    if output == "pdf":
        url = disclosure_check.check_url(
            runtime.settings.disclosure_check_url, disclosure_check.PrintedStatement.of(statement, signature)
        )
        sheet = await pdf.render_pdf(disclosure_html.render_disclosure_print(statement, lang, url))
        return downloads.attachment(sheet, pdf.MEDIA_TYPE, f"{name}.pdf")
    return HTMLResponse(disclosure_html.render_disclosure_html(statement, lang))


async def _signed_head(
    session: AsyncSession, settings, statement: disclosure_statement.Disclosure
) -> disclosure_check.HeadSignature | None:
    """The printed head signed with the service's key, as an auditor's export is (the chain is
    verified first: a broken chain is never signed); None without a key or with a broken chain.
    A format 1 head, the ledger's entries alone: the QR code has no room for the other chains' heads."""
    if settings.head_signing_key_file is None:
        return None
    try:
        document = await export_ledger_head(
            session,
            statement.organization_id,
            disclosure_check.DISCLOSURE_SIGNER,
            load_signing_key(settings.head_signing_key_file),
            now=statement.generated_at.replace(microsecond=0),
        )
    except (ChainBroken, SigningKeyMissing):
        return None
    if (document["sequence"], document["hash"]) != (statement.head.sequence, statement.head.hash):
        return None
    return disclosure_check.HeadSignature.of(document)


# ---------------------------------------------------------------- term audit pack


def _audit_entry(row: dict) -> audit_pack.AuditEntry:
    def text(value) -> str | None:
        return None if value is None else str(value)

    return audit_pack.AuditEntry(
        id=str(row["id"]),
        sequence=row["sequence"],
        effective_date=row["effective_date"],
        description=row["description"],
        total_fen=row["total_fen"],
        source_event_id=row["source_event_id"],
        source_event_type=row["source_event_type"],
        source_topic=row["source_topic"],
        source_partition=row["source_partition"],
        source_offset=row["source_offset"],
        actor=row["actor"],
        causation_id=row["causation_id"],
        correlation_id=row["correlation_id"],
        trace_id=row["trace_id"],
        journal_event_id=row["journal_event_id"],
        journal_partition=row["journal_partition"],
        journal_offset=row["journal_offset"],
        reverses_posting_id=text(row["reverses_posting_id"]),
        reversed_by_posting_id=text(row["reversed_by_posting_id"]),
        previous_hash=row["previous_hash"],
        hash=row["hash"],
        recorded_at=row["recorded_at"],
        lines=tuple(
            audit_pack.AuditLine(l["line_no"], l["account_code"], l["debit_fen"], l["credit_fen"], l["counterparty_id"])
            for l in row["lines"]
        ),
    )


async def build_audit_pack(
    session: AsyncSession, org: dict, head: disclosure_statement.LedgerHead, period: report_format.Period
) -> audit_pack.AuditPack:
    # Imported here: the chain verifier is its own module and may be deployed after this one.
    from unionfed_finance.adapters.chain import verify_chain

    chain = audit_pack.chain_result(await verify_chain(session, org["id"]))
    entries = tuple(_audit_entry(row) for row in await queries.entries(session, org["id"], period.bounds))
    return audit_pack.AuditPack(
        organization_id=org["id"],
        organization_name=org["name"],
        period=period,
        generated_at=dt.datetime.now(dt.UTC),
        head=head,
        chain=chain,
        entries=entries,
        totals=audit_pack.account_totals(entries),
    )


@router.get(
    "/organizations/{organization_id}/audit-pack",
    response_class=HTMLResponse,
    responses=HTML_OR_CSV,
    openapi_extra=TERM_REQUIRED,
    summary="Every entry of a term with its source, actor and trace, totals and the chain check (民主理财)",
)
async def read_audit_pack(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    starts: str | None = FromDay,
    ends: str | None = ToDay,
    output: Literal["html", "csv"] = FormatQuery,
    lang: Literal["zh", "en"] | None = Query(None, description="default: the federation's language"),
) -> Response:
    async with runtime.session_factory() as session:
        await db.read_snapshot(session)
        org, head = await _books_in_scope(session, principal, organization_id)
        principal.require_role(*AUDIT_PACK_READERS)
        period = report_format.Period.parse(starts, ends)
        pack = await build_audit_pack(session, org, head, period)
        # Column headers and labels in the words the federation keeps its books in.
        lang = lang or report_format.statement_lang(await directory.language_of(session, organization_id))
    if output == "csv":
        name = f"audit-pack-{organization_id}-{period.starts_on}-{period.ends_on}-{lang}.csv"
        return _csv(audit_pack.render_audit_csv(pack, lang), name)
    return HTMLResponse(audit_pack.render_audit_html(pack, lang))


# ---------------------------------------------------------------- entry trace


class TraceLine(BaseModel):
    line_no: int
    account_code: str
    account_name: str = Field(description="The chart's name of the account, in the federation's language")
    debit_fen: int
    credit_fen: int
    counterparty_id: str | None
    counterparty_name: str | None = Field(description="Null when finance knows no organization of that id")


class TracedPosting(BaseModel):
    id: uuid.UUID
    organization_id: str
    organization_name: str
    sequence: int
    effective_date: dt.date
    description: str
    total_fen: int
    previous_hash: str
    hash: str
    recorded_at: dt.datetime
    lines: list[TraceLine]


class JournalRef(BaseModel):
    event_id: str | None
    partition: int | None
    offset: int | None


class SourceEventRef(BaseModel):
    event_id: str
    type: str
    topic: str
    partition: int
    offset: int
    occurred_at: dt.datetime | None


class CausationLink(BaseModel):
    kind: Literal["journal_entry", "source_event", "event", "command", "unrecorded_event"]
    event_id: str
    type: str | None = None
    topic: str | None = None
    partition: int | None = None
    offset: int | None = None
    occurred_at: dt.datetime | None = None
    actor: str | None = None
    causation_id: str | None = None


class PostingRef(BaseModel):
    id: uuid.UUID
    sequence: int
    effective_date: dt.date
    description: str


class MoneyOutcomeOut(BaseModel):
    journal_event_id: str
    request_event_id: str
    requested_by: str
    operation: str
    outcome: str
    reason: str | None
    warnings: list[str]
    reference: str | None
    hold_id: uuid.UUID | None
    posting_ids: list[uuid.UUID]
    settled_at: dt.datetime


class PostingTrace(BaseModel):
    posting: TracedPosting
    journal_entry: JournalRef
    source_event: SourceEventRef
    causation_chain: list[CausationLink]  # nearest cause first
    originating_command: str | None  # the cmd-… id of the HTTP command, when finance recorded it
    actor: str | None = Field(description="The subject of the token behind the entry")
    actor_name: str | None = Field(description="The actor's display name, when the actor is a member finance knows")
    correlation_id: str
    trace_id: str | None
    reverses: PostingRef | None
    reversed_by: PostingRef | None
    money_outcome: MoneyOutcomeOut | None


@router.get("/postings/{posting_id}/trace", response_model=PostingTrace, summary="Walk one entry back to its cause")
async def trace(posting_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> PostingTrace:
    async with runtime.session_factory() as session:
        await db.read_snapshot(session)
        entry = await queries.posting(session, posting_id)
        path = await directory.path_of(session, entry["organization_id"]) if entry else None
        if entry is None or path is None or not principal.can_see(path):
            # Same answer for a missing entry and one outside the caller's scope.
            raise NotFound(
                "posting_not_found",
                zh="未找到该分录，或该分录不在您的管理范围内",
                en="posting not found or outside your scope",
            )
        principal.require_role(*TRACE_READERS)
        chain = await queries.causation_chain(session, entry)
        journal = await queries.known_event(session, entry["journal_event_id"]) if entry["journal_event_id"] else None
        reverses = await queries.posting_summary(session, entry["reverses_posting_id"])
        reversed_by = await queries.posting_summary(session, entry["reversed_by_posting_id"])
        outcome = await queries.money_outcome(session, entry["journal_event_id"])
        counterparties = {line["counterparty_id"] for line in entry["lines"] if line["counterparty_id"]}
        named = await queries.organizations_by_id(session, {entry["organization_id"]} | counterparties)
        people = await queries.member_names(session, {entry["actor"]} if entry["actor"] else set())
    commands = [link["event_id"] for link in chain if link["kind"] == "command"]
    own = named[entry["organization_id"]]  # in scope, so in the directory
    lang = report_format.statement_lang(own["language"])
    lines = [
        TraceLine(
            **line,
            account_name=report_format.account_name(line["account_code"], lang),
            counterparty_name=named.get(line["counterparty_id"], {}).get("name"),
        )
        for line in entry["lines"]
    ]
    return PostingTrace(
        posting=TracedPosting(**{**entry, "lines": lines}, organization_name=own["name"]),
        journal_entry=JournalRef(
            event_id=entry["journal_event_id"], partition=entry["journal_partition"], offset=entry["journal_offset"]
        ),
        source_event=SourceEventRef(
            event_id=entry["source_event_id"],
            type=entry["source_event_type"],
            topic=entry["source_topic"],
            partition=entry["source_partition"],
            offset=entry["source_offset"],
            occurred_at=queries.source_time(entry, journal),
        ),
        causation_chain=[CausationLink(**link) for link in chain],
        originating_command=commands[0] if commands else None,
        actor=entry["actor"],
        actor_name=people.get(entry["actor"]),
        correlation_id=entry["correlation_id"],
        trace_id=entry["trace_id"],
        reverses=PostingRef(**reverses) if reverses else None,
        reversed_by=PostingRef(**reversed_by) if reversed_by else None,
        money_outcome=MoneyOutcomeOut(**outcome) if outcome else None,
    )


# ---------------------------------------------------------------- consolidation


class IncludedLedger(BaseModel):
    organization_id: str
    name: str
    kind: str
    last_sequence: int
    last_hash: str


class ConsolidatedAccountOut(BaseModel):
    code: str
    name: str
    name_zh: str
    type: str
    combined_fen: int  # the ledgers' balances added up
    eliminated_fen: int  # of which between organizations of this subtree
    consolidated_fen: int


class Consolidated(BaseModel):
    organization_id: str
    generated_at: dt.datetime
    ledgers: list[IncludedLedger]
    accounts: list[ConsolidatedAccountOut]
    eliminated_debit_fen: int
    eliminated_credit_fen: int
    total_debit_balances_fen: int
    total_credit_balances_fen: int


@router.get(
    "/organizations/{organization_id}/ledger/consolidated",
    response_model=Consolidated,
    summary="The subtree's ledgers added up, transfers between its organizations eliminated",
    responses=spreadsheet.openapi_responses("The statement as JSON, or with `format=xlsx` as an Excel sheet"),
)
async def consolidated(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    output: Literal["json", "xlsx"] = Query(default="json", alias="format", description="`xlsx` for an Excel sheet"),
) -> Consolidated | Response:
    async with runtime.session_factory() as session:
        await db.read_snapshot(session)
        await directory.require_in_scope(session, principal, organization_id)
        principal.require_role(*BOOK_READERS)
        included = await queries.subtree_ledgers(session, organization_id)
        if not included:
            raise NotFound(
                "books_not_found",
                zh=f"{organization_id} 及其下级组织均未建账",
                en=f"no books are kept in {organization_id} or below it",
            )
        ledger_ids = [row["organization_id"] for row in included]
        subtree = await queries.subtree_organization_ids(session, organization_id)
        balances = await queries.balances_of(session, ledger_ids)
        internal = await queries.internal_lines(session, ledger_ids, subtree)
        root_name = (await directory.names_of(session, [organization_id]))[organization_id]
    accounts = consolidation.consolidate(
        balances, {code: disclosure_statement.Movement(d, c) for code, (d, c) in internal.items()}
    )
    out = []
    for account in accounts:
        spec = account_spec(account.code)
        out.append(
            ConsolidatedAccountOut(
                code=account.code,
                name=spec.name,
                name_zh=spec.name_zh,
                type=spec.type.value,
                combined_fen=account.combined_fen,
                eliminated_fen=account.eliminated_fen,
                consolidated_fen=account.consolidated_fen,
            )
        )
    statement = Consolidated(
        organization_id=organization_id,
        generated_at=dt.datetime.now(dt.UTC),
        ledgers=[IncludedLedger(**row) for row in included],
        accounts=out,
        eliminated_debit_fen=sum(d for d, _ in internal.values()),
        eliminated_credit_fen=sum(c for _, c in internal.values()),
        total_debit_balances_fen=sum(a.consolidated_fen for a in accounts if a.type.debit_normal),
        total_credit_balances_fen=sum(a.consolidated_fen for a in accounts if not a.type.debit_normal),
    )
    if output == "xlsx":
        language = language_of(request)
        return spreadsheet.xlsx_download(
            report_sheets.consolidated_filename(language, root_name),
            report_sheets.CONSOLIDATED_TITLE[language],
            report_sheets.CONSOLIDATED_HEADERS[language],
            report_sheets.consolidated_rows(statement, language),
        )
    return statement
