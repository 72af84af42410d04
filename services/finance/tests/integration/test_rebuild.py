"""Replaying finance's input topics from offset 0 into an empty database rebuilds identical ledgers.

A rebuild from an incomplete history is refused. The broker is shared by the whole suite, so the
refusal tests never delete records from a platform topic: they rebuild finance with its handlers
pointed at a topic of their own (``rebuilding_from``), through the same rebuild function and CLI.
"""

import asyncio
import contextlib
import dataclasses
import datetime as dt
import uuid
from typing import ClassVar

import asyncpg
import pytest
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, RecordsToDelete
from click.testing import CliRunner
from sqlalchemy import select

from tests.factories import dues, school_events
from tests.finance_tools import journal_entry, send_and_settle
from tests.kafka_tools import describe_groups, envelope_for, producer, send_envelope
from tests.pytest_infra import JWT_SECRET, eventually, service_env, unique
from unionfed_finance.adapters.chain import verify_chain
from unionfed_finance.adapters.ledger_fingerprints import ledger_fingerprint
from unionfed_finance.adapters.tables import journal_keying, ledgers, money_outcomes, postings
from unionfed_finance.domain import flows
from unionfed_finance.entrypoints import cli as finance_cli
from unionfed_finance.entrypoints.app import definition
from unionfed_finance.entrypoints.rebuild_workers import worker_processes
from unionfed_finance.service_layer import journal
from unionfed_finance.service_layer.rebuild import (
    IncompleteHistory,
    IncompleteLedgers,
    MissingEntries,
    rebuild,
)
from unionfed_finance.settings import FinanceSettings
from unionfed_shared.attachments.store import NewAttachment
from unionfed_shared.contracts import finance as contract
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.base import IntegrationEvent
from unionfed_shared.contracts.spending import WelfareHoldPaidV1, WelfareHoldRequestedV1
from unionfed_shared.db import make_engine, make_session_factory
from unionfed_shared.messaging.kafka import ensure_topics

pytestmark = pytest.mark.integration

DAY = dt.date(2026, 10, 20)


def money_events(federation: str, school: str, member_id: uuid.UUID):
    """Events from three topics that touch one school's ledger and its federation's."""
    grant = uuid.uuid4()
    funds = journal.post(*flows.employer_funds(school, federation, 8_600_00, DAY, flows.FundPolicy(400), "2026-10"))
    overdraw = journal.post(flows.expense(school, "equipment", 99_000_00, DAY, "乐器 instruments"))
    return [
        (topics.MEMBERSHIP, dues(federation, school, member_id, 21_50)),
        (topics.FINANCE_JOURNAL, journal_entry(federation, school, funds)),
        (
            topics.WELFARE,
            WelfareHoldRequestedV1(
                organization_id=school,
                federation_id=federation,
                hold_id=grant,
                category="welfare",
                amount_fen=500_00,
                purpose="住院慰问",
                reference=f"grant/{grant}",
            ),
        ),
        (topics.MEMBERSHIP, dues(federation, school, member_id, 21_50, period="2026-11")),
        (
            topics.WELFARE,
            WelfareHoldPaidV1(
                organization_id=school,
                federation_id=federation,
                hold_id=grant,
                amount_fen=400_00,
                paid_on=DAY,
                description="住院慰问金",
            ),
        ),
        (topics.FINANCE_JOURNAL, journal_entry(federation, school, overdraw)),
    ]


