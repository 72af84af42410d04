"""Checkpoints of the books (issue 20): taken in a rebuilt database, checked before a rebuild uses one.

A snapshot is a finance database whose ``book_snapshots`` row records the input topics' offsets it
was replayed up to and every ledger's head. Each head is what verify-chain reached walking that
ledger from sequence 1, both when the row is written and when a rebuild is about to copy the
database; a ledger that does not verify, or verifies to another head than the row says, refuses the
snapshot. When the live database is readable, each head must also be the live ledger's entry at that
sequence (where the live books hold it), so a snapshot whose entries and heads were rewritten
consistently is refused too.
"""

import asyncio
import datetime as dt
import multiprocessing
import os
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import asyncpg
from sqlalchemy import select, tuple_
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.chain import ledger_ids, verify_chain
from unionfed_finance.adapters.tables import book_snapshots, ledgers, postings
from unionfed_shared.db import make_engine, make_session_factory


@dataclass(frozen=True)
class BookSnapshot:
    id: uuid.UUID
    taken_at: dt.datetime
    offsets: dict[tuple[str, int], int]  # (topic, partition) -> the next offset to read
    heads: dict[str, tuple[int, str]]  # ledger -> (sequence, hash)
    messages: int

    def __str__(self) -> str:
        return (
            f"snapshot {self.id} taken {self.taken_at:%Y-%m-%d %H:%M:%S} UTC: {len(self.heads):,} ledgers, "
            f"{self.messages:,} messages"
        )


