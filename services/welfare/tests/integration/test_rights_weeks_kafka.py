"""The monthly rights week (维权周) from the events service to welfare on real Kafka and PostgreSQL:
a rights_week activity published through the events API reaches welfare through the events
topic, a case opened at it is counted, a replayed event changes nothing, and once the week is
cancelled no new case may name it."""

import datetime as dt
import uuid

import httpx
import pytest
from sqlalchemy import func, select, text

from tests.factories import school_events
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer, eventually
from unionfed_events.entrypoints.app import definition as events_definition
from unionfed_shared.auth import Role
from unionfed_shared.contracts.events import ActivityPublishedV1
from unionfed_shared.http import create_app
from unionfed_shared.messaging.consumer import IncomingMessage, Outcome
from unionfed_welfare.adapters.rights_tables import rights_cases, rights_weeks
from unionfed_welfare.entrypoints.app import definition as welfare_definition

pytestmark = pytest.mark.integration


def soon(hours: float) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)).isoformat()


@pytest.fixture
async def both(build_service):
    events = await build_service(events_definition)
    welfare = await build_service(welfare_definition)
    federation, school = f"street-{uuid.uuid4().hex[:10]}", f"union-{uuid.uuid4().hex[:10]}"
    member, setup = school_events(federation, school)
    await deliver(events, setup)
    await deliver(welfare, setup)
    async with (
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(events)), base_url="http://events", timeout=30
        ) as ev,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(welfare)), base_url="http://welfare", timeout=30
        ) as wf,
    ):
        yield events, welfare, ev, wf, federation, school, member


async def count(runtime, table) -> int:
    async with runtime.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(table))


async def test_a_published_rights_week_reaches_welfare_and_counts_the_cases_opened_at_it(both):
    events, welfare, ev, wf, federation, school, member = both
    admin = bearer(Role.FEDERATION_ADMIN, federation, federation, "admin-zhao")
    handler = bearer(Role.WELFARE_OFFICER, school, federation, "officer-li")

    sport = await ev.post(
        f"/v1/organizations/{federation}/activities",
        json={
            "title": "羽毛球赛",
            "kind": "sport",
            "starts_at": soon(72),
            "ends_at": soon(80),
            "registration_deadline": soon(48),
        },
        headers=admin,
    )
    assert sport.status_code == 201, sport.text
    week = await ev.post(
        f"/v1/organizations/{federation}/activities",
        json={
            "title": "十二月职工维权周",
            "kind": "rights_week",
            "starts_at": soon(72),
            "ends_at": soon(72 + 24 * 6),
            "registration_deadline": soon(48),
        },
        headers=admin,
    )
    assert week.status_code == 201, week.text
    week_id = week.json()["id"]
    for activity in (sport.json()["id"], week_id):
        published = await ev.post(f"/v1/activities/{activity}/publication", headers=admin)
        assert published.status_code == 200, published.text

    # Through the events topic on Kafka: the union below the street sees the street's week.
    async def heard():
        answer = await wf.get(f"/v1/organizations/{school}/rights-weeks", headers=handler)
        assert answer.status_code == 200, answer.text
        return answer.json() or None

    [listed] = await eventually(heard, timeout=60)
    starts_on = dt.datetime.fromisoformat(week.json()["starts_at"]).astimezone(dt.timezone(dt.timedelta(hours=8)))
    assert (listed["activity_id"], listed["title"], listed["cancelled"], listed["cases_opened"]) == (
        week_id,
        "十二月职工维权周",
        False,
        0,
    )
    assert listed["starts_on"] == starts_on.date().isoformat()  # a business date in Asia/Shanghai
    assert await count(welfare, rights_weeks) == 1  # the sport activity was not kept

    case = {
        "employer_name": "某某物流有限公司",
        "workers": [{"member_id": str(member)}],
        "claim_kind": "wage_arrears",
        "claimed_fen": 860_000,
        "rights_week_id": week_id,
    }
    opened = await wf.post(f"/v1/organizations/{school}/rights-cases", json=case, headers=handler)
    assert opened.status_code == 201, opened.text
    assert (opened.json()["rights_week_id"], opened.json()["rights_week"]) == (week_id, listed["month"])
    plain = await wf.post(
        f"/v1/organizations/{school}/rights-cases", json={**case, "rights_week_id": None}, headers=handler
    )
    assert plain.status_code == 201, plain.text

    [street_view] = (await wf.get(f"/v1/organizations/{federation}/rights-weeks", headers=admin)).json()
    assert street_view["cases_opened"] == 1
    at_week = await wf.get(
        f"/v1/organizations/{federation}/rights-cases", params={"rights_week_id": week_id}, headers=admin
    )
    assert [c["id"] for c in at_week.json()] == [opened.json()["id"]]
    today = dt.date.fromisoformat(opened.json()["accepted_on"])
    figures = await wf.get(
        f"/v1/organizations/{federation}/rights-cases/statistics",
        params={"from": today.isoformat(), "to": today.isoformat()},
        headers=admin,
    )
    assert (figures.json()["opened"], figures.json()["opened_at_rights_weeks"]) == (2, 1)

    # A replay changes nothing: the same record again is a duplicate (inbox), and the same
    # activity published anew (another event id, another title) keeps what was first heard.
    async with events.session_factory() as session:
        row = (
            await session.execute(
                text("SELECT topic, key, headers, payload FROM outbox WHERE headers->>'ce_type' = :type"),
                {"type": ActivityPublishedV1.event_type},
            )
        ).all()
    [record] = [r for r in row if week_id in bytes(r.payload).decode()]
    message = IncomingMessage(
        record.topic,
        0,
        10**9,
        bytes(record.key),
        bytes(record.payload),
        tuple((k, str(v).encode()) for k, v in dict(record.headers).items()),
    )
    assert await welfare.consumer.handle(message, to_dlq_topic=False) is Outcome.DUPLICATE
    renamed = ActivityPublishedV1.model_validate_json(bytes(record.payload)).model_copy(update={"title": "改名"})
    assert await deliver(welfare, [renamed]) == [Outcome.PROCESSED]
    [again] = (await wf.get(f"/v1/organizations/{school}/rights-weeks", headers=handler)).json()
    assert again == {**listed, "cases_opened": 1}

    # Cancelled in events: welfare hears of it, and a new case may no longer name the week.
    cancelled = await ev.post(f"/v1/activities/{week_id}/cancellation", json={"reason": "台风停课"}, headers=admin)
    assert cancelled.status_code == 200, cancelled.text

    async def heard_cancelled():
        return (await wf.get(f"/v1/organizations/{school}/rights-weeks", headers=handler)).json()[0]["cancelled"]

    await eventually(heard_cancelled, timeout=60)
    cases_before = await count(welfare, rights_cases)
    refused = await wf.post(f"/v1/organizations/{school}/rights-cases", json=case, headers=handler)
    assert refused.status_code == 409 and refused.json()["code"] == "rights_week_cancelled", refused.text
    unknown = await wf.post(
        f"/v1/organizations/{school}/rights-cases",
        json={**case, "rights_week_id": str(uuid.uuid4())},
        headers={**handler, "Accept-Language": "en"},
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "rights_week_not_found", unknown.text
    assert "rights week not found" in unknown.json()["detail"]
    assert await count(welfare, rights_cases) == cases_before
