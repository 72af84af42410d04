"""Award nominations over HTTP on real PostgreSQL: the stages, who takes each, the approval event."""

import datetime as dt
import json
import uuid
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select

from tests.kafka_tools import deliver
from tests.problem_tools import refusal
from tests.pytest_infra import bearer, eventually, unique
from unionfed_events.adapters.tables import outbox
from unionfed_events.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.congress import AwardApprovedV1
from unionfed_shared.contracts.membership import MemberJoinedV1, OrganizationRegisteredV1
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration

TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


@pytest.fixture
async def county(build_service):
    events = await build_service(definition)
    federation, school, sibling = unique("county"), unique("school"), unique("school")

    def union(org, kind, parent):
        return OrganizationRegisteredV1(
            organization_id=org,
            federation_id=federation,
            name=f"org {org}",
            kind=kind,
            parent_id=parent,
            path=[federation, org] if parent else [federation],
        )

    def teacher(org, name):
        return MemberJoinedV1(
            organization_id=org,
            federation_id=federation,
            member_id=uuid.uuid4(),
            display_name=name,
            gender="female",
            joined_on=dt.date(2010, 9, 1),
        )

    wang, zhao, outsider = teacher(school, "王老师"), teacher(school, "赵老师"), teacher(sibling, "钱老师")
    await deliver(
        events,
        [
            union(federation, "federation", None),
            union(school, "grassroots_union", federation),
            union(sibling, "grassroots_union", federation),
            wang,
            zhao,
            outsider,
        ],
    )
    transport = httpx.ASGITransport(app=create_app(events))
    async with httpx.AsyncClient(transport=transport, base_url="http://events", timeout=10) as api:
        yield dict(
            runtime=events,
            api=api,
            federation=federation,
            school=school,
            sibling=sibling,
            wang=wang.member_id,
            zhao=zhao.member_id,
            outsider=outsider.member_id,
            officer=bearer(Role.UNION_OFFICER, school, federation),
            admin=bearer(Role.FEDERATION_ADMIN, federation, federation, subject="county-admin"),
        )


async def approval_events(runtime, nomination_id: str) -> list:
    async with runtime.session_factory() as db:
        rows = await db.execute(select(outbox).where(outbox.c.event_type == AwardApprovedV1.event_type))
        return [r for r in rows if json.loads(r.payload)["nomination_id"] == nomination_id]


async def test_a_nomination_goes_through_review_and_approval_into_public_notice_and_emits_the_event(county):
    api, officer, admin = county["api"], county["officer"], county["admin"]
    nominated = await api.post(
        f"/v1/organizations/{county['school']}/nominations",
        headers=officer,
        json={
            "member_id": str(county["wang"]),
            "award": "may_day_labour_medal",
            "year": TODAY.year,
            "citation": "从教三十年,长期担任班主任,所带班级多次获评先进班集体。",
        },
    )
    assert nominated.status_code == 201, nominated.text
    nomination = nominated.json()
    assert (nomination["status"], nomination["member_name"], nomination["reviewer_id"]) == (
        "nominated",
        "王老师",
        county["federation"],
    )
    url = f"/v1/nominations/{nomination['id']}"
    notice = {"notice_starts_on": TODAY.isoformat(), "notice_ends_on": (TODAY + dt.timedelta(days=6)).isoformat()}

    assert (await api.post(f"{url}/review", json={}, headers=officer)).status_code == 403, (
        "a union does not review itself"
    )
    assert (await api.post(f"{url}/approval", json=notice, headers=admin)).status_code == 409, "reviewed first"
    reviewed = await api.post(f"{url}/review", json={"note": "材料齐全"}, headers=admin)
    assert reviewed.status_code == 200 and reviewed.json()["status"] == "reviewed"
    assert reviewed.json()["reviewed_by"] == "county-admin" and reviewed.json()["reviewed_at"].endswith("+08:00")

    for bad in (
        {**notice, "notice_ends_on": (TODAY - dt.timedelta(days=1)).isoformat()},
        {**notice, "notice_starts_on": (TODAY - dt.timedelta(days=1)).isoformat()},
        {"notice_starts_on": TODAY.isoformat()},
    ):
        refused = await api.post(f"{url}/approval", json=bad, headers=admin)
        assert refused.status_code == 422, (bad, refused.text)
    assert await approval_events(county["runtime"], nomination["id"]) == [], "a refused approval emits nothing"
    assert (await api.get(url, headers=officer)).json()["status"] == "reviewed"

    approved = await api.post(f"{url}/approval", json=notice, headers=admin)
    assert approved.status_code == 200, approved.text
    assert (approved.json()["status"], approved.json()["notice"]) == ("approved", "in_notice")
    assert (await api.post(f"{url}/approval", json=notice, headers=admin)).status_code == 409
    assert (await api.post(f"{url}/rejection", json={"reason": "迟到的异议"}, headers=admin)).status_code == 409

    [row] = await approval_events(county["runtime"], nomination["id"])
    event = AwardApprovedV1.model_validate_json(row.payload)
    assert (event.organization_id, event.member_id, event.award, event.year) == (
        county["school"],
        county["wang"],
        "may_day_labour_medal",
        TODAY.year,
    )
    assert (event.notice_starts_on, event.notice_ends_on) == (TODAY, TODAY + dt.timedelta(days=6))
    assert row.topic == topics.EVENTS and row.key == county["school"].encode()

    async def published():
        async with county["runtime"].session_factory() as db:
            return await db.scalar(select(outbox.c.published_at).where(outbox.c.event_id == row.event_id))

    await eventually(published)

    member = bearer(Role.MEMBER, county["school"], county["federation"], subject=str(county["zhao"]))
    notices = (await api.get(f"/v1/organizations/{county['school']}/public-notices", headers=member)).json()
    assert [(n["member_name"], n["award"]) for n in notices] == [("王老师", "may_day_labour_medal")]
    after = await api.get(
        f"/v1/organizations/{county['school']}/public-notices",
        headers=member,
        params={"on": (TODAY + dt.timedelta(days=7)).isoformat()},
    )
    assert after.json() == [], "the notice period has ended"
    assert (await api.get(url, headers=member)).status_code == 403, "members read the public notice, not the file"


