"""The audit committee's (经审) findings and term sign-offs, as an append-only, hash-chained log. No I/O.

Everything the committee records about a ledger is one *record* in that ledger's own audit chain:
a finding recorded, answered by the treasurer, closed or re-opened by the auditor, and a term's
sign-off. A finding's state is the fold of its records, never a column one could change alone, and
each record's hash covers every column and the hash before it (the same canonical JSON as the
ledger's chain, :mod:`unionfed_finance.domain.chain`), so a reader who sees a finding, its answer
or a sign-off can check that nothing of it was rewritten.

A term's sign-off records the heads the committee signed: the ledger's entries (``head_sequence``,
``head_hash``), the voucher chain's (``voucher_sequence``, ``voucher_hash``) and, being itself the
next record of the audit chain, the audit records' (its ``previous_hash``). A record with a
voucher head is hashed as version 2 of the document (those two columns added); every record
before them stays version 1, so the chains recorded before still verify. Which version a record
is hashed with follows from the record, and either way round changes its hash.

States of a finding: ``open`` → ``answered`` (the treasurer's answer) → ``closed`` (the auditor);
the auditor may re-open an answered or closed finding with a reason, and it is ``open`` again.
"""

import datetime as dt
import hashlib
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Literal

from unionfed_finance.domain.chain import canonical_bytes, json_value
from unionfed_finance.domain.ledger import GENESIS_HASH
from unionfed_shared.errors import Conflict, Invalid

AUDIT_SCHEME_VERSION = 1
AUDIT_SCHEME_VOUCHERS = 2  # a sign-off that records the voucher chain's head
FindingState = Literal["open", "answered", "closed"]
Severity = Literal["minor", "major", "serious"]
SubjectKind = Literal["entry", "statement", "report"]
RecordKind = Literal["finding_recorded", "finding_answered", "finding_closed", "finding_reopened", "term_signed_off"]
SEVERITIES: tuple[str, ...] = ("minor", "major", "serious")
SUBJECT_KINDS: tuple[str, ...] = ("entry", "statement", "report")
MAX_TEXT = 2000

# Every column of ``audit_records`` but ``hash``: what each record's hash covers, in this order.
RECORD_COLUMNS = (
    "id",
    "ledger_id",
    "federation_id",
    "sequence",
    "kind",
    "finding_id",
    "subject_kind",
    "posting_id",
    "period_start",
    "period_end",
    "report_kind",
    "report_ref",
    "severity",
    "text",
    "term",
    "head_sequence",
    "head_hash",
    "open_findings",
    "actor",
    "actor_role",
    "recorded_at",
    "previous_hash",
)
VOUCHER_HEAD_COLUMNS = ("voucher_sequence", "voucher_hash")


@dataclass(frozen=True)
class AuditRecord:
    """One row of a ledger's audit chain."""

    id: uuid.UUID
    ledger_id: str
    federation_id: str
    sequence: int
    kind: RecordKind
    actor: str
    actor_role: str
    recorded_at: dt.datetime
    previous_hash: str
    hash: str = ""
    finding_id: uuid.UUID | None = None
    subject_kind: str | None = None
    posting_id: uuid.UUID | None = None
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    report_kind: str | None = None
    report_ref: str | None = None
    severity: str | None = None
    text: str | None = None
    term: str | None = None
    head_sequence: int | None = None
    head_hash: str | None = None
    # The findings not closed when a term was signed off: their ids, comma-separated (text, as chained).
    open_findings: str | None = None
    # The voucher chain's head when a term was signed off (None on sign-offs before it was recorded).
    voucher_sequence: int | None = None
    voucher_hash: str | None = None


def record_document(record) -> dict:
    """The document a record's hash is taken over; ``record`` is an :class:`AuditRecord`, a row or a mapping."""

    def get(name: str):
        return record[name] if isinstance(record, Mapping) else getattr(record, name)

    def has(name: str) -> bool:
        return (name in record if isinstance(record, Mapping) else hasattr(record, name)) and get(name) is not None

    if any(has(name) for name in VOUCHER_HEAD_COLUMNS):
        columns = (*RECORD_COLUMNS, *VOUCHER_HEAD_COLUMNS)
        return {"v": AUDIT_SCHEME_VOUCHERS, "record": {name: json_value(get(name)) for name in columns}}
    return {"v": AUDIT_SCHEME_VERSION, "record": {name: json_value(get(name)) for name in RECORD_COLUMNS}}


