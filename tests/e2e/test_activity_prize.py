"""An activity's prize money reaches the organizer's ledger as activity expense (5102).

Events and finance run as real ``unionfed NAME serve`` processes on real Kafka and PostgreSQL;
membership's events are published to Kafka as membership would publish them.
"""

import datetime as dt
import uuid

import httpx
import pytest

from tests.factories import school_events
from tests.kafka_tools import envelope_for, producer, send_envelope
from tests.processes import ServiceProcess
from tests.pytest_infra import bearer, eventually, unique
from unionfed_events.entrypoints.app import MIGRATIONS_DIR as EVENTS_MIGRATIONS
from unionfed_finance.entrypoints.app import MIGRATIONS_DIR as FINANCE_MIGRATIONS
from unionfed_shared.auth import Role
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.membership import MemberJoinedV1

pytestmark = pytest.mark.integration


@pytest.fixture
async def services(infra, tmp_path):
    run = uuid.uuid4().hex[:8]
    started = {
        "events": ServiceProcess(infra, "events", f"e2e_events_{run}", tmp_path),
        "finance": ServiceProcess(infra, "finance", f"e2e_finance_{run}", tmp_path),
    }
    await started["events"].migrate(EVENTS_MIGRATIONS)
    await started["finance"].migrate(FINANCE_MIGRATIONS)
    try:
        for service in started.values():
            service.start()
        for service in started.values():
            await service.wait_ready()
        yield started
    finally:
        for service in started.values():
            service.stop()


async def test_an_activitys_prize_money_shows_in_the_organizers_ledger(infra, services):
    events, finance = services["events"], services["finance"]
    county, school = unique("county"), unique("school")
    _first, setup = school_events(county, school)
    teachers = [uuid.uuid4() for _ in range(3)]
    joined = [
        MemberJoinedV1(
            organization_id=school,
            federation_id=county,
            member_id=member_id,
            display_name=name,
            gender="female",
            joined_on=dt.date(2019, 9, 1),
        )
        for member_id, name in zip(teachers, ("陈老师", "李老师", "王老师"))
    ]
    async with producer(infra.kafka_bootstrap) as kafka:
        for event in [*setup, *joined]:
            await send_envelope(kafka, topics.MEMBERSHIP, envelope_for(event))
    officer = bearer(Role.UNION_OFFICER, school, county)

    async with httpx.AsyncClient(base_url=finance.url, timeout=10) as books:

        async def ledger() -> dict[str, int] | None:
            answer = await books.get(f"/v1/organizations/{school}/ledger/balances", headers=officer)
            return (
                {a["code"]: a["balance_fen"] for a in answer.json()["accounts"]} if answer.status_code == 200 else None
            )

        await eventually(ledger, timeout=60)
        # The school's bank is funded first, so the prize money can be reserved.
        funded = await books.post(
            f"/v1/organizations/{school}/employer-funds",
            json={"amount_fen": 20_000_00, "received_on": dt.date.today().isoformat()},
            headers=officer,
        )
        assert funded.status_code == 202, funded.text

        async def funded_bank():
            balances = await ledger()
            return balances if balances and balances["1001"] == 20_000_00 else None

        await eventually(funded_bank, timeout=60)

    async with httpx.AsyncClient(base_url=events.url, timeout=10) as api:

        async def roster_known():
            answer = await api.get(f"/v1/organizations/{school}/members", headers=officer)
            return answer.status_code == 200 and len(answer.json()) == 4

        await eventually(roster_known, timeout=60)
        now = dt.datetime.now(dt.UTC)
        created = await api.post(
            f"/v1/organizations/{school}/activities",
            json={
                "title": "青年教师基本功大赛 young teachers' skills contest",
                "kind": "contest",
                "starts_at": (now + dt.timedelta(days=3)).isoformat(),
                "ends_at": (now + dt.timedelta(days=3, hours=6)).isoformat(),
                "registration_deadline": (now + dt.timedelta(days=2)).isoformat(),
                "capacity": 30,
                "budget": [{"kind": "prizes", "label": "奖金 prize money", "amount_fen": 1_000_00}],
            },
            headers=officer,
        )
        assert created.status_code == 201, created.text
        url = f"/v1/activities/{created.json()['id']}"
        assert (await api.post(f"{url}/publication", headers=officer)).status_code == 200

        async def hold(status: str):
            items = (await api.get(f"{url}/budget", headers=officer)).json()["items"]
            return items[0] if items[0]["hold_status"] == status else None

        await eventually(lambda: hold("reserved"), timeout=60)

        for teacher in teachers:
            answer = await api.post(f"{url}/registrations", json={"member_id": str(teacher)}, headers=officer)
            assert answer.status_code == 201 and answer.json()["status"] == "confirmed", answer.text
        prizes = [("first", 500_00), ("second", 300_00), ("third", 100_00)]  # 一等奖, 二等奖, 三等奖
        for teacher, (level, prize_fen) in zip(teachers, prizes):
            award = await api.post(
                f"{url}/awards",
                json={
                    "category": "说课 lesson presentation",
                    "level": level,
                    "member_id": str(teacher),
                    "prize_fen": prize_fen,
                },
                headers=officer,
            )
            assert award.status_code == 201, award.text
        published = await api.post(
            f"{url}/awards/publication", json={"paid_on": dt.date.today().isoformat()}, headers=officer
        )
        assert published.status_code == 200, published.text
        assert published.json()["prize_total_fen"] == 900_00

        captured = await eventually(lambda: hold("captured"), timeout=60)
        assert captured["paid_fen"] == 900_00

    async with httpx.AsyncClient(base_url=finance.url, timeout=10) as books:
        answer = await books.get(f"/v1/organizations/{school}/ledger/balances", headers=officer)
        balances = {a["code"]: a["balance_fen"] for a in answer.json()["accounts"]}
        assert balances["5102"] == 900_00, "the prizes are the school's activity expense"
        assert balances["1001"] == 20_000_00 - 900_00, "paid from the bank; the unspent 100 yuan is released"
        postings = (await books.get(f"/v1/organizations/{school}/ledger/postings", headers=officer)).json()["items"]
        prize_posting = postings[-1]
        assert prize_posting["source_event_type"] == "unionfed.events.hold_paid.v1"
        assert {(l["account_code"], l["debit_fen"], l["credit_fen"]) for l in prize_posting["lines"]} == {
            ("5102", 900_00, 0),
            ("1001", 0, 900_00),
        }
