"""Grants through a running finance, both on real Kafka and PostgreSQL.

Recording a grant reserves it in the union's books; finance's answer (a refusal with its
reason) shows on the grant; approving posts it at money + goods value; cancelling releases it;
the cap and duplicate occasions are refused before finance hears of them; redelivered answers
and replayed requests change nothing.
"""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select, text

from tests.factories import school_events
from tests.finance_tools import apply_instruction, balances, pending
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer, eventually
from unionfed_finance.entrypoints.app import definition as finance_definition
from unionfed_shared.auth import Role
from unionfed_shared.contracts import finance as contract
from unionfed_shared.contracts import topics
from unionfed_shared.http import create_app
from unionfed_shared.messaging.consumer import IncomingMessage, Outcome
from unionfed_welfare.adapters.grant_tables import welfare_holds
from unionfed_welfare.entrypoints.app import definition as welfare_definition

pytestmark = pytest.mark.integration

_offsets = iter(range(10**9))
# Grants are paid on the day in China, which is not always the UTC day.
TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
POLICY = {
    "amounts_fen": {
        "hospitalised": 500_00,
        "wedding": 300_00,
        "funeral": 500_00,
        "childbirth": 300_00,
        "retirement": 400_00,
        "major_hardship": 2000_00,
    },
    "yearly_cap_fen": 1000_00,
}


@pytest.fixture
async def granting(build_service):
    """Welfare and finance on one school with a member and the federation's visit policy."""
    welfare = await build_service(welfare_definition)
    finance = await build_service(finance_definition)
    federation, school = f"county-{uuid.uuid4().hex[:10]}", f"school-{uuid.uuid4().hex[:10]}"
    member, setup = school_events(federation, school)
    await deliver(welfare, setup)
    await deliver(finance, setup)
    async with (
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(welfare)), base_url="http://welfare", timeout=30
        ) as wf,
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(finance)), base_url="http://finance", timeout=30
        ) as fi,
    ):
        admin = bearer(Role.FEDERATION_ADMIN, federation, federation)
        policy = await wf.put(f"/v1/federations/{federation}/visit-policy", json=POLICY, headers=admin)
        assert policy.status_code == 200, policy.text
        yield welfare, finance, wf, fi, federation, school, member


async def fund(finance_api, finance, federation, school, amount_fen) -> None:
    treasurer = bearer(Role.UNION_OFFICER, school, federation)
    funded = await finance_api.post(
        f"/v1/organizations/{school}/employer-funds",
        json={"amount_fen": amount_fen, "received_on": TODAY.isoformat()},
        headers=treasurer,
    )
    assert funded.status_code == 202, funded.text
    await eventually(lambda: _bank_is(finance, school, amount_fen), timeout=60)


async def _bank_is(finance, school, amount_fen) -> bool:
    return (await balances(finance, school)).get("1001") == amount_fen


async def grant_becomes(api, grant_id, headers, state) -> dict:
    async def check():
        grant = (await api.get(f"/v1/grants/{grant_id}", headers=headers)).json()
        return grant if grant["state"] == state else None

    return await eventually(check, timeout=60)


def visit(member, visit_type="hospitalised", ref="住院号 A-1", **extra) -> dict:
    return {
        "member_id": str(member),
        "visit_type": visit_type,
        "occasion_on": TODAY.isoformat(),
        "occasion_ref": ref,
        **extra,
    }