async def test_replay_from_offset_zero_rebuilds_byte_identical_ledgers(build_service, infra):
    live = await build_service(definition)
    federation, school = unique("fed"), unique("school")
    member_id, setup = school_events(federation, school)
    # An English federation: a replay that chose words again, before the directory knew the
    # federation, would write the default Chinese ones; the journal's words are replayed instead.
    setup = [e.model_copy(update={"language": "en"}) if hasattr(e, "language") else e for e in setup]
    money = money_events(federation, school, member_id)
    await send_and_settle(live, infra.kafka_bootstrap, federation, setup, money)
    async with live.session_factory() as session:
        outcomes = dict(
            (
                await session.execute(
                    select(money_outcomes.c.operation, money_outcomes.c.outcome)
                    .where(money_outcomes.c.federation_id == federation)
                    .where(money_outcomes.c.outcome == "refused")
                )
            ).all()
        )
        expected = await ledger_fingerprint(session, [federation, school])
    assert outcomes == {"post": "refused"}, "the overdraft is refused, everything else applies"
    assert len(expected["entries"]) == 5
    assert "Dues collected for 2026-11" in {entry[4] for entry in expected["entries"]}
    # A voucher (票据) on one of the school's entries: a file, not an event, so the rebuild copies it.
    async with live.uow() as uow:
        posting_id = await uow.session.scalar(
            select(postings.c.id).where(postings.c.organization_id == school).order_by(postings.c.sequence).limit(1)
        )
        entry = await uow.vouchers.entry(posting_id)
        voucher = await uow.attachments.add(
            NewAttachment(
                school,
                "ledger_entry",
                str(posting_id),
                "voucher",
                "发票.pdf",
                "application/pdf",
                "t",
                dt.datetime.now(dt.UTC),
            ),
            b"%PDF-1.4 voucher",
        )
        await uow.vouchers.chain(entry, voucher)
        await uow.commit()

    settings = FinanceSettings(
        database_url=infra.pg_dsn(f"t_finance_rebuild_{uuid.uuid4().hex[:8]}"),
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        jwt_secret=JWT_SECRET,
    )
    seen = []
    report = await rebuild(
        definition(),
        settings,
        live_database_url=live.settings.database_url,
        progress=lambda done, total: seen.append((done, total)),
    )

    assert report.messages > 0 and seen[-1] == (report.messages, report.messages)
    assert report.live_heads == 2 and report.live_unreachable is None, "the school's and the federation's heads reached"
    assert report.vouchers == 1
    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            assert await ledger_fingerprint(session, [federation, school]) == expected
        async with make_session_factory(engine)() as session:
            chain = await verify_chain(session, school)
        assert (chain.ok, chain.vouchers_checked) == (True, 1), str(chain)
    finally:
        await engine.dispose()

    with pytest.raises(Exception, match="already holds books"):
        await rebuild(definition(), settings)


async def test_a_rebuild_in_two_processes_deals_them_the_partitions_and_rebuilds_the_same_ledgers(build_service, infra):
    live = await build_service(definition)
    federation, school = unique("fed"), unique("school")
    member_id, setup = school_events(federation, school)
    await send_and_settle(live, infra.kafka_bootstrap, federation, setup, money_events(federation, school, member_id))
    async with live.session_factory() as session:
        expected = await ledger_fingerprint(session, [federation, school])
    settings = rebuild_settings(infra, f"t_finance_rebuild_{uuid.uuid4().hex[:8]}")
    seen: dict[str, object] = {}

    @contextlib.asynccontextmanager
    async def one_more_process(rebuild_settings: FinanceSettings, backlog):
        # The CLI's --workers 2: one worker process beside the rebuild's own consumer.
        async with worker_processes(rebuild_settings, backlog, 1) as processes:
            group = rebuild_settings.consumer_group

            async def both_hold_partitions() -> bool:
                state, members = (await describe_groups(infra.kafka_bootstrap, [group]))[group]
                seen["members"] = members
                return state == "Stable" and len(members) == 2 and all(members)

            await eventually(both_hold_partitions, timeout=60)
            seen["backlog"] = sum(backlog.values())
            yield processes
        seen["worker exit"] = processes[0].returncode

    report = await rebuild(
        definition(), settings, live_database_url=live.settings.database_url, other_workers=one_more_process
    )

    assert seen["backlog"] == report.messages > 0, "the worker got the whole replay's backlog to deal by"
    assert seen["worker exit"] == 0, "the worker left the group and stopped cleanly"
    assert report.live_heads == 2
    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            assert await ledger_fingerprint(session, [federation, school]) == expected
            assert (await verify_chain(session, school)).ok
    finally:
        await engine.dispose()


def rebuilding_from(own: str):
    """Finance's definition with one handler, for events on topic ``own``: a rebuild replays that topic only."""

    class Probe(IntegrationEvent):
        event_type: ClassVar[str] = "test.rebuild.probe.v1"
        topic: ClassVar[str] = own

    async def ignore(uow, event, delivery):
        pass

    return dataclasses.replace(definition(), handlers={Probe: ignore})


async def own_topic(infra) -> str:
    topic = f"test.rebuild.{uuid.uuid4().hex[:10]}"
    await ensure_topics(infra.kafka_bootstrap, [topic, topics.dead_letter_topic(topic)], partitions=3)
    return topic


def rebuild_settings(infra, database: str) -> FinanceSettings:
    return FinanceSettings(
        database_url=infra.pg_dsn(database), kafka_bootstrap_servers=infra.kafka_bootstrap, jwt_secret=JWT_SECRET
    )


async def database_exists(infra, database: str) -> bool:
    connection = await asyncpg.connect(infra.pg_dsn("postgres", driver="postgresql"))
    try:
        return bool(await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database))
    finally:
        await connection.close()


