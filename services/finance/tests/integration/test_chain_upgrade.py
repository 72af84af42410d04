"""The one-time chain scheme upgrade: books written under the old scheme verify after migrating."""

import datetime as dt
import importlib.util
import uuid

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from unionfed_finance.adapters.chain import Break, verify_chain
from unionfed_finance.domain.ledger import STANDARD_CHART
from unionfed_finance.entrypoints.app import definition
from unionfed_shared.db import ensure_database, make_engine, make_session_factory
from unionfed_shared.migrations import alembic_config

pytestmark = pytest.mark.integration

MIGRATION = definition().migrations_dir / "versions" / "0007_chain_every_column.py"
_spec = importlib.util.spec_from_file_location("chain_upgrade_migration", MIGRATION)
upgrade_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(upgrade_module)
GENESIS = "0" * 64


async def migrate(url: str, revision: str) -> None:
    await ensure_database(url)
    engine = create_async_engine(url)
    config = alembic_config(definition().migrations_dir, url)

    def run(connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    try:
        async with engine.begin() as connection:
            await connection.run_sync(run)
    finally:
        await engine.dispose()


class Row:
    def __init__(self, **values):
        self.__dict__.update(values)


async def old_scheme_books(url: str, org: str, amounts: list[int], *, break_at: int | None = None) -> None:
    """A ledger as the previous release wrote it: old-scheme hashes, recorded_at from the clock."""
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text("INSERT INTO ledgers (organization_id, federation_id, last_hash) VALUES (:o, 'fed', :g)"),
                {"o": org, "g": GENESIS},
            )
            for spec in STANDARD_CHART:
                await conn.execute(
                    text(
                        "INSERT INTO accounts (organization_id, code, name, name_zh, type, floor_fen, balance_fen) "
                        "VALUES (:o, :c, :n, :z, :t, :f, :b)"
                    ),
                    {
                        "o": org,
                        "c": spec.code,
                        "n": spec.name,
                        "z": spec.name_zh,
                        "t": spec.type.value,
                        "f": spec.floor_fen,
                        "b": sum(amounts) if spec.code in ("1001", "4101") else 0,
                    },
                )
            previous = GENESIS
            for sequence, fen in enumerate(amounts, start=1):
                entry = Row(
                    id=uuid.uuid4(),
                    organization_id=org,
                    sequence=sequence,
                    effective_date=dt.date(2026, 10, sequence),
                    description="会费 Dues",
                    reverses_posting_id=None,
                    source_event_id=f"evt-{sequence}",
                    previous_hash=previous,
                )
                lines = [
                    Row(account_code="1001", debit_fen=fen, credit_fen=0, counterparty_id=None),
                    Row(account_code="4101", debit_fen=0, credit_fen=fen, counterparty_id=None),
                ]
                digest = upgrade_module.v1_hash(entry, lines)
                stored_total = fen + 10000 if sequence == break_at else fen  # a v1 chain cannot see the total…
                if sequence == break_at:
                    lines[0].debit_fen += 1  # …but it does see a line amount
                await conn.execute(
                    text(
                        "INSERT INTO postings (id, organization_id, sequence, effective_date, description, total_fen, "
                        "source_event_id, source_event_type, source_topic, source_partition, source_offset, correlation_id, "
                        "previous_hash, hash) VALUES (:id, :o, :s, :d, :desc, :t, :e, 'unionfed.membership.dues_collected.v1', "
                        "'unionfed.membership', 0, :s, :e, :p, :h)"
                    ),
                    {
                        "id": entry.id,
                        "o": org,
                        "s": sequence,
                        "d": entry.effective_date,
                        "desc": entry.description,
                        "t": stored_total,
                        "e": entry.source_event_id,
                        "p": previous,
                        "h": digest,
                    },
                )
                for number, line in enumerate(lines, start=1):
                    await conn.execute(
                        text(
                            "INSERT INTO posting_lines (posting_id, line_no, organization_id, account_code, debit_fen, credit_fen) "
                            "VALUES (:p, :n, :o, :a, :d, :c)"
                        ),
                        {
                            "p": entry.id,
                            "n": number,
                            "o": org,
                            "a": line.account_code,
                            "d": line.debit_fen,
                            "c": line.credit_fen,
                        },
                    )
                previous = digest
            await conn.execute(
                text("UPDATE ledgers SET last_sequence = :s, last_hash = :h WHERE organization_id = :o"),
                {"s": len(amounts), "h": previous, "o": org},
            )
    finally:
        await engine.dispose()


async def test_old_scheme_ledgers_are_rechained_and_verify_with_every_column_covered(infra):
    url = infra.pg_dsn(f"t_finance_upgrade_{uuid.uuid4().hex[:8]}")
    await migrate(url, "0006_goods_apart")
    await old_scheme_books(url, "school-a", [5000, 3000, 2000])
    await old_scheme_books(url, "school-b", [700])

    await migrate(url, "heads")

    engine = make_engine(url)
    try:
        sessions = make_session_factory(engine)
        for org, entries in (("school-a", 3), ("school-b", 1)):
            async with sessions() as session:
                report = await verify_chain(session, org)
            assert report.ok and report.entries_checked == entries, str(report)
        async with sessions() as session:
            default = await session.scalar(
                text(
                    "SELECT column_default FROM information_schema.columns "
                    "WHERE table_name = 'postings' AND column_name = 'recorded_at'"
                )
            )
            second = await session.scalar(
                text("SELECT id FROM postings WHERE organization_id = 'school-a' AND sequence = 2")
            )
        assert default is None, "the poster sets recorded_at; the clock no longer does"
        # What the old scheme could not see, the re-chained ledger does.
        async with engine.begin() as conn:
            await conn.execute(text("SET LOCAL session_replication_role = replica"))
            await conn.execute(text("UPDATE postings SET total_fen = total_fen + 10000 WHERE id = :p"), {"p": second})
        async with sessions() as session:
            report = await verify_chain(session, "school-a")
        assert (report.broken_sequence, report.problem) == (2, Break.HASH)
        assert "postings.total_fen differs from what was chained" in str(report)
    finally:
        await engine.dispose()


async def test_an_old_scheme_ledger_already_broken_stops_the_upgrade_instead_of_being_blessed(infra):
    url = infra.pg_dsn(f"t_finance_upgrade_{uuid.uuid4().hex[:8]}")
    await migrate(url, "0006_goods_apart")
    await old_scheme_books(url, "school-a", [5000, 3000, 2000], break_at=2)

    with pytest.raises(RuntimeError, match="ledger school-a is broken at sequence 2 under the old chain scheme"):
        await migrate(url, "heads")

    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT version_num FROM alembic_version")) == "0006_goods_apart"
            assert not await conn.scalar(
                text(
                    "SELECT count(*) FROM information_schema.columns WHERE table_name = 'postings' AND column_name = 'field_digests'"
                )
            )
    finally:
        await engine.dispose()
