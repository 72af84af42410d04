"""Re-verifying a ledger's hash chain, and the auditor's signed-off head that pins it.

``verify_chain`` recomputes every entry's hash from the rows as they are now, so an amount
changed, a row deleted or two entries swapped is named by the first sequence it breaks. An
attacker who can write the database can also recompute every later hash; the signed-off head
(an HMAC over the head an auditor accepted) is what catches that: the entry at the signed
sequence no longer has the signed hash.
"""

import datetime as dt
import enum
import hashlib
import hmac
import json
import os
from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.tables import ledgers, posting_lines, postings
from unionfed_finance.adapters.ledger_repository import posting_of_rows
from unionfed_finance.domain.ledger import GENESIS_HASH, chain_hash

BATCH_SIZE = 1000
SIGNING_KEY_ENV = "FINANCE_HEAD_SIGNING_KEY"
SIGNATURE_ALGORITHM = "HMAC-SHA256"
HEAD_FIELDS = ("organization_id", "sequence", "hash", "signed_off_by", "signed_off_at")


class Break(enum.StrEnum):
    NO_LEDGER = "no ledger"
    GAP = "gap in sequence"
    PREVIOUS_HASH = "previous_hash mismatch"
    LINES_MISSING = "lines missing"
    HASH = "hash mismatch"
    HEAD = "ledger head mismatch"


@dataclass(frozen=True)
class ChainReport:
    organization_id: str
    entries_checked: int
    last_sequence: int  # of the last entry that verified
    last_hash: str
    broken_sequence: int | None = None
    problem: Break | None = None
    detail: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def __str__(self) -> str:
        if self.ok:
            return (
                f"ledger {self.organization_id}: chain intact, {self.entries_checked} entries, "
                f"head sequence {self.last_sequence} hash {self.last_hash}"
            )
        where = f"sequence {self.broken_sequence}" if self.broken_sequence is not None else "ledger"
        return f"ledger {self.organization_id}: chain BROKEN at {where}: {self.problem}: {self.detail}"


async def read_consistently(session: AsyncSession) -> None:
    """One snapshot for a multi-query read, so entries appended meanwhile cannot look like a break.

    Only possible as the transaction's first statement; a caller already inside a transaction
    keeps its own isolation.
    """
    if not session.in_transaction():
        await session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))


async def _entries(session: AsyncSession, organization_id: str) -> AsyncIterator[tuple]:
    """(posting row, its lines ordered by line_no) in sequence order, a batch at a time.

    Keyset pagination on (organization_id, sequence) uses the unique index and keeps memory
    flat for ledgers of any length.
    """
    after = None
    while True:
        query = select(postings).where(postings.c.organization_id == organization_id)
        if after is not None:
            query = query.where(postings.c.sequence > after)
        rows = (await session.execute(query.order_by(postings.c.sequence).limit(BATCH_SIZE))).all()
        if not rows:
            return
        lines_by_posting: dict = {row.id: [] for row in rows}
        line_rows = await session.execute(
            select(posting_lines)
            .where(posting_lines.c.posting_id.in_(list(lines_by_posting)))
            .order_by(posting_lines.c.posting_id, posting_lines.c.line_no)
        )
        for line in line_rows:
            lines_by_posting[line.posting_id].append(line)
        for row in rows:
            yield row, lines_by_posting[row.id]
        after = rows[-1].sequence


def recompute_hash(row, lines: list) -> str:
    """The hash the entry would have if its rows were exactly what the poster wrote."""
    return chain_hash(row.previous_hash, row.sequence, posting_of_rows(row, lines), row.source_event_id)


def _entry_problem(row, lines: list, expected_sequence: int, prior_hash: str) -> tuple[Break, str] | None:
    # Order matters: a missing entry is reported as the gap it leaves, not as the hash
    # mismatch it also causes in the entry after it.
    if row.sequence != expected_sequence:
        return Break.GAP, f"sequence {expected_sequence} is missing; the next entry is {row.sequence}"
    if row.previous_hash != prior_hash:
        return Break.PREVIOUS_HASH, (
            f"entry {row.id} says the previous hash is {row.previous_hash}, but the entry before it "
            f"has {prior_hash} (entries reordered or one replaced)"
        )
    numbers = [l.line_no for l in lines]
    if len(lines) < 2 or numbers != list(range(1, len(lines) + 1)):
        return Break.LINES_MISSING, f"entry {row.id} has line numbers {numbers}: lines were deleted"
    recomputed = recompute_hash(row, lines)
    if recomputed != row.hash:
        return Break.HASH, (
            f"entry {row.id} is stored with hash {row.hash} but its rows hash to {recomputed} "
            f"(amount, account, date or text changed)"
        )
    return None


