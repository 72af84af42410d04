"""The audit committee's (经审) findings, the treasurers' answers and term sign-offs over HTTP.

The routes only translate: the rules are :mod:`unionfed_finance.domain.audit_findings`, the use
cases :mod:`unionfed_finance.service_layer.audit_findings`.
"""

import datetime as dt
import uuid
from typing import Literal

from fastapi import APIRouter, Query, Request, status
from pydantic import BaseModel, Field

from unionfed_finance.domain.audit_findings import ChainCheck, Finding
from unionfed_finance.entrypoints.dependencies import CurrentRuntime
from unionfed_finance.service_layer import audit_findings
from unionfed_finance.service_layer.audit_findings import SignOffView
from unionfed_finance.service_layer.commands import (
    AnswerFinding,
    CloseFinding,
    RecordFinding,
    ReopenFinding,
    SignOffTerm,
)
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.problems import language_of
from unionfed_shared.wire_values import Day

router = APIRouter(prefix="/v1", tags=["finance audit committee"], route_class=IdempotentRoute)

State = Literal["open", "answered", "closed"]


class AuditRecordOut(BaseModel):
    sequence: int
    kind: str = Field(
        description="finding_recorded, finding_answered, finding_closed, finding_reopened, term_signed_off"
    )
    text: str | None
    actor: str
    actor_role: str
    recorded_at: dt.datetime
    hash: str


class FindingOut(BaseModel):
    id: uuid.UUID
    ledger_id: str
    subject_kind: Literal["entry", "statement", "report"]
    posting_id: uuid.UUID | None
    period_start: dt.date | None = Field(description="The statement's or report's period; an entry's date")
    period_end: dt.date | None
    report_kind: str | None
    report_ref: str | None
    severity: Literal["minor", "major", "serious"]
    text: str
    state: State
    recorded_by: str
    recorded_at: dt.datetime
    answer: str | None
    answered_by: str | None
    answered_at: dt.datetime | None
    closed_by: str | None
    closed_at: dt.datetime | None
    closing_note: str | None
    reopen_reason: str | None
    history: list[AuditRecordOut] = Field(description="Its records in the ledger's audit chain, oldest first")


def _finding(f: Finding) -> FindingOut:
    return FindingOut(
        id=f.id,
        ledger_id=f.ledger_id,
        subject_kind=f.subject_kind,
        posting_id=f.posting_id,
        period_start=f.period_start,
        period_end=f.period_end,
        report_kind=f.report_kind,
        report_ref=f.report_ref,
        severity=f.severity,
        text=f.text,
        state=f.state,
        recorded_by=f.recorded_by,
        recorded_at=f.recorded_at,
        answer=f.answer,
        answered_by=f.answered_by,
        answered_at=f.answered_at,
        closed_by=f.closed_by,
        closed_at=f.closed_at,
        closing_note=f.closing_note,
        reopen_reason=f.reopen_reason,
        history=[
            AuditRecordOut(
                sequence=r.sequence,
                kind=r.kind,
                text=r.text,
                actor=r.actor,
                actor_role=r.actor_role,
                recorded_at=r.recorded_at,
                hash=r.hash,
            )
            for r in f.history
        ],
    )