async def test_a_partition_whose_first_records_are_gone_refuses_the_rebuild_before_anything_is_written(infra):
    topic = await own_topic(infra)
    async with producer(infra.kafka_bootstrap) as client:
        for n in range(5):
            await client.send_and_wait(topic, f"event {n}".encode(), partition=2)
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap)
    await admin.start()
    try:
        await admin.delete_records({TopicPartition(topic, 2): RecordsToDelete(before_offset=3)})
    finally:
        await admin.close()
    target = f"t_finance_rebuild_{uuid.uuid4().hex[:8]}"

    with pytest.raises(IncompleteHistory) as refused:
        await rebuild(rebuilding_from(topic), rebuild_settings(infra, target))

    assert str(refused.value) == (
        f"{topic} partition 2: offsets 0–2 are gone (deleted or expired); a rebuild from this history would be incomplete"
    )
    assert not await database_exists(infra, target), "refused before the target database was even created"

    def run_cli():
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(finance_cli, "definition", lambda: rebuilding_from(topic))
            return CliRunner().invoke(
                finance_cli.cli,
                ["rebuild", "--into", infra.pg_dsn(target)],
                env=service_env(infra, "finance", "finance_live_unused"),
            )

    result = await asyncio.to_thread(run_cli)
    assert result.exit_code == 1, result.output
    assert f"rebuild refused: {topic} partition 2: offsets 0–2 are gone (deleted or expired)" in result.output
    assert not await database_exists(infra, target)


async def test_a_replay_that_stops_short_of_a_live_head_is_refused_naming_the_ledger_and_the_missing_range(
    build_service, infra
):
    live = await build_service(definition)
    federation, school = unique("fed"), unique("school")
    member_id, setup = school_events(federation, school)
    async with producer(infra.kafka_bootstrap) as client:
        for event in [*setup, dues(federation, school, member_id, 21_50)]:
            await send_envelope(client, topics.MEMBERSHIP, envelope_for(event))

    async def live_heads():
        async with live.session_factory() as session:
            return dict(
                (
                    await session.execute(
                        select(ledgers.c.organization_id, ledgers.c.last_sequence).where(ledgers.c.last_sequence > 0)
                    )
                ).all()
            )

    heads = await eventually(live_heads, timeout=60)
    # The live books have entries whose journal records the replayed topic (empty) no longer holds.
    topic = await own_topic(infra)

    with pytest.raises(IncompleteLedgers) as refused:
        await rebuild(
            rebuilding_from(topic),
            rebuild_settings(infra, f"t_finance_rebuild_{uuid.uuid4().hex[:8]}"),
            live_database_url=live.settings.database_url,
        )

    assert refused.value.missing == sorted(MissingEntries(ledger, 1, head) for ledger, head in heads.items())
    assert f"ledger {school}: sequences 1–{heads[school]} are missing from the replay" in str(refused.value)

    unreachable = f"postgresql+asyncpg://{infra.pg_user}:{infra.pg_password}@127.0.0.1:1/finance_live"
    report = await rebuild(
        rebuilding_from(topic),
        rebuild_settings(infra, f"t_finance_rebuild_{uuid.uuid4().hex[:8]}"),
        live_database_url=unreachable,
    )
    assert report.live_heads is None and report.live_unreachable, "without a live database, only gaps are checked"


