"""A batch of deliveries applied in one transaction has the outcomes of one-at-a-time delivery.

Real PostgreSQL; the batch is handed to the consumer as the Kafka subscriber hands it.
"""

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from tests.finance_tools import balances, journal_entry, journal_message, pending
from tests.kafka_tools import envelope_for
from tests.pytest_infra import unique
from unionfed_finance.adapters.chain import verify_chain
from unionfed_finance.adapters.tables import holds, inbox, money_outcomes, postings
from unionfed_finance.domain import flows
from unionfed_finance.entrypoints.app import definition
from unionfed_finance.service_layer import journal
from unionfed_finance.service_layer.poster import derived_id
from unionfed_finance.service_layer.unit_of_work import FinanceUnitOfWork
from unionfed_shared.contracts import finance as contract

pytestmark = pytest.mark.integration

DAY = dt.date(2026, 10, 15)


def deposit(school: str, amount_fen: int) -> contract.Post:
    return journal.post(flows.dues(school, amount_fen, "2026-10", DAY))


def spend(school: str, amount_fen: int) -> contract.Post:
    return journal.post(flows.expense(school, "activity", amount_fen, DAY, "乒乓球台 table-tennis table"))


def as_batch(federation: str, school: str, instructions) -> tuple[list, list]:
    envelopes = [envelope_for(journal_entry(federation, school, i)) for i in instructions]
    return envelopes, [journal_message(e, offset) for offset, e in enumerate(envelopes, start=100)]


async def outcomes(finance, envelopes) -> list[str]:
    async with finance.session_factory() as session:
        rows = dict(
            (
                await session.execute(
                    select(money_outcomes.c.journal_event_id, money_outcomes.c.outcome).where(
                        money_outcomes.c.journal_event_id.in_([e.id for e in envelopes])
                    )
                )
            ).all()
        )
    return [rows.get(e.id) for e in envelopes]


async def chain_ok(finance, organization_id: str) -> bool:
    async with finance.session_factory() as session:
        return (await verify_chain(session, organization_id)).ok


async def test_refusals_inside_a_batch_undo_only_their_own_entry(build_service):
    finance = await build_service(definition, start=False)
    federation, school, penniless = unique("fed"), unique("school"), unique("school")
    # Posts in the school's books first, then is refused in the other's: the first part must vanish too.
    half_refused = journal.post(
        flows.dues(school, 7_00, "2026-10", DAY), flows.expense(penniless, "activity", 5_00, DAY, "球拍 bats")
    )
    envelopes, batch = as_batch(
        federation,
        school,
        [
            deposit(school, 1000_00),
            *[spend(school, 300_00) for _ in range(5)],
            half_refused,
            deposit(school, 50_00),
            spend(school, 150_00),
        ],
    )

    await finance.consumer.handle_batch(batch)

    assert await outcomes(finance, envelopes) == ["posted"] * 4 + ["refused"] * 3 + ["posted"] * 2
    assert (await balances(finance, school))["1001"] == 1000_00 - 3 * 300_00 + 50_00 - 150_00
    async with finance.session_factory() as session:
        assert list(
            await session.scalars(
                select(postings.c.sequence).where(postings.c.organization_id == school).order_by(postings.c.sequence)
            )
        ) == [1, 2, 3, 4, 5, 6]
    assert await chain_ok(finance, school)


async def test_duplicates_and_a_conflicting_copy_inside_one_batch(build_service):
    finance = await build_service(definition, start=False)
    await finance.broker.connect()  # the conflicting copy goes to the dead-letter topic
    federation, school = unique("fed"), unique("school")
    [payment], [message] = as_batch(federation, school, [deposit(school, 2150)])
    tampered = journal_message(payment, 200)
    tampered = type(tampered)(**{**tampered.__dict__, "value": payment.data.replace(b"2150", b"9150")})

    await finance.consumer.handle_batch([message, journal_message(payment, 201), tampered, message])

    assert (await balances(finance, school))["1001"] == 2150
    [letter] = [l for l in await finance.dead_letters.find("pending") if l["event_id"] == payment.id]
    assert letter["offset"] == 200 and "ConflictingDuplicate" in letter["error"]


async def test_a_failing_message_is_retried_alone_and_the_rest_of_the_batch_applies_once(build_service, monkeypatch):
    finance = await build_service(definition, start=False)
    await finance.broker.connect()
    federation, school = unique("fed"), unique("school")
    envelopes, batch = as_batch(federation, school, [deposit(school, amount) for amount in (100, 200, 300, 400)])
    event_type = envelopes[0].type
    event_cls, apply = finance.consumer._handlers[event_type]  # a handler that breaks on one event
    attempts = []

    async def breaks_on_the_third(uow, event, delivery):
        if delivery.envelope.id == envelopes[2].id:
            attempts.append(delivery.offset)
            raise ValueError("this entry cannot be applied")
        await apply(uow, event, delivery)

    monkeypatch.setitem(finance.consumer._handlers, event_type, (event_cls, breaks_on_the_third))

    await finance.consumer.handle_batch(batch)

    assert await outcomes(finance, envelopes) == ["posted", "posted", None, "posted"]
    assert (await balances(finance, school))["1001"] == 100 + 200 + 400
    assert len(attempts) == 1 + finance.settings.consumer_max_attempts, "once in the batch, then its own retries"
    [letter] = [l for l in await finance.dead_letters.find("pending") if l["event_id"] == envelopes[2].id]
    assert "this entry cannot be applied" in letter["error"]
    async with finance.session_factory() as session:
        claimed = await session.scalar(
            select(func.count()).select_from(inbox).where(inbox.c.event_id.in_([e.id for e in envelopes]))
        )
    assert claimed == 3, "the dead-lettered event is not marked applied"
    assert await chain_ok(finance, school)


