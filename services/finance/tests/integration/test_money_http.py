"""Money commands over HTTP on a running finance: through the outbox, the journal topic and the poster."""

import asyncio
import json

import httpx
import pytest
from sqlalchemy import func, select

from tests.factories import school_events
from tests.kafka_tools import envelope_for, read_topic
from tests.problem_tools import refusal
from tests.pytest_infra import bearer, eventually, unique
from unionfed_finance.adapters.tables import outbox
from unionfed_finance.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.contracts.membership import OrganizationRegisteredV1
from unionfed_shared.http import create_app
from unionfed_shared.messaging.consumer import IncomingMessage

pytestmark = pytest.mark.integration


async def settle(api: httpx.AsyncClient, accepted: httpx.Response, headers: dict) -> dict:
    assert accepted.status_code == 202, accepted.text
    url = accepted.json()["status_url"]

    async def outcome():
        answer = await api.get(url, headers=headers)
        return answer.json() if answer.status_code == 200 else None

    return await eventually(outcome, timeout=30)


async def bank(api, organization_id: str, headers: dict) -> dict[str, int]:
    answer = await api.get(f"/v1/organizations/{organization_id}/ledger/balances", headers=headers)
    assert answer.status_code == 200, answer.text
    return {a["code"]: a["balance_fen"] for a in answer.json()["accounts"]}


@pytest.fixture
async def county(build_service):
    finance = await build_service(definition)
    federation, school = unique("county"), unique("school")
    _member, setup = school_events(federation, school)
    sibling_id = unique("school")
    sibling = OrganizationRegisteredV1(
        organization_id=sibling_id,
        federation_id=federation,
        name="第二中学工会",
        kind="grassroots_union",
        parent_id=federation,
        path=[federation, sibling_id],
    )
    for offset, event in enumerate([*setup, sibling]):
        envelope = envelope_for(event)
        await finance.consumer.handle(
            IncomingMessage(
                topics.MEMBERSHIP,
                0,
                offset,
                envelope.key,
                envelope.data,
                tuple((k, v.encode()) for k, v in envelope.headers().items()),
            )
        )
    transport = httpx.ASGITransport(app=create_app(finance))
    async with httpx.AsyncClient(transport=transport, base_url="http://finance", timeout=10) as api:
        yield finance, api, federation, school, sibling_id


async def test_employer_funds_split_by_policy_and_a_fund_request_flows_down(county):
    finance, api, federation, school, _sibling = county
    admin = bearer(Role.FEDERATION_ADMIN, federation, federation)
    treasurer = bearer(Role.UNION_OFFICER, school, federation)

    policy = await api.put(
        f"/v1/federations/{federation}/fund-policy", json={"employer_funds_remit_per_mille": 400}, headers=admin
    )
    assert policy.status_code == 200, policy.text
    funds = await api.post(
        f"/v1/organizations/{school}/employer-funds",
        json={"amount_fen": 10_000_00, "received_on": "2026-10-10"},
        headers=treasurer,
    )
    assert (await settle(api, funds, treasurer))["status"] == "posted"
    assert (await bank(api, school, treasurer))["2201"] == 4_000_00
    assert (await bank(api, federation, admin))["1131"] == 4_000_00

    asked = await api.post(
        f"/v1/organizations/{school}/fund-requests",
        json={"amount_fen": 2_000_00, "purpose": "乒乓球台 table-tennis table"},
        headers=treasurer,
    )
    assert asked.status_code == 201, asked.text
    decision = f"/v1/fund-requests/{asked.json()['id']}/decision"
    assert (await api.post(decision, json={"approve": True}, headers=treasurer)).status_code == 404, (
        "a school's officer cannot decide its own request"
    )
    approved = await api.post(decision, json={"approve": True, "paid_on": "2026-10-12"}, headers=admin)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    outcome = await settle(
        api,
        httpx.Response(202, json={"status_url": f"/v1/money-requests/{approved.json()['journal_event_id']}"}),
        admin,
    )
    assert outcome["status"] == "refused" and "1001" in outcome["reason"], (
        "the federation has not received the remittance yet"
    )
    assert (await api.post(decision, json={"approve": True}, headers=admin)).status_code == 409

    remitted = await api.post(
        f"/v1/organizations/{school}/remittances",
        json={"amount_fen": 4_000_00, "paid_on": "2026-10-11"},
        headers=treasurer,
    )
    assert (await settle(api, remitted, treasurer))["status"] == "posted"
    again = await api.post(
        f"/v1/organizations/{school}/fund-requests",
        json={"amount_fen": 2_000_00, "purpose": "乒乓球台 table-tennis table"},
        headers=treasurer,
    )
    approved = await api.post(
        f"/v1/fund-requests/{again.json()['id']}/decision",
        json={"approve": True, "paid_on": "2026-10-12"},
        headers=admin,
    )
    outcome = await settle(
        api,
        httpx.Response(202, json={"status_url": f"/v1/money-requests/{approved.json()['journal_event_id']}"}),
        admin,
    )
    assert outcome["status"] == "posted" and len(outcome["posting_ids"]) == 2
    school_books, federation_books = await bank(api, school, treasurer), await bank(api, federation, admin)
    assert (school_books["1001"], school_books["4103"]) == (10_000_00 - 4_000_00 + 2_000_00, 2_000_00)
    assert (federation_books["1001"], federation_books["5201"]) == (2_000_00, 2_000_00)


