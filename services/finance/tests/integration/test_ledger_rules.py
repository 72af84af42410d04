"""The ledger's rules on real PostgreSQL: floors under concurrency, holds, budgets, periods, reversals."""

import asyncio
import datetime as dt
import uuid

import pytest
from sqlalchemy import select, text

from tests.finance_tools import apply_instruction, apply_journal, balances, journal_entry, journal_message, pending
from tests.kafka_tools import envelope_for
from tests.pytest_infra import unique
from unionfed_finance.adapters.tables import money_outcomes, postings
from unionfed_finance.domain import flows
from unionfed_finance.entrypoints.app import definition
from unionfed_finance.service_layer import journal
from unionfed_shared.contracts import finance as contract
from unionfed_shared.errors import Conflict
from unionfed_shared.messaging.consumer import Outcome

pytestmark = pytest.mark.integration

DAY = dt.date(2026, 10, 15)


def deposit(school: str, amount_fen: int) -> contract.Post:
    return journal.post(flows.dues(school, amount_fen, "2026-10", DAY))


def spend(school: str, amount_fen: int, category: str = "activity", day: dt.date = DAY) -> contract.Post:
    return journal.post(flows.expense(school, category, amount_fen, day, "乒乓球台 table-tennis table"))


async def outcomes_of(finance, envelopes) -> list[dict]:
    ids = [e.id for e in envelopes]
    async with finance.session_factory() as session:
        rows = await session.execute(select(money_outcomes).where(money_outcomes.c.journal_event_id.in_(ids)))
        by_id = {row.journal_event_id: dict(row._mapping) for row in rows}
    return [by_id[i] for i in ids]


async def sequences(finance, organization_id: str) -> list[int]:
    async with finance.session_factory() as session:
        return list(
            await session.scalars(
                select(postings.c.sequence)
                .where(postings.c.organization_id == organization_id)
                .order_by(postings.c.sequence)
            )
        )


async def test_concurrent_first_spends_on_a_fresh_account_never_break_its_floor(build_service):
    """Neither the ledger nor the drive's account exists when six transactions race to use them."""
    finance = await build_service(definition, start=False)
    federation, school = unique("fed"), unique("school")
    gift = journal.post(flows.donation_received(school, "drive-li", 1000_00, DAY, "全体教职工"))
    payouts = [journal.post(flows.donation_disbursed(school, "drive-li", 400_00, DAY, "李老师")) for _ in range(5)]
    envelopes = [envelope_for(journal_entry(federation, school, i)) for i in [gift, *payouts]]

    handled = await asyncio.gather(
        *(
            finance.consumer.handle(journal_message(e, offset, partition=n))
            for n, (offset, e) in enumerate(zip(range(6), envelopes))
        )
    )

    assert handled == [Outcome.PROCESSED] * 6
    results = await outcomes_of(finance, envelopes)
    paid = [r for r in results[1:] if r["outcome"] == "posted"]
    refused = [r for r in results[1:] if r["outcome"] == "refused"]
    held = 1000_00 - 400_00 * len(paid) if results[0]["outcome"] == "posted" else -400_00 * len(paid)
    assert len(paid) <= 2 and len(paid) + len(refused) == 5
    assert all("below its floor" in r["reason"] for r in refused)
    books = await balances(finance, school)
    assert books["2301/drive-li"] == held >= 0
    assert books["1001"] == held
    assert await sequences(finance, school) == list(range(1, 2 + len(paid)))


async def test_concurrent_spends_on_a_hot_account_pass_only_while_money_lasts(build_service):
    finance = await build_service(definition, start=False)
    federation, school = unique("fed"), unique("school")
    assert (await apply_instruction(finance, federation, school, deposit(school, 1000_00)))["outcome"] == "posted"
    envelopes = [envelope_for(journal_entry(federation, school, spend(school, 300_00))) for _ in range(10)]

    await asyncio.gather(
        *(finance.consumer.handle(journal_message(e, n, partition=n % 6)) for n, e in enumerate(envelopes))
    )

    results = await outcomes_of(finance, envelopes)
    assert sorted(r["outcome"] for r in results) == ["posted"] * 3 + ["refused"] * 7
    assert (await balances(finance, school))["1001"] == 100_00
    assert await sequences(finance, school) == [1, 2, 3, 4]


