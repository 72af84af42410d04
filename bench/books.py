"""Correctness gates on a finance database the bench filled: a fast run that lost money does not count."""

import asyncpg

from unionfed_finance.adapters.chain import verify_chain
from unionfed_shared.db import make_engine, make_session_factory

BENCH_ORGS = "bench-fed-%"  # every union the bench posts to (bench/events.py)


async def books_problems(
    pg_url: str,
    sqlalchemy_url: str,
    *,
    expected_events: int | None,
    expected_bank_fen: dict[str, int] | None,
    chains_to_verify: int = 4,
) -> list[str]:
    """What is wrong with the books; empty when every gate passes.

    ``expected_events``/``expected_bank_fen`` None: the run was stopped part-way, so only what
    must hold for any prefix is checked (balanced, no duplicates, intact chains).
    """
    problems: list[str] = []
    conn = await asyncpg.connect(pg_url)
    try:
        postings = await conn.fetchval("SELECT count(*) FROM postings WHERE organization_id LIKE $1", BENCH_ORGS)
        if expected_events is not None and postings != expected_events:
            problems.append(f"{postings:,} postings for {expected_events:,} events")
        short = await conn.fetchval(
            """
            SELECT count(*) FROM postings p
            WHERE p.organization_id LIKE $1
              AND (SELECT count(*) FROM posting_lines l WHERE l.posting_id = p.id) < 2
            """,
            BENCH_ORGS,
        )
        if short:
            problems.append(f"{short:,} postings with fewer than two lines")
        debits, credits = await conn.fetchrow(
            "SELECT coalesce(sum(debit_fen), 0), coalesce(sum(credit_fen), 0) FROM posting_lines"
        )
        if debits != credits:
            problems.append(f"debits {debits:,} fen ≠ credits {credits:,} fen")
        duplicates = await conn.fetchval(
            "SELECT count(*) - count(DISTINCT journal_event_id) FROM postings WHERE organization_id LIKE $1", BENCH_ORGS
        )
        if duplicates:
            problems.append(f"{duplicates:,} postings repeat a journal_event_id")
        if expected_bank_fen is not None:
            banks = dict(
                await conn.fetch(
                    "SELECT organization_id, balance_fen FROM accounts WHERE code = '1001' AND organization_id LIKE $1",
                    BENCH_ORGS,
                )
            )
            wrong = [org for org, fen in expected_bank_fen.items() if banks.get(org, 0) != fen]
            if wrong:
                org = wrong[0]
                problems.append(
                    f"bank balance of {len(wrong)} unions differs from the events' sum "
                    f"(e.g. {org}: {banks.get(org, 0):,} fen, expected {expected_bank_fen[org]:,})"
                )
        ledgers = [
            r[0]
            for r in await conn.fetch(
                "SELECT organization_id FROM ledgers WHERE organization_id LIKE $1 ORDER BY organization_id", BENCH_ORGS
            )
        ]
    finally:
        await conn.close()
    problems += await chain_problems(sqlalchemy_url, _spread(ledgers, chains_to_verify))
    return problems


async def chain_problems(sqlalchemy_url: str, organizations: list[str]) -> list[str]:
    """The service's own verifier, from sequence 1 to the head."""
    engine = make_engine(sqlalchemy_url)
    problems = []
    try:
        for organization in organizations:
            async with make_session_factory(engine)() as session:
                report = await verify_chain(session, organization)
            if not report.ok:
                problems.append(str(report))
    finally:
        await engine.dispose()
    return problems


def _spread(items: list[str], count: int) -> list[str]:
    """``count`` items spread over the list (first, last and between), or all when fewer."""
    if len(items) <= count:
        return items
    step = (len(items) - 1) / (count - 1)
    return [items[round(i * step)] for i in range(count)]


async def heads(pg_url: str) -> dict[str, tuple[int, str]]:
    """Every bench ledger's chain head: two databases fed the same journal must agree on all of them."""
    conn = await asyncpg.connect(pg_url)
    try:
        rows = await conn.fetch(
            "SELECT organization_id, last_sequence, last_hash FROM ledgers WHERE organization_id LIKE $1", BENCH_ORGS
        )
    finally:
        await conn.close()
    return {r[0]: (r[1], r[2]) for r in rows}
