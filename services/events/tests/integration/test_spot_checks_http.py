"""Spot checks (督查) on real PostgreSQL: the county records checks of its schools, a school follows
up, the county closes; the list over the subtree searches and flags overdue follow-ups; another
school's officers get the 404 of a missing check."""

import uuid

import httpx
import pytest

from tests.factories import organization
from tests.kafka_tools import deliver
from tests.problem_tools import refusal
from tests.pytest_infra import bearer, unique
from unionfed_events.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration


@pytest.fixture
async def county(build_service):
    events = await build_service(definition)
    federation, first, second, group = unique("county"), unique("school"), unique("school"), unique("group")
    await deliver(
        events,
        [
            organization(federation, [federation], "federation", "某县教育工会"),
            organization(federation, [federation, first], "grassroots_union", "第一小学工会"),
            organization(federation, [federation, second], "grassroots_union", "实验中学工会"),
            organization(federation, [federation, first, group], "union_group", "语文组"),
        ],
    )
    transport = httpx.ASGITransport(app=create_app(events))
    async with httpx.AsyncClient(transport=transport, base_url="http://events", timeout=10) as api:
        yield dict(
            api=api,
            federation=federation,
            first=first,
            second=second,
            admin=bearer(Role.FEDERATION_ADMIN, federation, federation, "county-zhao"),
            first_officer=bearer(Role.UNION_OFFICER, first, federation, "first-li"),
            second_officer=bearer(Role.UNION_OFFICER, second, federation, "second-wang"),
        )


DISCLOSURE = {
    "checked_on": "2026-11-02",
    "subject": "disclosure",
    "subject_detail": "2026 年上半年校务公开",
    "findings": "未公开慰问金明细",
    "follow_up_required": True,
    "follow_up_due_on": "2026-11-30",
}
CONGRESS = {
    "checked_on": "2026-11-03",
    "subject": "congress",
    "subject_detail": "第十四届教代会第二次会议",
    "findings": "程序规范，提案均已答复",
    "follow_up_required": False,
}


async def test_the_county_checks_a_school_which_follows_up_and_the_county_closes(county):
    api, admin, first, second = county["api"], county["admin"], county["first"], county["second"]
    recorded = await api.post(f"/v1/organizations/{first}/spot-checks", headers=admin, json=DISCLOSURE)
    assert recorded.status_code == 201, recorded.text
    check = recorded.json()
    assert (check["status"], check["checked_by_organization_id"], check["recorded_by"]) == (
        "open",
        county["federation"],
        "county-zhao",
    )
    plain = await api.post(f"/v1/organizations/{second}/spot-checks", headers=admin, json=CONGRESS)
    assert plain.status_code == 201, plain.text

    # The county's list: both, newest first; the school's follow-up is past its due day (today is later).
    listed = await api.get(f"/v1/organizations/{county['federation']}/spot-checks", headers=admin)
    assert listed.status_code == 200, listed.text
    rows = listed.json()["items"]
    assert [(r["organization_name"], r["subject"], r["overdue"]) for r in rows] == [
        ("实验中学工会", "congress", False),
        ("第一小学工会", "disclosure", True),
    ]
    for params, expected in (
        ({"overdue": "true"}, [check["id"]]),
        ({"q": "慰问金"}, [check["id"]]),
        ({"q": "实验中学"}, [plain.json()["id"]]),
        ({"subject": "congress"}, [plain.json()["id"]]),
        ({"status": "closed"}, []),
    ):
        found = await api.get(f"/v1/organizations/{county['federation']}/spot-checks", headers=admin, params=params)
        assert [r["id"] for r in found.json()["items"]] == expected, params

    # The school sees its own check only; another school's is missing to it.
    own = await api.get(f"/v1/organizations/{first}/spot-checks", headers=county["first_officer"])
    assert [r["id"] for r in own.json()["items"]] == [check["id"]]
    other = await api.get(f"/v1/spot-checks/{plain.json()['id']}", headers=county["first_officer"])
    ghost = await api.get(f"/v1/spot-checks/{uuid.uuid4()}", headers=county["first_officer"])
    assert other.status_code == ghost.status_code == 404
    assert refusal(other) == refusal(ghost)
    elsewhere = await api.post(
        f"/v1/spot-checks/{check['id']}/follow-up", headers=county["second_officer"], json={"follow_up": "x"}
    )
    assert elsewhere.status_code == 404

    # A school does not check itself; the county does not write the school's follow-up.
    itself = await api.post(f"/v1/organizations/{first}/spot-checks", headers=county["first_officer"], json=CONGRESS)
    assert itself.status_code == 403 and refusal(itself)["code"] == "spot_check_by_upper_union"
    county_writes = await api.post(f"/v1/spot-checks/{check['id']}/follow-up", headers=admin, json={"follow_up": "x"})
    assert county_writes.status_code == 403

    early = await api.post(f"/v1/spot-checks/{check['id']}/closure", headers=admin, json={})
    assert early.status_code == 409 and refusal(early)["code"] == "spot_check_awaits_follow_up"
    followed = await api.post(
        f"/v1/spot-checks/{check['id']}/follow-up",
        headers=county["first_officer"],
        json={"follow_up": "已在公告栏补充公开慰问金明细", "followed_up_on": "2026-12-01"},
    )
    assert followed.status_code == 200, followed.text
    assert (followed.json()["status"], followed.json()["followed_up_by"]) == ("followed_up", "first-li")
    school_closes = await api.post(f"/v1/spot-checks/{check['id']}/closure", headers=county["first_officer"], json={})
    assert school_closes.status_code == 403
    closed = await api.post(f"/v1/spot-checks/{check['id']}/closure", headers=admin, json={"note": "同意销号"})
    assert closed.status_code == 200, closed.text
    assert (closed.json()["status"], closed.json()["closing_note"]) == ("closed", "同意销号")
    assert (await api.post(f"/v1/spot-checks/{plain.json()['id']}/closure", headers=admin, json={})).status_code == 200
    listed = await api.get(f"/v1/organizations/{county['federation']}/spot-checks", headers=admin)
    assert [(r["status"], r["overdue"]) for r in listed.json()["items"]] == [("closed", False), ("closed", False)]


async def test_bad_input_is_refused_in_chinese_and_stores_nothing(county):
    api, admin, first = county["api"], county["admin"], county["first"]
    for body, code in (
        ({**DISCLOSURE, "follow_up_due_on": None}, "spot_check_due_day_missing"),
        ({**CONGRESS, "follow_up_due_on": "2026-11-30"}, "spot_check_due_day_without_follow_up"),
        ({**DISCLOSURE, "follow_up_due_on": "2026-10-01"}, "spot_check_due_before_check"),
        ({**CONGRESS, "checked_on": "2099-01-01"}, "spot_check_date_in_future"),
    ):
        refused = await api.post(f"/v1/organizations/{first}/spot-checks", headers=admin, json=body)
        assert refused.status_code == 422 and refusal(refused)["code"] == code, refused.text
    bad_subject = await api.post(
        f"/v1/organizations/{first}/spot-checks", headers=admin, json={**CONGRESS, "subject": "canteen"}
    )
    assert bad_subject.status_code == 422
    listed = await api.get(f"/v1/organizations/{first}/spot-checks", headers=admin)
    assert listed.json()["items"] == []
