"""Rebuilding finance from its input topics into an empty database.

A new consumer group reads every input topic from offset 0 with the outbox relay off, so the
rebuild publishes nothing. The journal topic fixes each federation's order, and every id, sequence
and hash the poster writes derives from the journal, so the rebuilt ledgers equal the live ones —
if the history is whole. Kafka deletes records by retention or on request, and a replay of what is
left still runs to the end, so the rebuild checks: before writing, that every partition still
starts at offset 0; after replaying, that no ledger's sequences have a gap or stop short of the
live head.

A rebuild applies much bigger batches than the live consumer (``REBUILD_BATCH``, one transaction
each: the poster keeps a batch's ledgers in memory and writes it with COPY), and it can start from a
verified snapshot (``adapters/book_snapshots``): a copy of books replayed earlier, with the offsets
they reached and their ledgers' heads, checked by verify-chain before it is copied; only the tail
after its offsets is replayed.

One process replays at one core's pace. ``other_workers`` starts more processes consuming in the
rebuild's group (``entrypoints/rebuild_workers``): the group spreads the partitions over them, and
this function still decides when the replay is done, from the group's committed offsets.
"""

import asyncio
import datetime as dt
import logging
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, nullcontext
from dataclasses import dataclass

from unionfed_finance.adapters import book_snapshots, ledger_fingerprints, voucher_chain
from unionfed_finance.adapters.book_snapshots import BookSnapshot
from unionfed_finance.settings import FinanceSettings
from unionfed_shared.errors import Conflict
from unionfed_shared.messaging.assignment import Backlog, by_backlog
from unionfed_shared.messaging.kafka import (
    LostRecords,
    beginning_offsets,
    commit_group_offsets,
    committed_offsets,
    end_offsets,
)
from unionfed_shared.migrations import upgrade_database
from unionfed_shared.runtime import Runtime, ServiceDefinition

log = logging.getLogger(__name__)

# Records applied in one transaction during a rebuild (the live consumer takes 500): fewer commits,
# inbox claims and prefetches per record. The fetch waits a little longer to fill them.
REBUILD_BATCH = 5000
REBUILD_BATCH_WAIT_MS = 500


@dataclass(frozen=True)
class RebuildReport:
    consumer_group: str
    messages: int
    seconds: float
    ledgers: int  # ledgers with entries in the rebuilt database, each checked for missing sequences
    live_heads: int | None  # live ledgers whose head the replay reached; None: no live database to ask
    live_unreachable: str | None = None  # why the live heads could not be read
    vouchers: int = 0  # vouchers (票据) copied from the live database: files are not events
    from_snapshot: BookSnapshot | None = None  # the checkpoint the replay started from
    snapshot: BookSnapshot | None = None  # the checkpoint taken of the rebuilt books
    snapshot_seconds: float = 0.0  # taking it: verify-chain of every ledger


class IncompleteHistory(Exception):
    """Records the rebuild would replay are gone from Kafka; nothing was written."""

    def __init__(self, lost: list[LostRecords]):
        self.lost = lost
        super().__init__("; ".join(map(str, lost)) + "; a rebuild from this history would be incomplete")


@dataclass(frozen=True, order=True)
class MissingEntries:
    ledger: str
    first: int
    last: int

    def __str__(self) -> str:
        return f"ledger {self.ledger}: sequences {self.first}–{self.last} are missing from the replay"


class IncompleteLedgers(Exception):
    """The replay finished, but ledgers lack entries the journal should have given them."""

    def __init__(self, missing: list[MissingEntries]):
        self.missing = missing
        super().__init__("; ".join(map(str, missing)) + "; the rebuilt books are incomplete, do not use them")


