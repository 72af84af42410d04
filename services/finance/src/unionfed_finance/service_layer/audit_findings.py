"""The audit committee (经审): findings on entries, statements and reports, the treasurers' answers,
and the sign-off of a term with the ledger head it signed.

Only the auditor records, closes and re-opens findings and signs off a term; only the ledger's
treasurers (its union officers, the federation's administrators above it) answer; every reader of
the books reads them. Each use case appends one record to the ledger's audit chain
(:mod:`unionfed_finance.domain.audit_findings`), under that chain's lock.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from unionfed_finance.domain import audit_findings as rules
from unionfed_finance.domain.audit_findings import AuditRecord, ChainCheck, Finding, SignOff
from unionfed_finance.service_layer.commands import (
    AnswerFinding,
    CloseFinding,
    RecordFinding,
    ReopenFinding,
    SignOffTerm,
)
from unionfed_finance.service_layer.permissions import BOOK_READERS, TREASURERS
from unionfed_shared import business_time
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound

AUDITORS = (Role.AUDITOR,)


def _finding_not_found() -> NotFound:
    return NotFound(
        "audit_finding_not_found",
        zh="未找到该审计意见，或其不在您的管理范围内",
        en="audit finding not found or outside your scope",
    )


async def _ledger_in_scope(uow, principal: Principal, ledger_id: str, *roles: Role) -> str:
    """The ledger's federation, once the caller may act on it (scope first: no existence oracle)."""
    principal.require_scope(await uow.directory.path_of(ledger_id))
    principal.require_role(*roles)
    federation_id = await uow.audit.ledger_federation(ledger_id)
    if federation_id is None:
        raise Invalid(
            "organization_keeps_no_books",
            zh=f"{ledger_id} 不独立建账，没有可审计的账簿",
            en=f"{ledger_id} keeps no books of its own to audit",
        )
    return federation_id


async def _append(uow, principal: Principal, ledger_id: str, federation_id: str, head, **values) -> AuditRecord:
    sequence, previous = head
    record = rules.chained(
        AuditRecord(
            id=values.pop("id", None) or uuid.uuid4(),
            ledger_id=ledger_id,
            federation_id=federation_id,
            sequence=sequence + 1,
            actor=principal.subject,
            actor_role=principal.role.value,
            recorded_at=business_time.utc_now(),
            previous_hash=previous,
            **values,
        )
    )
    return await uow.audit.append(record)


async def record_finding(uow, principal: Principal, organization_id: str, command: RecordFinding) -> Finding:
    federation_id = await _ledger_in_scope(uow, principal, organization_id, *AUDITORS)
    rules.check_subject(
        command.subject_kind,
        posting_id=command.posting_id,
        period_start=command.period_start,
        period_end=command.period_end,
        report_kind=command.report_kind,
        report_ref=command.report_ref,
    )
    text = rules.require_text(command.text, "finding_text_missing", zh="请填写审计意见", en="the finding says nothing")
    period_start, period_end = command.period_start, command.period_end
    if command.subject_kind == "entry":
        assert command.posting_id is not None
        entry = await uow.audit.posting_ledger(command.posting_id)
        if entry is None or entry[0] != organization_id:
            raise NotFound(
                "posting_not_found",
                zh="该账簿中没有这笔分录",
                en="no such entry in this ledger (not found or outside your scope)",
            )
        period_start = period_end = entry[1]
    head = await uow.audit.lock_chain(organization_id)
    finding_id = uuid.uuid4()
    await _append(
        uow,
        principal,
        organization_id,
        federation_id,
        head,
        kind="finding_recorded",
        finding_id=finding_id,
        subject_kind=command.subject_kind,
        posting_id=command.posting_id if command.subject_kind == "entry" else None,
        period_start=period_start,
        period_end=period_end,
        report_kind=command.report_kind if command.subject_kind == "report" else None,
        report_ref=command.report_ref if command.subject_kind == "report" else None,
        severity=command.severity,
        text=text,
    )
    found = rules.fold(await uow.audit.records([organization_id]))[finding_id]
    await uow.commit()
    return found


async def _finding_to_change(uow, principal: Principal, finding_id: uuid.UUID, *roles: Role) -> tuple[Finding, tuple]:
    """The finding with its chain locked, once the caller may change it."""
    ledger_id = await uow.audit.ledger_of_finding(finding_id)
    path = await uow.directory.path_of(ledger_id) if ledger_id else None
    if path is None or not principal.can_see(path):
        raise _finding_not_found()
    principal.require_role(*roles)
    head = await uow.audit.lock_chain(ledger_id)
    finding = rules.fold(await uow.audit.records([ledger_id]))[finding_id]
    return finding, head


