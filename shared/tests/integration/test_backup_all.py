"""``unionfed backup`` (what ``make backup`` runs) and ``unionfed restore`` over the four services.

Each service's database is dumped with its manifest into one directory; the whole directory
restores into four empty databases, each with a consumer group set to its backup's offsets. A
second restore into the now full databases is refused and changes nothing.
"""

import asyncio
import json
import uuid
from pathlib import Path

import asyncpg
import pytest
from click.testing import CliRunner

from tests.pytest_infra import service_env
from unionfed_events.entrypoints.app import definition as events_definition
from unionfed_finance.entrypoints.app import definition as finance_definition
from unionfed_membership.entrypoints.app import definition as membership_definition
from unionfed_shared.cli import main
from unionfed_shared.messaging.kafka import committed_offsets
from unionfed_welfare.entrypoints.app import definition as welfare_definition

pytestmark = pytest.mark.integration

SERVICES = {
    "membership": membership_definition,
    "welfare": welfare_definition,
    "events": events_definition,
    "finance": finance_definition,
}


def platform_env(infra, databases: dict[str, str]) -> dict[str, str]:
    env: dict[str, str] = {}
    for name, database in databases.items():
        env |= service_env(infra, name, database)
    return env


async def tables(infra, database: str) -> tuple[list[str], str]:
    connection = await asyncpg.connect(infra.pg_dsn(database, driver="postgresql"))
    try:
        names = await connection.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
        return [r["tablename"] for r in names], await connection.fetchval("SELECT version_num FROM alembic_version")
    finally:
        await connection.close()


async def test_unionfed_backup_dumps_every_service_and_unionfed_restore_brings_them_back_into_empty_databases(
    build_service, infra, tmp_path: Path
):
    suffix = uuid.uuid4().hex[:8]
    live = {name: f"t_{name}_bk_{suffix}" for name in SERVICES}
    for name, definition in SERVICES.items():
        await build_service(definition, database=live[name])
    backup_dir = tmp_path / "backup"

    backed_up = await asyncio.to_thread(
        CliRunner().invoke, main, ["backup", "--out", str(backup_dir)], env=platform_env(infra, live)
    )

    assert backed_up.exit_code == 0, backed_up.output
    assert f"backup complete: {backup_dir}" in backed_up.output
    for name in SERVICES:
        manifest = json.loads((backup_dir / f"{name}.json").read_text())
        assert manifest["service"] == name and manifest["consumer_group"] == f"test-{live[name]}"
        assert manifest["offsets"], f"{name}'s offsets"
        assert (backup_dir / f"{name}.dump").stat().st_size == manifest["files"][f"{name}.dump"]["bytes"]
    assert "ledger_heads" in json.loads((backup_dir / "finance.json").read_text())["facts"]

    fresh = {name: f"t_{name}_rs_{suffix}" for name in SERVICES}
    restored = await asyncio.to_thread(
        CliRunner().invoke, main, ["restore", str(backup_dir)], env=platform_env(infra, fresh)
    )

    assert restored.exit_code == 0, restored.output
    for name in SERVICES:
        assert f"{name}: restored into {fresh[name]}" in restored.output
        assert await tables(infra, fresh[name]) == await tables(infra, live[name])
        assert await committed_offsets(infra.kafka_bootstrap, f"test-{fresh[name]}"), f"{name}'s group set"

    again = await asyncio.to_thread(
        CliRunner().invoke, main, ["restore", str(backup_dir)], env=platform_env(infra, fresh)
    )
    assert again.exit_code == 1, again.output
    assert f"restore refused: 目标数据库 {fresh['membership']} 不是空的" in again.output
