"""Finance's section of a statistics report on real Kafka and PostgreSQL: a request published on the
membership topic is answered on the finance topic with the same report and request, income and
spending by category from the covered ledgers' postings of the period only (a reversal in the
period takes back what it reverses); the same request sent again is answered once, a new one again."""

import datetime as dt

import pytest

from tests.finance_tools import apply_instruction
from tests.kafka_tools import deliver
from tests.pytest_infra import unique
from tests.report_sections import answer, answers, ask, request
from unionfed_finance.entrypoints.app import definition
from unionfed_shared.contracts import finance as contract
from unionfed_shared.contracts.membership import OrganizationRegisteredV1
from unionfed_shared.contracts.reporting import FinanceReportFiguresV1, owned_by
from unionfed_shared.messaging.consumer import Outcome

pytestmark = pytest.mark.integration

FIRST, LAST = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
BANK = "1001"


async def test_a_request_on_the_membership_topic_is_answered_with_the_finance_figures(build_service, infra):
    finance = await build_service(definition)
    federation, school, below = unique("county"), unique("school"), unique("other")
    group = f"{school}-grp"  # covered; keeps no books
    registered = [
        OrganizationRegisteredV1(
            organization_id=federation, federation_id=federation, name="某县教育工会", kind="federation",
            parent_id=None, path=[federation],
        ),
        *(
            OrganizationRegisteredV1(
                organization_id=union, federation_id=federation, name=union, kind="grassroots_union",
                parent_id=federation, path=[federation, union],
            )
            for union in (school, below)
        ),
    ]  # fmt: skip
    assert await deliver(finance, registered) == [Outcome.PROCESSED] * 3

    async def book(union: str, on: dt.date, debit: str, credit: str, fen: int) -> dict:
        entry = contract.PostingSpec(
            organization_id=union,
            effective_date=on,
            description=f"{debit}/{credit}",
            lines=[contract.LineSpec(account=debit, debit_fen=fen), contract.LineSpec(account=credit, credit_fen=fen)],
        )
        outcome = await apply_instruction(finance, federation, union, contract.Post(postings=[entry]))
        assert outcome["outcome"] == "posted", outcome
        return outcome

    await book(school, dt.date(2025, 12, 31), BANK, "4101", 100_00)  # the day before
    await book(school, FIRST, BANK, "4101", 500_00)
    await book(school, dt.date(2026, 2, 1), BANK, "4102", 2_000_00)
    await book(school, dt.date(2026, 3, 1), BANK, "4103", 300_00)
    await book(school, dt.date(2026, 3, 2), BANK, "4104", 50_00)
    await book(school, dt.date(2026, 4, 1), "5101", BANK, 800_00)
    await book(school, dt.date(2026, 4, 2), "5102", BANK, 150_00)
    await book(school, dt.date(2026, 4, 3), "5103", BANK, 90_00)
    await book(school, dt.date(2026, 4, 4), "5104", BANK, 120_00)  # training the union's activists (业务)
    await book(school, dt.date(2026, 4, 5), "5201", BANK, 60_00)
    await book(school, dt.date(2026, 4, 6), "5202", BANK, 30_00)
    mistaken = await book(school, LAST, "5102", BANK, 40_00)
    reverse = contract.Reverse(posting_id=mistaken["posting_ids"][0], effective_date=LAST, reason="记错")
    assert (await apply_instruction(finance, federation, school, reverse))["outcome"] == "posted"
    await book(school, dt.date(2026, 7, 1), "5101", BANK, 99_00)  # the day after
    await book(below, dt.date(2026, 3, 1), BANK, "4101", 700_00)  # not covered

    asked = request(federation, school, [school, group], FIRST, LAST)
    sent = await ask(infra.kafka_bootstrap, asked)
    figures = await answer(infra.kafka_bootstrap, FinanceReportFiguresV1, asked)
    assert list(figures) == list(owned_by("finance"))
    assert figures == {
        "income_dues_fen": 500_00,
        "income_employer_funds_fen": 2_000_00,
        "income_subsidy_fen": 300_00,
        "income_other_fen": 50_00,
        "spending_staff_activities_fen": 150_00,
        "spending_welfare_fen": 800_00,
        "spending_business_fen": 120_00,
        "spending_capital_fen": 90_00,
        "spending_allocations_fen": 60_00,
        "spending_other_fen": 30_00,
    }

    # The same request delivered again is applied once; a new request of the report is answered anew.
    await ask(infra.kafka_bootstrap, asked, sent)
    july = request(federation, school, [school], dt.date(2026, 7, 1), dt.date(2026, 7, 31), asked.report_id)
    await ask(infra.kafka_bootstrap, july)
    figures = await answer(infra.kafka_bootstrap, FinanceReportFiguresV1, july)
    assert figures == {**dict.fromkeys(owned_by("finance"), 0), "spending_welfare_fen": 99_00}
    assert len(await answers(infra.kafka_bootstrap, FinanceReportFiguresV1, asked)) == 1
