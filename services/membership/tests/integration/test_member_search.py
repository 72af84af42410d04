"""Members over a whole subtree: cursor paging, name search on Chinese names, filters, scope (real PostgreSQL)."""

import datetime as dt

import httpx
import pytest
from sqlalchemy import text

from tests.problem_tools import refusal
from tests.pytest_infra import bearer, unique
from unionfed_membership.domain.personal_data import id_check_character
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import commands, founding
from unionfed_shared.auth import Role, platform_admin
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration

SURNAMES = ("王", "李", "张")


@pytest.fixture
async def membership(build_service):
    return await build_service(definition, start=False)


@pytest.fixture
async def county(membership):
    """A county with two schools directly under it, a sub-federation with a third school, and a
    union group inside the first school; 12 members in each of the four, none in the county itself."""
    county_id = unique("county")
    async with membership.uow() as uow:
        await founding.found_federation(
            uow, platform_admin("ops"), commands.FoundFederation(id=county_id, name="某县教育工会")
        )
    ids = {
        "county": county_id,
        "east": unique("east"),
        "a": unique("a"),
        "b": unique("b"),
        "c": unique("c"),
        "group": unique("g"),
    }
    admin = bearer(Role.FEDERATION_ADMIN, county_id, county_id, "admin-wang")
    transport = httpx.ASGITransport(app=create_app(membership))
    async with httpx.AsyncClient(transport=transport, base_url="http://membership", timeout=30) as api:
        for key, kind, parent in (
            ("east", "federation", "county"),
            ("a", "grassroots_union", "county"),
            ("b", "grassroots_union", "county"),
            ("c", "grassroots_union", "east"),
            ("group", "union_group", "a"),
        ):
            answer = await api.post(
                "/v1/organizations",
                json={"id": ids[key], "name": f"{key} 工会", "kind": kind, "parent_id": ids[parent]},
                headers=admin,
            )
            assert answer.status_code == 201, answer.text
        enrolled: dict[str, list[dict]] = {}
        for n, key in enumerate(("a", "b", "c", "group")):
            for i in range(12):
                name = f"{SURNAMES[i % 3]}老师{n}{i:02d}"
                enrolled.setdefault(key, []).append(await enrol(api, ids[key], admin, name, staff_no=f"T{n}{i:02d}"))
        yield api, ids, admin, enrolled


