"""Activities over HTTP on real PostgreSQL: scope, eligibility, deadlines, places and the waitlist,
teams, attendance and awards, and finance's answers recorded on the budget."""

import asyncio
import datetime as dt
import uuid

import httpx
import pytest
from sqlalchemy import func, select

from tests.kafka_tools import deliver, envelope_for
from tests.problem_tools import refusal
from tests.pytest_infra import bearer, unique
from unionfed_events.adapters.activity_tables import activities, activity_registrations
from unionfed_events.adapters.tables import outbox
from unionfed_events.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.contracts.membership import MemberJoinedV1, OrganizationRegisteredV1
from unionfed_shared.http import create_app
from unionfed_shared.messaging.consumer import IncomingMessage, Outcome

pytestmark = pytest.mark.integration

_offsets = iter(range(10**9))


def soon(hours: float) -> str:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)).isoformat()


class County:
    """A county union, two schools, a union group in the first, and members."""

    def __init__(self, runtime, api):
        self.runtime, self.api = runtime, api
        self.fed, self.school, self.other, self.group = (
            unique("county"),
            unique("school"),
            unique("school"),
            unique("group"),
        )
        self.members: dict[str, uuid.UUID] = {}

    async def setup(self) -> None:
        org = OrganizationRegisteredV1
        await deliver(
            self.runtime,
            [
                org(
                    organization_id=self.fed,
                    federation_id=self.fed,
                    name="某县教育工会",
                    kind="federation",
                    parent_id=None,
                    path=[self.fed],
                ),
                org(
                    organization_id=self.school,
                    federation_id=self.fed,
                    name="第一小学工会",
                    kind="grassroots_union",
                    parent_id=self.fed,
                    path=[self.fed, self.school],
                ),
                org(
                    organization_id=self.other,
                    federation_id=self.fed,
                    name="实验中学工会",
                    kind="grassroots_union",
                    parent_id=self.fed,
                    path=[self.fed, self.other],
                ),
                org(
                    organization_id=self.group,
                    federation_id=self.fed,
                    name="语文组",
                    kind="union_group",
                    parent_id=self.school,
                    path=[self.fed, self.school, self.group],
                ),
            ],
        )
        people = [
            ("陈老师", "female", self.group),
            ("李老师", "female", self.school),
            ("王老师", "female", self.school),
            ("张老师", "male", self.school),
            ("赵老师", "female", self.other),
            ("孙老师", "female", self.school),
            ("周老师", "female", self.school),
        ]
        joined = []
        for name, gender, organization in people:
            self.members[name] = uuid.uuid4()
            joined.append(
                MemberJoinedV1(
                    organization_id=organization,
                    federation_id=self.fed,
                    member_id=self.members[name],
                    display_name=name,
                    gender=gender,
                    joined_on=dt.date(2020, 9, 1),
                )
            )
        await deliver(self.runtime, joined)

    def officer(self, organization: str | None = None) -> dict:
        return bearer(Role.UNION_OFFICER, organization or self.school, self.fed)

    def member(self, name: str, organization: str | None = None) -> dict:
        return bearer(Role.MEMBER, organization or self.school, self.fed, subject=str(self.members[name]))

    async def activity(self, headers: dict | None = None, organizer: str | None = None, **fields) -> dict:
        body = {
            "title": "三八节趣味运动会 Women's Day games",
            "kind": "sport",
            "starts_at": soon(72),
            "ends_at": soon(76),
            "registration_deadline": soon(48),
            **fields,
        }
        created = await self.api.post(
            f"/v1/organizations/{organizer or self.school}/activities", json=body, headers=headers or self.officer()
        )
        assert created.status_code == 201, created.text
        published = await self.api.post(
            f"/v1/activities/{created.json()['id']}/publication", headers=headers or self.officer()
        )
        assert published.status_code == 200, published.text
        return published.json()

    async def register(self, activity: dict, name: str, headers: dict | None = None) -> httpx.Response:
        return await self.api.post(
            f"/v1/activities/{activity['id']}/registrations",
            json={"member_id": str(self.members[name])},
            headers=headers or self.officer(),
        )


