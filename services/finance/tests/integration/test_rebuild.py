"""Replaying finance's input topics from offset 0 into an empty database rebuilds identical ledgers."""

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, select

from tests.factories import dues, school_events
from tests.finance_tools import journal_entry
from tests.kafka_tools import envelope_for, producer, send_envelope
from tests.pytest_infra import JWT_SECRET, eventually, unique
from unionfed_finance.adapters.tables import money_outcomes
from unionfed_finance.domain import flows
from unionfed_finance.entrypoints.app import definition
from unionfed_finance.service_layer import journal
from unionfed_finance.service_layer.rebuild import ledger_fingerprint, rebuild
from unionfed_finance.settings import FinanceSettings
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.spending import WelfareHoldPaidV1, WelfareHoldRequestedV1
from unionfed_shared.db import make_engine, make_session_factory

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
        (topics.WELFARE, WelfareHoldRequestedV1(
            organization_id=school, federation_id=federation, hold_id=grant, category="welfare",
            amount_fen=500_00, purpose="住院慰问", reference=f"grant/{grant}",
        )),
        (topics.MEMBERSHIP, dues(federation, school, member_id, 21_50, period="2026-11")),
        (topics.WELFARE, WelfareHoldPaidV1(
            organization_id=school, federation_id=federation, hold_id=grant, amount_fen=400_00,
            paid_on=DAY, description="住院慰问金",
        )),
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
    async with producer(infra.kafka_bootstrap) as client:
        for event in setup:
            await send_envelope(client, topics.MEMBERSHIP, envelope_for(event))
        for topic, event in money:
            await send_envelope(client, topic, envelope_for(event))

    async def all_settled():
        async with live.session_factory() as session:
            settled = await session.scalar(
                select(func.count()).select_from(money_outcomes).where(money_outcomes.c.federation_id == federation)
            )
        return settled == len(money)

    await eventually(all_settled, timeout=60)
    async with live.session_factory() as session:
        outcomes = dict((await session.execute(
            select(money_outcomes.c.operation, money_outcomes.c.outcome).where(money_outcomes.c.federation_id == federation)
            .where(money_outcomes.c.outcome == "refused")
        )).all())
        expected = await ledger_fingerprint(session, [federation, school])
    assert outcomes == {"post": "refused"}, "the overdraft is refused, everything else applies"
    assert len(expected["entries"]) == 5
    assert "Dues collected for 2026-11" in {entry[4] for entry in expected["entries"]}

    settings = FinanceSettings(
        database_url=infra.pg_dsn(f"t_finance_rebuild_{uuid.uuid4().hex[:8]}"),
        kafka_bootstrap_servers=infra.kafka_bootstrap,
        jwt_secret=JWT_SECRET,
    )
    seen = []
    report = await rebuild(definition(), settings, progress=lambda done, total: seen.append((done, total)))

    assert report.messages > 0 and seen[-1] == (report.messages, report.messages)
    engine = make_engine(settings.database_url)
    try:
        async with make_session_factory(engine)() as session:
            assert await ledger_fingerprint(session, [federation, school]) == expected
    finally:
        await engine.dispose()

    with pytest.raises(Exception, match="already holds books"):
        await rebuild(definition(), settings)
