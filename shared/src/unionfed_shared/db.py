"""Engine and session factory; creating a service's database when it is missing."""

import json
import operator

import asyncpg
from sqlalchemy import JSON, Table, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine


def make_engine(database_url: str, **kwargs) -> AsyncEngine:
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    kwargs.setdefault("pool_pre_ping", True)
    # Statement parameters hold personal data (hardship causes, encrypted ID numbers): an error
    # message that reaches a log must not carry them.
    kwargs.setdefault("hide_parameters", True)
    return create_async_engine(database_url, **kwargs)


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def ensure_database(database_url: str) -> bool:
    """Create the database named in the URL if it does not exist; True when it was created."""
    url = make_url(database_url)
    conn = await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, password=url.password, database="postgres"
    )
    try:
        exists = await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", url.database)
        if exists:
            return False
        await conn.execute(f'CREATE DATABASE "{url.database}"')
        return True
    finally:
        await conn.close()


async def drop_database(database_url: str) -> None:
    url = make_url(database_url)
    conn = await asyncpg.connect(
        host=url.host, port=url.port, user=url.username, password=url.password, database="postgres"
    )
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)')
    finally:
        await conn.close()


_JSON_TEXT = json.JSONEncoder(ensure_ascii=False)  # one encoder: json.dumps with options builds one per call


async def copy_rows(session: AsyncSession, table: Table, rows: list[dict]) -> None:
    """Insert many rows in the session's transaction with PostgreSQL's COPY.

    For a batch's postings, lines and outbox rows, COPY is several times cheaper than a
    multi-row INSERT built by SQLAlchemy: no statement to compile, parameters encoded by asyncpg
    in one pass. Every row names the same columns; JSON columns take their value as JSON text.
    """
    if not rows:
        return
    columns = list(rows[0])
    as_json = {column.name for column in table.columns if isinstance(column.type, JSON)}
    records = _records(rows, columns, [at for at, name in enumerate(columns) if name in as_json])
    connection = await session.connection()
    raw = (await connection.get_raw_connection()).driver_connection
    assert raw is not None  # an open connection has its driver's
    if not raw.is_in_transaction():
        # SQLAlchemy's asyncpg adapter sends BEGIN with the first statement it runs; a COPY sent
        # straight to the driver before any would commit on its own, outside the transaction.
        await connection.exec_driver_sql("SELECT 1")
    await raw.copy_records_to_table(table.name, columns=columns, records=records)


def _records(rows: list[dict], columns: list[str], json_at: list[int]) -> list[tuple]:
    """The rows as COPY takes them: tuples in ``columns`` order, the JSON columns (at ``json_at``) as text.

    One C-level read of all the columns per row (itemgetter): a batch copies tens of thousands of rows.
    """
    if len(columns) == 1:
        [name] = columns
        return [((_JSON_TEXT.encode(row[name]) if json_at else row[name]),) for row in rows]
    values = operator.itemgetter(*columns)
    if not json_at:
        return [values(row) for row in rows]
    to_json = _JSON_TEXT.encode
    records = []
    for row in rows:
        record = list(values(row))
        for at in json_at:
            record[at] = to_json(record[at])
        records.append(tuple(record))
    return records


async def read_snapshot(session: AsyncSession) -> None:
    """Let a multi-query read see one snapshot (repeatable read, read only): a report's figures and
    its ledger head, or a chain walked while entries are appended, agree with each other.

    Only possible as the transaction's first statement; a caller already inside a transaction
    keeps its own isolation.
    """
    if not session.in_transaction():
        await session.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"))
