"""What finance adds to a backup's manifest (every ledger's head) and checks after a restore.

``ledger_heads`` runs in the transaction whose snapshot ``pg_dump`` dumps, so the heads are those
of the dump. ``check_restored`` re-verifies each restored ledger's chain from sequence 1 and
compares its head with the manifest's: the restored books are the books that were backed up.
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.chain import verify_chain
from unionfed_finance.adapters.tables import ledgers


async def ledger_heads(session: AsyncSession) -> dict[str, Any]:
    """``{"ledger_heads": {organization: {"sequence": n, "hash": h}}}`` of every ledger with entries."""
    rows = await session.execute(
        select(ledgers.c.organization_id, ledgers.c.last_sequence, ledgers.c.last_hash)
        .where(ledgers.c.last_sequence > 0)
        .order_by(ledgers.c.organization_id)
    )
    return {"ledger_heads": {org: {"sequence": sequence, "hash": head} for org, sequence, head in rows}}


async def check_restored(session: AsyncSession, facts: dict[str, Any]) -> list[str]:
    """The problems of the restored books: a chain that does not verify, a head unlike the manifest's."""
    expected: dict[str, dict[str, Any]] = facts.get("ledger_heads", {})
    restored = (await ledger_heads(session))["ledger_heads"]
    problems = [
        f"ledger {org}: head {restored.get(org)} restored, {head} in the manifest"
        for org, head in sorted(expected.items())
        if restored.get(org) != head
    ]
    problems += [f"ledger {org}: not in the manifest" for org in sorted(set(restored) - set(expected))]
    await session.rollback()
    for org in sorted(restored):
        report = await verify_chain(session, org)
        await session.rollback()
        if not report.ok:
            problems.append(str(report))
    return problems
