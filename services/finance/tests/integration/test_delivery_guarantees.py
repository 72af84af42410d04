"""Finance applies each event exactly once, whatever Kafka delivers (real Kafka and PostgreSQL)."""

import pytest
from sqlalchemy import func, select

from tests.factories import dues, school_events
from tests.finance_tools import apply_journal
from tests.kafka_tools import envelope_for, producer, read_topic, send_envelope, send_raw, skip_history
from tests.pytest_infra import eventually, unique
from unionfed_finance.adapters.tables import dead_letters, postings
from unionfed_finance.entrypoints.app import definition
from unionfed_finance.service_layer.handlers import HANDLERS
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.membership import DuesCollectedV1
from unionfed_shared.messaging.consumer import IncomingMessage, Outcome

pytestmark = pytest.mark.integration


def as_message(envelope, offset: int, data: bytes | None = None) -> IncomingMessage:
    return IncomingMessage(
        topic=topics.MEMBERSHIP,
        partition=0,
        offset=offset,
        key=envelope.key,
        value=data if data is not None else envelope.data,
        headers=tuple((k, v.encode()) for k, v in envelope.headers().items()),
    )


async def count_postings(runtime, organization_id: str) -> int:
    async with runtime.session_factory() as session:
        return await session.scalar(
            select(func.count()).select_from(postings).where(postings.c.organization_id == organization_id)
        )


async def bank_balance(runtime, organization_id: str) -> int:
    async with runtime.uow() as uow:
        return {row["code"]: row["balance_fen"] for row in await uow.ledgers.balances(organization_id)}["1001"]


async def test_duplicate_delivery_has_no_second_effect(build_service):
    finance = await build_service(definition, start=False)
    federation, school = unique("fed"), unique("school")
    member_id, setup = school_events(federation, school)
    for offset, event in enumerate(setup):
        assert await finance.consumer.handle(as_message(envelope_for(event), offset)) is Outcome.PROCESSED

    payment = envelope_for(dues(federation, school, member_id, 2150))
    first = await finance.consumer.handle(as_message(payment, 10))
    again = await finance.consumer.handle(as_message(payment, 10))
    redelivered_elsewhere = await finance.consumer.handle(as_message(payment, 11))

    assert (first, again, redelivered_elsewhere) == (Outcome.PROCESSED, Outcome.DUPLICATE, Outcome.DUPLICATE)
    assert await apply_journal(finance) == [Outcome.PROCESSED], "one journal entry for the one payment"
    assert await count_postings(finance, school) == 1
    assert await bank_balance(finance, school) == 2150


async def test_conflicting_duplicate_is_refused_and_dead_lettered(build_service, infra):
    finance = await build_service(definition, start=False)
    await finance.broker.connect()
    federation, school = unique("fed"), unique("school")
    member_id, setup = school_events(federation, school)
    for offset, event in enumerate(setup):
        await finance.consumer.handle(as_message(envelope_for(event), offset))
    payment = envelope_for(dues(federation, school, member_id, 2150))
    tampered = payment.data.replace(b"2150", b"9150")

    assert await finance.consumer.handle(as_message(payment, 10)) is Outcome.PROCESSED
    assert await finance.consumer.handle(as_message(payment, 11, data=tampered)) is Outcome.DEAD_LETTERED
    await apply_journal(finance)

    assert await bank_balance(finance, school) == 2150
    [letter] = await finance.dead_letters.find("pending")
    assert letter["event_id"] == payment.id and letter["offset"] == 11
    assert "ConflictingDuplicate" in letter["error"]
    in_dlq = await read_topic(
        infra.kafka_bootstrap,
        topics.dead_letter_topic(topics.MEMBERSHIP),
        lambda r: dict(r.headers).get("ce_id") == payment.id.encode(),
    )
    assert len(in_dlq) == 1
    assert b"different payload" in dict(in_dlq[0].headers)["dlq_error"]


async def test_poison_message_is_dead_lettered_and_the_partition_moves_on(build_service, infra):
    finance = await build_service(definition, start=False)
    # Earlier tests left their own poison on these topics: start this consumer group after it.
    await skip_history(infra.kafka_bootstrap, finance.settings.consumer_group)
    await finance.start()
    federation, school = unique("fed"), unique("school")
    member_id, setup = school_events(federation, school)
    good = envelope_for(dues(federation, school, member_id, 2150))
    # Same key as the school's events, so the poison sits on the same partition, in front of `good`.
    poison_body = good.data.replace(b'"amount_fen":2150', b'"amount_fen":21.5')
    poison = envelope_for(dues(federation, school, member_id, 1, period="2026-09"))
    async with producer(infra.kafka_bootstrap) as client:
        for event in setup:
            await send_envelope(client, topics.MEMBERSHIP, envelope_for(event))
        poisoned = await send_envelope(client, topics.MEMBERSHIP, poison, data=poison_body)
        not_cloudevent = await send_raw(client, topics.MEMBERSHIP, school.encode(), b"{}", [("ce_type", b"x")])
        after = await send_envelope(client, topics.MEMBERSHIP, good)
    assert poisoned.partition == after.partition == not_cloudevent.partition

    async def good_one_posted():
        return await count_postings(finance, school) == 1

    await eventually(good_one_posted)
    assert await bank_balance(finance, school) == 2150

    async def both_dead_lettered():
        letters = await finance.dead_letters.find("pending")
        return {(l["partition"], l["offset"]) for l in letters} == {
            (poisoned.partition, poisoned.offset),
            (not_cloudevent.partition, not_cloudevent.offset),
        } and letters

    letters = await eventually(both_dead_lettered)
    errors = {l["offset"]: l["error"] for l in letters}
    assert "amount_fen" in errors[poisoned.offset]
    assert "missing CloudEvents headers" in errors[not_cloudevent.offset]


async def test_replaying_a_fixed_dead_letter_applies_it_once(build_service):
    """A handler bug dead-letters an event; once the code is fixed, replay applies it exactly once."""
    finance = await build_service(definition, start=False, consumer_max_attempts="2")
    await finance.broker.connect()
    federation, school = unique("fed"), unique("school")
    member_id, setup = school_events(federation, school)
    for offset, event in enumerate(setup):
        await finance.consumer.handle(as_message(envelope_for(event), offset))
    payment = envelope_for(dues(federation, school, member_id, 2150))

    async def buggy_handler(uow, event, delivery):
        raise RuntimeError("a bug in this release")

    finance.consumer.register(DuesCollectedV1, buggy_handler)
    assert await finance.consumer.handle(as_message(payment, 20)) is Outcome.DEAD_LETTERED
    [letter] = await finance.dead_letters.find("pending")
    assert letter["attempts"] == 2 and "a bug in this release" in letter["error"]
    assert await count_postings(finance, school) == 0

    finance.consumer.register(DuesCollectedV1, HANDLERS[DuesCollectedV1])  # the fixed release
    [replayed] = await finance.dead_letters.replay()
    assert replayed.outcome is Outcome.PROCESSED
    assert await finance.dead_letters.replay() == []
    assert await finance.consumer.handle(as_message(payment, 20)) is Outcome.DUPLICATE
    await apply_journal(finance)
    assert await count_postings(finance, school) == 1
    assert await bank_balance(finance, school) == 2150
    async with finance.session_factory() as session:
        statuses = (await session.execute(select(dead_letters.c.status))).scalars().all()
    assert statuses == ["replayed"]
