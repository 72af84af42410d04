"""Finance books on the federation's calendar, not UTC's (issue 13: business dates use the UTC day).

2026-12-31T17:00Z is 01:00 on January 1st 2027 in Beijing, and 18:00 on December 31st in Berlin.
"""

import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from tests.finance_tools import apply_instruction, apply_journal
from tests.kafka_tools import deliver, envelope_for
from tests.pytest_infra import unique
from unionfed_finance.adapters.tables import money_outcomes, postings
from unionfed_finance.domain import flows
from unionfed_finance.entrypoints.app import definition
from unionfed_finance.service_layer import journal
from unionfed_shared.contracts import finance as contract
from unionfed_shared.contracts.membership import DuesCollectedV1, OrganizationRegisteredV1
from unionfed_shared.contracts.spending import WelfareHoldRequestedV1
from unionfed_shared.messaging.consumer import IncomingMessage, Outcome

pytestmark = pytest.mark.integration

NEW_YEAR_IN_BEIJING = dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC)
NEW_YEAR_IN_BERLIN = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)
WELFARE = "5101"


async def founded(finance, time_zone: str | None = None) -> tuple[str, str]:
    """A federation (in ``time_zone``, or the default) with one school union, as finance hears of it."""
    federation, school = unique("fed"), unique("school")
    locale = {"time_zone": time_zone} if time_zone else {}
    registered = [
        OrganizationRegisteredV1(
            organization_id=federation,
            federation_id=federation,
            name="某县教育工会",
            kind="federation",
            parent_id=None,
            path=[federation],
            **locale,
        ),
        OrganizationRegisteredV1(
            organization_id=school,
            federation_id=federation,
            name="实验小学工会",
            kind="grassroots_union",
            parent_id=federation,
            path=[federation, school],
            **locale,
        ),
    ]
    assert await deliver(finance, registered) == [Outcome.PROCESSED] * 2
    return federation, school


async def close_december(finance, federation: str, school: str) -> None:
    close = contract.ClosePeriod(
        organization_id=school, label="2026-12", starts_on=dt.date(2026, 12, 1), ends_on=dt.date(2026, 12, 31)
    )
    assert (await apply_instruction(finance, federation, school, close))["outcome"] == "posted"


async def dues_collected_at(finance, federation: str, school: str, moment: dt.datetime) -> tuple[dict, dt.date | None]:
    """Deliver a dues payment collected at ``moment``; its money outcome and the posting's date."""
    payment = DuesCollectedV1(
        organization_id=school,
        federation_id=federation,
        payment_id=uuid.uuid4(),
        member_id=uuid.uuid4(),
        period="2026-12",
        amount_fen=21_50,
        collected_at=moment,
    )
    assert await deliver(finance, [payment]) == [Outcome.PROCESSED]
    assert set(await apply_journal(finance)) <= {Outcome.PROCESSED}
    async with finance.session_factory() as session:
        outcome = dict(
            (
                await session.execute(
                    select(money_outcomes).where(money_outcomes.c.reference == f"dues/{payment.payment_id}")
                )
            )
            .mappings()
            .one()
        )
        dates = list(
            await session.scalars(
                select(postings.c.effective_date).where(postings.c.id.in_(outcome["posting_ids"] or []))
            )
        )
    return outcome, dates[0] if dates else None


async def hold_requested_at(finance, federation: str, school: str, moment: dt.datetime, amount_fen: int) -> dict:
    """Welfare asks finance, at ``moment``, to reserve a grant; finance's answer."""
    hold = WelfareHoldRequestedV1(
        organization_id=school,
        federation_id=federation,
        hold_id=uuid.uuid4(),
        category="welfare",
        amount_fen=amount_fen,
        purpose="住院慰问 hospital visit",
        reference=f"grant/{uuid.uuid4()}",
    )
    envelope = envelope_for(hold, time=moment)
    message = IncomingMessage(
        hold.topic, 0, 1, envelope.key, envelope.data, tuple((k, v.encode()) for k, v in envelope.headers().items())
    )
    assert await finance.consumer.handle(message) is Outcome.PROCESSED
    assert set(await apply_journal(finance)) <= {Outcome.PROCESSED}
    async with finance.session_factory() as session:
        return dict(
            (await session.execute(select(money_outcomes).where(money_outcomes.c.reference == hold.reference)))
            .mappings()
            .one()
        )


async def budgets(finance, federation: str, school: str, by_year: dict[int, int]) -> None:
    """Money in the bank, and a welfare budget (stop when exceeded) for each year."""
    deposit = journal.post(flows.dues(school, 10_000_00, "2026-11", dt.date(2026, 11, 20)))
    assert (await apply_instruction(finance, federation, school, deposit))["outcome"] == "posted"
    for year, amount_fen in by_year.items():
        budget = contract.SetBudget(
            organization_id=school, fiscal_year=year, category_account=WELFARE, amount_fen=amount_fen, policy="stop"
        )
        assert (await apply_instruction(finance, federation, school, budget))["outcome"] == "posted"


async def test_dues_collected_at_one_in_the_morning_of_new_years_day_in_beijing_are_booked_in_january(build_service):
    finance = await build_service(definition, start=False)
    federation, school = await founded(finance)
    await close_december(finance, federation, school)

    outcome, booked_on = await dues_collected_at(finance, federation, school, NEW_YEAR_IN_BEIJING)

    # On the UTC day it would be December 31st, in the closed period, and refused.
    assert (outcome["outcome"], outcome["reason"]) == ("posted", None)
    assert booked_on == dt.date(2027, 1, 1)


async def test_a_berlin_federation_books_on_berlins_calendar_not_beijings_nor_utcs(build_service):
    finance = await build_service(definition, start=False)
    federation, school = await founded(finance, "Europe/Berlin")
    await close_december(finance, federation, school)

    still_december, _ = await dues_collected_at(finance, federation, school, NEW_YEAR_IN_BEIJING)
    outcome, booked_on = await dues_collected_at(finance, federation, school, NEW_YEAR_IN_BERLIN)

    # 18:00 on December 31st in Berlin belongs to the closed December, whatever Beijing's date.
    assert still_december["outcome"] == "refused" and "2026-12" in still_december["reason"]
    # 00:30 on January 1st in Berlin (still December 31st in UTC) is January's.
    assert outcome["outcome"] == "posted" and booked_on == dt.date(2027, 1, 1)


async def test_a_hold_asked_for_on_new_years_morning_counts_against_the_new_years_budget(build_service):
    finance = await build_service(definition, start=False)
    federation, school = await founded(finance)
    await budgets(finance, federation, school, {2026: 100_00, 2027: 1_000_00})

    answer = await hold_requested_at(finance, federation, school, NEW_YEAR_IN_BEIJING, 500_00)

    assert answer["outcome"] == "reserved", answer["reason"]


async def test_a_hold_asked_for_at_the_same_moment_in_berlin_counts_against_the_old_years_budget(build_service):
    finance = await build_service(definition, start=False)
    federation, school = await founded(finance, "Europe/Berlin")
    await budgets(finance, federation, school, {2026: 100_00, 2027: 1_000_00})

    answer = await hold_requested_at(finance, federation, school, NEW_YEAR_IN_BEIJING, 500_00)

    assert answer["outcome"] == "refused" and "budget 2026/5101" in answer["reason"]