async def test_an_inter_union_movement_delivered_three_times_posts_once_in_each_ledger(build_service):
    finance = await build_service(definition, start=False)
    federation, school = unique("fed"), unique("school")
    policy = flows.FundPolicy(400)
    funds = journal.post(*flows.employer_funds(school, federation, 10_000_00, DAY, policy, "2026年10月"))
    envelope = envelope_for(journal_entry(federation, school, funds))

    delivered = [await finance.consumer.handle(journal_message(envelope, offset)) for offset in (7, 7, 8)]

    assert delivered == [Outcome.PROCESSED, Outcome.DUPLICATE, Outcome.DUPLICATE]
    assert len(await sequences(finance, school)) == len(await sequences(finance, federation)) == 1
    school_books, federation_books = await balances(finance, school), await balances(finance, federation)
    assert (school_books["1001"], school_books["4102"], school_books["5202"], school_books["2201"]) == (
        10_000_00,
        10_000_00,
        4_000_00,
        4_000_00,
    )
    assert (federation_books["1131"], federation_books["4104"]) == (4_000_00, 4_000_00)

    paid = journal.post(*flows.remittance_paid(school, federation, 4_000_00, DAY))
    paid_envelope = envelope_for(journal_entry(federation, school, paid))
    for offset in (9, 9, 10):
        await finance.consumer.handle(journal_message(paid_envelope, offset))
    school_books, federation_books = await balances(finance, school), await balances(finance, federation)
    assert (school_books["1001"], school_books["2201"]) == (6_000_00, 0)
    assert (federation_books["1001"], federation_books["1131"]) == (4_000_00, 0)
    overpaid = await apply_instruction(
        finance, federation, school, journal.post(*flows.remittance_paid(school, federation, 1, DAY))
    )
    assert overpaid["outcome"] == "refused" and "below its floor" in overpaid["reason"]
    assert (await balances(finance, school))["1001"] == 6_000_00, "neither side moved"


async def test_holds_count_against_the_floor_and_post_or_void_once(build_service):
    finance = await build_service(definition, start=False)
    federation, school = unique("fed"), unique("school")
    await apply_instruction(finance, federation, school, deposit(school, 1000_00))
    grant, other = uuid.uuid4(), uuid.uuid4()

    def reserve(hold_id, amount_fen):
        return contract.Reserve(
            hold_id=hold_id,
            organization_id=school,
            category_account="5101",
            amount_fen=amount_fen,
            description="住院慰问 hospital visit",
            reference=f"grant/{hold_id}",
        )

    assert (await apply_instruction(finance, federation, school, reserve(grant, 600_00)))["outcome"] == "reserved"
    assert await pending(finance, school) == {"1001": 600_00}
    too_much = await apply_instruction(finance, federation, school, reserve(other, 500_00))
    assert too_much["outcome"] == "refused" and "40000 fen available" in too_much["reason"]
    overspend = await apply_instruction(finance, federation, school, spend(school, 500_00))
    assert overspend["outcome"] == "refused", "money reserved by a hold is not available to other spending"

    capture = contract.Capture(hold_id=grant, amount_fen=500_00, effective_date=DAY, description="住院慰问金")
    captured = await apply_instruction(finance, federation, school, capture)
    assert captured["outcome"] == "captured" and len(captured["posting_ids"]) == 1
    assert (await balances(finance, school))["1001"] == 500_00 and await pending(finance, school) == {}
    again = await apply_instruction(finance, federation, school, capture)
    assert again["outcome"] == "refused" and "already posted" in again["reason"]
    void_after = await apply_instruction(finance, federation, school, contract.Void(hold_id=grant, reason="x"))
    assert void_after["outcome"] == "refused"

    assert (await apply_instruction(finance, federation, school, reserve(other, 200_00)))["outcome"] == "reserved"
    more_than_held = contract.Capture(hold_id=other, amount_fen=200_01, effective_date=DAY, description="x")
    assert (await apply_instruction(finance, federation, school, more_than_held))["outcome"] == "refused"
    voided = await apply_instruction(finance, federation, school, contract.Void(hold_id=other, reason="活动取消"))
    assert voided["outcome"] == "voided"
    assert await pending(finance, school) == {} and (await balances(finance, school))["1001"] == 500_00