async def verify_chain(session: AsyncSession, organization_id: str) -> ChainReport:
    """Re-verify one ledger from sequence 1; the report names the first broken sequence."""
    await read_consistently(session)
    head = (
        await session.execute(
            select(ledgers.c.last_sequence, ledgers.c.last_hash).where(ledgers.c.organization_id == organization_id)
        )
    ).first()
    if head is None:
        return ChainReport(organization_id, 0, 0, GENESIS_HASH, None, Break.NO_LEDGER, "no books are kept here")
    expected, prior_hash, checked = 1, GENESIS_HASH, 0
    async for row, lines in _entries(session, organization_id):
        problem = _entry_problem(row, lines, expected, prior_hash)
        if problem:
            return ChainReport(organization_id, checked, expected - 1, prior_hash, expected, *problem)
        expected, prior_hash, checked = expected + 1, row.hash, checked + 1
    last = expected - 1
    if head.last_sequence != last or head.last_hash != prior_hash:
        broken = min(head.last_sequence, last) + 1
        return ChainReport(
            organization_id, checked, last, prior_hash, broken, Break.HEAD,
            f"the ledger head says sequence {head.last_sequence} hash {head.last_hash}, "
            f"the entries end at sequence {last} hash {prior_hash}",
        )
    return ChainReport(organization_id, checked, last, prior_hash)


# ---------------------------------------------------------------- the auditor's signed-off head


def signing_key(settings) -> bytes:
    """FINANCE_HEAD_SIGNING_KEY when set, else the service's JWT secret (never empty)."""
    key = os.environ.get(SIGNING_KEY_ENV) or settings.jwt_secret.get_secret_value()
    return key.encode()


def canonical_json(fields: dict) -> bytes:
    """One byte string per document, whatever the key order or whitespace it was stored with."""
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def _signature(fields: dict, key: bytes) -> str:
    return hmac.new(key, canonical_json(fields), hashlib.sha256).hexdigest()


def sign_head(
    organization_id: str, sequence: int, head_hash: str, signed_off_by: str, signed_off_at: dt.datetime, key: bytes
) -> dict:
    if signed_off_at.tzinfo is None:
        raise ValueError("signed_off_at must be timezone-aware")
    fields = {
        "organization_id": organization_id,
        "sequence": sequence,
        "hash": head_hash,
        "signed_off_by": signed_off_by,
        "signed_off_at": signed_off_at.astimezone(dt.UTC).isoformat(),
    }
    return {**fields, "signature": {"algorithm": SIGNATURE_ALGORITHM, "value": _signature(fields, key)}}


def signature_problem(document: dict, key: bytes) -> str | None:
    """None when the document is a head signed with ``key``; otherwise why it is not."""
    if not isinstance(document, dict):
        return "the head document is not a JSON object"
    missing = [name for name in (*HEAD_FIELDS, "signature") if name not in document]
    if missing:
        return f"the head document lacks {', '.join(missing)}"
    extra = sorted(set(document) - {*HEAD_FIELDS, "signature"})
    if extra:
        return f"the head document has unsigned fields {', '.join(extra)}"
    signature = document["signature"]
    if not isinstance(signature, dict) or signature.get("algorithm") != SIGNATURE_ALGORITHM:
        return f"the head document is not signed with {SIGNATURE_ALGORITHM}"
    if not isinstance(document["sequence"], int) or isinstance(document["sequence"], bool):
        return "the head document's sequence is not a whole number"
    expected = _signature({name: document[name] for name in HEAD_FIELDS}, key)
    if not hmac.compare_digest(expected, str(signature.get("value", ""))):
        return "the signature does not match: the document was altered or signed with another key"
    return None


class ChainBroken(Exception):
    def __init__(self, report: ChainReport):
        super().__init__(str(report))
        self.report = report


async def export_head(
    session: AsyncSession, organization_id: str, auditor: str, key: bytes, now: dt.datetime | None = None
) -> dict:
    """Sign off the current head; a broken chain is refused (:class:`ChainBroken`), never signed."""
    report = await verify_chain(session, organization_id)
    if not report.ok:
        raise ChainBroken(report)
    return sign_head(
        organization_id, report.last_sequence, report.last_hash, auditor, now or dt.datetime.now(dt.UTC), key
    )


@dataclass(frozen=True)
class HeadCheck:
    document: dict
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def __str__(self) -> str:
        doc = self.document if isinstance(self.document, dict) else {}
        what = (
            f"head of {doc.get('organization_id')} at sequence {doc.get('sequence')} "
            f"signed off by {doc.get('signed_off_by')} at {doc.get('signed_off_at')}"
        )
        return f"{what}: {'still holds' if self.ok else 'FAILED: ' + self.problem}"


async def verify_against_head(session: AsyncSession, head_document: dict, key: bytes) -> HeadCheck:
    """The signature holds and the entry at the signed sequence still has the signed hash.

    A chain rewritten and re-hashed from any entry up to the signed sequence changes that
    entry's hash, so this catches what ``verify_chain`` alone cannot.
    """
    problem = signature_problem(head_document, key)
    if problem:
        return HeadCheck(head_document, problem)
    organization_id, sequence = head_document["organization_id"], head_document["sequence"]
    if sequence == 0:
        current = GENESIS_HASH
    else:
        current = await session.scalar(
            select(postings.c.hash).where(postings.c.organization_id == organization_id, postings.c.sequence == sequence)
        )
    if current is None:
        return HeadCheck(head_document, f"sequence {sequence} no longer exists in ledger {organization_id}")
    if current != head_document["hash"]:
        return HeadCheck(
            head_document,
            f"sequence {sequence} now has hash {current}, not the signed {head_document['hash']}: "
            f"entries up to {sequence} were rewritten after sign-off",
        )
    return HeadCheck(head_document)
