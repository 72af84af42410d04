"""A month's dues in chunks (DuesBatchCollectedV1 → CollectDues → one posting per chunk) on real
PostgreSQL: each member booked once whatever is redelivered, on their own line, with the same
balances (bank, dues income, each member's dues account) as one DuesCollectedV1 per member."""

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select, text

from services.finance.tests.integration.test_business_dates import founded
from tests.factories import dues, school_events
from tests.finance_tools import apply_journal, send_and_settle
from tests.kafka_tools import deliver, envelope_for
from tests.pytest_infra import JWT_SECRET, unique
from unionfed_finance.adapters.ledger_fingerprints import ledger_fingerprint
from unionfed_finance.adapters.reconciliation import reconcile
from unionfed_finance.adapters.tables import (
    accounts,
    dues_accounts,
    dues_receipts,
    money_outcomes,
    posting_lines,
    postings,
)
from unionfed_finance.entrypoints.app import definition
from unionfed_finance.service_layer.rebuild import rebuild
from unionfed_finance.settings import FinanceSettings
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.membership import (
    DuesBatchCollectedV1,
    DuesCollectedV1,
    DuesLine,
    OrganizationRegisteredV1,
)
from unionfed_shared.db import make_engine, make_session_factory
from unionfed_shared.messaging.consumer import IncomingMessage, Outcome

pytestmark = pytest.mark.integration

COLLECTED_AT = dt.datetime(2026, 11, 28, 4, tzinfo=dt.UTC)  # noon in Shanghai


def lines_of(amounts: list[int]) -> list[DuesLine]:
    return [DuesLine(payment_id=uuid.uuid4(), member_id=uuid.uuid4(), amount_fen=fen) for fen in amounts]


def chunk(federation: str, school: str, lines: list[DuesLine]) -> DuesBatchCollectedV1:
    return DuesBatchCollectedV1(
        organization_id=school,
        federation_id=federation,
        batch_id=uuid.uuid4(),
        period="2026-11",
        collected_at=COLLECTED_AT,
        lines=lines,
    )


async def second_school(finance, federation: str) -> str:
    school = unique("school")
    registered = OrganizationRegisteredV1(
        organization_id=school,
        federation_id=federation,
        name="第二中学工会",
        kind="grassroots_union",
        parent_id=federation,
        path=[federation, school],
    )
    assert await deliver(finance, [registered]) == [Outcome.PROCESSED]
    return school


async def books(finance, school: str) -> dict:
    async with finance.session_factory() as session:
        balances = dict(
            (
                await session.execute(
                    select(accounts.c.code, accounts.c.balance_fen).where(
                        accounts.c.organization_id == school, accounts.c.code.in_(["1001", "4101"])
                    )
                )
            ).all()
        )
        paid = sorted(
            (
                await session.execute(
                    select(
                        dues_accounts.c.paid_total_fen, dues_accounts.c.periods_paid, dues_accounts.c.last_period
                    ).where(dues_accounts.c.organization_id == school)
                )
            ).all()
        )
        count = await session.scalar(
            select(func.count()).select_from(postings).where(postings.c.organization_id == school)
        )
    return {"balances": balances, "dues_accounts": paid, "postings": count}


async def test_a_chunk_books_the_same_balances_as_one_dues_posting_per_member(build_service):
    finance = await build_service(definition, start=False)
    federation, chunked = await founded(finance)
    one_by_one = await second_school(finance, federation)
    amounts = [2150 + i for i in range(120)]

    first, rest = lines_of(amounts[:100]), lines_of(amounts[100:])
    assert (
        await deliver(finance, [chunk(federation, chunked, first), chunk(federation, chunked, rest)])
        == [Outcome.PROCESSED] * 2
    )
    singles = [
        DuesCollectedV1(
            organization_id=one_by_one,
            federation_id=federation,
            payment_id=uuid.uuid4(),
            member_id=uuid.uuid4(),
            period="2026-11",
            amount_fen=fen,
            collected_at=COLLECTED_AT,
        )
        for fen in amounts
    ]
    assert set(await deliver(finance, singles)) == {Outcome.PROCESSED}
    assert set(await apply_journal(finance)) == {Outcome.PROCESSED}

    bulk, single = await books(finance, chunked), await books(finance, one_by_one)
    assert bulk["balances"] == single["balances"] == {"1001": sum(amounts), "4101": sum(amounts)}
    assert bulk["dues_accounts"] == single["dues_accounts"] == sorted((fen, 1, "2026-11") for fen in amounts)
    assert (bulk["postings"], single["postings"]) == (2, 120)  # one posting per chunk

    # Every member on their own line: their receipt names the posting and line that booked them.
    async with finance.session_factory() as session:
        receipts = (
            (
                await session.execute(
                    select(dues_receipts, posting_lines.c.credit_fen, posting_lines.c.account_code)
                    .join(
                        posting_lines,
                        (posting_lines.c.posting_id == dues_receipts.c.posting_id)
                        & (posting_lines.c.line_no == dues_receipts.c.line_no),
                    )
                    .where(dues_receipts.c.organization_id == chunked)
                )
            )
            .mappings()
            .all()
        )
        dates = set(
            await session.scalars(select(postings.c.effective_date).where(postings.c.organization_id == chunked))
        )
    assert len(receipts) == 120 and dates == {dt.date(2026, 11, 28)}
    by_payment = {r["payment_id"]: r for r in receipts}
    for line in first + rest:
        receipt = by_payment[line.payment_id]
        assert (receipt["member_id"], receipt["credit_fen"], receipt["account_code"]) == (
            line.member_id,
            line.amount_fen,
            "4101",
        )
    assert sorted(by_payment[l.payment_id]["line_no"] for l in first) == list(range(1, 101))