async def rebuild(
    definition: ServiceDefinition,
    settings: FinanceSettings,
    *,
    live_database_url: str | None = None,
    progress: Callable[[int, int], None] = lambda done, total: None,
    poll_s: float = 0.5,
    batch_size: int = REBUILD_BATCH,
    from_snapshot: str | None = None,
    take_snapshot: bool = False,
    say: Callable[[str], None] = lambda line: None,
    other_workers: Callable[[FinanceSettings, Backlog], AbstractAsyncContextManager[object]] = (
        lambda _settings, _backlog: nullcontext()
    ),
) -> RebuildReport:
    """Replay every input topic into ``settings.database_url``, which must hold no books yet.

    Refuses before writing anything when a partition lost records the replay needs (IncompleteHistory)
    or the snapshot ``from_snapshot`` (a database URL on the same server) does not verify
    (SnapshotRefused), and after the replay when a ledger's sequences have a gap or stop short of
    the head ``live_database_url`` had when the rebuild began (IncompleteLedgers). With a snapshot the
    target database is created as its copy and only the records after its offsets are replayed.
    ``take_snapshot`` records a verified checkpoint in the rebuilt database at the end.
    ``other_workers(settings, backlog)`` runs while the replay does: more consumers with the rebuild's
    settings, dealing the partitions by their backlog as this one does.
    """
    # Each partition's records to replay, filled in once the offsets are known and read by the
    # assignor when the group rebalances: the processes of the replay get equal work.
    backlog: dict[tuple[str, int], int] = {}
    runtime = Runtime(
        definition,
        settings.model_copy(
            update={
                "consumer_group_id": _rebuild_group(),
                "consumer_batch_size": batch_size,
                "consumer_batch_timeout_ms": max(settings.consumer_batch_timeout_ms, REBUILD_BATCH_WAIT_MS),
            }
        ),
        assignor=by_backlog(backlog),
    )
    bootstrap, group = runtime.kafka, runtime.settings.consumer_group
    try:
        snapshot = await book_snapshots.check(from_snapshot, live_database_url, progress=say) if from_snapshot else None
        starts = dict.fromkeys(await end_offsets(bootstrap, runtime.consumer.topics), 0)
        starts.update(snapshot.offsets if snapshot else {})
        lost = _lost(await beginning_offsets(bootstrap, runtime.consumer.topics), starts)
        if lost:
            raise IncompleteHistory(lost)
        # Read before the replay's end offsets are fixed: every live entry then comes from a journal
        # record below them, so a complete replay reaches every live head.
        live, unreachable = (
            await ledger_fingerprints.live_heads(live_database_url) if live_database_url else (None, None)
        )
        if snapshot is not None and from_snapshot is not None:
            if await book_snapshots.target_exists(settings.database_url):
                raise Conflict(
                    "rebuild_target_exists",
                    zh="用于从快照重建的数据库已存在；请指定一个新的数据库名",
                    en="the database to rebuild from a snapshot into already exists; name a new one",
                )
            await book_snapshots.clone(from_snapshot, settings.database_url)
            say(f"copied {snapshot}")
        await upgrade_database(settings.database_url, definition.migrations_dir)
        if snapshot is None:
            async with runtime.session_factory() as session:
                if await ledger_fingerprints.any_books(session):
                    raise Conflict(
                        "rebuild_target_not_empty",
                        zh="用于重建的数据库中已有账簿；请重建到空数据库",
                        en="the rebuild database already holds books; rebuild into an empty one",
                    )
        await commit_group_offsets(bootstrap, group, {tp: at for tp, at in starts.items() if at > 0})
    except BaseException:
        await runtime.engine.dispose()
        raise
    targets = await end_offsets(bootstrap, runtime.consumer.topics)
    backlog.update({tp: max(0, end - starts.get(tp, 0)) for tp, end in targets.items()})
    total = sum(backlog.values())
    started = asyncio.get_running_loop().time()
    seconds = 0.0
    await runtime.start(consume=True, relay=False)
    try:
        async with other_workers(runtime.settings, backlog):
            while True:
                done = await committed_offsets(bootstrap, group)
                applied = sum(max(0, min(done.get(tp, 0), end) - starts.get(tp, 0)) for tp, end in targets.items())
                progress(applied, total)
                if applied >= total:
                    # The replay's time: the other workers' stopping is not part of it.
                    seconds = asyncio.get_running_loop().time() - started
                    break
                await asyncio.sleep(poll_s)
        async with runtime.session_factory() as session:
            gaps, heads = await ledger_fingerprints.replayed_sequences(session)
    finally:
        await runtime.stop()
    missing = missing_entries(gaps, heads, live or {})
    if missing:
        raise IncompleteLedgers(missing)
    # Vouchers are uploaded files, not events: no replay brings them back. They are copied from the
    # live database, and verify-chain on the rebuilt books checks each against its rebuilt entry.
    vouchers = 0
    if live_database_url and unreachable is None:
        vouchers = await voucher_chain.carry_over(
            live_database_url, settings.database_url, keep_present=snapshot is not None
        )
    taken, snapshot_seconds = None, 0.0
    if take_snapshot:
        # The runtime is stopped: the books are exactly what the group committed (offsets are
        # committed after the books; a record applied but not committed is in the inbox, and a
        # replay from these offsets finds it there).
        reached = await committed_offsets(bootstrap, group)
        offsets = {tp: reached.get(tp, starts.get(tp, 0)) for tp in targets}
        messages = (snapshot.messages if snapshot else 0) + sum(
            max(0, at - starts.get(tp, 0)) for tp, at in offsets.items()
        )
        say("taking a snapshot: verify-chain over every ledger")
        snapshot_started = asyncio.get_running_loop().time()
        taken = await book_snapshots.take(settings.database_url, offsets, messages, now=dt.datetime.now(dt.UTC))
        snapshot_seconds = asyncio.get_running_loop().time() - snapshot_started
    return RebuildReport(
        group,
        total,
        seconds,
        len(heads),
        None if live is None else len(live),
        unreachable,
        vouchers,
        from_snapshot=snapshot,
        snapshot=taken,
        snapshot_seconds=snapshot_seconds,
    )


def _lost(beginnings: dict[tuple[str, int], int], starts: dict[tuple[str, int], int]) -> list[LostRecords]:
    """Partitions whose first record still held is above where the replay starts (0, or the snapshot's offset)."""
    return [
        LostRecords(topic, partition, starts.get((topic, partition), 0), first - 1)
        for (topic, partition), first in sorted(beginnings.items())
        if first > starts.get((topic, partition), 0)
    ]


def missing_entries(
    gaps: list[tuple[str, int, int]], replayed_heads: dict[str, int], live_heads: dict[str, int]
) -> list[MissingEntries]:
    """Each ledger's missing ranges: gaps inside the replayed sequences, and any shortfall from its live head."""
    missing = [MissingEntries(*gap) for gap in gaps]
    for ledger, live_head in live_heads.items():
        replayed = replayed_heads.get(ledger, 0)
        if live_head > replayed:
            missing.append(MissingEntries(ledger, replayed + 1, live_head))
    return sorted(missing)


def _rebuild_group() -> str:
    return f"unionfed-finance-rebuild-{uuid.uuid4().hex[:12]}"
