"""Finance's refusals leave as RFC 9457 problems: a stable code, Chinese by default, English on request."""

import httpx
import pytest

from tests.factories import school_events
from tests.kafka_tools import envelope_for
from tests.pytest_infra import bearer, unique
from unionfed_finance.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.contracts import topics
from unionfed_shared.http import create_app
from unionfed_shared.messaging.consumer import IncomingMessage

pytestmark = pytest.mark.integration


@pytest.fixture
async def county(build_service):
    finance = await build_service(definition)
    federation, school = unique("county"), unique("school")
    _member, setup = school_events(federation, school)
    for offset, event in enumerate(setup):
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
        yield api, federation, school


async def test_a_refusal_has_its_code_in_chinese_by_default_and_in_english_on_request(county):
    api, federation, _ = county
    admin = bearer(Role.FEDERATION_ADMIN, federation, federation)
    url = f"/v1/organizations/{federation}/remittances"
    body = {"amount_fen": 4_000_00, "paid_on": "2026-10-11"}
    chinese = await api.post(url, json=body, headers=admin)
    english = await api.post(url, json=body, headers={**admin, "Accept-Language": "en-GB,en;q=0.9"})
    for answer in (chinese, english):
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        problem = answer.json()
        assert problem["type"] == "urn:unionfed:problem:invalid" and problem["code"] == "no_upper_union"
        assert problem["instance"] == url
    assert chinese.json()["detail"] == f"{federation} 没有上级工会，无从上解"
    assert chinese.json()["title"] == "请求内容无效"
    assert english.json()["detail"] == f"{federation} has no upper union to remit to"
    assert english.json()["title"] == "The request is not valid"


async def test_a_rule_of_the_books_is_refused_under_its_own_code(county):
    api, federation, school = county
    treasurer = bearer(Role.UNION_OFFICER, school, federation)
    reversed_dates = {"label": "2026 秋季学期", "starts_on": "2027-01-31", "ends_on": "2026-09-01"}
    answer = await api.post(f"/v1/organizations/{school}/closed-periods", json=reversed_dates, headers=treasurer)
    assert answer.status_code == 422 and answer.json()["code"] == "date_range_reversed"
    assert answer.json()["detail"] == "会计期间的结束日期不能早于开始日期"
    member = bearer(Role.MEMBER, school, federation)
    refused = await api.get(f"/v1/organizations/{school}/ledger/balances", headers=member)
    assert refused.status_code == 403 and refused.json()["code"] == "role_not_allowed"
    assert "member" in refused.json()["detail"]


async def test_fastapi_validation_of_a_body_points_at_each_field(county):
    api, federation, school = county
    treasurer = bearer(Role.UNION_OFFICER, school, federation)
    expense = {"category": "party", "amount_fen": 12.5, "spent_on": "2026-10-01", "description": "茶话会"}
    answer = await api.post(
        f"/v1/organizations/{school}/expenses", json=expense, headers={**treasurer, "Accept-Language": "en"}
    )
    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["code"] == "request_validation" and problem["type"] == "urn:unionfed:problem:invalid"
    assert {error["pointer"] for error in problem["errors"]} == {"#/category", "#/amount_fen"}
    assert all(error["in"] == "body" and error["code"] and error["detail"] for error in problem["errors"])
    assert problem["detail"].startswith("The request has 2 invalid field(s)")
