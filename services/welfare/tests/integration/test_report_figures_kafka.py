"""Welfare's section of a statistics report on real Kafka and PostgreSQL: a request published on the
membership topic is answered on the welfare topic with the same report and request, every welfare
figure counted over the covered organizations and period only (grants of every kind paid in the
period: must-visits, greetings, 送温暖 beyond the members by people reached, 金秋助学); the same request sent again is
answered once, a new request again."""

import datetime as dt
import uuid

import pytest
from sqlalchemy import insert

from tests.factories import school_events
from tests.kafka_tools import deliver
from tests.report_sections import answer, answers, ask, request
from unionfed_shared.contracts.reporting import WelfareReportFiguresV1, owned_by
from unionfed_welfare.adapters.grant_tables import grants, hardship_files, welfare_holds
from unionfed_welfare.adapters.outside_help_tables import outside_grants
from unionfed_welfare.adapters.rights_tables import rights_cases
from unionfed_welfare.entrypoints.app import definition

pytestmark = pytest.mark.integration

FIRST, LAST = dt.date(2026, 1, 1), dt.date(2026, 6, 30)


async def test_a_request_on_the_membership_topic_is_answered_with_the_welfare_figures(build_service, infra):
    welfare = await build_service(definition)
    federation, school = f"county-{uuid.uuid4().hex[:10]}", f"school-{uuid.uuid4().hex[:10]}"
    group, below = f"{school}-grp", f"other-{uuid.uuid4().hex[:10]}"  # covered; a union not covered
    member, setup = school_events(federation, school)
    await deliver(welfare, setup)

    async with welfare.session_factory() as session, session.begin():

        async def hold(org: str, reference: str, paid_on: dt.date | None, fen: int, status="captured") -> uuid.UUID:
            hold_id = uuid.uuid4()
            await session.execute(
                insert(welfare_holds).values(
                    hold_id=hold_id,
                    organization_id=org,
                    federation_id=federation,
                    category="welfare",
                    amount_fen=fen,
                    purpose="慰问",
                    reference=f"{reference}{hold_id}",
                    status=status,
                    paid_fen=fen if paid_on else None,
                    paid_on=paid_on,
                )
            )
            return hold_id

        async def grant(
            org: str, paid_on: dt.date | None, money: int, goods: int = 0, status="approved", hold_="captured"
        ):
            hold_id = await hold(org, "grant/", paid_on, money + goods, hold_)
            occasion = paid_on or LAST
            await session.execute(
                insert(grants).values(
                    id=uuid.uuid4(),
                    organization_id=org,
                    federation_id=federation,
                    member_id=member,
                    visit_type="illness",
                    occasion_on=dt.date(2025, 12, 30),  # the occasion's day does not decide: the payment's does
                    occasion_key=str(hold_id),
                    year=occasion.year,
                    money_fen=money,
                    goods_fen=goods,
                    amount_fen=money + goods,
                    hold_id=hold_id,
                    status=status,
                    recorded_by="officer-li",
                )
            )

        async def outside(org: str, paid_on: dt.date, fen: int, people: int):
            hold_id = await hold(org, "outside-grant/", paid_on, fen)
            kind = {"recipient_kind": "person"} if people == 1 else {"recipient_kind": "organization"}
            await session.execute(
                insert(outside_grants).values(
                    id=uuid.uuid4(),
                    organization_id=org,
                    federation_id=federation,
                    **kind,
                    organization_kind=None if people == 1 else "village_school",
                    recipient_name="某村小学",
                    people_reached=people,
                    given_on=paid_on,
                    purpose="送温暖",
                    money_fen=fen,
                    goods_fen=0,
                    amount_fen=fen,
                    hold_id=hold_id,
                    status="approved",
                    recorded_by="officer-li",
                )
            )

        await grant(school, dt.date(2026, 3, 10), 500_00)
        await grant(
            group, LAST, 200_00, goods=100_00, status="approved", hold_="capture_requested"
        )  # paid, finance posting
        await grant(school, None, 400_00, status="recorded", hold_="reserved")  # recorded, not paid
        await grant(school, None, 400_00, status="recorded", hold_="refused")
        await grant(school, None, 400_00, status="cancelled", hold_="voided")
        await grant(school, dt.date(2026, 7, 1), 400_00)  # paid after the period
        await grant(below, dt.date(2026, 3, 10), 400_00)  # not covered
        for _ in range(3):  # a Spring Festival greeting to three members
            await hold(school, f"greeting/{uuid.uuid4()}/", dt.date(2026, 2, 10), 200_00)
        await outside(school, dt.date(2026, 1, 20), 5_000_00, people=40)  # a village school of 40 pupils
        await outside(group, dt.date(2026, 1, 21), 300_00, people=1)
        await hold(school, "student-aid/", dt.date(2026, 6, 1), 2_000_00)
        await hold(school, "campaign/", dt.date(2026, 4, 1), 9_000_00)  # a health check: no grant

        async def hardship_file(org: str, opened_on: dt.date, closed_on: dt.date | None = None):
            await session.execute(
                insert(hardship_files).values(
                    id=uuid.uuid4(),
                    organization_id=org,
                    federation_id=federation,
                    member_id=uuid.uuid4(),  # one open file a member
                    pseudonym="困难职工",
                    level="hardship",
                    cause="illness",
                    status="closed" if closed_on else "open",
                    opened_on=opened_on,
                    closed_on=closed_on,
                    opened_by="officer-li",
                )
            )

        await hardship_file(school, dt.date(2025, 5, 1))  # open
        await hardship_file(group, dt.date(2026, 2, 1), closed_on=dt.date(2026, 8, 1))  # closed after the period
        await hardship_file(school, dt.date(2025, 2, 1), closed_on=LAST)  # closed by the end
        await hardship_file(school, dt.date(2026, 7, 2))  # opened after
        await hardship_file(below, dt.date(2025, 5, 1))  # not covered

        async def rights_case(org: str, closed_on: dt.date | None):
            await session.execute(
                insert(rights_cases).values(
                    id=uuid.uuid4(),
                    organization_id=org,
                    federation_id=federation,
                    employer_name="某公司",
                    claim_kind="wage_arrears",
                    claimed_fen=100_00,
                    stage="closed" if closed_on else "mediation",
                    accepted_on=dt.date(2025, 12, 1),
                    deadline_on=dt.date(2026, 12, 1),
                    closed_on=closed_on,
                    opened_by="officer-li",
                    handled_by="officer-li",
                )
            )

        await rights_case(school, FIRST)
        await rights_case(school, dt.date(2026, 7, 1))
        await rights_case(group, None)
        await rights_case(below, dt.date(2026, 3, 1))

    asked = request(federation, school, [school, group], FIRST, LAST)
    sent = await ask(infra.kafka_bootstrap, asked)
    figures = await answer(infra.kafka_bootstrap, WelfareReportFiguresV1, asked)
    assert list(figures) == list(owned_by("welfare"))
    assert figures == {
        "grants": 2 + 3 + 41 + 1,
        "grants_fen": 800_00 + 600_00 + 5_300_00 + 2_000_00,
        "grants_visits": 2,
        "grants_visits_fen": 800_00,
        "grants_greetings": 3,
        "grants_greetings_fen": 600_00,
        "grants_outside": 41,
        "grants_outside_fen": 5_300_00,
        "grants_student_aid": 1,
        "grants_student_aid_fen": 2_000_00,
        "hardship_files_open": 2,
        "rights_cases_closed": 1,
    }

    # The same request delivered again is applied once; a new request of the report is answered anew.
    await ask(infra.kafka_bootstrap, asked, sent)
    again = request(federation, school, [school], FIRST, LAST, report_id=asked.report_id)
    await ask(infra.kafka_bootstrap, again)
    figures = await answer(infra.kafka_bootstrap, WelfareReportFiguresV1, again)
    assert (figures["grants"], figures["grants_fen"], figures["grants_outside"]) == (
        1 + 3 + 40 + 1,
        500_00 + 600_00 + 5_000_00 + 2_000_00,
        40,
    )
    assert (figures["hardship_files_open"], figures["rights_cases_closed"]) == (1, 1)
    assert len(await answers(infra.kafka_bootstrap, WelfareReportFiguresV1, asked)) == 1