def record_hash(record) -> str:
    return hashlib.sha256(canonical_bytes(record_document(record))).hexdigest()


def chained(record: AuditRecord) -> AuditRecord:
    """The record with its hash set."""
    return replace(record, hash=record_hash(record))


@dataclass(frozen=True)
class ChainCheck:
    ledger_id: str
    records_checked: int
    last_sequence: int
    last_hash: str
    broken_sequence: int | None = None
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def __str__(self) -> str:
        if self.ok:
            return (
                f"audit records of {self.ledger_id}: chain intact, {self.records_checked} records, "
                f"head sequence {self.last_sequence} hash {self.last_hash}"
            )
        return f"audit records of {self.ledger_id}: chain BROKEN at sequence {self.broken_sequence}: {self.problem}"


def verify_records(ledger_id: str, records: Iterable) -> ChainCheck:
    """Walk the records in sequence order: no gap, each links the one before, each hash recomputes."""
    expected, prior, checked = 1, GENESIS_HASH, 0
    for row in records:
        if row.sequence != expected:
            return ChainCheck(
                ledger_id,
                checked,
                expected - 1,
                prior,
                expected,
                f"sequence {expected} is missing; the next record is {row.sequence}",
            )
        if row.previous_hash != prior:
            return ChainCheck(
                ledger_id, checked, expected - 1, prior, expected, "previous_hash does not link the record before"
            )
        if record_hash(row) != row.hash:
            return ChainCheck(
                ledger_id,
                checked,
                expected - 1,
                prior,
                expected,
                "hash mismatch: a column of the record changed after it was chained",
            )
        expected, prior, checked = expected + 1, row.hash, checked + 1
    return ChainCheck(ledger_id, checked, expected - 1, prior)


# ---------------------------------------------------------------- findings


@dataclass(frozen=True)
class Finding:
    """A finding as its records tell it."""

    id: uuid.UUID
    ledger_id: str
    federation_id: str
    subject_kind: str
    posting_id: uuid.UUID | None
    period_start: dt.date | None
    period_end: dt.date | None
    report_kind: str | None
    report_ref: str | None
    severity: str
    text: str
    recorded_by: str
    recorded_at: dt.datetime
    state: FindingState = "open"
    answer: str | None = None
    answered_by: str | None = None
    answered_at: dt.datetime | None = None
    closed_by: str | None = None
    closed_at: dt.datetime | None = None
    closing_note: str | None = None
    reopen_reason: str | None = None
    history: tuple[AuditRecord, ...] = ()


def fold(records: Iterable[AuditRecord]) -> dict[uuid.UUID, Finding]:
    """Each finding's present state from its records, in sequence order."""
    findings: dict[uuid.UUID, Finding] = {}
    for r in records:
        if r.finding_id is None:
            continue
        if r.kind == "finding_recorded":
            findings[r.finding_id] = Finding(
                id=r.finding_id,
                ledger_id=r.ledger_id,
                federation_id=r.federation_id,
                subject_kind=r.subject_kind or "",
                posting_id=r.posting_id,
                period_start=r.period_start,
                period_end=r.period_end,
                report_kind=r.report_kind,
                report_ref=r.report_ref,
                severity=r.severity or "",
                text=r.text or "",
                recorded_by=r.actor,
                recorded_at=r.recorded_at,
                history=(r,),
            )
            continue
        finding = findings.get(r.finding_id)
        if finding is None:
            continue
        history = (*finding.history, r)
        if r.kind == "finding_answered":
            finding = replace(finding, state="answered", answer=r.text, answered_by=r.actor, answered_at=r.recorded_at)
        elif r.kind == "finding_closed":
            finding = replace(finding, state="closed", closed_by=r.actor, closed_at=r.recorded_at, closing_note=r.text)
        elif r.kind == "finding_reopened":
            finding = replace(finding, state="open", reopen_reason=r.text, closed_by=None, closed_at=None)
        findings[r.finding_id] = replace(finding, history=history)
    return findings


def require_text(text: str | None, code: str, zh: str, en: str) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise Invalid(code, zh=zh, en=en)
    if len(cleaned) > MAX_TEXT:
        raise Invalid("audit_text_too_long", zh=f"内容不得超过 {MAX_TEXT} 字", en=f"at most {MAX_TEXT} characters")
    return cleaned


