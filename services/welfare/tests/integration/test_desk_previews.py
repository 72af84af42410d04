"""What the console's welfare desk shows before it writes: a grant's and a greeting's preview, and a
greeting's recipients page by page (real PostgreSQL).

A preview runs the rule recording runs: what it says is what recording then answers.
"""

import datetime as dt
import uuid

import httpx
import pytest
from sqlalchemy import func, select

from tests.factories import school_events
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer
from unionfed_shared.auth import Role
from unionfed_shared.contracts.membership import MemberJoinedV1
from unionfed_shared.http import create_app
from unionfed_welfare.adapters.campaign_tables import greeting_batches
from unionfed_welfare.adapters.grant_tables import grants
from unionfed_welfare.entrypoints.app import definition

pytestmark = pytest.mark.integration

POLICY = {"amounts_fen": {"hospitalised": 500_00, "wedding": 300_00}, "yearly_cap_fen": 1000_00}


@pytest.fixture
async def desk(build_service):
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
        yield welfare, api, federation, school, member, bearer(Role.WELFARE_OFFICER, school, federation)


async def _count(welfare, table) -> int:
    async with welfare.uow() as uow:
        return await uow.session.scalar(select(func.count()).select_from(table))


async def test_a_grant_preview_shows_the_cap_left_and_the_refusal_recording_then_gives(desk):
    welfare, api, _federation, school, member, officer = desk
    grants_url = f"/v1/organizations/{school}/grants"
    first = {
        "member_id": str(member),
        "visit_type": "hospitalised",
        "occasion_on": "2026-03-02",
        "occasion_ref": "住院号 1",
        "money_fen": 400_00,
        "goods": [{"item": "水果篮", "quantity": 1, "unit": "个", "value_fen": 100_00}],
    }
    assert (await api.post(grants_url, json=first, headers=officer)).status_code == 201

    second = {**first, "occasion_on": "2026-06-10", "occasion_ref": "住院号 2", "goods": []}
    before = await _count(welfare, grants)
    previewed = await api.post(f"{grants_url}/preview", json=second, headers=officer)
    assert previewed.status_code == 200, previewed.text
    preview = previewed.json()
    assert preview["member_name"] == "Li Hua"
    assert (preview["amount_fen"], preview["granted_this_year_fen"], preview["cap_left_fen"]) == (
        400_00,
        500_00,
        500_00,
    )
    assert preview["cap_refusal"] is None
    assert [(g["occasion_on"], g["taken"]) for g in preview["same_occasion"]] == [("2026-03-02", False)]

    same = (await api.post(f"{grants_url}/preview", json=first, headers=officer)).json()
    assert [g["taken"] for g in same["same_occasion"]] == [True], "this very occasion is named as already granted"
    assert (await api.post(grants_url, json=first, headers=officer)).json()["code"] == "grant_occasion_taken"

    assert (await api.post(grants_url, json=second, headers=officer)).status_code == 201
    third = {**second, "occasion_on": "2026-09-01", "occasion_ref": "住院号 3", "money_fen": 200_00}
    over = (await api.post(f"{grants_url}/preview", json=third, headers=officer)).json()
    assert over["cap_left_fen"] == 100_00 and over["cap_refusal"]["code"] == "grant_over_yearly_cap"
    assert "年度上限" in over["cap_refusal"]["detail"]
    english = (await api.post(f"{grants_url}/preview", json=third, headers={**officer, "Accept-Language": "en"})).json()
    assert "yearly cap" in english["cap_refusal"]["detail"]

    recorded = await api.post(grants_url, json=third, headers=officer)
    assert recorded.status_code == 422
    assert (recorded.json()["code"], recorded.json()["detail"]) == (
        "grant_over_yearly_cap",
        over["cap_refusal"]["detail"],
    )
    assert await _count(welfare, grants) == before + 1, "previews wrote nothing; the refused grant neither"

    # A refusal of the input itself is the same problem as recording's.
    too_much = {**third, "money_fen": 600_00}
    refused = [await api.post(url, json=too_much, headers=officer) for url in (f"{grants_url}/preview", grants_url)]
    assert [(r.status_code, r.json()["code"]) for r in refused] == [(422, "grant_over_standard")] * 2
    member_only = bearer(Role.MEMBER, school, _federation)
    assert (await api.post(f"{grants_url}/preview", json=third, headers=member_only)).status_code == 403


def _joined(federation: str, school: str, name: str, gender: str) -> MemberJoinedV1:
    return MemberJoinedV1(
        organization_id=school,
        federation_id=federation,
        member_id=uuid.uuid4(),
        display_name=name,
        gender=gender,
        joined_on=dt.date(2019, 9, 1),
    )


async def test_a_greeting_preview_counts_whom_creating_then_freezes_and_the_recipients_page_by_page(desk):
    welfare, api, federation, school, _member, officer = desk
    await deliver(
        welfare,
        [
            _joined(federation, school, name, gender)
            for name, gender in (("王芳", "female"), ("李娜", "female"), ("陈刚", "male"))
        ],
    )
    url = f"/v1/organizations/{school}/festival-greetings"
    body = {
        "festival": "womens_day",
        "amount_fen": 200_00,
        "paid_on": "2027-03-08",
        "eligibility": {"gender": "female", "statuses": ["active"]},
    }
    before = await _count(welfare, greeting_batches)
    previewed = await api.post(
        url.replace("festival-greetings", "festival-greeting-previews"), json=body, headers=officer
    )
    assert previewed.status_code == 200, previewed.text
    assert previewed.json() == {"recipients": 3, "amount_fen": 200_00, "total_fen": 600_00}  # with Li Hua
    assert await _count(welfare, greeting_batches) == before

    created = await api.post(url, json=body, headers=officer)
    assert created.status_code == 202 and created.json()["total"] == 3
    batch_id = created.json()["id"]

    names, cursor = [], None
    while True:
        page = await api.get(
            f"{url}/{batch_id}/recipients",
            params={"limit": 2, **({"cursor": cursor} if cursor else {})},
            headers=officer,
        )
        assert page.status_code == 200, page.text
        names += [(r["display_name"], r["status"]) for r in page.json()["items"]]
        if (cursor := page.json()["next_cursor"]) is None:
            break
    assert names == sorted([("Li Hua", "pending"), ("李娜", "pending"), ("王芳", "pending")])
    paid = await api.get(f"{url}/{batch_id}/recipients", params={"status": "paid"}, headers=officer)
    assert paid.json()["items"] == []

    listed = await api.get(url, headers=bearer(Role.AUDITOR, school, federation))
    assert listed.status_code == 200, listed.text
    assert [(g["id"], g["total"], g["done"]) for g in listed.json()["items"]] == [(batch_id, 3, False)]

    elsewhere = bearer(Role.WELFARE_OFFICER, f"school-{uuid.uuid4().hex[:6]}", federation)
    assert (await api.get(f"{url}/{batch_id}/recipients", headers=elsewhere)).status_code == 404