async def test_a_batch_whose_commit_fails_is_split_until_every_message_has_its_outcome(build_service, monkeypatch):
    finance = await build_service(definition, start=False)
    federation, school = unique("fed"), unique("school")
    envelopes, batch = as_batch(federation, school, [deposit(school, 100 * n) for n in range(1, 8)])
    commit = FinanceUnitOfWork.commit
    failed_sizes = []

    async def commit_fails_for_big_batches(uow):
        # What a constraint checked only at commit would do: the batch cannot say which message broke it.
        staged = len(uow.ledgers._new_postings)
        if staged > 2:
            failed_sizes.append(staged)
            raise RuntimeError("deferred constraint violated")
        await commit(uow)

    monkeypatch.setattr(FinanceUnitOfWork, "commit", commit_fails_for_big_batches)

    await finance.consumer.handle_batch(batch)

    assert failed_sizes[0] == 7
    assert await outcomes(finance, envelopes) == ["posted"] * 7
    assert (await balances(finance, school))["1001"] == sum(100 * n for n in range(1, 8))
    assert await chain_ok(finance, school)


async def test_reserve_and_capture_of_one_hold_in_one_batch(build_service):
    finance = await build_service(definition, start=False)
    federation, school = unique("fed"), unique("school")
    hold_id, refused_hold = uuid.uuid4(), uuid.uuid4()
    reserve = contract.Reserve(
        hold_id=hold_id,
        organization_id=school,
        category_account="5101",
        amount_fen=500_00,
        description="中秋慰问 greeting",
        reference="greeting/1",
    )
    too_much = reserve.model_copy(update={"hold_id": refused_hold, "amount_fen": 600_00, "reference": "greeting/2"})
    capture = contract.Capture(hold_id=hold_id, amount_fen=400_00, effective_date=DAY, description="中秋慰问 paid")
    envelopes, batch = as_batch(federation, school, [deposit(school, 1000_00), reserve, too_much, capture])

    await finance.consumer.handle_batch(batch)

    assert await outcomes(finance, envelopes) == ["posted", "reserved", "refused", "captured"]
    books = await balances(finance, school)
    assert (books["1001"], books["5101"]) == (600_00, 400_00)
    assert await pending(finance, school) == {}
    async with finance.session_factory() as session:
        hold = (await session.execute(select(holds).where(holds.c.id == hold_id))).one()
        posted_as = await session.scalar(select(postings.c.id).where(postings.c.id == hold.posting_id))
        refused_hold_row = await session.scalar(select(holds.c.id).where(holds.c.id == refused_hold))
    assert hold.status == "posted" and posted_as is not None
    assert refused_hold_row is None, "the refused reservation's hold row was rolled back with it"
    assert await chain_ok(finance, school)


async def test_a_batch_of_postings_locks_the_accounts_they_name_and_reads_any_other_on_first_use(build_service):
    """The prefetch locks only the accounts a batch's postings name; a reversal in the same batch
    needs others (its original's expense account), read then, and the floor still holds."""
    finance = await build_service(definition, start=False)
    federation, school = unique("fed"), unique("school")
    first, batch = as_batch(federation, school, [deposit(school, 1000_00), spend(school, 200_00)])
    await finance.consumer.handle_batch(batch)
    spent = derived_id(first[1].id, "posting", "0")
    expense = next(code for code, fen in (await balances(finance, school)).items() if code.startswith("5") and fen)
    correction = contract.Reverse(posting_id=spent, effective_date=DAY, reason="paid twice")
    envelopes = [
        envelope_for(journal_entry(federation, school, i))
        for i in (deposit(school, 10_00), correction, spend(school, 5000_00), spend(school, 10_00))
    ]

    # Offsets after the first batch's, as Kafka would deliver them.
    await finance.consumer.handle_batch([journal_message(e, offset) for offset, e in enumerate(envelopes, start=200)])

    assert await outcomes(finance, envelopes) == ["posted", "posted", "refused", "posted"]
    after = await balances(finance, school)
    assert after["1001"] == 1000_00 - 200_00 + 10_00 + 200_00 - 10_00
    assert after[expense] == 10_00
    assert await chain_ok(finance, school)