def check_subject(
    subject_kind: str,
    *,
    posting_id: uuid.UUID | None,
    period_start: dt.date | None,
    period_end: dt.date | None,
    report_kind: str | None,
    report_ref: str | None,
) -> None:
    """An entry names its posting; a statement its period; a report its kind and id or period."""
    if subject_kind == "entry" and posting_id is None:
        raise Invalid("finding_entry_missing", zh="针对分录的审计意见须指明分录", en="a finding on an entry names it")
    if subject_kind == "statement" and (period_start is None or period_end is None):
        raise Invalid(
            "finding_period_missing",
            zh="针对报表的审计意见须指明期间（起止日期）",
            en="a finding on a statement names its period",
        )
    if subject_kind == "report" and (
        not (report_kind or "").strip() or not ((report_ref or "").strip() or period_start)
    ):
        raise Invalid(
            "finding_report_missing",
            zh="针对报告的审计意见须指明报告类型及编号或期间",
            en="a finding on a report names the report's kind and its id or period",
        )
    if period_start and period_end and period_start > period_end:
        raise Invalid("period_reversed", zh="期间的开始日期晚于结束日期", en="the period starts after it ends")


def require_answerable(finding: Finding) -> None:
    if finding.state != "open":
        raise Conflict(
            "finding_not_open",
            zh="该审计意见不处于待答复状态，不能再答复",
            en=f"the finding is {finding.state}, not open: it cannot be answered",
        )


def require_closable(finding: Finding) -> None:
    if finding.state != "answered":
        raise Conflict(
            "finding_not_answered",
            zh="该审计意见尚未答复或已关闭，不能关闭",
            en=f"the finding is {finding.state}: only an answered finding is closed",
        )


def require_reopenable(finding: Finding) -> None:
    if finding.state == "open":
        raise Conflict("finding_already_open", zh="该审计意见已处于待答复状态", en="the finding is open already")


# ---------------------------------------------------------------- terms


_TERM = re.compile(r"^(\d{4})(?:-(H1|H2|Q[1-4]))?$")


def term_dates(term: str) -> tuple[dt.date, dt.date]:
    """``2026`` (a year), ``2026-H1``/``2026-H2`` (a half year) or ``2026-Q1``…``Q4``: its first and last day."""
    match = _TERM.match(term or "")
    if not match:
        raise Invalid(
            "term_invalid",
            zh=f"审计期间 {term!r} 无效：应为 2026、2026-H1、2026-H2 或 2026-Q1 等",
            en=f"term {term!r} is not like 2026, 2026-H1, 2026-H2 or 2026-Q1",
        )
    year, part = int(match.group(1)), match.group(2)
    if part is None:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if part.startswith("H"):
        first = 1 if part == "H1" else 7
        months = 6
    else:
        first = 3 * (int(part[1]) - 1) + 1
        months = 3
    last_month = first + months - 1
    end = dt.date(year + (last_month == 12), last_month % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(year, first, 1), end


@dataclass(frozen=True)
class SignOff:
    id: uuid.UUID
    ledger_id: str
    term: str
    term_start: dt.date
    term_end: dt.date
    opinion: str
    head_sequence: int
    head_hash: str
    open_findings: tuple[uuid.UUID, ...]
    signed_off_by: str
    signed_off_at: dt.datetime
    record_sequence: int
    record_hash: str
    # The voucher chain's head signed (None on a sign-off recorded before vouchers were signed).
    voucher_sequence: int | None = None
    voucher_hash: str | None = None


def sign_off_of(record: AuditRecord) -> SignOff:
    start, end = term_dates(record.term or "")
    return SignOff(
        id=record.id,
        ledger_id=record.ledger_id,
        term=record.term or "",
        term_start=start,
        term_end=end,
        opinion=record.text or "",
        head_sequence=record.head_sequence or 0,
        head_hash=record.head_hash or GENESIS_HASH,
        open_findings=tuple(uuid.UUID(i) for i in (record.open_findings or "").split(",") if i),
        signed_off_by=record.actor,
        signed_off_at=record.recorded_at,
        record_sequence=record.sequence,
        record_hash=record.hash,
        voucher_sequence=record.voucher_sequence,
        voucher_hash=record.voucher_hash,
    )


def in_period(finding: Finding, start: dt.date | None, end: dt.date | None) -> bool:
    """The finding's period overlaps [start, end] (a report named by id alone has none: only unfiltered)."""
    if start is None and end is None:
        return True
    if finding.period_start is None:
        return False
    f_end = finding.period_end or finding.period_start
    return (start is None or f_end >= start) and (end is None or finding.period_start <= end)
