"""Welfare's section of a statistics report on real Kafka and PostgreSQL: a request published on the
membership topic is answered on the welfare topic with the same report and request, every welfare
figure counted over the covered organizations and period only; the same request sent again is
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

        async def grant(org: str, on: dt.date, money: int, goods: int = 0, status="approved", hold="reserved"):
            hold_id = uuid.uuid4()
            common = {"organization_id": org, "federation_id": federation}
            await session.execute(
                insert(welfare_holds).values(
                    hold_id=hold_id,
                    **common,
                    category="welfare",
                    amount_fen=money + goods,
                    purpose="慰问",
                    reference=f"grant/{hold_id}",
                    status=hold,
                )
            )
            await session.execute(
                insert(grants).values(
                    id=uuid.uuid4(),
                    **common,
                    member_id=member,
                    visit_type="illness",
                    occasion_on=on,
                    occasion_key=str(hold_id),
                    year=on.year,
                    money_fen=money,
                    goods_fen=goods,
                    amount_fen=money + goods,
                    hold_id=hold_id,
                    status=status,
                    recorded_by="officer-li",
                )
            )

        await grant(school, dt.date(2026, 3, 10), 500_00)
        await grant(group, LAST, 200_00, goods=100_00, status="recorded", hold="requested")  # awaiting finance
        await grant(school, dt.date(2026, 3, 11), 400_00, status="cancelled")
        await grant(school, dt.date(2026, 3, 12), 400_00, status="recorded", hold="refused")
        await grant(school, dt.date(2026, 3, 13), 400_00, hold="voided")
        await grant(school, dt.date(2026, 7, 1), 400_00)  # after the period
        await grant(below, dt.date(2026, 3, 10), 400_00)  # not covered

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
    assert figures == {"grants": 2, "grants_fen": 800_00, "hardship_files_open": 2, "rights_cases_closed": 1}

    # The same request delivered again is applied once; a new request of the report is answered anew.
    await ask(infra.kafka_bootstrap, asked, sent)
    again = request(federation, school, [school], FIRST, LAST, report_id=asked.report_id)
    await ask(infra.kafka_bootstrap, again)
    figures = await answer(infra.kafka_bootstrap, WelfareReportFiguresV1, again)
    assert figures == {"grants": 1, "grants_fen": 500_00, "hardship_files_open": 1, "rights_cases_closed": 1}
    assert len(await answers(infra.kafka_bootstrap, WelfareReportFiguresV1, asked)) == 1