async def test_budgets_stop_or_warn(build_service):
    finance = await build_service(definition, start=False)
    federation, school = unique("fed"), unique("school")
    await apply_instruction(finance, federation, school, deposit(school, 5000_00))
    budget = contract.SetBudget(
        organization_id=school, fiscal_year=2026, category_account="5102", amount_fen=1000_00, policy="stop"
    )
    assert (await apply_instruction(finance, federation, school, budget))["outcome"] == "posted"

    assert (await apply_instruction(finance, federation, school, spend(school, 800_00)))["outcome"] == "posted"
    refused = await apply_instruction(finance, federation, school, spend(school, 300_00))
    assert (
        refused["outcome"] == "refused"
        and "budget 2026/5102" in refused["reason"]
        and "20000 fen left" in refused["reason"]
    )
    assert (await apply_instruction(finance, federation, school, spend(school, 300_00, day=dt.date(2027, 1, 5))))[
        "outcome"
    ] == "posted"

    warn = budget.model_copy(update={"policy": "warn"})
    await apply_instruction(finance, federation, school, warn)
    warned = await apply_instruction(finance, federation, school, spend(school, 300_00))
    assert warned["outcome"] == "posted" and "exceeded" in warned["warnings"][0]
    assert (await balances(finance, school))["5102"] == 1400_00


async def test_a_closed_period_refuses_entries_and_corrections_go_into_the_open_one(build_service):
    finance = await build_service(definition, start=False)
    federation, school = unique("fed"), unique("school")
    first = await apply_instruction(finance, federation, school, deposit(school, 100_00))
    october = contract.ClosePeriod(
        organization_id=school, label="2026-10", starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 10, 31)
    )
    assert (await apply_instruction(finance, federation, school, october))["outcome"] == "posted"
    assert (await apply_instruction(finance, federation, school, october))["outcome"] == "refused"

    late = await apply_instruction(finance, federation, school, deposit(school, 50_00))
    assert late["outcome"] == "refused" and "period 2026-10" in late["reason"] and "is closed" in late["reason"]

    [original] = first["posting_ids"]
    inside = contract.Reverse(posting_id=original, effective_date=dt.date(2026, 10, 31), reason="wrong member")
    assert (await apply_instruction(finance, federation, school, inside))["outcome"] == "refused"
    correction = contract.Reverse(posting_id=original, effective_date=dt.date(2026, 11, 2), reason="wrong member")
    corrected = await apply_instruction(finance, federation, school, correction)
    assert corrected["outcome"] == "posted"
    again = await apply_instruction(finance, federation, school, correction)
    assert again["outcome"] == "refused" and "already reversed" in again["reason"]
    assert (await balances(finance, school))["1001"] == 0

    async with finance.uow() as uow:
        [(row, _lines)] = [await uow.ledgers.get_posting(corrected["posting_ids"][0])]
        assert row["reverses_posting_id"] == original and row["effective_date"] == dt.date(2026, 11, 2)
        reversal_of_reversal = contract.Reverse(posting_id=row["id"], effective_date=dt.date(2026, 11, 3), reason="x")
    refused = await apply_instruction(finance, federation, school, reversal_of_reversal)
    assert refused["outcome"] == "refused" and "cannot itself be reversed" in refused["reason"]


async def test_entries_are_immutable_in_the_database(build_service):
    finance = await build_service(definition, start=False)
    federation, school = unique("fed"), unique("school")
    await apply_instruction(finance, federation, school, deposit(school, 100_00))
    for statement in (
        "UPDATE posting_lines SET debit_fen = 1 WHERE organization_id = :org",
        "DELETE FROM postings WHERE organization_id = :org",
    ):
        async with finance.session_factory() as session:
            with pytest.raises(Exception, match="immutable"):
                await session.execute(text(statement), {"org": school})


async def test_reversing_one_side_of_an_inter_union_movement_reverses_both(build_service):
    finance = await build_service(definition, start=False)
    federation, school = unique("fed"), unique("school")
    await apply_instruction(finance, federation, federation, deposit(federation, 5000_00))
    allocation = journal.post(*flows.allocation(federation, school, 2000_00, DAY, "乒乓球台"))
    allocated = await apply_instruction(finance, federation, school, allocation)
    async with finance.session_factory() as session:
        school_side = await session.scalar(
            select(postings.c.id).where(
                postings.c.id.in_(allocated["posting_ids"]), postings.c.organization_id == school
            )
        )
    correction = contract.Reverse(posting_id=school_side, effective_date=DAY, reason="approved twice by mistake")

    corrected = await apply_instruction(finance, federation, school, correction)

    assert corrected["outcome"] == "posted" and len(corrected["posting_ids"]) == 2
    assert (await balances(finance, school))["4103"] == (await balances(finance, federation))["5201"] == 0
    assert (await balances(finance, federation))["1001"] == 5000_00
    for side in allocated["posting_ids"]:
        again = contract.Reverse(posting_id=side, effective_date=DAY, reason="again")
        assert (await apply_instruction(finance, federation, school, again))["outcome"] == "refused"


