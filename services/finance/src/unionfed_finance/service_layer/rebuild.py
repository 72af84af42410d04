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

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.tables import accounts, ledgers, posting_lines, postings
from unionfed_finance.settings import FinanceSettings
from unionfed_shared.db import make_engine, make_session_factory
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
        live, unreachable = await _live_heads(live_database_url) if live_database_url else (None, None)
        await upgrade_database(settings.database_url, definition.migrations_dir)
        async with runtime.session_factory() as session:
            if await session.scalar(select(ledgers.c.organization_id).limit(1)):
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
            gaps, heads = await _replayed_sequences(session)
    finally:
        await runtime.stop()
    missing = missing_entries(gaps, heads, live or {})
    if missing:
        raise IncompleteLedgers(missing)
    return RebuildReport(group, total, seconds, len(heads), None if live is None else len(live), unreachable)


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


async def _replayed_sequences(session: AsyncSession) -> tuple[list[tuple[str, int, int]], dict[str, int]]:
    """The gaps between consecutive sequences of each ledger (from 1), and each ledger's highest sequence."""
    previous = func.coalesce(
        func.lag(postings.c.sequence).over(partition_by=postings.c.organization_id, order_by=postings.c.sequence), 0
    )
    steps = select(postings.c.organization_id, postings.c.sequence, previous.label("previous")).subquery()
    gaps = await session.execute(
        select(steps.c.organization_id, steps.c.previous + 1, steps.c.sequence - 1)
        .where(steps.c.sequence > steps.c.previous + 1)
        .order_by(steps.c.organization_id, steps.c.sequence)
    )
    heads = await session.execute(
        select(postings.c.organization_id, func.max(postings.c.sequence)).group_by(postings.c.organization_id)
    )
    return [tuple(row) for row in gaps], dict(heads.all())


async def _live_heads(database_url: str) -> tuple[dict[str, int] | None, str | None]:
    """Every live ledger's head sequence, or None and why when the live database cannot be read."""
    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    try:
        async with make_session_factory(engine)() as session:
            rows = await session.execute(
                select(ledgers.c.organization_id, ledgers.c.last_sequence).where(ledgers.c.last_sequence > 0)
            )
            return dict(rows.all()), None
    except (OSError, SQLAlchemyError) as exc:
        # A rebuild is also how books come back after the live database is lost.
        log.warning("live database not readable, the replay is checked for gaps only: %s", exc)
        return None, f"{type(exc).__name__}: {exc}".splitlines()[0]
    finally:
        await engine.dispose()


async def ledger_fingerprint(session: AsyncSession, organization_ids: list[str] | None = None) -> dict:
    """Everything that makes two ledgers the same: entries, lines, hashes and balances."""

    def only(table):
        return table.c.organization_id.in_(organization_ids) if organization_ids else text("true")

    entries = await session.execute(
        select(
            postings.c.organization_id,
            postings.c.sequence,
            postings.c.id,
            postings.c.effective_date,
            postings.c.description,
            postings.c.total_fen,
            postings.c.source_event_id,
            postings.c.journal_event_id,
            postings.c.reverses_posting_id,
            postings.c.previous_hash,
            postings.c.hash,
        )
        .where(only(postings))
        .order_by(postings.c.organization_id, postings.c.sequence)
    )
    lines = await session.execute(
        select(
            posting_lines.c.posting_id,
            posting_lines.c.line_no,
            posting_lines.c.account_code,
            posting_lines.c.debit_fen,
            posting_lines.c.credit_fen,
            posting_lines.c.counterparty_id,
        )
        .where(only(posting_lines))
        .order_by(posting_lines.c.posting_id, posting_lines.c.line_no)
    )
    balances = await session.execute(
        select(accounts.c.organization_id, accounts.c.code, accounts.c.balance_fen, accounts.c.pending_fen)
        .where(only(accounts))
        .order_by(accounts.c.organization_id, accounts.c.code)
    )
    heads = await session.execute(
        select(ledgers.c.organization_id, ledgers.c.last_sequence, ledgers.c.last_hash)
        .where(only(ledgers))
        .order_by(ledgers.c.organization_id)
    )
    return {
        "entries": [tuple(r) for r in entries],
        "lines": [tuple(r) for r in lines],
        "balances": [tuple(r) for r in balances],
        "heads": [tuple(r) for r in heads],
    }