async def test_a_grant_is_refused_by_finance_then_reserved_paid_with_goods_and_reported_as_the_ledger(granting):
    welfare, finance, api, finance_api, federation, school, member = granting
    officer = bearer(Role.WELFARE_OFFICER, school, federation, "officer-wang")

    # Nothing in the bank: finance refuses to reserve and the grant shows its reason.
    broke = await api.post(f"/v1/organizations/{school}/grants", json=visit(member, ref="first stay"), headers=officer)
    assert broke.status_code == 201, broke.text
    assert broke.json()["state"] == "awaiting_finance" and broke.json()["amount_fen"] == 500_00
    refused = await grant_becomes(api, broke.json()["id"], officer, "refused")
    assert "would fall below its floor" in refused["finance_reason"]
    approve_refused = await api.post(f"/v1/grants/{refused['id']}/approval", json={}, headers=officer)
    assert approve_refused.status_code == 409 and approve_refused.json()["code"] == "money_not_reserved"
    assert "floor" in approve_refused.json()["detail"], "finance's reason is passed on"
    closed = await api.post(f"/v1/grants/{refused['id']}/cancellation", json={"reason": "no money"}, headers=officer)
    assert closed.status_code == 200 and closed.json()["state"] == "cancelled"

    await fund(finance_api, finance, federation, school, 10_000_00)
    body = visit(
        member,
        money_fen=300_00,
        goods=[
            {"item": "大米 rice", "quantity": 20, "unit": "斤", "value_fen": 100_00},
            {"item": "食用油 oil", "quantity": 1, "unit": "桶", "value_fen": 80_00},
        ],
    )
    recorded = await api.post(f"/v1/organizations/{school}/grants", json=body, headers=officer)
    assert recorded.status_code == 201, recorded.text
    grant = recorded.json()
    assert (grant["money_fen"], grant["goods_fen"], grant["amount_fen"]) == (300_00, 180_00, 480_00)
    assert grant["recorded_at"].endswith("+08:00")
    await grant_becomes(api, grant["id"], officer, "reserved")
    assert await pending(finance, school) == {"1001": 480_00}

    # A second officer records the same hospital stay: refused, naming the first grant.
    chair = bearer(Role.UNION_OFFICER, school, federation, "chair-li")
    twice = await api.post(
        f"/v1/organizations/{school}/grants", json=visit(member, ref="  住院号   a-1 "), headers=chair
    )
    assert twice.status_code == 409 and twice.json()["code"] == "grant_occasion_taken"
    assert grant["id"] in twice.json()["detail"]

    paid = await api.post(f"/v1/grants/{grant['id']}/approval", json={}, headers=chair)
    assert paid.status_code == 200 and paid.json()["state"] == "paying", paid.text
    paid = await grant_becomes(api, grant["id"], officer, "paid")
    assert (paid["paid_fen"], paid["paid_on"]) == (480_00, TODAY.isoformat())
    assert await pending(finance, school) == {}
    books = await balances(finance, school)
    assert (books["1001"], books["5101"]) == (10_000_00 - 480_00, 480_00)

    report = await api.get(
        f"/v1/organizations/{school}/welfare-report",
        params={"from": TODAY.replace(day=1).isoformat(), "to": TODAY.isoformat()},
        headers=officer,
    )
    assert report.status_code == 200, report.text
    totals = report.json()["totals"]
    assert totals["grants_paid_fen"] == totals["welfare_paid_fen"] == books["5101"]
    [line] = report.json()["grants"]
    assert (line["visit_type"], line["visits"], line["paid"], line["paid_goods_fen"]) == ("hospitalised", 1, 1, 180_00)


async def test_the_yearly_cap_and_a_duplicate_are_refused_before_finance_and_cancelling_releases_the_hold(granting):
    welfare, finance, api, finance_api, federation, school, member = granting
    officer = bearer(Role.WELFARE_OFFICER, school, federation)
    await fund(finance_api, finance, federation, school, 10_000_00)

    wedding = await api.post(f"/v1/organizations/{school}/grants", json=visit(member, "wedding", ""), headers=officer)
    retirement = await api.post(
        f"/v1/organizations/{school}/grants", json=visit(member, "retirement", ""), headers=officer
    )
    assert wedding.status_code == retirement.status_code == 201
    await grant_becomes(api, retirement.json()["id"], officer, "reserved")
    await grant_becomes(api, wedding.json()["id"], officer, "reserved")
    holds_before = await _holds(welfare)

    # 300 + 400 granted; another 500 would pass the cap of 1000.
    over = await api.post(
        f"/v1/organizations/{school}/grants",
        json=visit(member, "funeral", "父亲"),
        headers={**officer, "Accept-Language": "en"},
    )
    assert over.status_code == 422 and over.json()["code"] == "grant_over_yearly_cap"
    assert "yearly cap of 100000 fen" in over.json()["detail"] and "30000 fen left" in over.json()["detail"]
    assert await _holds(welfare) == holds_before, "nothing was sent to finance"
    assert await pending(finance, school) == {"1001": 700_00}

    cancelled = await api.post(
        f"/v1/grants/{retirement.json()['id']}/cancellation", json={"reason": "recorded in error"}, headers=officer
    )
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelling"
    await grant_becomes(api, retirement.json()["id"], officer, "cancelled")
    assert await pending(finance, school) == {"1001": 300_00}
    again = await api.post(f"/v1/grants/{retirement.json()['id']}/cancellation", json={"reason": "x"}, headers=officer)
    assert again.status_code == 409

    # The cancelled grant no longer counts: the funeral now fits under the cap.
    funeral = await api.post(
        f"/v1/organizations/{school}/grants", json=visit(member, "funeral", "父亲"), headers=officer
    )
    assert funeral.status_code == 201, funeral.text
    await grant_becomes(api, funeral.json()["id"], officer, "reserved")
    cancel_all = [
        await api.post(f"/v1/grants/{g}/cancellation", json={"reason": "trip cancelled"}, headers=officer)
        for g in (wedding.json()["id"], funeral.json()["id"])
    ]
    assert all(r.status_code == 200 for r in cancel_all)
    await grant_becomes(api, funeral.json()["id"], officer, "cancelled")
    await grant_becomes(api, wedding.json()["id"], officer, "cancelled")
    assert await pending(finance, school) == {}, "every cancelled grant released its hold"


