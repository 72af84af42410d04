"""Re-verifying a ledger's hash chain from the rows as they are now.

``verify_chain`` recomputes every entry's hash (see :mod:`unionfed_finance.domain.chain`) from
its ``postings`` and ``posting_lines`` rows, never from a stored copy, so any column changed, a
row deleted or inserted, or two entries swapped is found at the first sequence it breaks. The
entry's per-field digests, written by the poster next to the hash, then name the column that no
longer holds what was chained. An attacker who can write the database can also recompute every
later hash and digest; the signed-off head (:mod:`unionfed_finance.adapters.signed_head`) is what
catches that.
"""

import enum
from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.tables import accounts, ledgers, posting_lines, postings
from unionfed_finance.adapters.voucher_chain import verify_vouchers
from unionfed_finance.domain.chain import (
    changed_entry_columns,
    changed_lines,
    entry_hash,
    field_digests,
    value_digest,
)
from unionfed_finance.domain.ledger import GENESIS_HASH, STANDARD_CHART, account_spec
from unionfed_shared import db
from unionfed_shared.errors import Invalid

BATCH_SIZE = 1000


class Break(enum.StrEnum):
    NO_LEDGER = "no ledger"
    GAP = "gap in sequence"
    PREVIOUS_HASH = "previous_hash mismatch"
    LINES_MISSING = "lines missing"
    HASH = "hash mismatch"
    DIGESTS = "field digests altered"
    HEAD = "ledger head mismatch"
    ACCOUNTS = "accounts disagree with the chain"
    VOUCHERS = "voucher mismatch"
    AUDIT_RECORDS = "audit records mismatch"  # only when a head is exported: verify-chain walks the entries


@dataclass(frozen=True)
class ChainReport:
    organization_id: str
    entries_checked: int
    last_sequence: int  # of the last entry that verified
    last_hash: str
    broken_sequence: int | None = None
    problem: Break | None = None
    detail: str | None = None
    # What the per-field digests name: "postings.total_fen", "posting_lines.debit_fen of line 2" …
    fields: tuple[str, ...] = ()
    vouchers_checked: int = 0  # voucher links that verified (their rows and their files' bytes)

    @property
    def ok(self) -> bool:
        return self.problem is None

    def __str__(self) -> str:
        if self.ok:
            return (
                f"ledger {self.organization_id}: chain intact, {self.entries_checked} entries, "
                f"head sequence {self.last_sequence} hash {self.last_hash}"
                + (f", {self.vouchers_checked} vouchers" if self.vouchers_checked else "")
            )
        where = f"sequence {self.broken_sequence}" if self.broken_sequence is not None else "ledger"
        if self.problem is Break.ACCOUNTS:
            where = "accounts"
        if self.problem is Break.VOUCHERS:
            where = "vouchers"
        if self.problem is Break.AUDIT_RECORDS:
            where = "audit records"
        return f"ledger {self.organization_id}: chain BROKEN at {where}: {self.problem}: {self.detail}"


@dataclass(frozen=True)
class _Finding:
    problem: Break
    detail: str
    fields: tuple[str, ...] = ()


async def _lines_of(session: AsyncSession, posting_ids: list) -> dict:
    lines_by_posting: dict = {posting_id: [] for posting_id in posting_ids}
    line_rows = await session.execute(
        select(posting_lines)
        .where(posting_lines.c.posting_id.in_(posting_ids))
        .order_by(posting_lines.c.posting_id, posting_lines.c.line_no)
    )
    for line in line_rows:
        lines_by_posting[line.posting_id].append(line)
    return lines_by_posting


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
        lines_by_posting = await _lines_of(session, [row.id for row in rows])
        for row in rows:
            yield row, lines_by_posting[row.id]
        after = rows[-1].sequence


def recompute_hash(row, lines: list) -> str:
    """The hash the entry has if its rows are exactly what the poster wrote."""
    return entry_hash(row, lines)


