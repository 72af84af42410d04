"""Issue 20: the batched rebuild, and a verified snapshot from which a rebuild replays only the tail.

A rebuild applies batches of up to 5,000 records in one transaction each, and gives the live
books' entries, lines, balances and heads. ``--snapshot`` records in the rebuilt database the
offsets it reached and every ledger's head, verified by verify-chain; ``--from-snapshot`` checks
them again, copies the snapshot and replays only what came after it: the same books as a full
rebuild. A snapshot whose ledgers do not verify to its heads is refused before anything is written.
"""

import asyncio
import json
import uuid

import asyncpg
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from services.finance.tests.integration.test_rebuild import database_exists, money_events, rebuild_settings
from tests.factories import dues, school_events
from tests.kafka_tools import envelope_for, producer, send_envelope
from tests.pytest_infra import eventually, service_env, unique
from unionfed_finance.adapters.book_snapshots import SnapshotRefused
from unionfed_finance.adapters.ledger_fingerprints import ledger_fingerprint
from unionfed_finance.adapters.tables import ledgers, money_outcomes
from unionfed_finance.domain.chain import chain_record
from unionfed_finance.entrypoints import cli as finance_cli
from unionfed_finance.entrypoints.app import definition
from unionfed_finance.service_layer.rebuild import rebuild
from unionfed_shared.contracts import topics
from unionfed_shared.db import make_engine, make_session_factory

pytestmark = pytest.mark.integration


async def fingerprint(url: str, organizations: list[str]) -> dict:
    engine = make_engine(url)
    try:
        async with make_session_factory(engine)() as session:
            return await ledger_fingerprint(session, organizations)
    finally:
        await engine.dispose()


