"""Information reporting (信息报送) over HTTP on real PostgreSQL, the directory fed through Kafka:
a school's draft edited and submitted, the county's adoption at county level then city level with
the points of the table in force (kept when a new table is published), a decline with its reason,
drafts hidden from the level above, other federations' and sibling schools' callers answered as for
a missing item, refusals as problem details that write nothing, and the yearly ranking with shared
ranks as JSON and as an Excel sheet."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select

from services.events.tests.integration.test_event_sheets import sheet_of
from tests.kafka_tools import deliver
from tests.problem_tools import refusal
from tests.pytest_infra import bearer, unique
from unionfed_events.adapters.information_tables import info_adoptions, info_items, info_points_tables
from unionfed_events.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.contracts.membership import OrganizationRegisteredV1
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration

TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
async def county(build_service):
    """A county education union with three schools, and another federation with one."""
    events = await build_service(definition)
    federation, elsewhere = unique("county"), unique("county")
    schools = [unique("school") for _ in range(3)]
    foreign_school = unique("school")

    def org(org_id, kind, parent, fed, name):
        return OrganizationRegisteredV1(
            organization_id=org_id,
            federation_id=fed,
            name=name,
            kind=kind,
            parent_id=parent,
            path=[fed, org_id] if parent else [fed],
        )

    await deliver(
        events,
        [
            org(federation, "federation", None, federation, "某县教育工会"),
            *[org(s, "grassroots_union", federation, federation, n) for s, n in zip(schools, ("一小", "二小", "三小"))],
            org(elsewhere, "federation", None, elsewhere, "外县教育工会"),
            org(foreign_school, "grassroots_union", elsewhere, elsewhere, "外县一小"),
        ],
    )
    transport = httpx.ASGITransport(app=create_app(events))
    async with httpx.AsyncClient(transport=transport, base_url="http://events", timeout=30) as api:
        yield dict(
            runtime=events,
            api=api,
            federation=federation,
            schools=schools,
            officers=[bearer(Role.UNION_OFFICER, s, federation, subject=f"officer-{s}") for s in schools],
            admin=bearer(Role.FEDERATION_ADMIN, federation, federation, subject="county-admin"),
            county_officer=bearer(Role.UNION_OFFICER, federation, federation, subject="county-officer"),
            auditor=bearer(Role.AUDITOR, federation, federation),
            member=bearer(Role.MEMBER, schools[0], federation),
            foreign=bearer(Role.FEDERATION_ADMIN, elsewhere, elsewhere),
            foreign_officer=bearer(Role.UNION_OFFICER, foreign_school, elsewhere),
        )


def item(title="一小开展教职工趣味运动会", **more) -> dict:
    return {
        "title": title,
        "body": "4月20日，一小工会组织全体教职工开展趣味运动会，参与率100%。",
        "category": "work_news",
        "event_on": (TODAY - dt.timedelta(days=3)).isoformat(),
        "author": "张老师",
        **more,
    }


async def publish(county, effective_from: dt.date, points=(1, 3, 5)) -> httpx.Response:
    return await county["api"].post(
        f"/v1/federations/{county['federation']}/info-points-tables",
        headers=county["admin"],
        json={
            "effective_from": effective_from.isoformat(),
            "county": points[0],
            "city": points[1],
            "province": points[2],
        },
    )


async def submitted(county, school: int = 0, **more) -> dict:
    api, officer = county["api"], county["officers"][school]
    draft = await api.post(
        f"/v1/organizations/{county['schools'][school]}/info-items", headers=officer, json=item(**more)
    )
    assert draft.status_code == 201, draft.text
    sent = await api.post(f"/v1/info-items/{draft.json()['id']}/submission", headers=officer)
    assert sent.status_code == 200, sent.text
    return sent.json()


async def stored(runtime) -> tuple[int, int, int]:
    async with runtime.session_factory() as db:
        return tuple(
            [
                await db.scalar(select(func.count()).select_from(t))
                for t in (info_items, info_adoptions, info_points_tables)
            ]
        )


async def test_a_draft_is_edited_submitted_adopted_by_county_then_city_and_keeps_its_points(county):
    api, officer, admin = county["api"], county["officers"][0], county["admin"]
    first = await publish(county, TODAY - dt.timedelta(days=30))
    assert first.status_code == 201, first.text
    assert (first.json()["version"], first.json()["county"], first.json()["province"]) == (1, 1, 5)

    draft = (
        await api.post(f"/v1/organizations/{county['schools'][0]}/info-items", headers=officer, json=item())
    ).json()
    assert draft["status"] == "draft"
    url = f"/v1/info-items/{draft['id']}"
    assert (await api.get(url, headers=admin)).status_code == 404, "the county does not see a school's draft"
    edited = await api.put(url, headers=officer, json=item(title="趣味运动会凝心聚力", category="exemplary"))
    assert (edited.status_code, edited.json()["title"], edited.json()["category"]) == (
        200,
        "趣味运动会凝心聚力",
        "exemplary",
    )
    sent = (await api.post(f"{url}/submission", headers=officer)).json()
    assert (sent["status"], sent["submitted_on"]) == ("submitted", TODAY.isoformat())
    inbox = (
        await api.get(
            f"/v1/organizations/{county['federation']}/info-items", headers=admin, params={"status": "submitted"}
        )
    ).json()
    assert [i["id"] for i in inbox["items"]] == [draft["id"]]

    at_county = await api.post(f"{url}/adoptions", headers=county["county_officer"], json={"level": "county"})
    assert at_county.status_code == 200, at_county.text
    assert (at_county.json()["status"], at_county.json()["points"]) == ("adopted", 1)
    locked = await api.put(url, headers=officer, json=item())
    assert (locked.status_code, locked.json()["code"]) == (409, "info_item_locked")
    # A new table from tomorrow on changes nothing already adopted.
    assert (await publish(county, TODAY + dt.timedelta(days=1), (2, 6, 10))).status_code == 201
    at_city = (await api.post(f"{url}/adoptions", headers=admin, json={"level": "city"})).json()
    assert [(a["level"], a["points"], a["table_version"], a["adopted_on"]) for a in at_city["adoptions"]] == [
        ("county", 1, 1, TODAY.isoformat()),
        ("city", 3, 1, TODAY.isoformat()),
    ]
    assert at_city["points"] == 4
    for level, code in (
        ("city", "info_item_already_adopted_at_level"),
        ("county", "info_item_already_adopted_at_level"),
    ):
        again = await api.post(f"{url}/adoptions", headers=admin, json={"level": level})
        assert (again.status_code, again.json()["code"]) == (409, code)
    read = (await api.get(url, headers=county["auditor"])).json()
    assert (read["points"], [a["adopted_by"] for a in read["adoptions"]]) == (4, ["county-officer", "county-admin"])
    tables = (await api.get(f"/v1/federations/{county['federation']}/info-points-tables", headers=officer)).json()
    assert [(t["version"], t["city"]) for t in tables] == [(1, 3), (2, 6)]


async def test_the_level_above_declines_with_a_reason_and_the_school_rewrites_and_submits_again(county):
    api, officer, admin = county["api"], county["officers"][1], county["admin"]
    sent = await submitted(county, 1)
    url = f"/v1/info-items/{sent['id']}"
    declined = await api.post(f"{url}/declination", headers=admin, json={"reason": "与上月报送的信息重复"})
    assert (declined.json()["status"], declined.json()["decline_reason"]) == ("declined", "与上月报送的信息重复")
    own = await api.post(f"{url}/adoptions", headers={**officer, **ENGLISH}, json={"level": "county"})
    assert (own.status_code, own.json()["code"]) == (403, "info_upper_level_only")
    rewritten = await api.put(url, headers=officer, json=item(title="改写后再报"))
    assert rewritten.json()["status"] == "draft"
    assert (await api.post(f"{url}/submission", headers=officer)).json()["status"] == "submitted"
    no_table = await api.post(f"{url}/adoptions", headers=admin, json={"level": "county"})
    assert (no_table.status_code, no_table.json()["code"]) == (409, "info_points_table_missing")
    assert "积分表" in no_table.json()["detail"]


async def test_other_unions_and_federations_find_nothing_and_refusals_write_nothing(county):
    api, officer, admin = county["api"], county["officers"][0], county["admin"]
    await publish(county, TODAY - dt.timedelta(days=30))
    sent = await submitted(county, 0)
    draft = (
        await api.post(f"/v1/organizations/{county['schools'][0]}/info-items", headers=officer, json=item())
    ).json()
    before = await stored(county["runtime"])
    sibling = county["officers"][1]
    for caller, target in (
        (county["foreign"], sent["id"]),
        (county["foreign_officer"], sent["id"]),
        (sibling, sent["id"]),
        (sibling, draft["id"]),
        (admin, draft["id"]),
    ):
        for method, suffix, body in (
            ("GET", "", None),
            ("PUT", "", item()),
            ("POST", "/submission", None),
            ("POST", "/adoptions", {"level": "county"}),
            ("POST", "/declination", {"reason": "不采用"}),
        ):
            seen = await api.request(method, f"/v1/info-items/{target}{suffix}", headers=caller, json=body)
            absent = await api.request(method, f"/v1/info-items/{uuid.uuid4()}{suffix}", headers=caller, json=body)
            assert seen.status_code == absent.status_code == 404, (suffix, seen.text)
            assert refusal(seen) == refusal(absent), "out of scope reads exactly like missing"
    for caller in (county["foreign"], county["foreign_officer"]):
        for path in (
            f"/v1/organizations/{county['schools'][0]}/info-items",
            f"/v1/organizations/{county['federation']}/info-ranking",
            f"/v1/federations/{county['federation']}/info-points-tables",
        ):
            seen = await api.get(path, headers=caller)
            absent = await api.get(
                path.replace(county["federation"], unique("nowhere")).replace(county["schools"][0], unique("nowhere")),
                headers=caller,
            )
            assert seen.status_code == absent.status_code == 404, path
            assert refusal(seen) == refusal(absent)
    for method, path, body in (
        ("POST", f"/v1/organizations/{county['schools'][0]}/info-items", item()),
        ("GET", f"/v1/info-items/{sent['id']}", None),
        ("GET", f"/v1/organizations/{county['schools'][0]}/info-ranking", None),
    ):
        answer = await api.request(method, path, headers=county["member"], json=body)
        assert answer.status_code == 403, (path, answer.text)
    upper_draft = await api.post(f"/v1/organizations/{county['schools'][0]}/info-items", headers=admin, json=item())
    assert (upper_draft.status_code, upper_draft.json()["code"]) == (403, "info_own_union_only")
    officer_table = await api.post(
        f"/v1/federations/{county['federation']}/info-points-tables",
        headers=county["county_officer"],
        json={"county": 1, "city": 2, "province": 3},
    )
    assert officer_table.status_code == 403
    url = f"/v1/organizations/{county['schools'][0]}/info-items"
    for bad, code in (
        (item(body="<script>alert(1)</script>"), "info_body_not_plain_text"),
        (item(event_on=(TODAY + dt.timedelta(days=1)).isoformat()), "info_event_in_future"),
        (item(category="gossip"), "request_validation"),
        (item(title="x" * 101), "request_validation"),
        ({**item(), "unknown": 1}, "request_validation"),
    ):
        answer = await api.post(url, headers=officer, json=bad)
        assert (answer.status_code, answer.json()["code"]) == (422, code), answer.text
        assert answer.headers["content-type"] == "application/problem+json"
    backdated = await publish(county, TODAY - dt.timedelta(days=1))
    assert (backdated.status_code, backdated.json()["code"]) == (422, "info_points_table_backdated")
    earlier = await publish(county, TODAY - dt.timedelta(days=40))
    assert (earlier.status_code, earlier.json()["code"]) == (409, "info_points_table_not_after_latest")
    unordered = await publish(county, TODAY + dt.timedelta(days=5), (5, 3, 1))
    assert (unordered.status_code, unordered.json()["code"]) == (422, "info_points_not_ascending")
    assert await stored(county["runtime"]) == before, "no refusal wrote anything"


async def test_the_yearly_ranking_shares_ranks_on_equal_points_and_downloads_as_excel(county):
    api, admin = county["api"], county["admin"]
    await publish(county, TODAY - dt.timedelta(days=30))
    one = await submitted(county, 0)
    await api.post(f"/v1/info-items/{one['id']}/adoptions", headers=admin, json={"level": "county"})
    await api.post(f"/v1/info-items/{one['id']}/adoptions", headers=admin, json={"level": "city"})  # 4
    two = await submitted(county, 1)
    await api.post(f"/v1/info-items/{two['id']}/adoptions", headers=admin, json={"level": "city"})  # 3
    three = await submitted(county, 1)
    await api.post(f"/v1/info-items/{three['id']}/adoptions", headers=admin, json={"level": "county"})  # 1
    await submitted(county, 2)  # submitted, not adopted

    url = f"/v1/organizations/{county['federation']}/info-ranking"
    ranking = (await api.get(url, headers=county["auditor"])).json()
    assert ranking["year"] == TODAY.year
    ranked = [(u["name"], u["rank"], u["submitted"], u["county"], u["city"], u["points"]) for u in ranking["unions"]]
    # Equal points share rank 1 (listed in tree order); the next union is third.
    assert sorted(ranked[:2]) == [("一小", 1, 1, 1, 1, 4), ("二小", 1, 2, 1, 1, 4)]
    assert ranked[2] == ("三小", 3, 1, 0, 0, 0)
    assert ranking["total"] == {"submitted": 4, "county": 2, "city": 2, "province": 0, "points": 8}
    assert (await api.get(url, headers=admin, params={"year": TODAY.year - 1})).json()["total"]["points"] == 0
    rows = sheet_of(await api.get(url, headers=admin, params={"format": "xlsx"}))
    header = rows[0]
    assert header == ("名次", "工会", "报送（篇）", "县级采用", "市级采用", "省级采用", "积分")
    body = rows[1:]
    assert sorted(body[:2]) == [(1, "一小", 1, 1, 1, 0, 4), (1, "二小", 2, 1, 1, 0, 4)]
    assert body[2] == (3, "三小", 1, 0, 0, 0, 0)
    assert body[-1] == (None, "合计", 4, 2, 2, 0, 8)
    school = (
        await api.get(f"/v1/organizations/{county['schools'][2]}/info-ranking", headers=county["officers"][2])
    ).json()
    assert [(u["name"], u["rank"], u["submitted"]) for u in school["unions"]] == [("三小", 1, 1)]


async def test_lists_page_newest_event_first_and_filter_by_status_category_union_and_year(county):
    api, officer, admin = county["api"], county["officers"][0], county["admin"]
    school = county["schools"][0]
    ids = []
    for days, category in ((1, "work_news"), (5, "experience"), (9, "work_news")):
        sent = await submitted(county, 0, category=category, event_on=(TODAY - dt.timedelta(days=days)).isoformat())
        ids.append(sent["id"])
    draft = (await api.post(f"/v1/organizations/{school}/info-items", headers=officer, json=item())).json()
    other = await submitted(county, 1)

    url = f"/v1/organizations/{county['federation']}/info-items"
    first = (await api.get(url, headers=admin, params={"limit": 2})).json()
    rest = (await api.get(url, headers=admin, params={"limit": 2, "cursor": first["next_cursor"]})).json()
    seen = [i["id"] for i in first["items"] + rest["items"]]
    assert rest["next_cursor"] is None
    assert set(seen) == {*ids, other["id"]}, "the county sees every submitted item and no draft"
    assert [i for i in seen if i in ids] == ids, "newest event first"
    experience = (await api.get(url, headers=admin, params={"category": "experience"})).json()["items"]
    assert [i["id"] for i in experience] == [ids[1]]
    only_one = (await api.get(url, headers=admin, params={"union": county["schools"][1]})).json()["items"]
    assert [i["id"] for i in only_one] == [other["id"]]
    drafts = (
        await api.get(f"/v1/organizations/{school}/info-items", headers=officer, params={"status": "draft"})
    ).json()
    assert [i["id"] for i in drafts["items"]] == [draft["id"]]
    assert (await api.get(url, headers=admin, params={"year": TODAY.year - 5})).json()["items"] == []