class SnapshotRefused(Exception):
    """The snapshot's books do not verify to the heads it records; nothing was written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        shown = "; ".join(problems[:5]) + (f"; … and {len(problems) - 5} more" if len(problems) > 5 else "")
        super().__init__(
            f"快照未通过验证，未写入任何数据：{shown} / the snapshot does not verify, nothing was written: {shown}"
        )


async def verified_heads(database_url: str) -> tuple[dict[str, tuple[int, str]], list[str]]:
    """verify-chain every ledger: the heads that verified (and equal the ledgers row), and what did not.

    The walk is Python work per entry (two documents and an RFC 8785 hash each), so big books'
    ledgers are shared out over one process per core; each ledger is walked whole by one of them.
    """
    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    try:
        async with make_session_factory(engine)() as session:
            organizations = await ledger_ids(session)
            stored = {
                row.organization_id: (row.last_sequence, row.last_hash)
                for row in await session.execute(
                    select(ledgers.c.organization_id, ledgers.c.last_sequence, ledgers.c.last_hash)
                )
            }
    finally:
        await engine.dispose()
    entries = sum(sequence for sequence, _hash in stored.values())
    # Starting a process costs seconds (it imports the service): worth it for big books only.
    workers = max(1, min(VERIFY_PROCESSES, len(organizations))) if entries >= PARALLEL_FROM_ENTRIES else 1
    shares = [organizations[n::workers] for n in range(workers)]
    if workers == 1:
        reports = await _verify_ledgers(database_url, organizations)
    else:
        loop = asyncio.get_running_loop()
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            parts = await asyncio.gather(
                *(loop.run_in_executor(pool, _verify_in_process, database_url, share) for share in shares)
            )
        reports = [report for part in parts for report in part]
    heads: dict[str, tuple[int, str]] = {}
    broken: list[str] = []
    for organization_id, ok, sequence, hash_, text in sorted(reports):
        if not ok:
            broken.append(text)
        elif stored.get(organization_id) != (sequence, hash_):
            broken.append(f"ledger {organization_id}: its head row does not match its last verified entry")
        else:
            heads[organization_id] = (sequence, hash_)
    return heads, broken


VERIFY_PROCESSES = os.cpu_count() or 1
PARALLEL_FROM_ENTRIES = 50_000

_Verified = tuple[str, bool, int, str, str]  # ledger, intact, head sequence, head hash, the report


async def _verify_ledgers(database_url: str, organizations: list[str]) -> list[_Verified]:
    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    try:
        factory = make_session_factory(engine)
        reports = []
        for organization_id in organizations:
            async with factory() as session:  # one snapshot per walk, as the nightly verify-chain
                report = await verify_chain(session, organization_id)
            reports.append((organization_id, report.ok, report.last_sequence, report.last_hash, str(report)))
        return reports
    finally:
        await engine.dispose()


def _verify_in_process(database_url: str, organizations: list[str]) -> list[_Verified]:
    return asyncio.run(_verify_ledgers(database_url, organizations))


async def take(
    database_url: str, offsets: dict[tuple[str, int], int], messages: int, *, now: dt.datetime
) -> BookSnapshot:
    """Verify every ledger and record the checkpoint; SnapshotRefused (nothing written) when one is broken."""
    heads, broken = await verified_heads(database_url)
    if broken:
        raise SnapshotRefused(broken)
    snapshot = BookSnapshot(uuid.uuid4(), now, dict(offsets), heads, messages)
    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    try:
        async with make_session_factory(engine)() as session, session.begin():
            await session.execute(
                book_snapshots.insert().values(
                    id=snapshot.id,
                    taken_at=snapshot.taken_at,
                    offsets=_offsets_json(snapshot.offsets),
                    heads={ledger: [sequence, hash_] for ledger, (sequence, hash_) in heads.items()},
                    messages=messages,
                )
            )
    finally:
        await engine.dispose()
    return snapshot


async def latest(session: AsyncSession) -> BookSnapshot | None:
    row = (await session.execute(select(book_snapshots).order_by(book_snapshots.c.taken_at.desc()).limit(1))).first()
    if row is None:
        return None
    return BookSnapshot(
        row.id,
        row.taken_at,
        {
            (topic, int(partition)): int(offset)
            for topic, parts in row.offsets.items()
            for partition, offset in parts.items()
        },
        {ledger: (int(sequence), str(hash_)) for ledger, (sequence, hash_) in row.heads.items()},
        row.messages,
    )


async def check(
    snapshot_url: str,
    live_database_url: str | None,
    progress: Callable[[str], None] = lambda line: None,
) -> BookSnapshot:
    """The snapshot ``snapshot_url`` holds, verified; SnapshotRefused naming every problem otherwise."""
    engine = make_engine(snapshot_url, pool_size=1, max_overflow=0)
    try:
        factory = make_session_factory(engine)
        try:
            async with factory() as session:
                snapshot = await latest(session)
        except SQLAlchemyError as exc:
            raise SnapshotRefused(
                [f"{snapshot_url.rsplit('/', 1)[-1]} holds no snapshot ({type(exc).__name__})"]
            ) from exc
        if snapshot is None:
            raise SnapshotRefused([f"{make_url(snapshot_url).database} holds no snapshot (no book_snapshots row)"])
    finally:
        await engine.dispose()
    progress(f"checking {snapshot}: verify-chain over every ledger")
    verified, problems = await verified_heads(snapshot_url)
    for ledger, head in sorted(snapshot.heads.items()):
        if ledger in verified and verified[ledger] != head:
            problems.append(
                f"ledger {ledger}: verifies to sequence {verified[ledger][0]} hash {verified[ledger][1][:16]}…, "
                f"the snapshot records sequence {head[0]} hash {head[1][:16]}…"
            )
        elif ledger not in verified and not any(p.startswith(f"ledger {ledger}:") for p in problems):
            problems.append(f"ledger {ledger}: recorded in the snapshot, missing from its books")
    for ledger in sorted(set(verified) - set(snapshot.heads)):
        if verified[ledger][0] > 0:
            problems.append(f"ledger {ledger}: in the books with entries, not recorded in the snapshot")
    if not problems and live_database_url:
        problems += await _against_live(snapshot, live_database_url)
    if problems:
        raise SnapshotRefused(problems)
    return snapshot


async def _against_live(snapshot: BookSnapshot, live_database_url: str) -> list[str]:
    """Each recorded head must be the live ledger's entry at that sequence (the live books may be further)."""
    wanted = [(ledger, sequence) for ledger, (sequence, _hash) in snapshot.heads.items() if sequence > 0]
    if not wanted:
        return []
    engine = make_engine(live_database_url, pool_size=1, max_overflow=0)
    try:
        async with make_session_factory(engine)() as session:
            rows = await session.execute(
                select(postings.c.organization_id, postings.c.sequence, postings.c.hash).where(
                    tuple_(postings.c.organization_id, postings.c.sequence).in_(wanted)
                )
            )
            live = {(r.organization_id, r.sequence): r.hash for r in rows}
    except (OSError, SQLAlchemyError):
        return []  # no live books to compare with (the rebuild is how they come back): verify-chain decided
    finally:
        await engine.dispose()
    # Only entries the live books hold are compared: the live consumer may lag behind the topics
    # the snapshot was replayed from, and ledgers it never kept are not its to judge.
    return [
        f"ledger {ledger}: entry {sequence} has another hash in the live books"
        for ledger, sequence in sorted(wanted)
        if (ledger, sequence) in live and live[(ledger, sequence)] != snapshot.heads[ledger][1]
    ]


async def clone(snapshot_url: str, target_url: str) -> None:
    """Create the target database as a copy of the snapshot's (same server; nobody may be connected to it)."""
    source, target = make_url(snapshot_url), make_url(target_url)
    conn = await asyncpg.connect(
        host=target.host, port=target.port, user=target.username, password=target.password, database="postgres"
    )
    try:
        await conn.execute(f'CREATE DATABASE "{target.database}" TEMPLATE "{source.database}"')
    finally:
        await conn.close()


async def target_exists(target_url: str) -> bool:
    target = make_url(target_url)
    conn = await asyncpg.connect(
        host=target.host, port=target.port, user=target.username, password=target.password, database="postgres"
    )
    try:
        return bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", target.database))
    finally:
        await conn.close()


def _offsets_json(offsets: dict[tuple[str, int], int]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for (topic, partition), offset in sorted(offsets.items()):
        out.setdefault(topic, {})[str(partition)] = offset
    return out
