"""An activity's budget through a running finance, both on real Kafka and PostgreSQL.

Publishing reserves each budget line in the organizer's books; finance's answer, refusals with
their reason included, shows on the activity; cancelling releases what is still reserved.
"""

import datetime as dt
import uuid

import httpx
import pytest

from tests.factories import school_events
from tests.finance_tools import balances, pending
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer, eventually
from unionfed_events.entrypoints.app import definition as events_definition
from unionfed_finance.entrypoints.app import definition as finance_definition
from unionfed_shared.auth import Role
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration


def soon(hours: float) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)).isoformat()


@pytest.fixture
async def both(build_service):
    events = await build_service(events_definition)
    finance = await build_service(finance_definition)
    federation, school = f"county-{uuid.uuid4().hex[:10]}", f"school-{uuid.uuid4().hex[:10]}"
    _member, setup = school_events(federation, school)
    await deliver(events, setup)
    await deliver(finance, setup)
    async with (
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(events)), base_url="http://events", timeout=30
        ) as ev,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(finance)), base_url="http://finance", timeout=30
        ) as fi,
    ):
        yield events, finance, ev, fi, federation, school


async def draft_and_publish(api, school: str, headers: dict, budget: list[dict]) -> str:
    body = {
        "title": "教职工气排球赛 air volleyball",
        "kind": "sport",
        "starts_at": soon(72),
        "ends_at": soon(80),
        "registration_deadline": soon(48),
        "budget": budget,
    }
    created = await api.post(f"/v1/organizations/{school}/activities", json=body, headers=headers)
    assert created.status_code == 201, created.text
    published = await api.post(f"/v1/activities/{created.json()['id']}/publication", headers=headers)
    assert published.status_code == 200, published.text
    return created.json()["id"]


async def holds_become(api, activity_id: str, headers: dict, *statuses: str) -> list[dict]:
    async def settled():
        items = (await api.get(f"/v1/activities/{activity_id}/budget", headers=headers)).json()["items"]
        return items if sorted(i["hold_status"] for i in items) == sorted(statuses) else None

    return await eventually(settled, timeout=60)


async def test_a_refused_hold_shows_finance_reason_and_cancelling_voids_the_reserved_ones(both):
    events, finance, api, finance_api, federation, school = both
    officer = bearer(Role.UNION_OFFICER, school, federation)

    # Nothing in the bank yet: finance refuses to reserve, and says why.
    broke = await draft_and_publish(api, school, officer, [{"kind": "prizes", "label": "奖金", "amount_fen": 300_00}])
    [refused] = await holds_become(api, broke, officer, "refused")
    assert "would fall below its floor" in refused["finance_reason"]
    assert [(a["operation"], a["outcome"]) for a in refused["finance_answers"]] == [("reserve", "refused")]
    auditor = bearer(Role.AUDITOR, federation, federation)
    assert (await api.get(f"/v1/activities/{broke}/budget", headers=auditor)).json()["items"][0]["finance_reason"]

    funded = await finance_api.post(
        f"/v1/organizations/{school}/employer-funds",
        json={"amount_fen": 10_000_00, "received_on": dt.date.today().isoformat()},
        headers=officer,
    )
    assert funded.status_code == 202, funded.text
    await eventually(lambda: _bank_is(finance, school, 10_000_00), timeout=60)

    activity = await draft_and_publish(
        api,
        school,
        officer,
        [
            {"kind": "cost", "label": "场地租金 court hire", "amount_fen": 500_00},
            {"kind": "prizes", "label": "奖金 prizes", "amount_fen": 300_00},
        ],
    )
    await holds_become(api, activity, officer, "reserved", "reserved")
    assert await pending(finance, school) == {"1001": 800_00}

    # The court is paid for, for less than budgeted; the prizes are still only reserved.
    items = {
        i["kind"]: i for i in (await api.get(f"/v1/activities/{activity}/budget", headers=officer)).json()["items"]
    }
    too_much = await api.post(
        f"/v1/activities/{activity}/budget/{items['cost']['id']}/payment",
        json={"amount_fen": 500_01, "paid_on": dt.date.today().isoformat(), "description": "场地"},
        headers=officer,
    )
    assert too_much.status_code == 422
    paid = await api.post(
        f"/v1/activities/{activity}/budget/{items['cost']['id']}/payment",
        json={"amount_fen": 420_00, "paid_on": dt.date.today().isoformat(), "description": "场地租金"},
        headers=officer,
    )
    assert paid.status_code == 200, paid.text
    await holds_become(api, activity, officer, "captured", "reserved")
    assert await pending(finance, school) == {"1001": 300_00}

    cancelled = await api.post(
        f"/v1/activities/{activity}/cancellation", json={"reason": "暴雨 rainstorm"}, headers=officer
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    settled = {i["kind"]: i for i in await holds_become(api, activity, officer, "captured", "voided")}
    assert [a["outcome"] for a in settled["prizes"]["finance_answers"]] == ["reserved", "voided"]
    assert [a["outcome"] for a in settled["cost"]["finance_answers"]] == ["reserved", "captured"]
    assert await pending(finance, school) == {}, "nothing is held for the cancelled activity"
    books = await balances(finance, school)
    assert (books["1001"], books["5102"]) == (10_000_00 - 420_00, 420_00)
    again = await api.post(f"/v1/activities/{activity}/cancellation", json={"reason": "again"}, headers=officer)
    assert again.status_code == 409


async def _bank_is(finance, school: str, amount_fen: int) -> bool:
    return (await balances(finance, school)).get("1001") == amount_fen
