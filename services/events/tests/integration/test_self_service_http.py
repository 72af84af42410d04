"""A member's self-service (/v1/me) on real PostgreSQL: the member the token names, and no one else.

Tokens are minted as Keycloak issues a member's: the account's own subject, and the member in ``mid``.
"""

import datetime as dt
import uuid

import httpx
import pytest

from tests.kafka_tools import deliver
from tests.problem_tools import refusal
from tests.pytest_infra import JWT_SECRET, bearer, unique
from unionfed_events.domain.activities import SHANGHAI
from unionfed_events.entrypoints.app import definition
from unionfed_shared.auth import Role, TokenService
from unionfed_shared.contracts.membership import MemberJoinedV1, MemberTransferredV1, OrganizationRegisteredV1
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration

TODAY = dt.datetime.now(SHANGHAI).date()


def organization(federation: str, path: list[str], kind: str) -> OrganizationRegisteredV1:
    return OrganizationRegisteredV1(
        organization_id=path[-1],
        federation_id=federation,
        name=f"org {path[-1]}",
        kind=kind,
        parent_id=path[-2] if len(path) > 1 else None,
        path=path,
    )


def joined(federation: str, organization_id: str, name: str, gender: str = "male") -> MemberJoinedV1:
    return MemberJoinedV1(
        organization_id=organization_id,
        federation_id=federation,
        member_id=uuid.uuid4(),
        display_name=name,
        gender=gender,
        joined_on=dt.date(2021, 9, 1),
    )


def member_token(person: MemberJoinedV1, organization_id: str, federation_id: str | None = None) -> dict[str, str]:
    """A member account's token: its subject is the account (a Keycloak user id), ``mid`` the member."""
    tokens = TokenService(JWT_SECRET, "unionfed", "unionfed-local")
    token = tokens.issue(
        str(uuid.uuid4()),
        Role.MEMBER,
        organization_id,
        federation_id or person.federation_id,
        member_id=str(person.member_id),
    )
    return {"Authorization": f"Bearer {token}"}


def at(days: int, hour: int) -> str:
    day = TODAY + dt.timedelta(days=days)
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI).isoformat()