async def test_donations_are_held_for_their_beneficiary_and_never_paid_out_beyond_what_was_raised(build_service):
    import itertools

    from tests.factories import school_events
    from tests.finance_tools import apply_journal
    from unionfed_shared.contracts.donations import DonationReceivedV1, DonationsDisbursedV1
    from unionfed_shared.messaging.consumer import IncomingMessage

    finance = await build_service(definition, start=False)
    federation, school = unique("fed"), unique("school")
    _member, setup = school_events(federation, school)
    raised = [
        DonationReceivedV1(
            organization_id=school,
            federation_id=federation,
            donation_id=uuid.uuid4(),
            drive="drive-zhang",
            amount_fen=amount,
            received_on=DAY,
            donor=donor,
        )
        for amount, donor in ((50_000_00, "全体教职工"), (30_000_00, "anonymous"))
    ]
    paid = [
        DonationsDisbursedV1(
            organization_id=school,
            federation_id=federation,
            disbursement_id=uuid.uuid4(),
            drive="drive-zhang",
            amount_fen=amount,
            paid_on=DAY,
            beneficiary="受助人-3f2a1c",
        )
        for amount in (60_000_00, 30_000_00)
    ]
    offsets = itertools.count()
    for event in [*setup, *raised, *paid]:
        envelope = envelope_for(event)
        message = IncomingMessage(
            event.topic,
            0,
            next(offsets),
            envelope.key,
            envelope.data,
            tuple((k, v.encode()) for k, v in envelope.headers().items()),
        )
        assert await finance.consumer.handle(message) is Outcome.PROCESSED
    await apply_journal(finance)

    books = await balances(finance, school)
    assert books["2301/drive-zhang"] == 20_000_00 and books["1001"] == 20_000_00
    async with finance.session_factory() as session:
        refused = (
            await session.execute(
                select(money_outcomes.c.reason).where(
                    money_outcomes.c.reference == f"disbursement/{paid[1].disbursement_id}"
                )
            )
        ).scalar_one()
    assert "2301/drive-zhang" in refused and "below its floor" in refused


async def test_under_ledger_keys_a_movement_whose_other_side_is_refused_is_reversed_on_its_first_side(build_service):
    """Keyed by ledger, the federation's share of employer funds is a leg applied in the federation's
    order; its period there is closed, so the leg is refused and the school's side is reversed by a
    follow-up in the school's order: the two ledgers still mirror each other. Each entry once."""
    finance = await build_service(definition, start=False)
    federation, school = unique("fed"), unique("school")
    async with finance.uow() as uow:
        await journal.key_by_ledger(uow, federation)

    async def write(requested_by: str, instruction) -> str:
        async with finance.uow() as uow:
            request_id = await journal.write(uow, federation, requested_by, instruction)
            await uow.commit()
        return request_id

    await write(
        federation,
        contract.ClosePeriod(
            organization_id=federation, label="2026-10", starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 10, 31)
        ),
    )
    funds = await write(
        school, journal.post(*flows.employer_funds(school, federation, 10_000_00, DAY, flows.FundPolicy(400)))
    )
    for _ in range(4):  # the entries, then the leg, then the undo
        await apply_journal(finance)
    async with finance.session_factory() as session:
        rows = await session.execute(select(money_outcomes).where(money_outcomes.c.federation_id == federation))
        outcomes = {
            row.operation + ("" if row.journal_event_id == funds else "/" + row.outcome): dict(row._mapping)
            for row in rows
        }
        school_side = await session.execute(
            select(postings.c.id, postings.c.reverses_posting_id).where(postings.c.organization_id == school)
        )
        school_side = school_side.all()
    assert outcomes["post"]["outcome"] == "posted"
    assert "closed" in outcomes["post/refused"]["reason"], outcomes
    assert outcomes["reverse/posted"]["posting_ids"] == [school_side[1].id]
    assert school_side[1].reverses_posting_id == school_side[0].id == outcomes["post"]["posting_ids"][0]
    assert set((await balances(finance, school)).values()) == {0}
    assert await sequences(finance, federation) == []
    assert await apply_journal(finance) == [], "every leg applied once"


async def test_a_federation_whose_journal_has_an_entry_even_unapplied_is_not_keyed_by_ledger(build_service):
    """Its entries keyed by federation and its next ones by ledger would leave their order to a rebuild's interleaving."""
    finance = await build_service(definition, start=False)
    federation, school = unique("fed"), unique("school")
    async with finance.uow() as uow:
        await journal.write(uow, federation, school, deposit(school, 100_00))
        await uow.commit()
    async with finance.uow() as uow:
        with pytest.raises(Conflict, match="journal history"):
            await journal.key_by_ledger(uow, federation)
        assert await uow.journal_keys.ordering_of(federation) == "federation"
