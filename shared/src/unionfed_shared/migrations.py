"""Alembic, run programmatically: each service keeps its own migrations directory."""

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import create_async_engine

from unionfed_shared.db import ensure_database


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


async def upgrade_database(database_url: str, migrations_dir: Path) -> None:
    """Create the database if needed and bring it to the newest migration."""
    await ensure_database(database_url)
    engine = create_async_engine(database_url)
    try:
        config = alembic_config(migrations_dir, database_url)

        def upgrade(sync_connection) -> None:
            config.attributes["connection"] = sync_connection
            command.upgrade(config, "heads")

        async with engine.begin() as connection:
            await connection.run_sync(upgrade)
    finally:
        await engine.dispose()


def run_env(target_metadata: MetaData) -> None:
    """The body of every service's ``migrations/env.py``."""
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection, target_metadata)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    assert url is not None, "alembic needs a connection or sqlalchemy.url"

    async def run_async() -> None:
        engine = create_async_engine(url)
        async with engine.begin() as conn:
            await conn.run_sync(lambda sync_conn: _run(sync_conn, target_metadata))
        await engine.dispose()

    asyncio.run(run_async())


def _run(connection, target_metadata: MetaData) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