async def _after(uow, finding: Finding, principal: Principal, head, kind: str, text: str | None) -> Finding:
    await _append(
        uow, principal, finding.ledger_id, finding.federation_id, head, kind=kind, finding_id=finding.id, text=text
    )
    changed = rules.fold(await uow.audit.records([finding.ledger_id]))[finding.id]
    await uow.commit()
    return changed


async def answer_finding(uow, principal: Principal, finding_id: uuid.UUID, command: AnswerFinding) -> Finding:
    finding, head = await _finding_to_change(uow, principal, finding_id, *TREASURERS)
    if principal.role is Role.UNION_OFFICER and principal.organization_id != finding.ledger_id:
        # The ledger's own officers answer for it; above it, the federation's administrators.
        raise Forbidden(
            "not_the_ledgers_treasurer",
            zh="只有该账簿所属工会的干部或联合会管理员可以答复此审计意见",
            en="only the ledger's own union officers or the federation's administrators answer this finding",
        )
    rules.require_answerable(finding)
    text = rules.require_text(command.answer, "answer_text_missing", zh="请填写答复内容", en="the answer says nothing")
    return await _after(uow, finding, principal, head, "finding_answered", text)


async def close_finding(uow, principal: Principal, finding_id: uuid.UUID, command: CloseFinding) -> Finding:
    finding, head = await _finding_to_change(uow, principal, finding_id, *AUDITORS)
    rules.require_closable(finding)
    note = command.note.strip() if command.note else None
    return await _after(uow, finding, principal, head, "finding_closed", note or None)


async def reopen_finding(uow, principal: Principal, finding_id: uuid.UUID, command: ReopenFinding) -> Finding:
    finding, head = await _finding_to_change(uow, principal, finding_id, *AUDITORS)
    rules.require_reopenable(finding)
    reason = rules.require_text(
        command.reason, "reopen_reason_missing", zh="重新打开须说明理由", en="re-opening says why"
    )
    return await _after(uow, finding, principal, head, "finding_reopened", reason)


# ---------------------------------------------------------------- reading


async def _ledgers_under(uow, principal: Principal, organization_id: str, ledger: str | None) -> list[str]:
    """The ledgers with audit records in ``organization_id``'s subtree (or just ``ledger``, when in it)."""
    path = await uow.directory.path_of(organization_id)
    principal.require_scope(path)
    principal.require_role(*BOOK_READERS)
    assert path is not None
    if ledger is not None:
        ledger_path = await uow.directory.path_of(ledger)
        if ledger_path is None or organization_id not in ledger_path or not principal.can_see(ledger_path):
            principal.require_scope(None)
        return [ledger]
    found = []
    for candidate in await uow.audit.federation_ledgers(path[0]):
        candidate_path = await uow.directory.path_of(candidate)
        if candidate_path is not None and organization_id in candidate_path:
            found.append(candidate)
    return found


async def findings(
    uow,
    principal: Principal,
    organization_id: str,
    *,
    state: str | None = None,
    ledger: str | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    severity: str | None = None,
) -> list[Finding]:
    """The findings on the ledgers of the subtree, newest first, narrowed by state, ledger, period and severity."""
    ledgers = await _ledgers_under(uow, principal, organization_id, ledger)
    found = [
        f
        for f in rules.fold(await uow.audit.records(ledgers)).values()
        if (state is None or f.state == state)
        and (severity is None or f.severity == severity)
        and rules.in_period(f, period_start, period_end)
    ]
    return sorted(found, key=lambda f: f.recorded_at, reverse=True)


async def finding(uow, principal: Principal, finding_id: uuid.UUID) -> Finding:
    ledger_id = await uow.audit.ledger_of_finding(finding_id)
    path = await uow.directory.path_of(ledger_id) if ledger_id else None
    if path is None or not principal.can_see(path):
        raise _finding_not_found()
    principal.require_role(*BOOK_READERS)
    return rules.fold(await uow.audit.records([ledger_id]))[finding_id]


