"""What a rebuild compares: each ledger's sequences and head, and a fingerprint of whole ledgers."""

import logging

from sqlalchemy import func, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.tables import accounts, ledgers, posting_lines, postings
from unionfed_shared.db import make_engine, make_session_factory

log = logging.getLogger(__name__)


async def any_books(session: AsyncSession) -> bool:
    return await session.scalar(select(ledgers.c.organization_id).limit(1)) is not None


async def replayed_sequences(session: AsyncSession) -> tuple[list[tuple[str, int, int]], dict[str, int]]:
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


async def live_heads(database_url: str) -> tuple[dict[str, int] | None, str | None]:
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
