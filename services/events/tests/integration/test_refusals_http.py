"""Events' refusals over HTTP on real PostgreSQL: RFC 9457 problems with a stable code, in Chinese
unless the caller asks for English, and cross-field rules answered as field errors that point at
the field at fault."""

import datetime as dt
import uuid

import httpx
import pytest
from sqlalchemy import func, select

from tests.kafka_tools import deliver
from tests.pytest_infra import bearer, unique
from unionfed_events.adapters.activity_tables import activities, activity_registrations
from unionfed_events.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.contracts.membership import MemberJoinedV1, OrganizationRegisteredV1
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration

ENGLISH = {"Accept-Language": "en-US,en;q=0.9"}


def soon(hours: float) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)).isoformat()


@pytest.fixture
async def school(build_service):
    runtime = await build_service(definition, start=False)
    federation, school, member = unique("county"), unique("school"), uuid.uuid4()
    await deliver(
        runtime,
        [
            OrganizationRegisteredV1(
                organization_id=federation,
                federation_id=federation,
                name="某县教育工会",
                kind="federation",
                parent_id=None,
                path=[federation],
            ),
            OrganizationRegisteredV1(
                organization_id=school,
                federation_id=federation,
                name="第一小学工会",
                kind="grassroots_union",
                parent_id=federation,
                path=[federation, school],
            ),
            MemberJoinedV1(
                organization_id=school,
                federation_id=federation,
                member_id=member,
                display_name="李老师",
                gender="female",
                joined_on=dt.date(2020, 9, 1),
            ),
        ],
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(runtime)), base_url="http://events", timeout=30
    ) as api:
        yield runtime, api, school, member, bearer(Role.UNION_OFFICER, school, federation)


async def _count(runtime, table) -> int:
    async with runtime.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(table))


async def test_a_late_registration_is_a_problem_with_its_code_in_chinese_by_default_and_in_english_on_request(school):
    runtime, api, organization, member, officer = school
    created = await api.post(
        f"/v1/organizations/{organization}/activities",
        headers=officer,
        json={
            "title": "拔河比赛",
            "kind": "sport",
            "registration_deadline": soon(-2),
            "starts_at": soon(-1),
            "ends_at": soon(3),
        },
    )
    assert created.status_code == 201, created.text
    activity_id = created.json()["id"]
    assert (await api.post(f"/v1/activities/{activity_id}/publication", headers=officer)).status_code == 200
    url = f"/v1/activities/{activity_id}/registrations"

    chinese = await api.post(url, json={"member_id": str(member)}, headers=officer)
    assert chinese.status_code == 422, chinese.text
    assert chinese.headers["content-type"] == "application/problem+json"
    assert chinese.headers["content-language"] == "zh-CN"
    body = chinese.json()
    assert body["type"] == "urn:unionfed:problem:invalid" and body["code"] == "registration_closed"
    assert body["detail"].startswith("报名已于 ") and body["detail"].endswith(" (Asia/Shanghai) 截止"), body["detail"]
    assert body["instance"] == url

    english = await api.post(url, json={"member_id": str(member)}, headers={**officer, **ENGLISH})
    assert english.status_code == 422 and english.headers["content-language"] == "en"
    assert english.json()["code"] == "registration_closed"
    assert english.json()["detail"].startswith("registration closed at ")
    # The same moment in both: only the words around it change.
    assert english.json()["detail"].removeprefix("registration closed at ") == (
        body["detail"].removeprefix("报名已于 ").removesuffix(" 截止")
    )
    assert await _count(runtime, activity_registrations) == 0, "a refused registration records nothing"


async def test_a_schedule_rule_answers_a_field_error_with_its_own_code_and_pointer(school):
    runtime, api, organization, _, officer = school
    url = f"/v1/organizations/{organization}/activities"
    good = {
        "title": "教师合唱比赛",
        "kind": "culture",
        "registration_deadline": soon(24),
        "starts_at": soon(48),
        "ends_at": soon(50),
    }
    before = await _count(runtime, activities)

    late_deadline = await api.post(url, json={**good, "registration_deadline": soon(49)}, headers=officer)
    assert late_deadline.status_code == 422, late_deadline.text
    assert late_deadline.headers["content-type"] == "application/problem+json"
    assert late_deadline.json()["code"] == "request_validation"
    assert late_deadline.json()["errors"] == [
        {
            "in": "body",
            "pointer": "#/registration_deadline",
            "code": "registration_deadline_after_start",
            "detail": "报名截止时间不能晚于活动开始时间",
        }
    ]

    reversed_ = await api.post(url, json={**good, "ends_at": soon(47)}, headers={**officer, **ENGLISH})
    assert reversed_.json()["errors"] == [
        {
            "in": "body",
            "pointer": "#/ends_at",
            "code": "activity_ends_before_start",
            "detail": "an activity ends after it starts",
        }
    ]

    two_prizes = await api.post(
        url,
        headers=officer,
        json={
            **good,
            "budget": [
                {"kind": "prizes", "label": "一等奖", "amount_fen": 300_00},
                {"kind": "prizes", "label": "二等奖", "amount_fen": 200_00},
            ],
        },
    )
    assert [(e["pointer"], e["code"]) for e in two_prizes.json()["errors"]] == [
        ("#/budget", "budget_prizes_line_repeated")
    ]
    assert await _count(runtime, activities) == before, "nothing was created"