def _chained_digests(row) -> dict | None:
    """The stored per-field digests, or None when they are not even shaped like the poster's."""
    stored = row.field_digests
    if (
        not isinstance(stored, dict)
        or not isinstance(stored.get("entry"), dict)
        or not isinstance(stored.get("lines"), list)
    ):
        return None
    if not all(isinstance(line, dict) for line in stored["lines"]):
        return None
    return stored


def _changed_fields(row, lines: list, current: dict | None = None) -> list[str] | None:
    """Every column of the entry that differs from what was chained; None when that cannot be told.

    ``current``: the entry's ``field_digests`` as it is now, when the caller has them already.
    """
    chained = _chained_digests(row)
    if chained is None:
        return None
    current = current or field_digests(row, lines)
    changed = changed_entry_columns(chained["entry"], current["entry"])
    if "postings.id" in changed:
        return changed  # its lines are looked up by id: under the new one they are simply not found
    return changed + changed_lines(chained["lines"], current["lines"], [line.line_no for line in lines])


def _sentence(row, fields: list[str], fallback: str) -> str:
    if not fields:
        return f"entry {row.id} (sequence {row.sequence}): {fallback}"
    described = [
        f"{f} differs from what was chained" if f.startswith(("postings.", "posting_lines.")) else f for f in fields
    ]
    return f"entry {row.id} (sequence {row.sequence}): {'; '.join(described)}"


def _entry_finding(row, lines: list, prior_hash: str) -> _Finding | None:
    """What is wrong with the entry at the sequence it should have; None when it verifies."""
    current = field_digests(row, lines)  # computed once: what the columns are now
    changed = _changed_fields(row, lines, current)
    fields = tuple(changed or ())
    if row.previous_hash != prior_hash:
        fallback = (
            f"it says the previous hash is {row.previous_hash}, but the entry before it has {prior_hash} "
            f"(entries reordered or one replaced)"
        )
        detail = _sentence(row, list(fields), fallback)
        if "postings.sequence" in fields:
            detail += " (entries reordered)"
        return _Finding(Break.PREVIOUS_HASH, detail, fields)
    numbers = [line.line_no for line in lines]
    chained = _chained_digests(row)
    chained_count = len(chained["lines"]) if chained else len(lines)
    if len(lines) < 2 or numbers != list(range(1, chained_count + 1)):
        fallback = f"it has line numbers {numbers}: lines were deleted"
        # The detail stays the fallback until _explain_missing_lines has looked for the lines.
        return _Finding(Break.LINES_MISSING, fallback, fields)
    recomputed = recompute_hash(row, lines)
    if recomputed != row.hash:
        if fields:
            return _Finding(Break.HASH, _sentence(row, list(fields), ""), fields)
        # Either the hash column itself was changed, or rows and digests both: the caller tells which.
        return _Finding(Break.HASH, recomputed)
    if changed is None or row.field_digests != current:
        return _Finding(
            Break.DIGESTS,
            _sentence(
                row,
                [],
                "postings.field_digests is not what was written with the entry, whose rows "
                "still hash to the chained hash: the digests were altered",
            ),
            ("postings.field_digests",),
        )
    return None


async def _explain_unnamed_hash(session: AsyncSession, row, recomputed: str) -> _Finding:
    """No column differs from its digest, yet the rows do not hash to the stored hash.

    What chained this entry after it — the next entry's previous_hash or the ledger head — tells
    whether the stored hash changed (it still chains the recomputed one) or the rows did.
    """
    successor = await session.scalar(
        select(postings.c.previous_hash).where(
            postings.c.organization_id == row.organization_id, postings.c.sequence == row.sequence + 1
        )
    )
    if successor is None:
        successor = await session.scalar(
            select(ledgers.c.last_hash).where(ledgers.c.organization_id == row.organization_id)
        )
    if successor == recomputed:
        detail = _sentence(
            row,
            [],
            f"postings.hash differs from what was chained: its rows hash to {recomputed}, "
            f"which is what the chain after it holds, but the entry is stored with {row.hash}",
        )
        return _Finding(Break.HASH, detail, ("postings.hash",))
    detail = _sentence(
        row,
        [],
        f"the rows hash to {recomputed}, not the chained {row.hash}; the per-field digests were "
        f"rewritten along with the rows, so the changed column cannot be named",
    )
    return _Finding(Break.HASH, detail)