@pytest.fixture
async def school(build_service):
    """A county, a school whose members sit in a union group (语文组), and a sibling school."""
    events = await build_service(definition)
    federation, school, group, sibling = unique("county"), unique("school"), unique("group"), unique("school")
    li, wang = joined(federation, group, "李老师"), joined(federation, group, "王老师")
    zhao = joined(federation, sibling, "赵老师")
    await deliver(
        events,
        [
            organization(federation, [federation], "federation"),
            organization(federation, [federation, school], "grassroots_union"),
            organization(federation, [federation, school, group], "union_group"),
            organization(federation, [federation, sibling], "grassroots_union"),
            li,
            wang,
            zhao,
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
            officer=bearer(Role.UNION_OFFICER, school, federation),
            admin=bearer(Role.FEDERATION_ADMIN, federation, federation, "county-admin"),
            li=member_token(li, school),
            wang=member_token(wang, school),
            zhao=member_token(zhao, sibling),
            people=dict(li=li, wang=wang, zhao=zhao),
        )


async def published_activity(ctx, organization_id: str, title: str, **extra) -> dict:
    api = ctx["api"]
    officer = bearer(Role.UNION_OFFICER, organization_id, ctx["federation"])
    body = {
        "title": title,
        "kind": "sport",
        "starts_at": at(20, 14),
        "ends_at": at(20, 17),
        "registration_deadline": at(10, 18),
        "capacity": 1,
        **extra,
    }
    created = await api.post(f"/v1/organizations/{organization_id}/activities", json=body, headers=officer)
    assert created.status_code == 201, created.text
    published = await api.post(f"/v1/activities/{created.json()['id']}/publication", headers=officer)
    assert published.status_code == 200, published.text
    return published.json()


async def test_a_member_sees_and_registers_for_their_own_activities_only(school):
    api = school["api"]
    fun = await published_activity(school, school["school"], "趣味运动会")
    await published_activity(school, school["school"], "女教职工健步走", eligible_gender="female")
    await published_activity(school, school["sibling"], "兄弟学校的合唱比赛")

    listed = await api.get("/v1/me/activities", headers=school["li"])
    assert listed.status_code == 200, listed.text
    assert [(a["title"], a["my_registration"], a["registration_open"]) for a in listed.json()] == [
        ("趣味运动会", None, True)
    ], "not the women's walk (he is not eligible), not the sibling school's"

    registered = await api.post(f"/v1/me/activities/{fun['id']}/registration", headers=school["li"])
    assert registered.status_code == 201, registered.text
    li = str(school["people"]["li"].member_id)
    assert (registered.json()["member_id"], registered.json()["status"]) == (li, "confirmed")
    again = await api.post(f"/v1/me/activities/{fun['id']}/registration", headers=school["li"])
    assert again.status_code == 409 and again.json()["code"] == "already_registered"

    [mine] = (await api.get("/v1/me/activities", headers=school["li"])).json()
    assert (mine["my_registration"]["status"], mine["confirmed"]) == ("confirmed", 1)
    # Wang sees the activity (full now) without Li's registration; his own goes to the waitlist.
    [theirs] = (await api.get("/v1/me/activities", headers=school["wang"])).json()
    assert theirs["my_registration"] is None
    waitlisted = await api.post(f"/v1/me/activities/{fun['id']}/registration", headers=school["wang"])
    assert (waitlisted.json()["status"], waitlisted.json()["waitlist_position"]) == ("waitlisted", 1)
    # The officers' list shows both, registered by the members themselves.
    officers_view = (await api.get(f"/v1/activities/{fun['id']}/registrations", headers=school["officer"])).json()
    assert [r["member_id"] for r in officers_view] == [li, str(school["people"]["wang"].member_id)]

    # Li withdraws: Wang moves up. Another school's member cannot register for this school's activity.
    withdrawn = await api.delete(f"/v1/me/activities/{fun['id']}/registration", headers=school["li"])
    assert withdrawn.status_code == 200 and withdrawn.json()["promoted_member_ids"] == [
        str(school["people"]["wang"].member_id)
    ]
    stranger = await api.post(f"/v1/me/activities/{fun['id']}/registration", headers=school["zhao"])
    assert stranger.status_code == 404 and stranger.json()["code"] == "activity_not_found"
    assert [a["title"] for a in (await api.get("/v1/me/activities", headers=school["zhao"])).json()] == [
        "兄弟学校的合唱比赛"
    ], "his own school's, not this one's"


async def test_a_member_answers_the_surveys_sent_to_them_once_and_anonymously(school):
    api = school["api"]
    draft = await api.post(
        f"/v1/organizations/{school['school']}/surveys",
        headers=school["officer"],
        json={"title": "食堂满意度", "questions": [{"kind": "rating", "text": "总体满意度"}]},
    )
    survey = draft.json()
    assert (await api.get("/v1/me/surveys", headers=school["li"])).json() == [], "a draft is asked of no one"
    assert (await api.post(f"/v1/surveys/{survey['id']}/send", headers=school["officer"])).status_code == 200

    [asked] = (await api.get("/v1/me/surveys", headers=school["li"])).json()
    assert (asked["id"], asked["questions"][0]["kind"]) == (survey["id"], "rating")
    answered = await api.post(f"/v1/me/surveys/{survey['id']}/responses", json={"answers": [4]}, headers=school["li"])
    assert answered.status_code == 204, answered.text
    assert (await api.get("/v1/me/surveys", headers=school["li"])).json() == [], "answered: no longer asked"
    twice = await api.post(f"/v1/me/surveys/{survey['id']}/responses", json={"answers": [5]}, headers=school["li"])
    assert twice.status_code == 409, twice.text
    # Wang is still asked; the sibling school's member never was.
    assert [s["id"] for s in (await api.get("/v1/me/surveys", headers=school["wang"])).json()] == [survey["id"]]
    assert (await api.get("/v1/me/surveys", headers=school["zhao"])).json() == []
    counted = (await api.get(f"/v1/surveys/{survey['id']}", headers=school["officer"])).json()
    assert (counted["recipients"], counted["responses"]) == (2, 1)


async def test_a_representative_seconds_proposals_and_reads_the_unions_public_notices(school):
    api, officer = school["api"], school["officer"]
    li, wang = school["people"]["li"], school["people"]["wang"]
    session = await api.post(
        f"/v1/organizations/{school['school']}/congress-sessions",
        headers=officer,
        json={
            "congress_number": 14,
            "session_number": 3,
            "starts_on": (TODAY + dt.timedelta(days=5)).isoformat(),
            "ends_on": (TODAY + dt.timedelta(days=6)).isoformat(),
            "answer_deadline": at(60, 17),
            "min_seconders": 1,
        },
    )
    assert session.status_code == 201, session.text
    session_id = session.json()["id"]
    named = await api.post(
        f"/v1/congress-sessions/{session_id}/representatives",
        headers=officer,
        json={"member_ids": [str(li.member_id), str(wang.member_id)]},
    )
    assert named.status_code == 200, named.text
    filed = await api.post(
        f"/v1/congress-sessions/{session_id}/proposals",
        headers=school["wang"],
        json={"title": "关于改善教师食堂的提案", "body": "建议增加晚餐供应。"},
    )
    assert filed.status_code == 201, filed.text
    proposal = filed.json()

    [offered] = (await api.get("/v1/me/congress-proposals", headers=school["li"])).json()
    assert (offered["id"], offered["seconded_by_me"], offered["may_second"]) == (proposal["id"], False, True)
    [own] = (await api.get("/v1/me/congress-proposals", headers=school["wang"])).json()
    assert own["may_second"] is False, "a proposer does not second their own proposal"
    assert (await api.get("/v1/me/congress-proposals", headers=school["zhao"])).json() == []

    seconded = await api.post(f"/v1/me/congress-proposals/{proposal['id']}/seconding", headers=school["li"])
    assert seconded.status_code == 201, seconded.text
    assert (seconded.json()["seconders"], seconded.json()["status"]) == ([str(li.member_id)], "submitted")
    [after] = (await api.get("/v1/me/congress-proposals", headers=school["li"])).json()
    assert (after["seconded_by_me"], after["may_second"]) == (True, False)
    refused = await api.post(f"/v1/me/congress-proposals/{proposal['id']}/seconding", headers=school["zhao"])
    assert refused.status_code == 404 and refused.json()["code"] == "proposal_not_found"

    # 公示: the school's approved nomination in notice today; the sibling school's member does not see it.
    nominated = await api.post(
        f"/v1/organizations/{school['school']}/nominations",
        headers=officer,
        json={
            "member_id": str(wang.member_id),
            "award": "may_day_labour_medal",
            "year": TODAY.year,
            "citation": "从教三十年",
        },
    )
    assert nominated.status_code == 201, nominated.text
    url = f"/v1/nominations/{nominated.json()['id']}"
    assert (await api.post(f"{url}/review", json={}, headers=school["admin"])).status_code == 200
    notice = {"notice_starts_on": TODAY.isoformat(), "notice_ends_on": (TODAY + dt.timedelta(days=6)).isoformat()}
    assert (await api.post(f"{url}/approval", json=notice, headers=school["admin"])).status_code == 200
    [shown] = (await api.get("/v1/me/public-notices", headers=school["li"])).json()
    assert (shown["member_name"], shown["award"]) == ("王老师", "may_day_labour_medal")
    assert (await api.get("/v1/me/public-notices", headers=school["zhao"])).json() == []


@pytest.mark.parametrize(
    "path", ["/v1/me/activities", "/v1/me/surveys", "/v1/me/congress-proposals", "/v1/me/public-notices"]
)
async def test_self_service_is_for_a_member_naming_their_own_member_only(school, path):
    api = school["api"]
    officer = await api.get(path, headers=school["officer"])
    assert officer.status_code == 403 and officer.json()["code"] == "members_only", refusal(officer)
    # A member token naming no member (an account not linked yet) is refused, not served someone.
    unlinked = await api.get(path, headers=bearer(Role.MEMBER, school["school"], school["federation"], "kc-user"))
    assert unlinked.status_code == 403 and unlinked.json()["code"] == "member_account_unlinked"
    # A token of another federation naming this federation's member answers as missing.
    foreign = await api.get(path, headers=member_token(school["people"]["li"], school["school"], unique("fed")))
    assert foreign.status_code == 404 and foreign.json()["code"] == "member_not_found"


async def test_a_member_acts_where_the_directory_places_them_not_where_their_account_was_opened(school):
    """The account's token keeps the union it was opened in; the member's reach follows the directory:
    their union group's own activity, then the union they were transferred to."""
    api, li = school["api"], school["people"]["li"]
    group_path = [school["federation"], school["school"], li.organization_id]
    group_walk = await published_activity(
        school, school["school"], "语文组健步走", scope_organization_ids=[group_path[-1]]
    )
    registered = await api.post(f"/v1/me/activities/{group_walk['id']}/registration", headers=school["li"])
    assert (registered.status_code, registered.json().get("status")) == (201, "confirmed"), registered.text

    # 教师交流: Li moves to the sibling school; the account (and its token) still names the old one.
    await deliver(
        school["runtime"],
        [
            MemberTransferredV1(
                organization_id=school["sibling"],
                federation_id=school["federation"],
                member_id=li.member_id,
                member_version=2,
                from_organization_id=li.organization_id,
                effective_on=TODAY,
                display_name=li.display_name,
                gender=li.gender,
                joined_on=li.joined_on,
                status="active",
            )
        ],
    )
    choir = await published_activity(school, school["sibling"], "合唱比赛")
    listed = [a["title"] for a in (await api.get("/v1/me/activities", headers=school["li"])).json()]
    assert listed == ["合唱比赛"], "the new school's activity; the old group's walk no longer his"
    joined_choir = await api.post(f"/v1/me/activities/{choir['id']}/registration", headers=school["li"])
    assert joined_choir.status_code == 201, joined_choir.text
    # The new school's 公示 is his now, the old one's no longer.
    nominated = await api.post(
        f"/v1/organizations/{school['sibling']}/nominations",
        headers=bearer(Role.UNION_OFFICER, school["sibling"], school["federation"]),
        json={
            "member_id": str(school["people"]["zhao"].member_id),
            "award": "may_day_labour_medal",
            "year": TODAY.year,
            "citation": "扎根乡村二十年",
        },
    )
    assert nominated.status_code == 201, nominated.text
    url = f"/v1/nominations/{nominated.json()['id']}"
    assert (await api.post(f"{url}/review", json={}, headers=school["admin"])).status_code == 200
    notice = {"notice_starts_on": TODAY.isoformat(), "notice_ends_on": (TODAY + dt.timedelta(days=6)).isoformat()}
    assert (await api.post(f"{url}/approval", json=notice, headers=school["admin"])).status_code == 200
    shown = await api.get("/v1/me/public-notices", headers=school["li"])
    assert [n["member_name"] for n in shown.json()] == ["赵老师"], shown.text