async def findings_on_entry(uow, principal: Principal, posting_id: uuid.UUID) -> list[Finding]:
    entry = await uow.audit.posting_ledger(posting_id)
    path = await uow.directory.path_of(entry[0]) if entry else None
    if entry is None or path is None or not principal.can_see(path):
        raise NotFound(
            "posting_not_found", zh="未找到该分录，或其不在您的管理范围内", en="entry not found or outside your scope"
        )
    principal.require_role(*BOOK_READERS)
    on_entry = [f for f in rules.fold(await uow.audit.records([entry[0]])).values() if f.posting_id == posting_id]
    return sorted(on_entry, key=lambda f: f.recorded_at)


async def verify_chain(uow, principal: Principal, organization_id: str) -> ChainCheck:
    """Re-verify the ledger's audit chain from its first record."""
    principal.require_scope(await uow.directory.path_of(organization_id))
    principal.require_role(*BOOK_READERS)
    return await uow.audit.verify(organization_id)


# ---------------------------------------------------------------- sign-off


@dataclass(frozen=True)
class SignOffView:
    sign_off: SignOff
    # None: the ledger still reaches the signed head from entry 1, and the voucher chain its signed
    # head with every voucher up to it intact; otherwise what changed below them.
    problem: str | None
    open_findings: tuple[Finding, ...]

    @property
    def verified(self) -> bool:
        return self.problem is None


async def _view(uow, record: AuditRecord, found: dict[uuid.UUID, Finding]) -> SignOffView:
    signed = rules.sign_off_of(record)
    problem = await uow.audit.head_problem(signed.ledger_id, signed.head_sequence, signed.head_hash)
    problems = [problem] if problem else []
    if signed.voucher_sequence is not None and signed.voucher_hash is not None:
        problems += await uow.audit.voucher_head_problems(
            signed.ledger_id, signed.voucher_sequence, signed.voucher_hash
        )
    return SignOffView(signed, "; ".join(problems) or None, tuple(found[i] for i in signed.open_findings if i in found))


async def sign_off_term(uow, principal: Principal, organization_id: str, command: SignOffTerm) -> SignOffView:
    """Sign off a term of the ledger: the opinion, the heads of the ledger and of its voucher chain now
    (the audit records' head is the sign-off's own previous_hash), the findings not yet closed."""
    federation_id = await _ledger_in_scope(uow, principal, organization_id, *AUDITORS)
    rules.term_dates(command.term)
    opinion = rules.require_text(
        command.opinion, "opinion_text_missing", zh="请填写审计意见书内容", en="the opinion says nothing"
    )
    head = await uow.audit.lock_chain(organization_id)
    sequence, head_hash, broken = await uow.audit.verified_head(organization_id)
    if broken:
        raise Conflict(
            "chain_broken",
            zh=f"账簿哈希链已断开，不能签署审计意见：{broken}",
            en=f"a broken chain is never signed off: {broken}",
        )
    voucher_sequence, voucher_hash = await uow.audit.voucher_head(organization_id)
    records = await uow.audit.records([organization_id])
    still_open = [f.id for f in rules.fold(records).values() if f.state != "closed"]
    record = await _append(
        uow,
        principal,
        organization_id,
        federation_id,
        head,
        kind="term_signed_off",
        term=command.term,
        text=opinion,
        head_sequence=sequence,
        head_hash=head_hash,
        voucher_sequence=voucher_sequence,
        voucher_hash=voucher_hash,
        open_findings=",".join(str(i) for i in still_open),
    )
    view = await _view(uow, record, rules.fold(records))
    await uow.commit()
    return view


async def sign_offs(uow, principal: Principal, organization_id: str, ledger: str | None = None) -> list[SignOffView]:
    """The sign-offs of the subtree's ledgers, newest first, each checked against its ledger now."""
    ledgers = await _ledgers_under(uow, principal, organization_id, ledger)
    records = await uow.audit.records(ledgers)
    found = rules.fold(records)
    views = [await _view(uow, r, found) for r in records if r.kind == "term_signed_off"]
    return sorted(views, key=lambda v: v.sign_off.signed_off_at, reverse=True)


async def sign_off(uow, principal: Principal, sign_off_id: uuid.UUID) -> SignOffView:
    ledger_id = await uow.audit.ledger_of_sign_off(sign_off_id)
    path = await uow.directory.path_of(ledger_id) if ledger_id else None
    if path is None or not principal.can_see(path):
        raise NotFound(
            "audit_sign_off_not_found",
            zh="未找到该审计签署，或其不在您的管理范围内",
            en="audit sign-off not found or outside your scope",
        )
    principal.require_role(*BOOK_READERS)
    records = await uow.audit.records([ledger_id])
    record = next(r for r in records if r.id == sign_off_id)
    return await _view(uow, record, rules.fold(records))
