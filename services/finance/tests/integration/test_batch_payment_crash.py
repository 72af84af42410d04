"""A chunk's payment (PayMany) killed between finance's commit and its offset commit pays nobody twice.

Finance runs as its own process (``unionfed finance serve``) on real Kafka and PostgreSQL. A
failpoint kills it with ``os._exit`` right after the database commit of the batch that applied
the chunk's journal entry, before the offsets are committed; the restarted process is handed
the same records again and must change nothing: one posting for the chunk, a line and a posted
hold per member, one outcome, one answer.
"""

import asyncio
import datetime as dt
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from tests.factories import dues, greeting_chunk, school_events
from tests.kafka_tools import envelope_for, producer, send_envelope
from tests.processes import ServiceProcess
from tests.pytest_infra import eventually, unique
from unionfed_finance.adapters.chain import verify_chain
from unionfed_finance.entrypoints.app import MIGRATIONS_DIR
from unionfed_shared.contracts import topics

pytestmark = pytest.mark.integration

MEMBERS, AMOUNT = 50, 100_00


async def test_finance_killed_after_applying_a_chunk_before_its_offsets_resumes_paying_nobody_twice(infra, tmp_path):
    database = f"t_finance_{uuid.uuid4().hex[:8]}"
    finance = ServiceProcess(infra, "finance", database, tmp_path)
    await finance.migrate(MIGRATIONS_DIR)
    federation, school = unique("fed"), unique("school")
    member_id, setup = school_events(federation, school)
    funding = dues(federation, school, member_id, MEMBERS * AMOUNT + 1)
    engine = create_async_engine(finance.database_url)

    async def scalar(sql: str, **params):
        async with engine.connect() as connection:
            return await connection.scalar(text(sql), params)

    async def bank() -> int | None:
        return await scalar("SELECT balance_fen FROM accounts WHERE organization_id = :o AND code = '1001'", o=school)

    async with producer(infra.kafka_bootstrap) as client:
        for event in [*setup, funding]:
            await send_envelope(client, topics.MEMBERSHIP, envelope_for(event))
    finance.start()
    try:
        await finance.wait_ready()

        async def funded():
            return await bank() == MEMBERS * AMOUNT + 1

        await eventually(funded, timeout=60)
    finally:
        finance.stop()

    batch_id = uuid.uuid4()
    request = greeting_chunk(
        federation, school, batch_id, dt.date(2027, 9, 15), "中秋节慰问 2027-09-15", [AMOUNT] * MEMBERS
    )
    async with producer(infra.kafka_bootstrap) as client:
        await send_envelope(client, topics.WELFARE, envelope_for(request))
    # The first commit journals the request, the second applies the journal entry: die after it.
    finance.start(failpoints="consumer.after_db_commit:2")
    try:
        assert await finance.wait_exit() == 137
        applied = await scalar("SELECT count(*) FROM money_outcomes WHERE operation = 'pay_many'")
        assert applied == 1, "the chunk was applied and committed before the crash"

        finance.start()
        await finance.wait_ready()

        async def answered_once_more_nothing():
            # Redelivered after the restart: the inbox already holds both records.
            journal_seen = await scalar(
                "SELECT count(*) FROM inbox WHERE event_type = 'unionfed.finance.journal_entry.v1'"
            )
            return journal_seen >= 1

        await eventually(answered_once_more_nothing, timeout=60)
        # Let the restarted consumer go over what it is handed again.
        await asyncio.sleep(3)
        postings = await scalar(
            "SELECT count(*) FROM postings WHERE organization_id = :o AND description LIKE '中秋%'", o=school
        )
        lines = await scalar(
            "SELECT count(*) FROM posting_lines WHERE organization_id = :o AND account_code = '5101'", o=school
        )
        holds = await scalar(
            "SELECT count(*) FROM holds WHERE status = 'posted' AND reference LIKE :r AND line_no IS NOT NULL",
            r=f"greeting/{batch_id}/%",
        )
        outcomes = await scalar("SELECT count(*) FROM money_outcomes WHERE operation = 'pay_many'")
        answers = await scalar(
            "SELECT count(*) FROM outbox WHERE event_type = 'unionfed.finance.money_requests_settled.v1'"
        )
        assert (postings, lines, holds, outcomes, answers) == (1, MEMBERS, MEMBERS, 1, 1)
        assert await bank() == 1
        async with engine.connect() as connection, AsyncSession(bind=connection) as session:
            assert (await verify_chain(session, school)).ok
    finally:
        finance.stop()
        await engine.dispose()