async def _explain_missing_lines(session: AsyncSession, row, finding: _Finding) -> _Finding:
    """A chained line missing from its entry: if it now belongs to no entry, say which posting_id it has."""
    chained = _chained_digests(row)
    if chained is None or not any(f.startswith("line ") for f in finding.fields):
        return _Finding(finding.problem, _sentence(row, list(finding.fields), finding.detail), finding.fields)
    orphans = await session.execute(
        select(posting_lines).where(
            posting_lines.c.organization_id == row.organization_id,
            posting_lines.c.posting_id.not_in(select(postings.c.id)),
        )
    )
    fields = list(finding.fields)
    for orphan in orphans:
        number = orphan.line_no
        missing = next((f for f in fields if f.startswith(f"line {number} is missing")), None)
        if missing is None or not 1 <= number <= len(chained["lines"]):
            continue
        as_if_here = field_digests(row, [{**orphan._mapping, "posting_id": row.id}])["lines"][0]
        if as_if_here == chained["lines"][number - 1]:
            fields[fields.index(missing)] = (
                f"posting_lines.posting_id of line {number} (now {orphan.posting_id}, an entry that does not exist)"
            )
    return _Finding(finding.problem, _sentence(row, fields, finding.detail), tuple(fields))


async def _explain_gap(session: AsyncSession, organization_id: str, expected: int, prior_hash: str) -> str:
    """The entry chained at ``expected`` is not there: find it by its link to the entry before it."""
    candidates = (
        await session.execute(
            select(postings).where(
                postings.c.previous_hash == prior_hash,
                postings.c.field_digests["entry"]["organization_id"].astext == value_digest(organization_id),
            )
        )
    ).all()
    for candidate in candidates:
        lines = (await _lines_of(session, [candidate.id]))[candidate.id]
        changed = _changed_fields(candidate, lines)
        if changed and ("postings.sequence" in changed or "postings.organization_id" in changed):
            return "; it is still stored, but " + _sentence(candidate, changed, "")
    return ""


async def ledger_ids(session: AsyncSession) -> list[str]:
    """Every ledger kept here, by organization id (what the nightly verify-chain walks)."""
    return list(
        (await session.execute(select(ledgers.c.organization_id).order_by(ledgers.c.organization_id))).scalars()
    )


