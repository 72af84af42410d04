"""Rebuilding finance from its input topics into an empty database.

A new consumer group reads every input topic from offset 0 with the outbox relay off, so the
rebuild publishes nothing. The journal topic fixes each federation's order, and every id, sequence
and hash the poster writes derives from the journal, so the rebuilt ledgers equal the live ones —
if the history is whole. Kafka deletes records by retention or on request, and a replay of what is
left still runs to the end, so the rebuild checks: before writing, that every partition still
starts at offset 0; after replaying, that no ledger's sequences have a gap or stop short of the
live head.
"""

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from unionfed_finance.adapters import ledger_fingerprints, voucher_chain
from unionfed_finance.settings import FinanceSettings
from unionfed_shared.errors import Conflict
from unionfed_shared.messaging.kafka import LostRecords, committed_offsets, end_offsets, lost_history
from unionfed_shared.migrations import upgrade_database
from unionfed_shared.runtime import Runtime, ServiceDefinition

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RebuildReport:
    consumer_group: str
    messages: int
    seconds: float
    ledgers: int  # ledgers with entries in the rebuilt database, each checked for missing sequences
    live_heads: int | None  # live ledgers whose head the replay reached; None: no live database to ask
    live_unreachable: str | None = None  # why the live heads could not be read
    vouchers: int = 0  # vouchers (票据) copied from the live database: files are not events


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
) -> RebuildReport:
    """Replay every input topic into ``settings.database_url``, which must hold no books yet.

    Refuses before writing anything when a partition lost its first records (IncompleteHistory),
    and after the replay when a ledger's sequences have a gap or stop short of the head
    ``live_database_url`` had when the rebuild began (IncompleteLedgers).
    """
    runtime = Runtime(definition, settings.model_copy(update={"consumer_group_id": _rebuild_group()}))
    try:
        lost = await lost_history(settings.kafka_bootstrap_servers, runtime.consumer.topics)
        if lost:
            raise IncompleteHistory(lost)
        # Read before the replay's end offsets are fixed: every live entry then comes from a journal
        # record below them, so a complete replay reaches every live head.
        live, unreachable = (
            await ledger_fingerprints.live_heads(live_database_url) if live_database_url else (None, None)
        )
        await upgrade_database(settings.database_url, definition.migrations_dir)
        async with runtime.session_factory() as session:
            if await ledger_fingerprints.any_books(session):
                raise Conflict(
                    "rebuild_target_not_empty",
                    zh="用于重建的数据库中已有账簿；请重建到空数据库",
                    en="the rebuild database already holds books; rebuild into an empty one",
                )
    except BaseException:
        await runtime.engine.dispose()
        raise
    bootstrap, group = settings.kafka_bootstrap_servers, runtime.settings.consumer_group
    targets = await end_offsets(bootstrap, runtime.consumer.topics)
    total = sum(targets.values())
    started = asyncio.get_running_loop().time()
    await runtime.start(consume=True, relay=False)
    try:
        while True:
            done = await committed_offsets(bootstrap, group)
            applied = sum(min(done.get(tp, 0), end) for tp, end in targets.items())
            progress(applied, total)
            if applied >= total:
                break
            await asyncio.sleep(poll_s)
        seconds = asyncio.get_running_loop().time() - started
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
        vouchers = await voucher_chain.carry_over(live_database_url, settings.database_url)
    return RebuildReport(group, total, seconds, len(heads), None if live is None else len(live), unreachable, vouchers)


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
