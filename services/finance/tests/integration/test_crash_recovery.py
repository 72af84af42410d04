"""kill -9 between the database commit and the offset commit loses and duplicates nothing."""

import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.factories import dues, school_events
from tests.kafka_tools import committed_offset, envelope_for, producer, send_envelope
from tests.processes import ServiceProcess
from tests.pytest_infra import eventually, unique
from unionfed_finance.entrypoints.app import MIGRATIONS_DIR
from unionfed_shared.contracts import topics

pytestmark = pytest.mark.integration


async def test_consumer_killed_after_db_commit_before_offset_commit(infra, tmp_path):
    database = f"t_finance_{uuid.uuid4().hex[:8]}"
    finance = ServiceProcess(infra, "finance", database, tmp_path)
    await finance.migrate(MIGRATIONS_DIR)
    group = finance.env["FINANCE_CONSUMER_GROUP_ID"]

    federation, school = unique("fed"), unique("school")
    member_id, setup = school_events(federation, school)
    payment = envelope_for(dues(federation, school, member_id, 2150))
    engine = create_async_engine(finance.database_url)

    async def scalar(sql: str, **params):
        async with engine.connect() as connection:
            return await connection.scalar(text(sql), params)

    # The setup events span two partitions (federation and school keys); let them all apply first,
    # so that the only event in flight when the failpoint fires is the dues payment.
    async with producer(infra.kafka_bootstrap) as client:
        for event in setup:
            await send_envelope(client, topics.MEMBERSHIP, envelope_for(event))
    finance.start()
    try:
        await finance.wait_ready()

        async def setup_applied():
            return await scalar("SELECT count(*) FROM inbox") == len(setup)

        await eventually(setup_applied)
    finally:
        finance.stop()

    async with producer(infra.kafka_bootstrap) as client:
        sent = await send_envelope(client, topics.MEMBERSHIP, payment)
    finance.start(failpoints="consumer.after_db_commit")
    try:
        assert await finance.wait_exit() == 137
        applied = await scalar("SELECT count(*) FROM inbox WHERE event_id = :id", id=payment.id)
        journaled = await scalar("SELECT count(*) FROM outbox WHERE topic = 'unionfed.finance.journal'")
        assert (applied, journaled) == (1, 1), "the payment's journal entry committed before the crash"
        offset = await committed_offset(infra.kafka_bootstrap, group, topics.MEMBERSHIP, sent.partition)
        assert offset == sent.offset, "the offset commit never happened"

        finance.start()
        await finance.wait_ready()

        async def offset_committed():
            committed = await committed_offset(infra.kafka_bootstrap, group, topics.MEMBERSHIP, sent.partition)
            return committed == sent.offset + 1

        await eventually(offset_committed)

        async def posted():
            return await scalar("SELECT count(*) FROM postings WHERE source_event_id = :id", id=payment.id) == 1

        await eventually(posted)
        postings = await scalar("SELECT count(*) FROM postings WHERE organization_id = :org", org=school)
        bank = await scalar(
            "SELECT balance_fen FROM accounts WHERE organization_id = :org AND code = '1001'", org=school
        )
        applied = await scalar("SELECT count(*) FROM inbox WHERE event_id = :id", id=payment.id)
        assert (postings, bank, applied) == (1, 2150, 1)
    finally:
        finance.stop()
        await engine.dispose()