async def test_refusals_leak_nothing_and_bad_input_changes_nothing(county, infra):
    finance, api, federation, school, sibling = county
    treasurer = bearer(Role.UNION_OFFICER, school, federation)
    stranger = bearer(Role.UNION_OFFICER, sibling, federation)
    auditor = bearer(Role.AUDITOR, federation, federation)
    expense = {
        "category": "equipment",
        "amount_fen": 10_100_00,
        "spent_on": "2026-10-20",
        "description": "乐器 instruments",
    }

    async def outbox_rows():
        async with finance.session_factory() as session:
            # Only this federation's: the service is also catching up on other tests' history.
            return await session.scalar(
                select(func.count()).select_from(outbox).where(outbox.c.key == federation.encode())
            )

    before = await outbox_rows()
    foreign = await api.post(f"/v1/organizations/{school}/expenses", json=expense, headers=stranger)
    missing = await api.post("/v1/organizations/no-such-school/expenses", json=expense, headers=stranger)
    assert foreign.status_code == missing.status_code == 404 and refusal(foreign) == refusal(missing)
    assert (await api.post(f"/v1/organizations/{school}/expenses", json=expense, headers=auditor)).status_code == 403
    for bad in (
        {**expense, "amount_fen": 12.5},
        {**expense, "amount_fen": -5},
        {**expense, "amount_fen": "100"},
        {**expense, "category": "party"},
        {**expense, "colour": "red"},
    ):
        answer = await api.post(f"/v1/organizations/{school}/expenses", json=bad, headers=treasurer)
        assert answer.status_code == 422, (bad, answer.text)
    await asyncio.sleep(0.2)
    assert await outbox_rows() == before, "a refused call writes nothing"

    overdraft = await api.post(f"/v1/organizations/{school}/expenses", json=expense, headers=treasurer)
    outcome = await settle(api, overdraft, treasurer)
    assert outcome["status"] == "refused" and "below its floor" in outcome["reason"]
    assert (await bank(api, school, treasurer))["5103"] == 0

    request_id = overdraft.json()["request_id"]

    async def answer_on_kafka():
        return await read_topic(
            infra.kafka_bootstrap,
            topics.FINANCE,
            # The topic also holds other tests' records, malformed ones included: look for ours first.
            lambda r: (
                dict(r.headers).get("ce_type") == MoneyRequestSettledV1.event_type.encode()
                and request_id.encode() in r.value
                and json.loads(r.value)["journal_event_id"] == request_id
            ),
        )

    found = await eventually(answer_on_kafka)
    # Delivery is at least once: the same event (one ce_id) may be on the topic twice.
    [answer] = list({dict(r.headers)["ce_id"]: r for r in found}.values())
    assert answer.key == school.encode(), "the answer is keyed to the requesting union"
    settled = MoneyRequestSettledV1.model_validate_json(answer.value)
    assert (settled.outcome, settled.operation) == ("refused", "post") and "below its floor" in settled.reason