@router.post(
    "/organizations/{organization_id}/audit-findings",
    status_code=status.HTTP_201_CREATED,
    response_model=FindingOut,
    summary="The auditor records a finding on an entry, a statement or a report of the ledger (审计意见)",
)
async def record_finding(
    organization_id: str, body: RecordFinding, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> FindingOut:
    async with runtime.uow() as uow:
        return _finding(await audit_findings.record_finding(uow, principal, organization_id, body))


@router.get(
    "/organizations/{organization_id}/audit-findings",
    response_model=list[FindingOut],
    summary="The findings on the ledgers of a subtree, newest first, by state, ledger, period and severity",
)
async def list_findings(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    state: State | None = None,
    ledger: str | None = Query(None, description="One ledger of the subtree"),
    period_start: Day | None = Query(None, description="Findings whose period ends on or after this day"),
    period_end: Day | None = Query(None, description="Findings whose period starts on or before this day"),
    severity: Literal["minor", "major", "serious"] | None = None,
) -> list[FindingOut]:
    async with runtime.uow() as uow:
        found = await audit_findings.findings(
            uow,
            principal,
            organization_id,
            state=state,
            ledger=ledger,
            period_start=period_start,
            period_end=period_end,
            severity=severity,
        )
    return [_finding(f) for f in found]


@router.get("/audit-findings/{finding_id}", response_model=FindingOut, summary="One finding with its history")
async def get_finding(finding_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> FindingOut:
    async with runtime.uow() as uow:
        return _finding(await audit_findings.finding(uow, principal, finding_id))


@router.get(
    "/postings/{posting_id}/audit-findings", response_model=list[FindingOut], summary="The findings on one entry"
)
async def entry_findings(
    posting_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[FindingOut]:
    async with runtime.uow() as uow:
        return [_finding(f) for f in await audit_findings.findings_on_entry(uow, principal, posting_id)]


@router.post(
    "/audit-findings/{finding_id}/answer",
    response_model=FindingOut,
    summary="The ledger's treasurer answers an open finding",
)
async def answer_finding(
    finding_id: uuid.UUID, body: AnswerFinding, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> FindingOut:
    async with runtime.uow() as uow:
        return _finding(await audit_findings.answer_finding(uow, principal, finding_id, body))


@router.post(
    "/audit-findings/{finding_id}/close", response_model=FindingOut, summary="The auditor closes an answered finding"
)
async def close_finding(
    finding_id: uuid.UUID, body: CloseFinding, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> FindingOut:
    async with runtime.uow() as uow:
        return _finding(await audit_findings.close_finding(uow, principal, finding_id, body))


@router.post(
    "/audit-findings/{finding_id}/reopen",
    response_model=FindingOut,
    summary="The auditor re-opens an answered or closed finding, saying why",
)
async def reopen_finding(
    finding_id: uuid.UUID, body: ReopenFinding, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> FindingOut:
    async with runtime.uow() as uow:
        return _finding(await audit_findings.reopen_finding(uow, principal, finding_id, body))


class AuditChainOut(BaseModel):
    ledger_id: str
    intact: bool
    records_checked: int
    head_sequence: int
    head_hash: str
    broken_sequence: int | None
    problem: str | None = Field(description="What breaks there (English); null when intact")
    summary: str


def _chain(check: ChainCheck, language: str) -> AuditChainOut:
    if check.ok:
        zh = f"{check.ledger_id} 的审计记录哈希链完整：已核验 {check.records_checked} 条记录"
    else:
        zh = f"{check.ledger_id} 的审计记录哈希链在第 {check.broken_sequence} 条断开：{check.problem}"
    return AuditChainOut(
        ledger_id=check.ledger_id,
        intact=check.ok,
        records_checked=check.records_checked,
        head_sequence=check.last_sequence,
        head_hash=check.last_hash,
        broken_sequence=check.broken_sequence,
        problem=check.problem,
        summary=str(check) if language == "en" else zh,
    )


@router.get(
    "/organizations/{organization_id}/audit-findings/chain",
    response_model=AuditChainOut,
    summary="Re-verify the ledger's audit chain (findings, answers, sign-offs) from its first record",
)
async def audit_chain(
    organization_id: str, request: Request, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> AuditChainOut:
    async with runtime.uow() as uow:
        check = await audit_findings.verify_chain(uow, principal, organization_id)
    return _chain(check, language_of(request))


class SignOffOut(BaseModel):
    id: uuid.UUID
    ledger_id: str
    term: str
    term_start: dt.date
    term_end: dt.date
    opinion: str
    head_sequence: int = Field(description="The ledger's last entry when the term was signed off")
    head_hash: str = Field(description="Its hash: the ledger's chain head signed")
    voucher_sequence: int | None = Field(
        description="The voucher chain's last link when the term was signed off (0: no voucher yet); "
        "null on a sign-off recorded before the voucher head was"
    )
    voucher_hash: str | None = Field(description="Its hash: the voucher chain's head signed")
    signed_off_by: str
    signed_off_at: dt.datetime
    verified: bool = Field(
        description="The ledger still reaches the signed head from entry 1, and the voucher chain its signed head "
        "with every voucher up to it intact"
    )
    problem: str | None = Field(description="What changed at or below the signed head (English); null when verified")
    open_findings: list[FindingOut] = Field(description="The findings not closed when the term was signed off")
    record_hash: str


def _sign_off(view: SignOffView) -> SignOffOut:
    s = view.sign_off
    return SignOffOut(
        id=s.id,
        ledger_id=s.ledger_id,
        term=s.term,
        term_start=s.term_start,
        term_end=s.term_end,
        opinion=s.opinion,
        head_sequence=s.head_sequence,
        head_hash=s.head_hash,
        voucher_sequence=s.voucher_sequence,
        voucher_hash=s.voucher_hash,
        signed_off_by=s.signed_off_by,
        signed_off_at=s.signed_off_at,
        verified=view.verified,
        problem=view.problem,
        open_findings=[_finding(f) for f in view.open_findings],
        record_hash=s.record_hash,
    )


@router.post(
    "/organizations/{organization_id}/audit-signoffs",
    status_code=status.HTTP_201_CREATED,
    response_model=SignOffOut,
    summary="The auditor signs off a term of the ledger (审计意见书) with the ledger's chain head now",
)
async def sign_off_term(
    organization_id: str, body: SignOffTerm, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> SignOffOut:
    async with runtime.uow() as uow:
        return _sign_off(await audit_findings.sign_off_term(uow, principal, organization_id, body))


@router.get(
    "/organizations/{organization_id}/audit-signoffs",
    response_model=list[SignOffOut],
    summary="The term sign-offs of a subtree's ledgers, each checked against its ledger now",
)
async def list_sign_offs(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    ledger: str | None = Query(None, description="One ledger of the subtree"),
) -> list[SignOffOut]:
    async with runtime.uow() as uow:
        return [_sign_off(v) for v in await audit_findings.sign_offs(uow, principal, organization_id, ledger)]


@router.get("/audit-signoffs/{sign_off_id}", response_model=SignOffOut, summary="One sign-off, checked now")
async def get_sign_off(sign_off_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> SignOffOut:
    async with runtime.uow() as uow:
        return _sign_off(await audit_findings.sign_off(uow, principal, sign_off_id))