@pytest.fixture
async def county(build_service):
    runtime = await build_service(definition, start=False)
    transport = httpx.ASGITransport(app=create_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://events", timeout=30) as api:
        county = County(runtime, api)
        await county.setup()
        yield county


async def test_beyond_capacity_goes_to_the_waitlist_and_is_promoted_when_someone_cancels(county):
    api = county.api
    activity = await county.activity(capacity=2)
    assert activity["starts_at"].endswith("+08:00"), "times are shown in Asia/Shanghai"

    first = await county.register(activity, "李老师", headers=county.member("李老师"))  # registers herself
    second = await county.register(activity, "陈老师", headers=county.officer(county.group))  # her group leader
    third = await county.register(activity, "王老师")
    fourth = await county.register(activity, "孙老师")
    assert [r.status_code for r in (first, second, third, fourth)] == [201] * 4, fourth.text
    assert [r.json()["status"] for r in (first, second, third, fourth)] == [
        "confirmed",
        "confirmed",
        "waitlisted",
        "waitlisted",
    ]
    assert (third.json()["waitlist_position"], fourth.json()["waitlist_position"]) == (1, 2)
    assert (await county.register(activity, "李老师")).status_code == 409, "registered once"

    waitlist = (await api.get(f"/v1/activities/{activity['id']}/waitlist", headers=county.officer())).json()
    assert [(w["display_name"], w["waitlist_position"]) for w in waitlist] == [("王老师", 1), ("孙老师", 2)]

    withdrawn = await api.delete(
        f"/v1/activities/{activity['id']}/registrations/{county.members['李老师']}", headers=county.member("李老师")
    )
    assert withdrawn.status_code == 200, withdrawn.text
    assert withdrawn.json()["promoted_member_ids"] == [str(county.members["王老师"])]

    listed = (await api.get(f"/v1/activities/{activity['id']}/registrations", headers=county.officer())).json()
    assert [(r["display_name"], r["status"]) for r in listed] == [
        ("陈老师", "confirmed"),
        ("王老师", "confirmed"),
        ("孙老师", "waitlisted"),
    ]
    assert listed[1]["promoted_at"] is not None and listed[2]["waitlist_position"] == 1
    summary = (await api.get(f"/v1/activities/{activity['id']}", headers=county.member("孙老师"))).json()
    assert (summary["confirmed"], summary["waitlisted"]) == (2, 1)

    # A withdrawn member may ask again, and queues behind those already waiting.
    again = await county.register(activity, "李老师")
    assert (again.json()["status"], again.json()["waitlist_position"]) == ("waitlisted", 2)


async def test_simultaneous_registrations_for_the_last_places_do_not_overfill(county):
    activity = await county.activity(capacity=2)
    names = ["李老师", "王老师", "孙老师", "周老师", "陈老师"]
    answers = await asyncio.gather(*(county.register(activity, name) for name in names))
    assert [a.status_code for a in answers] == [201] * 5, [a.text for a in answers]
    assert sorted(a.json()["status"] for a in answers) == ["confirmed"] * 2 + ["waitlisted"] * 3
    assert sorted(a.json()["waitlist_position"] or 0 for a in answers) == [0, 0, 1, 2, 3]
    async with county.runtime.session_factory() as session:
        confirmed = await session.scalar(
            select(func.count()).where(
                activity_registrations.c.activity_id == uuid.UUID(activity["id"]),
                activity_registrations.c.status == "confirmed",
            )
        )
    assert confirmed == 2


async def test_ineligible_late_and_foreign_registrations_are_refused_with_a_reason(county):
    womens_day = await county.activity(eligible_gender="female", eligible_statuses=["active"])
    refused = await county.register(womens_day, "张老师", headers={**county.officer(), "Accept-Language": "en"})
    assert refused.status_code == 422 and refused.json()["code"] == "registration_gender_restricted"
    assert refused.json()["detail"] == "the activity is for women staff only"

    closed = await county.activity(registration_deadline=soon(-1), starts_at=soon(-0.5), ends_at=soon(2))
    late = await county.register(closed, "李老师")
    assert late.status_code == 422 and late.json()["code"] == "registration_closed"
    assert late.json()["detail"].startswith("报名已于 ") and late.json()["detail"].endswith("(Asia/Shanghai) 截止")

    # The county's activity for one school: a member of another school is outside it.
    county_admin = bearer(Role.FEDERATION_ADMIN, county.fed, county.fed)
    one_school = await county.activity(
        headers=county_admin, organizer=county.fed, scope_organization_ids=[county.school]
    )
    outsider = await county.register(one_school, "赵老师", headers=county_admin)
    assert outsider.status_code == 422 and outsider.json()["code"] == "registration_outside_scope"

    # A member registers only themself; an officer only members of their scope.
    assert (await county.register(womens_day, "王老师", headers=county.member("李老师"))).status_code == 403
    assert (await county.register(womens_day, "赵老师")).status_code == 404
    assert (
        await county.register(womens_day, "王老师", headers=bearer(Role.AUDITOR, county.fed, county.fed))
    ).status_code == 403

    async with county.runtime.session_factory() as session:
        count = await session.scalar(
            select(func.count()).where(
                activity_registrations.c.activity_id.in_([uuid.UUID(a["id"]) for a in (womens_day, closed, one_school)])
            )
        )
    assert count == 0, "nothing refused was written"


async def test_activities_of_another_school_answer_like_missing_ones_and_bad_input_changes_nothing(county):
    api = county.api
    activity = await county.activity()
    stranger = county.officer(county.other)
    foreign = await api.get(f"/v1/activities/{activity['id']}", headers=stranger)
    missing = await api.get(f"/v1/activities/{uuid.uuid4()}", headers=stranger)
    assert foreign.status_code == missing.status_code == 404 and refusal(foreign) == refusal(missing)
    assert (
        await api.post(f"/v1/activities/{activity['id']}/cancellation", json={"reason": "x"}, headers=stranger)
    ).status_code == 404
    # The other school sees its own list, without this school's activity.
    assert (await api.get(f"/v1/organizations/{county.other}/activities", headers=stranger)).json() == {
        "items": [],
        "next_cursor": None,
    }
    assert (await api.get(f"/v1/organizations/{county.school}/activities", headers=stranger)).status_code == 404
    # A county-wide activity is visible to every school's members.
    county_admin = bearer(Role.FEDERATION_ADMIN, county.fed, county.fed)
    county_wide = await county.activity(headers=county_admin, organizer=county.fed)
    seen = await api.get(f"/v1/activities/{county_wide['id']}", headers=county.member("赵老师", county.other))
    assert seen.status_code == 200
    assert (await api.post(f"/v1/activities/{county_wide['id']}/publication", headers=stranger)).status_code == 404

    auditor = bearer(Role.AUDITOR, county.fed, county.fed)
    assert (await api.get(f"/v1/activities/{activity['id']}/registrations", headers=auditor)).status_code == 200
    good = {
        "title": "拔河比赛 tug-of-war",
        "kind": "sport",
        "starts_at": soon(72),
        "ends_at": soon(76),
        "registration_deadline": soon(48),
    }
    assert (
        await api.post(f"/v1/organizations/{county.school}/activities", json=good, headers=auditor)
    ).status_code == 403

    async def rows():
        async with county.runtime.session_factory() as session:
            return (
                await session.scalar(select(func.count()).select_from(activities)),
                await session.scalar(select(func.count()).select_from(outbox)),
            )

    before = await rows()
    for bad in (
        {**good, "capacity": 0},
        {**good, "kind": "banquet"},
        {**good, "starts_at": "2026-03-08T09:00:00"},
        {**good, "registration_deadline": soon(100)},
        {**good, "budget": [{"kind": "cost", "label": "场地", "amount_fen": 99.5}]},
        {**good, "eligible_gender": "other"},
        {**good, "extra": 1},
        {**good, "scope_organization_ids": [county.other]},
    ):
        answer = await api.post(f"/v1/organizations/{county.school}/activities", json=bad, headers=county.officer())
        assert answer.status_code == 422, (bad, answer.text)
        assert answer.json()["detail"], "the refusal says why"
    assert await rows() == before


async def test_teams_attendance_and_awards(county):
    api = county.api
    activity = await county.activity(
        capacity=10, budget=[{"kind": "prizes", "label": "奖金 prizes", "amount_fen": 500_00}]
    )
    for name in ("李老师", "王老师", "孙老师", "周老师"):
        assert (await county.register(activity, name)).status_code == 201
    url = f"/v1/activities/{activity['id']}"
    m = county.members
    team = await api.post(
        f"{url}/teams",
        json={"name": "红队", "member_ids": [str(m["李老师"]), str(m["王老师"])]},
        headers=county.officer(),
    )
    assert team.status_code == 201, team.text
    twice = await api.post(
        f"{url}/teams", json={"name": "蓝队", "member_ids": [str(m["王老师"])]}, headers=county.officer()
    )
    assert twice.status_code == 422 and twice.json()["code"] == "already_in_team"
    outsider = await api.post(
        f"{url}/teams", json={"name": "蓝队", "member_ids": [str(m["张老师"])]}, headers=county.officer()
    )
    assert outsider.status_code == 422 and outsider.json()["code"] == "registration_not_confirmed"
    teams = (await api.get(f"{url}/teams", headers=county.member("孙老师"))).json()
    assert [(t["name"], len(t["member_ids"])) for t in teams] == [("红队", 2)]

    attended = await api.put(
        f"{url}/attendance", json={"member_ids": [str(m["李老师"]), str(m["孙老师"])]}, headers=county.officer()
    )
    assert attended.status_code == 200, attended.text
    assert {r["display_name"]: r["attended"] for r in attended.json()} == {
        "李老师": True,
        "王老师": None,
        "孙老师": True,
        "周老师": None,
    }

    team_award = await api.post(
        f"{url}/awards",
        json={
            "category": "团体",
            "level": "first",
            "team_id": team.json()["id"],
            "result": "3:1",
            "prize_fen": 300_00,
        },
        headers=county.officer(),
    )
    assert team_award.status_code == 201 and team_award.json()["team_name"] == "红队"
    over = await api.post(
        f"{url}/awards",
        json={
            "category": "个人",
            "level": "second",
            "member_id": str(m["孙老师"]),
            "prize_fen": 200_01,
        },
        headers=county.officer(),
    )
    assert over.status_code == 422 and over.json()["code"] == "prizes_over_budget"
    assert over.json()["detail"] == "奖金合计 500.01 元 超过奖金预算 500.00 元", "the sum from SQL is said in yuan"
    not_in = await api.post(
        f"{url}/awards",
        json={
            "category": "个人",
            "level": "third",
            "member_id": str(m["张老师"]),
            "prize_fen": 0,
        },
        headers=county.officer(),
    )
    assert not_in.status_code == 422 and not_in.json()["code"] == "registration_not_confirmed"
    assert (
        await api.post(
            f"{url}/awards",
            json={
                "category": "个人",
                "level": "second",
                "member_id": str(m["孙老师"]),
                "prize_fen": 200_00,
            },
            headers=county.member("孙老师"),
        )
    ).status_code == 403
    awards = (await api.get(f"{url}/awards", headers=county.member("孙老师"))).json()
    assert [(a["level"], a["prize_fen"]) for a in awards] == [("first", 300_00)]

    # The prize money is not reserved yet (finance has not answered): nothing is paid.
    early = await api.post(f"{url}/awards/publication", json={"paid_on": "2026-03-08"}, headers=county.officer())
    assert early.status_code == 409 and early.json()["code"] == "money_not_reserved"
    assert "待财务预留" in early.json()["detail"], "says the money is still waiting for finance"


async def test_finance_answers_are_recorded_once_and_never_move_a_hold_back(county):
    api = county.api
    activity = await county.activity(budget=[{"kind": "prizes", "label": "奖金", "amount_fen": 200_00}])
    url = f"/v1/activities/{activity['id']}"
    [item] = (await api.get(f"{url}/budget", headers=county.officer())).json()["items"]
    assert item["hold_status"] == "requested"

    def answer(operation: str, outcome: str, journal_event_id: str, reason: str | None = None):
        envelope = envelope_for(
            MoneyRequestSettledV1(
                organization_id=county.school,
                federation_id=county.fed,
                request_event_id=str(uuid.uuid4()),
                journal_event_id=journal_event_id,
                operation=operation,
                outcome=outcome,
                reason=reason,
                reference=f"hold/{item['hold_id']}",
                hold_id=uuid.UUID(item["hold_id"]),
            )
        )
        return IncomingMessage(
            topics.FINANCE,
            0,
            next(_offsets),
            envelope.key,
            envelope.data,
            tuple((k, v.encode()) for k, v in envelope.headers().items()),
        )

    reserved = answer("reserve", "reserved", "journal-1")
    assert await county.runtime.consumer.handle(reserved) is Outcome.PROCESSED
    assert await county.runtime.consumer.handle(reserved) is Outcome.DUPLICATE
    # The same answer of finance's journal under another event id is recognised too.
    assert await county.runtime.consumer.handle(answer("reserve", "reserved", "journal-1")) is Outcome.PROCESSED
    budget = (await api.get(f"{url}/budget", headers=county.officer())).json()["items"][0]
    assert budget["hold_status"] == "reserved" and len(budget["finance_answers"]) == 1

    assert (await county.register(activity, "李老师")).status_code == 201
    award = {"category": "个人", "level": "first", "member_id": str(county.members["李老师"]), "prize_fen": 150_00}
    assert (await api.post(f"{url}/awards", json=award, headers=county.officer())).status_code == 201
    published = await api.post(f"{url}/awards/publication", json={"paid_on": "2026-03-08"}, headers=county.officer())
    assert published.status_code == 200 and published.json()["prize_total_fen"] == 150_00
    await county.runtime.consumer.handle(answer("capture", "refused", "journal-2", "period 2026-03 is closed"))
    budget = (await api.get(f"{url}/budget", headers=county.officer())).json()["items"][0]
    assert (budget["hold_status"], budget["finance_reason"]) == ("reserved", "period 2026-03 is closed")
    await county.runtime.consumer.handle(answer("capture", "captured", "journal-3"))
    await county.runtime.consumer.handle(answer("reserve", "reserved", "journal-4"))  # a late straggler
    budget = (await api.get(f"{url}/budget", headers=county.officer())).json()["items"][0]
    assert budget["hold_status"] == "captured" and budget["paid_fen"] == 150_00
    assert [a["outcome"] for a in budget["finance_answers"]] == ["reserved", "refused", "captured", "reserved"]


async def test_activities_are_listed_a_page_at_a_time_and_filtered(county):
    api, officer = county.api, county.officer()
    made = [
        await county.activity(title=f"{title} {n}", starts_at=soon(72 + n), ends_at=soon(76 + n))
        for n, title in enumerate(("教职工羽毛球赛 badminton", "读书分享会 reading", "教职工篮球赛 basketball"))
    ]
    county_admin = bearer(Role.FEDERATION_ADMIN, county.fed, county.fed)
    cancelled = await county.activity(
        headers=county_admin, organizer=county.fed, title="全县合唱比赛 choir", starts_at=soon(100), ends_at=soon(104)
    )
    assert (
        await api.post(f"/v1/activities/{cancelled['id']}/cancellation", json={"reason": "雨天"}, headers=county_admin)
    ).status_code == 200

    async def listed(**params) -> list[str]:
        ids, cursor = [], None
        while True:
            query = {**params, **({"cursor": cursor} if cursor else {})}
            answer = await api.get(f"/v1/organizations/{county.school}/activities", params=query, headers=officer)
            assert answer.status_code == 200, answer.text
            ids += [a["id"] for a in answer.json()["items"]]
            if (cursor := answer.json()["next_cursor"]) is None:
                return ids

    everything = [a["id"] for a in made] + [cancelled["id"]]
    assert await listed(limit=3) == everything  # by start time, across pages
    assert await listed(title="教职工", limit=1) == [made[0]["id"], made[2]["id"]]
    assert await listed(title="READING") == [made[1]["id"]]
    assert await listed(status="cancelled") == [cancelled["id"]]
    assert await listed(status="published", **{"from": soon(73.5), "to": soon(90)}) == [made[2]["id"]]
    naive = await api.get(
        f"/v1/organizations/{county.school}/activities", params={"from": "2026-05-01T08:00"}, headers=officer
    )
    assert naive.status_code == 422
