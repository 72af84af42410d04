"""A unit of work's read snapshot on real PostgreSQL: one moment for all its reads, and only its own."""

import pytest
from sqlalchemy import text

from unionfed_welfare.entrypoints.app import definition as welfare_definition

pytestmark = pytest.mark.integration

ISOLATION = text("SELECT current_setting('transaction_isolation')")


async def test_reads_after_read_snapshot_see_one_moment_and_the_next_unit_of_work_reads_committed(build_service):
    runtime = await build_service(welfare_definition, start=False)
    async with runtime.uow() as setup:
        await setup.session.execute(text("CREATE TABLE IF NOT EXISTS snapshot_probe (n int)"))
        await setup.session.execute(text("TRUNCATE snapshot_probe"))
        await setup.commit()

    count = text("SELECT count(*) FROM snapshot_probe")
    async with runtime.uow() as reader:
        await reader.read_snapshot()
        assert (await reader.session.execute(ISOLATION)).scalar_one() == "repeatable read"
        assert (await reader.session.execute(count)).scalar_one() == 0
        async with runtime.uow() as writer:
            await writer.session.execute(text("INSERT INTO snapshot_probe VALUES (1)"))
            await writer.commit()
        assert (await reader.session.execute(count)).scalar_one() == 0  # the commit came after its moment

    # The pooled connection goes back to read committed: later units of work see each commit.
    for _ in range(3):
        async with runtime.uow() as plain:
            assert (await plain.session.execute(ISOLATION)).scalar_one() == "read committed"
            assert (await plain.session.execute(count)).scalar_one() == 1
