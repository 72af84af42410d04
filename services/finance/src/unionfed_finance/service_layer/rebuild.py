"""Rebuilding finance from its input topics into an empty database.

A new consumer group reads every input topic from offset 0 with the outbox relay off, so the
rebuild publishes nothing. The journal topic fixes each federation's order, and every id, sequence
and hash the poster writes derives from the journal, so the rebuilt ledgers equal the live ones.
"""

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.tables import accounts, ledgers, posting_lines, postings
from unionfed_finance.settings import FinanceSettings
from unionfed_shared.errors import Conflict
from unionfed_shared.messaging.kafka import committed_offsets, end_offsets
from unionfed_shared.migrations import upgrade_database
from unionfed_shared.runtime import Runtime, ServiceDefinition


@dataclass(frozen=True)
class RebuildReport:
    consumer_group: str
    messages: int
    seconds: float


async def rebuild(
    definition: ServiceDefinition,
    settings: FinanceSettings,
    *,
    progress: Callable[[int, int], None] = lambda done, total: None,
    poll_s: float = 0.5,
) -> RebuildReport:
    """Replay every input topic into ``settings.database_url``, which must hold no books yet."""
    await upgrade_database(settings.database_url, definition.migrations_dir)
    group = f"unionfed-finance-rebuild-{uuid.uuid4().hex[:12]}"
    settings = settings.model_copy(update={"consumer_group_id": group})
    runtime = Runtime(definition, settings)
    async with runtime.session_factory() as session:
        if await session.scalar(select(ledgers.c.organization_id).limit(1)):
            await runtime.engine.dispose()
            raise Conflict("the rebuild database already holds books; rebuild into an empty one")
    targets = await end_offsets(settings.kafka_bootstrap_servers, runtime.consumer.topics)
    total = sum(targets.values())
    started = asyncio.get_running_loop().time()
    await runtime.start(consume=True, relay=False)
    try:
        while True:
            done = await committed_offsets(settings.kafka_bootstrap_servers, group)
            applied = sum(min(done.get(tp, 0), end) for tp, end in targets.items())
            progress(applied, total)
            if applied >= total:
                break
            await asyncio.sleep(poll_s)
    finally:
        await runtime.stop()
    return RebuildReport(group, total, asyncio.get_running_loop().time() - started)


async def ledger_fingerprint(session: AsyncSession, organization_ids: list[str] | None = None) -> dict:
    """Everything that makes two ledgers the same: entries, lines, hashes and balances."""
    def only(table):
        return table.c.organization_id.in_(organization_ids) if organization_ids else text("true")

    entries = await session.execute(
        select(
            postings.c.organization_id, postings.c.sequence, postings.c.id, postings.c.effective_date,
            postings.c.description, postings.c.total_fen, postings.c.source_event_id, postings.c.journal_event_id,
            postings.c.reverses_posting_id, postings.c.previous_hash, postings.c.hash,
        ).where(only(postings)).order_by(postings.c.organization_id, postings.c.sequence)
    )
    lines = await session.execute(
        select(
            posting_lines.c.posting_id, posting_lines.c.line_no, posting_lines.c.account_code,
            posting_lines.c.debit_fen, posting_lines.c.credit_fen, posting_lines.c.counterparty_id,
        ).where(only(posting_lines)).order_by(posting_lines.c.posting_id, posting_lines.c.line_no)
    )
    balances = await session.execute(
        select(accounts.c.organization_id, accounts.c.code, accounts.c.balance_fen, accounts.c.pending_fen)
        .where(only(accounts)).order_by(accounts.c.organization_id, accounts.c.code)
    )
    heads = await session.execute(
        select(ledgers.c.organization_id, ledgers.c.last_sequence, ledgers.c.last_hash)
        .where(only(ledgers)).order_by(ledgers.c.organization_id)
    )
    return {
        "entries": [tuple(r) for r in entries],
        "lines": [tuple(r) for r in lines],
        "balances": [tuple(r) for r in balances],
        "heads": [tuple(r) for r in heads],
    }