async def test_a_chunk_redelivered_or_sent_again_books_nobody_twice(build_service):
    finance = await build_service(definition, start=False, database=f"t_finance_{uuid.uuid4().hex[:8]}")
    federation, school = await founded(finance)
    event = chunk(federation, school, lines_of([1000] * 1000))  # the largest chunk: one posting of 1,001 lines
    envelope = envelope_for(event)
    message = IncomingMessage(
        event.topic, 0, 77, envelope.key, envelope.data, tuple((k, v.encode()) for k, v in envelope.headers().items())
    )
    assert await finance.consumer.handle(message) is Outcome.PROCESSED
    assert await finance.consumer.handle(message) is Outcome.DUPLICATE  # Kafka redelivers it
    assert await apply_journal(finance) == [Outcome.PROCESSED]
    once = await books(finance, school)
    assert once["balances"] == {"1001": 1_000_000, "4101": 1_000_000} and once["postings"] == 1

    # The same chunk again under a new event id (a producer's retry), and a chunk naming one
    # member already booked and one new: only the new member is booked.
    newcomer = lines_of([555])
    mixed = chunk(federation, school, [event.lines[0], *newcomer])
    assert await deliver(finance, [event, mixed]) == [Outcome.PROCESSED] * 2
    assert await apply_journal(finance) == [Outcome.PROCESSED] * 2
    after = await books(finance, school)
    assert after["balances"] == {"1001": 1_000_555, "4101": 1_000_555} and after["postings"] == 2
    assert after["dues_accounts"] == sorted([(555, 1, "2026-11")] + [(1000, 1, "2026-11")] * 1000)
    async with finance.session_factory() as session:
        outcomes = (
            await session.execute(
                select(money_outcomes.c.operation, money_outcomes.c.outcome, money_outcomes.c.posting_ids).where(
                    money_outcomes.c.federation_id == federation, money_outcomes.c.operation == "collect_dues"
                )
            )
        ).all()
        lines = await session.scalar(
            text("SELECT count(*) FROM posting_lines WHERE organization_id = :school"), {"school": school}
        )
    assert [o.outcome for o in outcomes] == ["posted"] * 3
    assert lines == 1001 + 2
    # The books reconcile: every chunk consumed reached the journal, every entry has its outcome.
    async with finance.session_factory() as session:
        report = await reconcile(session)
    assert report.ok, str(report)


async def test_a_rebuild_replays_chunks_and_single_dues_into_the_same_books_and_dues_accounts(build_service, infra):
    """Chunks (one sent twice under two ids) next to a per-member DuesCollectedV1 already in the
    topics: replayed from offset 0 into an empty database, the ledgers, receipts and dues accounts
    are the live ones."""
    live = await build_service(definition)
    federation, school = unique("fed"), unique("school")
    member_id, setup = school_events(federation, school)
    first = chunk(federation, school, [DuesLine(payment_id=uuid.uuid4(), member_id=member_id, amount_fen=2150)])
    second = chunk(federation, school, lines_of([1800, 1900, 2000]))
    money = [dues(federation, school, member_id, 2150, period="2026-09"), first, second, second]
    await send_and_settle(live, infra.kafka_bootstrap, federation, setup, [(topics.MEMBERSHIP, e) for e in money])

    async def state(session_factory) -> tuple:
        async with session_factory() as session:
            books = await ledger_fingerprint(session, [federation, school])
            receipts = sorted(
                (await session.execute(
                    select(dues_receipts.c.payment_id, dues_receipts.c.posting_id, dues_receipts.c.line_no)
                    .where(dues_receipts.c.organization_id == school)
                )).all()
            )  # fmt: skip
            paid = sorted(
                (await session.execute(
                    select(dues_accounts.c.member_id, dues_accounts.c.paid_total_fen, dues_accounts.c.periods_paid)
                    .where(dues_accounts.c.federation_id == federation)
                )).all()
            )  # fmt: skip
        return books, receipts, paid

    expected = await state(live.session_factory)
    books, receipts, paid = expected
    assert len(books["entries"]) == 3 and len(receipts) == 4  # the single posting and two chunks, once each
    assert {m: (fen, n) for m, fen, n in paid}[member_id] == (4300, 2)

    settings = FinanceSettings(
        database_url=infra.pg_dsn(f"t_finance_rebuild_{uuid.uuid4().hex[:8]}"),
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        jwt_secret=JWT_SECRET,
    )
    await rebuild(definition(), settings, live_database_url=live.settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        assert await state(make_session_factory(engine)) == expected
    finally:
        await engine.dispose()