async def enrol(api, organization_id: str, headers: dict, name: str, **extra) -> dict:
    answer = await api.post(
        f"/v1/organizations/{organization_id}/members",
        json={"display_name": name, "gender": "female", "joined_on": "2020-09-01", **extra},
        headers=headers,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


async def every_page(api, organization_id: str, headers: dict, **params) -> tuple[list[dict], int]:
    """All items, following next_cursor; and how many pages that took."""
    items, pages, cursor = [], 0, None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        answer = await api.get(f"/v1/organizations/{organization_id}/members", params=query, headers=headers)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        items += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return items, pages


async def test_a_federation_lists_every_member_below_it_page_by_page(county):
    api, ids, admin, enrolled = county
    everyone = sorted(m["id"] for ms in enrolled.values() for m in ms)

    listed, pages = await every_page(api, ids["county"], admin, limit=7)

    assert sorted(m["id"] for m in listed) == everyone  # no gaps
    assert len(listed) == len({m["id"] for m in listed}) == 48  # no duplicates
    assert pages == 7  # 48 members, 7 a page
    assert [(m["display_name"], m["id"]) for m in listed] == sorted((m["display_name"], m["id"]) for m in listed)
    # A sub-federation lists its own school only; a school lists its union group's members too.
    under_east, _ = await every_page(api, ids["east"], admin)
    assert sorted(m["id"] for m in under_east) == sorted(m["id"] for m in enrolled["c"])
    under_a, _ = await every_page(api, ids["a"], admin)
    assert sorted(m["id"] for m in under_a) == sorted(m["id"] for m in enrolled["a"] + enrolled["group"])


async def test_members_enrolled_while_paging_neither_repeat_nor_hide_others(county):
    api, ids, admin, enrolled = county
    first = (await api.get(f"/v1/organizations/{ids['county']}/members", params={"limit": 10}, headers=admin)).json()
    # One sorts before the cursor, one after: neither shifts the rows already there.
    before = await enrol(api, ids["b"], admin, "丁老师")
    after = await enrol(api, ids["b"], admin, "黄老师")
    rest, _ = await every_page(api, ids["county"], admin, limit=10, cursor=first["next_cursor"])

    seen = [m["id"] for m in first["items"] + rest]
    assert len(seen) == len(set(seen))
    assert set(seen) == {m["id"] for ms in enrolled.values() for m in ms} | {after["id"]}
    assert before["id"] not in seen and first["items"][-1]["display_name"] > "丁老师"


async def test_name_search_finds_chinese_names_by_one_character_or_three(county):
    api, ids, admin, enrolled = county
    zhang, _ = await every_page(api, ids["county"], admin, name="张", limit=5)
    expected = sorted(m["id"] for ms in enrolled.values() for m in ms if m["display_name"].startswith("张"))
    assert sorted(m["id"] for m in zhang) == expected and len(expected) == 16

    full = await enrol(api, ids["c"], admin, "张三丰")
    await enrol(api, ids["c"], admin, "张三")
    found = (
        await api.get(f"/v1/organizations/{ids['county']}/members", params={"name": "张三丰"}, headers=admin)
    ).json()
    assert [m["id"] for m in found["items"]] == [full["id"]] and found["next_cursor"] is None
    two = (await api.get(f"/v1/organizations/{ids['county']}/members", params={"name": "三丰"}, headers=admin)).json()
    assert [m["id"] for m in two["items"]] == [full["id"]]
    # Latin names ignore case, with one or two letters (a gram) as with more.
    latin = await enrol(api, ids["a"], admin, "Li Hua")
    for query in ("LI", "h", "li hua"):
        found = (
            await api.get(f"/v1/organizations/{ids['county']}/members", params={"name": query}, headers=admin)
        ).json()
        assert [m["id"] for m in found["items"]] == [latin["id"]], query
    # A % in the query is a character to find, not a wildcard.
    nothing = await api.get(f"/v1/organizations/{ids['county']}/members", params={"name": "%"}, headers=admin)
    assert nothing.json() == {"items": [], "next_cursor": None}


async def test_filters_by_union_status_and_staff_number(county):
    api, ids, admin, enrolled = county
    in_c, _ = await every_page(api, ids["county"], admin, union=ids["c"])
    assert sorted(m["id"] for m in in_c) == sorted(m["id"] for m in enrolled["c"])
    # A union outside the listed subtree gives nothing, not its members.
    outside = await api.get(f"/v1/organizations/{ids['east']}/members", params={"union": ids["a"]}, headers=admin)
    assert outside.json()["items"] == []

    retiring = enrolled["b"][3]
    changed = await api.post(
        f"/v1/members/{retiring['id']}/status",
        json={"status": "retired", "effective_on": dt.date.today().isoformat()},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text
    retired, _ = await every_page(api, ids["county"], admin, status="retired")
    assert [m["id"] for m in retired] == [retiring["id"]]
    active, _ = await every_page(api, ids["county"], admin, status="active", name="老师")
    assert len(active) == 47

    [by_staff_no] = (await every_page(api, ids["county"], admin, staff_no="T105"))[0]
    assert by_staff_no["id"] == enrolled["b"][5]["id"]
    # Staff numbers are officers' data: a member may not probe for them.
    member = bearer(Role.MEMBER, ids["b"], ids["county"], "member-1")
    probe = await api.get(f"/v1/organizations/{ids['b']}/members", params={"staff_no": "T105"}, headers=member)
    assert probe.status_code == 403


async def test_an_organization_out_of_scope_answers_like_a_missing_one(county):
    api, ids, _, _ = county
    officer_b = bearer(Role.UNION_OFFICER, ids["b"], ids["county"], "officer-b")
    refused = await api.get(f"/v1/organizations/{ids['a']}/members", headers=officer_b)
    missing = await api.get("/v1/organizations/no-such-school/members", headers=officer_b)
    assert refused.status_code == missing.status_code == 404
    assert refusal(refused) == refusal(missing) and refused.json()["code"] == "organization_not_found"
    # The officer's own school answers, with its members only.
    own, _ = await every_page(api, ids["b"], officer_b)
    assert len(own) == 12


async def test_a_cursor_not_given_by_the_list_is_refused(county):
    api, ids, admin, _ = county
    for cursor in ("not-a-cursor", "WyJ4Il0", "WyJ4IiwgIm5vdC1hLXV1aWQiXQ"):
        answer = await api.get(f"/v1/organizations/{ids['county']}/members", params={"cursor": cursor}, headers=admin)
        assert answer.status_code == 422, (cursor, answer.text)
    too_many = await api.get(f"/v1/organizations/{ids['county']}/members", params={"limit": 501}, headers=admin)
    assert too_many.status_code == 422


def id_number(serial: int) -> str:
    first_17 = f"33010219900101{serial:03d}"
    return first_17 + id_check_character(first_17)


async def test_officers_find_a_member_by_the_last_four_characters_of_the_id_number(county, membership):
    api, ids, admin, _ = county
    # Tails differ only in their last three digits and check character; one ends in X.
    numbers = [id_number(serial) for serial in range(1, 40)]
    wanted = next(n for n in numbers if n.endswith("X"))
    enrolled = [await enrol(api, ids["c"], admin, f"身份证{i:02d}", id_number=n) for i, n in enumerate(numbers)]
    target = enrolled[numbers.index(wanted)]

    for typed in (wanted[-4:], wanted[-4:].lower(), f" {wanted[-4:]} "):
        found, _ = await every_page(api, ids["county"], admin, id_tail=typed)
        assert [m["id"] for m in found] == [target["id"]], typed
        assert found[0]["id_number_masked"].endswith(wanted[-4:])
    # Outside the union asked for, nothing; combined with a name, both apply.
    assert (await every_page(api, ids["county"], admin, id_tail=wanted[-4:], union=ids["a"]))[0] == []
    assert (await every_page(api, ids["county"], admin, id_tail=wanted[-4:], name="老师"))[0] == []

    # The table keeps no digit of the tail readable: a keyed digest only.
    async with membership.uow() as uow:
        stored = (
            await uow.session.execute(
                text("SELECT id_number_tail_digest FROM members WHERE id = :id"), {"id": target["id"]}
            )
        ).scalar_one()
    assert stored and wanted[-4:] not in stored and len(stored) == 64


async def test_the_id_tail_is_refused_in_chinese_when_malformed_and_to_anyone_but_officers(county):
    api, ids, admin, _ = county
    for typed in ("12", "12345", "12X4", "abcd"):
        answer = await api.get(f"/v1/organizations/{ids['county']}/members", params={"id_tail": typed}, headers=admin)
        assert answer.status_code == 422, (typed, answer.text)
        assert answer.json()["code"] == "id_tail_invalid"
        assert "身份证号的后 4 位" in answer.json()["detail"]
    member = bearer(Role.MEMBER, ids["b"], ids["county"], "member-1")
    for typed in ("1234", "12"):  # refused before the tail is even read: a member learns nothing
        probe = await api.get(f"/v1/organizations/{ids['b']}/members", params={"id_tail": typed}, headers=member)
        assert probe.status_code == 403


async def test_a_members_dues_are_listed_month_by_month_across_unions(county):
    api, ids, admin, enrolled = county
    teacher = enrolled["a"][0]
    for period, org in (("2026-10", ids["a"]), ("2026-09", ids["a"])):
        paid = await api.post(
            f"/v1/organizations/{org}/dues-payments",
            json={"member_id": teacher["id"], "period": period, "amount_fen": 2150},
            headers=admin,
        )
        assert paid.status_code == 201, paid.text
    moved = await api.post(
        f"/v1/members/{teacher['id']}/transfer",
        json={"to_organization_id": ids["b"], "effective_on": "2026-11-01"},
        headers=admin,
    )
    assert moved.status_code == 200, moved.text
    paid = await api.post(
        f"/v1/organizations/{ids['b']}/dues-payments",
        json={"member_id": teacher["id"], "period": "2026-11", "amount_fen": 2200},
        headers=admin,
    )
    assert paid.status_code == 201, paid.text

    dues = (await api.get(f"/v1/members/{teacher['id']}/dues-payments", headers=admin)).json()
    assert [(d["period"], d["organization_id"], d["amount_fen"]) for d in dues] == [
        ("2026-09", ids["a"], 2150),
        ("2026-10", ids["a"], 2150),
        ("2026-11", ids["b"], 2200),
    ]
    # Someone who may not see the member gets the same answer as for no member at all.
    officer_c = bearer(Role.UNION_OFFICER, ids["c"], ids["county"], "officer-c")
    hidden = await api.get(f"/v1/members/{teacher['id']}/dues-payments", headers=officer_c)
    missing = await api.get("/v1/members/00000000-0000-0000-0000-000000000000/dues-payments", headers=officer_c)
    assert hidden.status_code == missing.status_code == 404 and refusal(hidden) == refusal(missing)
