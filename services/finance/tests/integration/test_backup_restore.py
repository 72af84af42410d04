"""Backing finance up under load and restoring it into an empty database: the restore drill.

Journal entries keep arriving on Kafka while ``unionfed finance backup`` dumps the books; after
more load, ``unionfed finance restore`` puts the dump into an empty database, sets a consumer group
to the backup's offsets and replays the tail. The restored books then verify against a head an
auditor exported before the backup, reconcile, and equal the live books head for head. A restore
into a database that holds anything, or from a file whose checksum differs, changes nothing.
"""

import asyncio
import datetime as dt
import json
import uuid
from pathlib import Path

import asyncpg
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from tests.factories import school_events
from tests.finance_tools import journal_entry, signing_key_file
from tests.kafka_tools import envelope_for, producer, send_envelope
from tests.pytest_infra import eventually, service_env, unique
from unionfed_finance.adapters.ledger_fingerprints import ledger_fingerprint
from unionfed_finance.adapters.tables import postings
from unionfed_finance.domain import flows
from unionfed_finance.entrypoints import cli as finance_cli
from unionfed_finance.entrypoints.app import definition
from unionfed_finance.service_layer import journal
from unionfed_shared.contracts import topics
from unionfed_shared.db import make_engine, make_session_factory
from unionfed_shared.messaging.kafka import committed_offsets

pytestmark = pytest.mark.integration

DAY = dt.date(2026, 10, 20)


async def finance_cli_run(args: list[str], env: dict[str, str]):
    """``unionfed finance ARGS`` as an operator runs it, in a thread (the command runs its own loop)."""
    return await asyncio.to_thread(CliRunner().invoke, finance_cli.cli, args, env=env)


def funds(federation: str, school: str, n: int):
    """The n-th employer payment: a posting in the school's ledger and one in the federation's."""
    instruction = journal.post(
        *flows.employer_funds(school, federation, 1_000_00 + n, DAY, flows.FundPolicy(400), "2026-10")
    )
    return journal_entry(federation, school, instruction)


async def send_load(infra, federation: str, school: str, numbers: range, pause_s: float = 0.0) -> None:
    async with producer(infra.kafka_bootstrap) as client:
        for n in numbers:
            await send_envelope(client, topics.FINANCE_JOURNAL, envelope_for(funds(federation, school, n)))
            if pause_s:
                await asyncio.sleep(pause_s)


async def entries(runtime_or_url, school: str) -> int:
    if isinstance(runtime_or_url, str):
        engine = make_engine(runtime_or_url, pool_size=1, max_overflow=0)
        try:
            async with make_session_factory(engine)() as session:
                return await session.scalar(select(func.count()).where(postings.c.organization_id == school)) or 0
        finally:
            await engine.dispose()
    async with runtime_or_url.session_factory() as session:
        return await session.scalar(select(func.count()).where(postings.c.organization_id == school)) or 0


async def fingerprint(database_url: str, organizations: list[str]) -> dict:
    engine = make_engine(database_url, pool_size=1, max_overflow=0)
    try:
        async with make_session_factory(engine)() as session:
            return await ledger_fingerprint(session, organizations)
    finally:
        await engine.dispose()