async def test_a_grant_beyond_the_budget_is_refused_with_finance_reason(granting):
    welfare, finance, api, finance_api, federation, school, member = granting
    officer = bearer(Role.WELFARE_OFFICER, school, federation)
    await fund(finance_api, finance, federation, school, 10_000_00)
    budget = contract.SetBudget(
        organization_id=school, fiscal_year=TODAY.year, category_account="5101", amount_fen=100_00, policy="stop"
    )
    assert (await apply_instruction(finance, federation, school, budget))["outcome"] == "posted"
    recorded = await api.post(
        f"/v1/organizations/{school}/grants", json=visit(member, "childbirth", ""), headers=officer
    )
    refused = await grant_becomes(api, recorded.json()["id"], officer, "refused")
    assert f"budget {TODAY.year}/5101" in refused["finance_reason"]
    assert await pending(finance, school) == {}


async def test_redelivered_answers_and_a_replayed_request_change_nothing(granting):
    welfare, finance, api, finance_api, federation, school, member = granting
    officer = bearer(Role.WELFARE_OFFICER, school, federation)
    await fund(finance_api, finance, federation, school, 10_000_00)
    recorded = await api.post(f"/v1/organizations/{school}/grants", json=visit(member), headers=officer)
    grant_id = recorded.json()["id"]
    await grant_becomes(api, grant_id, officer, "reserved")
    assert (await api.post(f"/v1/grants/{grant_id}/approval", json={}, headers=officer)).status_code == 200
    await grant_becomes(api, grant_id, officer, "paid")
    books = await balances(finance, school)

    # As after a crash between the database commit and the offset commit: the same messages
    # arrive again, at the same and at later offsets.
    answers = await _outbox(finance, "unionfed.finance.money_request_settled.v1")
    assert len(answers) >= 3  # employer funds, reserve, capture
    requests = await _outbox(welfare, "unionfed.welfare.hold_requested.v1")
    for row in answers:
        assert await welfare.consumer.handle(_message(topics.FINANCE, row)) is Outcome.DUPLICATE
    for row in requests:
        assert await finance.consumer.handle(_message(topics.WELFARE, row)) is Outcome.DUPLICATE
    paid = (await api.get(f"/v1/grants/{grant_id}", headers=officer)).json()
    assert (paid["state"], paid["paid_fen"]) == ("paid", 500_00)
    assert await balances(finance, school) == books and await pending(finance, school) == {}
    async with welfare.session_factory() as session:
        answers_kept = await session.scalar(text("SELECT count(*) FROM welfare_hold_answers"))
    assert answers_kept == 2  # reserved, captured: once each


async def _holds(welfare) -> int:
    async with welfare.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(welfare_holds))


async def _outbox(runtime, event_type: str) -> list:
    async with runtime.session_factory() as session:
        return (
            await session.execute(
                text("SELECT id, key, headers, payload FROM outbox WHERE event_type = :t ORDER BY id"),
                {"t": event_type},
            )
        ).all()


def _message(topic, row) -> IncomingMessage:
    return IncomingMessage(
        topic,
        0,
        next(_offsets),
        bytes(row.key),
        bytes(row.payload),
        tuple((k, v.encode()) for k, v in row.headers.items()),
    )