async def verify_chain(session: AsyncSession, organization_id: str) -> ChainReport:
    """Re-verify one ledger from sequence 1; the report names the first broken entry and column."""
    await db.read_snapshot(session)
    head = (
        await session.execute(
            select(ledgers.c.last_sequence, ledgers.c.last_hash).where(ledgers.c.organization_id == organization_id)
        )
    ).first()
    if head is None:
        has_entries = await session.scalar(
            select(postings.c.id).where(postings.c.organization_id == organization_id).limit(1)
        )
        detail = "no books are kept here"
        if has_entries is not None:
            detail = "its entries are there, but no ledgers row has this ledgers.organization_id: deleted or renamed"
        return ChainReport(organization_id, 0, 0, GENESIS_HASH, None, Break.NO_LEDGER, detail)
    expected, prior_hash, checked = 1, GENESIS_HASH, 0
    moved: dict[str, int] = defaultdict(int)  # account code -> debits minus credits of the verified lines

    def broken(finding: _Finding) -> ChainReport:
        return ChainReport(
            organization_id,
            checked,
            expected - 1,
            prior_hash,
            expected,
            finding.problem,
            finding.detail,
            finding.fields,
        )

    async for row, lines in _entries(session, organization_id):
        # Order matters: a missing entry is reported as the gap it leaves, not as the hash
        # mismatch it also causes in the entry after it.
        if row.sequence != expected:
            where = await _explain_gap(session, organization_id, expected, prior_hash)
            return broken(
                _Finding(Break.GAP, f"sequence {expected} is missing; the next entry is {row.sequence}{where}")
            )
        finding = _entry_finding(row, lines, prior_hash)
        if finding is not None:
            if finding.problem is Break.HASH and not finding.fields:
                finding = await _explain_unnamed_hash(session, row, finding.detail)
            elif finding.problem is Break.LINES_MISSING:
                finding = await _explain_missing_lines(session, row, finding)
            return broken(finding)
        for line in lines:
            moved[line.account_code] += line.debit_fen - line.credit_fen
        expected, prior_hash, checked = expected + 1, row.hash, checked + 1
    last = expected - 1
    if head.last_sequence != last or head.last_hash != prior_hash:
        where = await _explain_gap(session, organization_id, expected, prior_hash) if head.last_sequence > last else ""
        fields = tuple(
            name
            for name, differs in (
                ("ledgers.last_sequence", head.last_sequence != last),
                ("ledgers.last_hash", head.last_hash != prior_hash),
            )
            if differs
        )
        return ChainReport(
            organization_id,
            checked,
            last,
            prior_hash,
            min(head.last_sequence, last) + 1,
            Break.HEAD,
            f"the ledger head says sequence {head.last_sequence} hash {head.last_hash}, "
            f"the entries end at sequence {last} hash {prior_hash} ({' and '.join(fields)} "
            f"{'differ' if len(fields) > 1 else 'differs'} from the chain){where}",
            fields,
        )
    # The vouchers (票据) attached to entries: each link, its attachments row and its file's bytes.
    vouchers = await verify_vouchers(session, organization_id)
    if vouchers.findings:
        return ChainReport(
            organization_id,
            checked,
            last,
            prior_hash,
            None,
            Break.VOUCHERS,
            "; ".join(vouchers.findings),
            vouchers.findings,
            vouchers.checked,
        )
    findings = await _accounts_findings(session, organization_id, moved)
    if findings:
        return ChainReport(
            organization_id,
            checked,
            last,
            prior_hash,
            None,
            Break.ACCOUNTS,
            "; ".join(findings),
            tuple(findings),
            vouchers.checked,
        )
    return ChainReport(organization_id, checked, last, prior_hash, vouchers_checked=vouchers.checked)


async def _accounts_findings(session: AsyncSession, organization_id: str, moved: dict[str, int]) -> list[str]:
    """Each account as the chain implies it: balance from the verified lines, the rest from the chart.

    ``pending_fen`` follows the holds, which are not chained; ``unionfed finance reconcile`` checks it.
    """
    rows = await session.execute(
        select(accounts).where(accounts.c.organization_id == organization_id).order_by(accounts.c.code)
    )
    findings, present = [], set()
    for row in rows:
        present.add(row.code)
        try:
            spec = account_spec(row.code)
        except Invalid:
            findings.append(f"accounts.code {row.code!r} is not an account of the chart")
            continue
        for column, expected in (
            ("name", spec.name),
            ("name_zh", spec.name_zh),
            ("type", spec.type.value),
            ("floor_fen", spec.floor_fen),
        ):
            if getattr(row, column) != expected:
                findings.append(
                    f"accounts.{column} of {row.code} is {getattr(row, column)!r}; the chart says {expected!r}"
                )
        balance = moved.get(row.code, 0) if spec.type.debit_normal else -moved.get(row.code, 0)
        if row.balance_fen != balance:
            findings.append(
                f"accounts.balance_fen of {row.code} is {row.balance_fen} fen; its chained lines sum to {balance} fen"
            )
    for code in sorted(({spec.code for spec in STANDARD_CHART} | set(moved)) - present):
        findings.append(
            f"the accounts row of {code} is missing: deleted, or its accounts.organization_id or accounts.code changed"
        )
    return findings