async def test_a_federation_keyed_by_ledger_spreads_over_partitions_and_rebuilds_the_same_chains(build_service, infra):
    """Issue 20: a federation keyed by ledger puts its ledgers' instructions on several partitions of
    the journal; a movement between two ledgers posts its other side as a leg keyed by that ledger,
    a reversal reverses the other sides by legs; a rebuild gives every ledger the same chain."""
    live = await build_service(definition)
    federation = unique("fed")
    schools = [unique("school") for _ in range(5)]
    ledgers_of_federation = [federation, *schools]
    async with live.uow() as uow:
        assert await journal.key_by_ledger(uow, federation)
    setup, members = [], []
    for number, school in enumerate(schools):
        member_id, events = school_events(federation, school)
        setup += events if number == 0 else events[1:]  # the federation is registered once
        members.append(member_id)
    grant = uuid.uuid4()
    async with producer(infra.kafka_bootstrap) as client:
        for event in setup:
            await send_envelope(client, topics.MEMBERSHIP, envelope_for(event))
        for school, member_id in zip(schools, members, strict=True):
            await send_envelope(client, topics.MEMBERSHIP, envelope_for(dues(federation, school, member_id, 21_50)))

    async def write(requested_by: str, instruction, ledger: str | None = None) -> str:
        async with live.uow() as uow:
            request_id = await journal.write(uow, federation, requested_by, instruction, ledger=ledger)
            await uow.commit()
        return request_id

    async def outcomes() -> dict[str, dict]:
        async with live.session_factory() as session:
            rows = await session.execute(select(money_outcomes).where(money_outcomes.c.federation_id == federation))
        return {row.journal_event_id: dict(row._mapping) for row in rows}

    async def settled(count: int):
        found = await outcomes()
        return found if len(found) >= count else None

    funds = {
        school: await write(
            school, journal.post(*flows.employer_funds(school, federation, 10_000_00, DAY, flows.FundPolicy(400)))
        )
        for school in schools
    }
    await write(schools[1], journal.post(*flows.remittance_paid(schools[1], federation, 1_000_00, DAY)))
    # The federation's own money first, in its ledger's order, so its allocation never waits for a leg.
    await write(federation, journal.post(flows.donation_received(federation, "county-fund", 800_00, DAY, "捐赠人")))
    await write(federation, journal.post(*flows.allocation(federation, schools[2], 500_00, DAY, "乒乓球台")))
    await write(schools[4], journal.post(flows.expense(schools[4], "equipment", 99_000_00, DAY, "超支 overdraw")))
    # 5 employer funds and their 5 legs, a remittance and its leg, a donation, an allocation and its
    # leg, an overdraft (refused: no leg), 5 dues.
    found = await eventually(lambda: settled(5 * 2 + 2 + 1 + 2 + 1 + 5), timeout=90)
    assert found[funds[schools[0]]]["outcome"] == "posted"
    await send_envelope_once(
        infra,
        topics.WELFARE,
        WelfareHoldRequestedV1(
            organization_id=schools[3],
            federation_id=federation,
            hold_id=grant,
            category="welfare",
            amount_fen=300_00,
            purpose="住院慰问",
            reference=f"grant/{grant}",
        ),
    )
    await eventually(lambda: settled(5 * 2 + 2 + 1 + 2 + 1 + 5 + 1), timeout=60)
    await send_envelope_once(
        infra,
        topics.WELFARE,
        WelfareHoldPaidV1(
            organization_id=schools[3],
            federation_id=federation,
            hold_id=grant,
            amount_fen=300_00,
            paid_on=DAY,
            description="住院慰问金",
        ),
    )
    # Reverse a movement from its paying side (school 0) and from its other side (the federation's leg of school 2).
    first_side, other_side = found[funds[schools[0]]]["posting_ids"], found[funds[schools[2]]]["posting_ids"]
    reversal = await write(
        schools[0], contract.Reverse(posting_id=first_side[0], effective_date=DAY, reason="录错"), ledger=schools[0]
    )
    await write(
        federation, contract.Reverse(posting_id=other_side[1], effective_date=DAY, reason="录错"), ledger=federation
    )
    found = await eventually(lambda: settled(5 * 2 + 2 + 1 + 2 + 1 + 5 + 1 + 1 + 2 + 2), timeout=90)
    assert found[reversal]["outcome"] == "posted" and len(found[reversal]["posting_ids"]) == 2
    refused = {row["operation"]: row["reason"] for row in found.values() if row["outcome"] == "refused"}
    assert list(refused) == ["post"], f"only the overdraft is refused, every leg and reversal applies: {refused}"

    async with live.session_factory() as session:
        partitions = set(
            (
                await session.scalars(
                    select(postings.c.journal_partition).where(postings.c.organization_id.in_(ledgers_of_federation))
                )
            ).all()
        )
        reversed_ids = set(
            (
                await session.scalars(
                    select(postings.c.reverses_posting_id).where(postings.c.reverses_posting_id.is_not(None))
                )
            ).all()
        )
        expected = await ledger_fingerprint(session, ledgers_of_federation)
    assert len(partitions) > 1, f"one federation's journal entries all landed on partitions {partitions}"
    assert {*first_side, *other_side} <= reversed_ids, "both sides of both movements reversed"

    settings = FinanceSettings(
        database_url=infra.pg_dsn(f"t_finance_rebuild_{uuid.uuid4().hex[:8]}"),
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        jwt_secret=JWT_SECRET,
    )
    report = await rebuild(definition(), settings, live_database_url=live.settings.database_url)
    assert report.live_unreachable is None
    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            rebuilt = await ledger_fingerprint(session, ledgers_of_federation)
            assert (
                await session.scalar(
                    select(journal_keying.c.ordering).where(journal_keying.c.federation_id == federation)
                )
                == "ledger"
            ), "the rebuilt books key the federation's next entries by ledger too"
        assert rebuilt["heads"] == expected["heads"]
        assert rebuilt == expected
        async with make_session_factory(engine)() as session:
            for ledger in ledgers_of_federation:
                assert (await verify_chain(session, ledger)).ok
    finally:
        await engine.dispose()


async def send_envelope_once(infra, topic: str, event: IntegrationEvent) -> None:
    async with producer(infra.kafka_bootstrap) as client:
        await send_envelope(client, topic, envelope_for(event))