async def test_a_nomination_is_rejected_with_a_reason_and_refusals_leak_nothing(county):
    api, officer, admin = county["api"], county["officer"], county["admin"]
    body = {
        "member_id": str(county["zhao"]),
        "award": "advanced_individual",
        "year": TODAY.year,
        "citation": "教学成绩突出",
    }
    nominations = f"/v1/organizations/{county['school']}/nominations"
    first = (await api.post(nominations, json=body, headers=officer)).json()
    assert (await api.post(nominations, json=body, headers=officer)).status_code == 409, "one live nomination"
    for bad in (
        {**body, "member_id": str(county["outsider"])},
        {**body, "award": "best_teacher"},
        {**body, "year": TODAY.year - 5},
        {**body, "citation": ""},
        {**body, "extra": 1},
    ):
        refused = await api.post(nominations, json=bad, headers=officer)
        assert refused.status_code == 422, (bad, refused.text)
    auditor = bearer(Role.AUDITOR, county["federation"], county["federation"])
    assert (await api.post(nominations, json=body, headers=auditor)).status_code == 403
    assert (
        await api.post(f"/v1/organizations/{county['federation']}/nominations", json=body, headers=admin)
    ).status_code == 422, "a grassroots union nominates"
    listed = (await api.get(f"/v1/organizations/{county['federation']}/nominations", headers=auditor)).json()
    assert [n["id"] for n in listed] == [first["id"]], "nothing else was written"

    url = f"/v1/nominations/{first['id']}"
    stranger = bearer(Role.UNION_OFFICER, county["sibling"], county["federation"])
    foreign = await api.get(url, headers=stranger)
    missing = await api.get(f"/v1/nominations/{uuid.uuid4()}", headers=stranger)
    assert foreign.status_code == missing.status_code == 404 and refusal(foreign) == refusal(missing)

    await api.post(f"{url}/review", json={}, headers=admin)
    assert (await api.post(f"{url}/rejection", json={"reason": ""}, headers=admin)).status_code == 422
    rejected = await api.post(f"{url}/rejection", json={"reason": "同一年度已获县级表彰"}, headers=admin)
    assert rejected.status_code == 200
    assert (rejected.json()["status"], rejected.json()["rejected_at_stage"], rejected.json()["rejection_reason"]) == (
        "rejected",
        "reviewed",
        "同一年度已获县级表彰",
    )
    assert await approval_events(county["runtime"], first["id"]) == []
    again = await api.post(nominations, json=body, headers=officer)
    assert again.status_code == 201, "after a rejection the union may nominate again"


NEW_YEAR_IN_BEIJING = dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC)  # 18:00 on New Year's Eve in Berlin


@pytest.mark.parametrize(
    ("time_zone", "approval_day"), [("Asia/Shanghai", "2027-01-01"), ("Europe/Berlin", "2026-12-31")]
)
async def test_a_public_notice_starts_no_earlier_than_the_approval_day_on_the_federations_calendar(
    build_service, monkeypatch, time_zone, approval_day
):
    from unionfed_events.service_layer import nominations

    monkeypatch.setattr(nominations, "now", lambda: NEW_YEAR_IN_BEIJING)
    events = await build_service(definition, start=False)
    federation, school = unique("county"), unique("school")
    wang = MemberJoinedV1(
        organization_id=school,
        federation_id=federation,
        member_id=uuid.uuid4(),
        display_name="王老师",
        gender="female",
        joined_on=dt.date(2010, 9, 1),
    )
    await deliver(
        events,
        [
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
            wang,
        ],
    )
    officer = bearer(Role.UNION_OFFICER, school, federation)
    admin = bearer(Role.FEDERATION_ADMIN, federation, federation)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(events)), base_url="http://events"
    ) as api:
        nominated = await api.post(
            f"/v1/organizations/{school}/nominations",
            headers=officer,
            json={
                "member_id": str(wang.member_id),
                "award": "may_day_labour_medal",
                "year": 2027,
                "citation": "从教三十年",
            },
        )
        assert nominated.status_code == 201, nominated.text
        url = f"/v1/nominations/{nominated.json()['id']}"
        assert (await api.post(f"{url}/review", json={}, headers=admin)).status_code == 200

        # The admin approves at 01:00 on New Year's Day in Beijing, which is 18:00 on New Year's Eve in Berlin.
        too_early = (dt.date.fromisoformat(approval_day) - dt.timedelta(days=1)).isoformat()
        early = await api.post(
            f"{url}/approval", json={"notice_starts_on": too_early, "notice_ends_on": "2027-01-07"}, headers=admin
        )
        assert early.status_code == 422 and early.json()["code"] == "notice_starts_before_approval"
        approved = await api.post(
            f"{url}/approval", json={"notice_starts_on": approval_day, "notice_ends_on": "2027-01-07"}, headers=admin
        )
        assert approved.status_code == 200, approved.text
        assert approved.json()["notice"] == "in_notice"
        shown = await api.get(f"/v1/organizations/{school}/public-notices", headers=officer)
    assert [n["member_name"] for n in shown.json()] == ["王老师"]
