"""The grants of a subtree, filtered and a page at a time (real PostgreSQL)."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.factories import school_events
from tests.kafka_tools import deliver
from tests.problem_tools import refusal
from tests.pytest_infra import bearer
from unionfed_shared.auth import Role
from unionfed_shared.http import create_app
from unionfed_welfare.entrypoints.app import definition

pytestmark = pytest.mark.integration

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
async def granted(build_service):
    """Six small grants to one member, a day apart, alternating hospital visits and weddings."""
    welfare = await build_service(definition, start=False)
    federation, school = f"county-{uuid.uuid4().hex[:10]}", f"school-{uuid.uuid4().hex[:10]}"
    member, setup = school_events(federation, school)
    await deliver(welfare, setup)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(welfare)), base_url="http://w", timeout=30
    ) as api:
        admin = bearer(Role.FEDERATION_ADMIN, federation, federation)
        assert (
            await api.put(f"/v1/federations/{federation}/visit-policy", json=POLICY, headers=admin)
        ).status_code == 200
        officer = bearer(Role.WELFARE_OFFICER, school, federation)
        ids = []
        for i in range(6):
            answer = await api.post(
                f"/v1/organizations/{school}/grants",
                headers=officer,
                json={
                    "member_id": str(member),
                    "visit_type": ("hospitalised", "wedding")[i % 2],
                    "money_fen": 10_00,
                    "occasion_on": (TODAY - dt.timedelta(days=5 - i)).isoformat(),
                    "occasion_ref": f"#{i}",
                },
            )
            assert answer.status_code == 201, answer.text
            ids.append(answer.json()["id"])
        yield api, federation, school, officer, ids


async def every_page(api, organization_id: str, headers: dict, **params) -> list[str]:
    ids, cursor = [], None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        answer = await api.get(f"/v1/organizations/{organization_id}/grants", params=query, headers=headers)
        assert answer.status_code == 200, answer.text
        ids += [g["id"] for g in answer.json()["items"]]
        if (cursor := answer.json()["next_cursor"]) is None:
            return ids


async def test_grants_of_a_federation_page_by_page_and_filtered(granted):
    api, federation, school, officer, ids = granted
    admin = bearer(Role.FEDERATION_ADMIN, federation, federation)
    assert await every_page(api, federation, admin, limit=4) == ids  # the school's grants, in occasion order
    assert await every_page(api, school, officer, limit=1, visit_type="wedding") == ids[1::2]
    since = (TODAY - dt.timedelta(days=2)).isoformat()
    assert await every_page(api, school, officer, **{"from": since}) == ids[3:]
    assert await every_page(api, school, officer, to=since, status="recorded") == ids[:4]
    assert await every_page(api, school, officer, status="approved") == []
    bad = await api.get(f"/v1/organizations/{school}/grants", params={"cursor": "WyJ4IiwieSIsInoiXQ"}, headers=officer)
    assert bad.status_code == 422


async def test_grants_out_of_scope_answer_like_missing_ones(granted):
    api, federation, school, _, _ = granted
    stranger = bearer(Role.WELFARE_OFFICER, "another-school", federation)
    refused = await api.get(f"/v1/organizations/{school}/grants", headers=stranger)
    missing = await api.get("/v1/organizations/no-such-school/grants", headers=stranger)
    assert refused.status_code == missing.status_code == 404 and refusal(refused) == refusal(missing)