async def test_a_snapshot_and_its_tail_rebuild_the_books_a_full_batched_rebuild_and_the_live_service_have(
    build_service, infra
):
    live = await build_service(definition)
    federation, school = unique("fed"), unique("school")
    member_id, setup = school_events(federation, school)
    before = money_events(federation, school, member_id)
    after = [
        (topics.MEMBERSHIP, dues(federation, school, member_id, 30_00 + n, period=f"2027-0{n}")) for n in (1, 2, 3)
    ]

    async def send(events):
        async with producer(infra.kafka_bootstrap) as client:
            for topic, event in events:
                await send_envelope(client, topic, envelope_for(event))

    async def settled(count: int):
        async def check():
            async with live.session_factory() as session:
                n = await session.scalar(
                    select(func.count()).select_from(money_outcomes).where(money_outcomes.c.federation_id == federation)
                )
            return n == count

        await eventually(check, timeout=60)

    async def live_books():
        async with live.session_factory() as session:
            return await ledger_fingerprint(session, [federation, school])

    await send([(topics.MEMBERSHIP, event) for event in setup] + before)
    await settled(len(before))

    # 1. A batched rebuild with a snapshot: the live books, and a checkpoint of their heads.
    snapshot_db = f"t_finance_snap_{uuid.uuid4().hex[:8]}"
    first = await rebuild(
        definition(),
        rebuild_settings(infra, snapshot_db),
        live_database_url=live.settings.database_url,
        take_snapshot=True,
    )
    expected = await live_books()
    assert await fingerprint(infra.pg_dsn(snapshot_db), [federation, school]) == expected
    assert first.snapshot is not None
    for organization_id, sequence, hash_ in expected["heads"]:
        assert first.snapshot.heads[organization_id] == (sequence, hash_), "the snapshot records the verified heads"

    # 2. More money after the snapshot; a rebuild from it replays only the tail.
    await send(after)
    await settled(len(before) + len(after))
    tail_db, full_db = f"t_finance_tail_{uuid.uuid4().hex[:8]}", f"t_finance_full_{uuid.uuid4().hex[:8]}"
    tail = await rebuild(
        definition(),
        rebuild_settings(infra, tail_db),
        live_database_url=live.settings.database_url,
        from_snapshot=infra.pg_dsn(snapshot_db),
    )
    full = await rebuild(definition(), rebuild_settings(infra, full_db), live_database_url=live.settings.database_url)
    assert tail.from_snapshot is not None and tail.from_snapshot.id == first.snapshot.id
    assert tail.messages < full.messages, "only the records after the snapshot's offsets are replayed"
    expected = await live_books()
    assert len(expected["entries"]) == 5 + len(after)
    from_tail = await fingerprint(infra.pg_dsn(tail_db), [federation, school])
    assert from_tail == await fingerprint(infra.pg_dsn(full_db), [federation, school]) == expected, (
        "snapshot + tail = full rebuild = live: entries, lines, balances and heads"
    )

    # 3. A tampered snapshot is refused, naming the ledger, and nothing is written.
    connection = await asyncpg.connect(infra.pg_dsn(snapshot_db, driver="postgresql"))
    try:
        heads = json.loads(await connection.fetchval("SELECT heads FROM book_snapshots"))
        forged = {**heads, school: [heads[school][0], "0" * 64]}
        await connection.execute("UPDATE book_snapshots SET heads = $1::jsonb", json.dumps(forged))
    finally:
        await connection.close()
    refused_db = f"t_finance_refused_{uuid.uuid4().hex[:8]}"
    with pytest.raises(SnapshotRefused) as refused:
        await rebuild(
            definition(),
            rebuild_settings(infra, refused_db),
            live_database_url=live.settings.database_url,
            from_snapshot=infra.pg_dsn(snapshot_db),
        )
    assert f"ledger {school}: verifies to sequence {heads[school][0]}" in str(refused.value)
    assert str(refused.value).startswith("快照未通过验证，未写入任何数据")
    assert not await database_exists(infra, refused_db), "refused before the target database was created"

    # An entry rewritten in the snapshot (heads left as recorded): verify-chain names it.
    connection = await asyncpg.connect(infra.pg_dsn(snapshot_db, driver="postgresql"))
    try:
        await connection.execute("UPDATE book_snapshots SET heads = $1::jsonb", json.dumps(heads))
        async with connection.transaction():
            await connection.execute("SET LOCAL session_replication_role = replica")
            await connection.execute(
                "UPDATE postings SET description = description || '（改）' WHERE organization_id = $1 AND sequence = 1",
                school,
            )
    finally:
        await connection.close()

    def run_cli():
        return CliRunner().invoke(
            finance_cli.cli,
            ["rebuild", "--into", infra.pg_dsn(refused_db), "--from-snapshot", infra.pg_dsn(snapshot_db)],
            env=service_env(infra, "finance", live.settings.database_url.rsplit("/", 1)[-1]),
        )

    result = await asyncio.to_thread(run_cli)
    assert result.exit_code == 1, result.output
    assert "重建被拒绝 / rebuild refused: 快照未通过验证，未写入任何数据" in result.output
    assert f"ledger {school}: " in result.output and "sequence 1" in result.output
    assert not await database_exists(infra, refused_db)

    async def untouched_head():
        async with live.session_factory() as session:
            return await session.scalar(select(ledgers.c.last_hash).where(ledgers.c.organization_id == school))

    assert await untouched_head() == {o: h for o, _s, h in expected["heads"]}[school], "the live books unchanged"

    # A consistent rewrite: the snapshot's last entry of the school changed and re-hashed, its head
    # row and the snapshot's head with it. verify-chain passes; the live ledger's entry at that
    # sequence has another hash, and the snapshot is refused.
    connection = await asyncpg.connect(infra.pg_dsn(snapshot_db, driver="postgresql"))
    try:
        async with connection.transaction():
            await connection.execute("SET LOCAL session_replication_role = replica")
            await connection.execute(
                "UPDATE postings SET description = left(description, -3) WHERE organization_id = $1 AND sequence = 1",
                school,
            )
            last = dict(
                await connection.fetchrow(
                    "SELECT * FROM postings WHERE organization_id = $1 ORDER BY sequence DESC LIMIT 1", school
                )
            )
            lines = [
                dict(line)
                for line in await connection.fetch(
                    "SELECT * FROM posting_lines WHERE posting_id = $1 ORDER BY line_no", last["id"]
                )
            ]
            last["description"] += "（改）"
            forged_hash, forged_digests = chain_record(last, lines)
            await connection.execute(
                "UPDATE postings SET description = $2, hash = $3, field_digests = $4::jsonb WHERE id = $1",
                last["id"],
                last["description"],
                forged_hash,
                json.dumps(forged_digests),
            )
            await connection.execute(
                "UPDATE ledgers SET last_hash = $2 WHERE organization_id = $1", school, forged_hash
            )
            rewritten = {**heads, school: [last["sequence"], forged_hash]}
            await connection.execute("UPDATE book_snapshots SET heads = $1::jsonb", json.dumps(rewritten))
    finally:
        await connection.close()
    with pytest.raises(SnapshotRefused) as refused:
        await rebuild(
            definition(),
            rebuild_settings(infra, refused_db),
            live_database_url=live.settings.database_url,
            from_snapshot=infra.pg_dsn(snapshot_db),
        )
    assert str(refused.value).startswith(
        f"快照未通过验证，未写入任何数据：ledger {school}: entry {last['sequence']} has another hash in the live books"
    ), "verify-chain alone passes; the live books catch it"
    assert not await database_exists(infra, refused_db)