async def test_finance_restored_from_a_backup_taken_mid_load_verifies_against_an_earlier_head_and_equals_the_live_books(
    build_service, infra, tmp_path: Path
):
    key = signing_key_file(tmp_path)
    live_db = f"t_finance_live_{uuid.uuid4().hex[:8]}"
    live = await build_service(definition, database=live_db, head_signing_key_file=key)
    live_env = service_env(infra, "finance", live_db, head_signing_key_file=key)
    federation, school = unique("fed"), unique("school")
    _member, setup = school_events(federation, school)
    async with producer(infra.kafka_bootstrap) as client:
        for event in setup:
            await send_envelope(client, topics.MEMBERSHIP, envelope_for(event))
    await send_load(infra, federation, school, range(20))
    await eventually(lambda: _equals(entries(live, school), 20), timeout=60)

    # An auditor signs off the school's head before the backup.
    head_file = tmp_path / "head.json"
    exported = await finance_cli_run(
        ["export-head", "--org", school, "--auditor", "经费审查委员会", "--out", str(head_file)], live_env
    )
    assert exported.exit_code == 0, exported.output
    signed_at = json.loads(head_file.read_text())["sequence"]
    assert signed_at == 20

    # The backup is taken while journal entries keep arriving, and more arrive after it.
    backup_dir = tmp_path / "backup"
    load = asyncio.create_task(send_load(infra, federation, school, range(20, 80), pause_s=0.02))
    await asyncio.sleep(0.3)
    backed_up = await finance_cli_run(["backup", "--out", str(backup_dir)], live_env)
    assert not load.done(), "the load ran all through the backup"
    await load
    await send_load(infra, federation, school, range(80, 100))
    assert backed_up.exit_code == 0, backed_up.output
    manifest = json.loads((backup_dir / "finance.json").read_text())
    at_backup = manifest["facts"]["ledger_heads"]
    assert signed_at <= at_backup[school]["sequence"] < 100, "taken mid-load: after the signed head, before the end"
    assert manifest["consumer_group"] == f"test-{live_db}"
    assert manifest["offsets"][topics.FINANCE_JOURNAL], "the journal's offsets at the backup"
    assert set(manifest["files"]) == {"finance.dump"}
    await eventually(lambda: _equals(entries(live, school), 100), timeout=90)

    # Restore into an empty database with a consumer group of its own, replaying the tail.
    restored_db = f"t_finance_restored_{uuid.uuid4().hex[:8]}"
    restored_url = infra.pg_dsn(restored_db)
    restored_group = f"test-{restored_db}"
    restored = await finance_cli_run(
        ["restore", str(backup_dir), "--into", restored_url, "--consumer-group", restored_group], live_env
    )
    assert restored.exit_code == 0, restored.output
    assert "checksums match" in restored.output
    assert f"finance: restored into {restored_db}" in restored.output
    replayed = int(restored.output.split("finance: replaying ")[1].split(" message")[0].replace(",", ""))
    assert replayed >= 100 - at_backup[school]["sequence"], restored.output
    assert await committed_offsets(infra.kafka_bootstrap, restored_group), "the group went on from the backup"

    restored_env = service_env(infra, "finance", restored_db, head_signing_key_file=key)
    verified = await finance_cli_run(["verify-chain", "--org", school, "--against", str(head_file)], restored_env)
    assert verified.exit_code == 0, verified.output
    assert "chain intact, 100 entries" in verified.output, verified.output
    reconciled = await finance_cli_run(["reconcile"], restored_env)
    assert reconciled.exit_code == 0, reconciled.output
    live_books = await fingerprint(live.settings.database_url, [federation, school])
    restored_books = await fingerprint(restored_url, [federation, school])
    assert restored_books["heads"] == live_books["heads"]
    assert restored_books == live_books, "entries, lines, balances and heads as in the live books"


async def _equals(count, expected: int) -> bool:
    return await count == expected


async def test_a_restore_into_a_database_that_holds_anything_or_from_an_altered_file_changes_nothing(
    build_service, infra, tmp_path: Path
):
    source_db = f"t_finance_src_{uuid.uuid4().hex[:8]}"
    await build_service(definition, database=source_db, start=False)
    backup_dir = tmp_path / "backup"
    backed_up = await finance_cli_run(["backup", "--out", str(backup_dir)], service_env(infra, "finance", source_db))
    assert backed_up.exit_code == 0, backed_up.output

    occupied_db = f"t_finance_occupied_{uuid.uuid4().hex[:8]}"
    occupied = await build_service(definition, database=occupied_db, start=False)
    before = await _catalogue(infra, occupied_db)
    group = f"test-restore-refused-{uuid.uuid4().hex[:8]}"
    refused = await finance_cli_run(
        ["restore", str(backup_dir), "--into", occupied.settings.database_url, "--consumer-group", group],
        service_env(infra, "finance", source_db),
    )
    assert refused.exit_code == 1, refused.output
    assert f"restore refused: 目标数据库 {occupied_db} 不是空的" in refused.output
    assert "未做任何更改" in refused.output and "nothing was changed" in refused.output
    assert await _catalogue(infra, occupied_db) == before
    assert await committed_offsets(infra.kafka_bootstrap, group) == {}, "the consumer group was not moved"

    # An altered dump: refused by its checksum before the (empty) target is even created.
    dump = backup_dir / "finance.dump"
    data = dump.read_bytes()
    dump.write_bytes(data[:-1] + bytes([data[-1] ^ 0xFF]))
    target_db = f"t_finance_never_{uuid.uuid4().hex[:8]}"
    altered = await finance_cli_run(
        ["restore", str(backup_dir), "--into", infra.pg_dsn(target_db), "--consumer-group", group],
        service_env(infra, "finance", source_db),
    )
    assert altered.exit_code == 1, altered.output
    assert "校验和与清单不符" in altered.output
    assert await _catalogue(infra, target_db) is None, "the target database was not created"


async def _catalogue(infra, database: str) -> list | None:
    """Every relation of the database with its row estimate and definition-time state; None: no such database."""
    try:
        connection = await asyncpg.connect(infra.pg_dsn(database, driver="postgresql"))
    except asyncpg.InvalidCatalogNameError:
        return None
    try:
        rows = await connection.fetch(
            "SELECT c.relname, c.relkind, c.relfilenode FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' ORDER BY 1"
        )
        version = await connection.fetchval("SELECT version_num FROM alembic_version")
        return [tuple(r) for r in rows] + [("alembic_version", version)]
    finally:
        await connection.close()
