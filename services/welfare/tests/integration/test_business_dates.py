"""A grant approved without a date is paid on today's date in its federation's zone, and finance
books it there (issue 13: business dates use the UTC day). Welfare and finance on real
PostgreSQL, their messages handed from one's outbox to the other's consumer as Kafka would
(so no other test's services on the shared broker answer in their place).

2026-12-31T17:00Z is 01:00 on January 1st 2027 in Beijing, and 18:00 on December 31st in Berlin.
Each federation closes the month the payment must NOT land in, so a wrong date is refused.
"""

import datetime as dt
import uuid

import httpx
import pytest
from sqlalchemy import select

from tests.finance_tools import apply_instruction, apply_journal, balances, relay
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer
from unionfed_finance.adapters.tables import postings
from unionfed_finance.entrypoints.app import definition as finance_definition
from unionfed_shared.auth import Role
from unionfed_shared.contracts import finance as contract
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.membership import MemberJoinedV1, OrganizationRegisteredV1
from unionfed_shared.http import create_app
from unionfed_shared.messaging.consumer import Outcome
from unionfed_welfare.entrypoints.app import definition as welfare_definition
from unionfed_welfare.service_layer import grants as grant_service

pytestmark = pytest.mark.integration

NEW_YEAR_IN_BEIJING = dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC)
POLICY = {"amounts_fen": {"hospitalised": 500_00}, "yearly_cap_fen": 1000_00}
DECEMBER = (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
JANUARY = (dt.date(2027, 1, 1), dt.date(2027, 1, 31))


@pytest.mark.parametrize(
    ("time_zone", "closed", "paid_on"),
    [("Asia/Shanghai", DECEMBER, dt.date(2027, 1, 1)), ("Europe/Berlin", JANUARY, dt.date(2026, 12, 31))],
)
async def test_a_grant_approved_without_a_date_is_paid_on_the_federations_today(
    build_service, monkeypatch, time_zone, closed, paid_on
):
    welfare = await build_service(welfare_definition, start=False)
    finance = await build_service(finance_definition, start=False)
    federation, school = f"county-{uuid.uuid4().hex[:10]}", f"school-{uuid.uuid4().hex[:10]}"
    teacher = MemberJoinedV1(
        organization_id=school,
        federation_id=federation,
        member_id=uuid.uuid4(),
        display_name="李老师",
        gender="female",
        joined_on=dt.date(2019, 9, 1),
    )
    setup = [
        OrganizationRegisteredV1(
            organization_id=federation,
            federation_id=federation,
            name="县教育工会",
            kind="federation",
            parent_id=None,
            path=[federation],
            time_zone=time_zone,
        ),
        OrganizationRegisteredV1(
            organization_id=school,
            federation_id=federation,
            name="实验小学工会",
            kind="grassroots_union",
            parent_id=federation,
            path=[federation, school],
            time_zone=time_zone,
        ),
        teacher,
    ]
    await deliver(welfare, setup)
    await deliver(finance, setup)
    deposit = contract.Post(
        postings=[
            contract.PostingSpec(
                organization_id=school,
                effective_date=dt.date(2026, 11, 2),
                description="工会经费 2%",
                lines=[
                    contract.LineSpec(account="1001", debit_fen=5_000_00),
                    contract.LineSpec(account="4102", credit_fen=5_000_00),
                ],
            )
        ]
    )
    assert (await apply_instruction(finance, federation, school, deposit))["outcome"] == "posted"
    close = contract.ClosePeriod(organization_id=school, label="closed", starts_on=closed[0], ends_on=closed[1])
    assert (await apply_instruction(finance, federation, school, close))["outcome"] == "posted"

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(welfare)), base_url="http://welfare", timeout=60
    ) as api:
        admin = bearer(Role.FEDERATION_ADMIN, federation, federation)
        assert (
            await api.put(f"/v1/federations/{federation}/visit-policy", json=POLICY, headers=admin)
        ).status_code == 200
        officer = bearer(Role.WELFARE_OFFICER, school, federation)
        recorded = await api.post(
            f"/v1/organizations/{school}/grants",
            headers=officer,
            json={
                "member_id": str(teacher.member_id),
                "visit_type": "hospitalised",
                "occasion_on": "2026-12-30",
            },
        )
        assert recorded.status_code == 201, recorded.text
        grant_id = recorded.json()["id"]
        await _round_trip(welfare, finance)
        assert (await api.get(f"/v1/grants/{grant_id}", headers=officer)).json()["state"] == "reserved"

        # The officer approves at 01:00 Beijing time on New Year's Day, giving no date.
        monkeypatch.setattr(grant_service, "_now", lambda: NEW_YEAR_IN_BEIJING)
        approved = await api.post(f"/v1/grants/{grant_id}/approval", json={}, headers=officer)
        assert approved.status_code == 200, approved.text
        await _round_trip(welfare, finance)
        paid = (await api.get(f"/v1/grants/{grant_id}", headers=officer)).json()
        assert paid["state"] == "paid", paid

    assert paid["paid_on"] == paid_on.isoformat()
    assert (await balances(finance, school))["5101"] == 500_00
    async with finance.session_factory() as session:
        booked = await session.scalar(
            select(postings.c.effective_date)
            .where(postings.c.organization_id == school)
            .order_by(postings.c.sequence.desc())
            .limit(1)
        )
    assert booked == paid_on


async def _round_trip(welfare, finance) -> None:
    """Welfare's requests to finance, finance's journal, and finance's answers back to welfare."""
    assert set(await relay(welfare, finance, topics.WELFARE)) <= {Outcome.PROCESSED}
    assert set(await apply_journal(finance)) <= {Outcome.PROCESSED}
    assert set(await relay(finance, welfare, topics.FINANCE)) <= {Outcome.PROCESSED, Outcome.IGNORED}
