"""Rationalization proposals and technical innovations over HTTP on real PostgreSQL: the steps and
the value history, lists with filters and paging, scope (another federation's officer 404 as for a
missing one, a member 403), refusals as problem details that write nothing, and the street
federation's year: 167 proposals, 4,806,000 yuan."""

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
from unionfed_events.adapters.improvement_tables import improvements
from unionfed_events.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.contracts.membership import MemberJoinedV1, OrganizationRegisteredV1
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration

TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
ENGLISH = {"Accept-Language": "en"}


@pytest.fixture
async def street(build_service):
    """A street federation with three enterprise unions and their workers, and another federation."""
    events = await build_service(definition)
    federation, elsewhere = unique("street"), unique("street")
    plants = [unique("plant") for _ in range(3)]

    def org(org_id, kind, parent, fed):
        return OrganizationRegisteredV1(
            organization_id=org_id,
            federation_id=fed,
            name=f"厂 {org_id}",
            kind=kind,
            parent_id=parent,
            path=[fed, org_id] if parent else [fed],
        )

    def worker(org_id, name, fed=federation):
        return MemberJoinedV1(
            organization_id=org_id,
            federation_id=fed,
            member_id=uuid.uuid4(),
            display_name=name,
            gender="male",
            joined_on=dt.date(2015, 3, 1),
        )

    workers = [worker(p, f"工人{i}") for i, p in enumerate(plants)]
    wang, zhou = worker(plants[0], "王师傅"), worker(plants[0], "周师傅")
    foreign_plant = unique("plant")
    await deliver(
        events,
        [
            org(federation, "federation", None, federation),
            *[org(p, "grassroots_union", federation, federation) for p in plants],
            org(elsewhere, "federation", None, elsewhere),
            org(foreign_plant, "grassroots_union", elsewhere, elsewhere),
            *workers,
            wang,
            zhou,
        ],
    )
    transport = httpx.ASGITransport(app=create_app(events))
    async with httpx.AsyncClient(transport=transport, base_url="http://events", timeout=30) as api:
        yield dict(
            runtime=events,
            api=api,
            federation=federation,
            plants=plants,
            workers=[w.member_id for w in workers],
            wang=wang.member_id,
            zhou=zhou.member_id,
            officers=[bearer(Role.UNION_OFFICER, p, federation, subject=f"officer-{p}") for p in plants],
            admin=bearer(Role.FEDERATION_ADMIN, federation, federation, subject="street-admin"),
            auditor=bearer(Role.AUDITOR, federation, federation),
            member=bearer(Role.MEMBER, plants[0], federation),
            foreign=bearer(Role.FEDERATION_ADMIN, elsewhere, elsewhere),
            foreign_officer=bearer(Role.UNION_OFFICER, foreign_plant, elsewhere),
        )


def proposal(proposer_ids, **more) -> dict:
    return {
        "kind": "rationalization",
        "title": "冷却水循环利用",
        "content": "将冲压车间冷却水回收后再用于清洗工序",
        "department": "冲压车间",
        "proposer_ids": [str(i) for i in proposer_ids],
        **more,
    }


async def stored_count(runtime) -> int:
    async with runtime.session_factory() as db:
        return await db.scalar(select(func.count()).select_from(improvements))


async def test_a_proposal_is_filed_decided_implemented_and_its_value_revised_with_history(street):
    api, officer, admin, auditor = street["api"], street["officers"][0], street["admin"], street["auditor"]
    plant = street["plants"][0]
    filed = await api.post(
        f"/v1/organizations/{plant}/improvements",
        headers=officer,
        json=proposal([street["zhou"], street["wang"]], kind="innovation"),
    )
    assert filed.status_code == 201, filed.text
    body = filed.json()
    assert [p["name"] for p in body["proposers"]] == ["周师傅", "王师傅"]
    assert (body["status"], body["filed_on"], body["value_fen"], body["value_history"]) == (
        "submitted",
        TODAY.isoformat(),
        None,
        [],
    )
    url = f"/v1/improvements/{body['id']}"

    adopted = await api.post(
        f"{url}/decision",
        headers=officer,
        json={"adopted": True, "note": "可行", "value": {"value_fen": 20_000_00, "note": "采纳时估算"}},
    )
    assert adopted.status_code == 200, adopted.text
    implemented = await api.post(f"{url}/implementation", headers=admin, json={})
    assert implemented.json()["status"] == "implemented"
    revised = await api.post(f"{url}/value", headers=admin, json={"value_fen": 28_800_00, "note": "财务科全年核定"})
    assert revised.status_code == 200, revised.text

    read = (await api.get(url, headers=auditor)).json()
    assert (read["status"], read["decided_on"], read["implemented_on"], read["value_fen"]) == (
        "implemented",
        TODAY.isoformat(),
        TODAY.isoformat(),
        28_800_00,
    )
    assert [(r["value_fen"], r["note"], r["recorded_by"]) for r in read["value_history"]] == [
        (20_000_00, "采纳时估算", f"officer-{plant}"),
        (28_800_00, "财务科全年核定", "street-admin"),
    ]
    assert read["value_history"][0]["recorded_at"].endswith("+08:00")


async def test_lists_filter_by_kind_status_and_year_and_page_in_filing_order(street):
    api, officer, admin = street["api"], street["officers"][1], street["admin"]
    plant, worker = street["plants"][1], street["workers"][1]
    ids = []
    for day, kind in ((dt.date(TODAY.year - 1, 12, 30), "innovation"), *[(TODAY, "rationalization")] * 3):
        answer = await api.post(
            f"/v1/organizations/{plant}/improvements",
            headers=officer,
            json=proposal([worker], kind=kind, filed_on=day.isoformat()),
        )
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["id"])
    await api.post(f"/v1/improvements/{ids[1]}/decision", headers=officer, json={"adopted": False, "note": "成本过高"})

    url = f"/v1/organizations/{street['federation']}/improvements"
    first = (await api.get(url, headers=admin, params={"limit": 2})).json()
    rest = (await api.get(url, headers=admin, params={"limit": 2, "cursor": first["next_cursor"]})).json()
    assert [i["id"] for i in first["items"] + rest["items"]] == sorted(ids[:1]) + sorted(ids[1:])
    assert rest["next_cursor"] is None
    this_year = (await api.get(url, headers=admin, params={"year": TODAY.year})).json()["items"]
    assert {i["id"] for i in this_year} == set(ids[1:])
    innovations = (await api.get(url, headers=admin, params={"kind": "innovation"})).json()["items"]
    assert [i["id"] for i in innovations] == [ids[0]]
    refused = (await api.get(url, headers=admin, params={"status": "not_adopted"})).json()["items"]
    assert [(i["id"], i["decision_note"]) for i in refused] == [(ids[1], "成本过高")]


async def test_another_federation_finds_nothing_and_a_member_is_refused_the_officer_routes(street):
    api, officer, member, foreign = street["api"], street["officers"][0], street["member"], street["foreign"]
    plant, federation = street["plants"][0], street["federation"]
    filed = (
        await api.post(f"/v1/organizations/{plant}/improvements", headers=officer, json=proposal([street["wang"]]))
    ).json()
    before = await stored_count(street["runtime"])

    for caller in (foreign, street["foreign_officer"]):
        for method, path, missing, body in (
            ("GET", f"/v1/improvements/{filed['id']}", f"/v1/improvements/{uuid.uuid4()}", None),
            (
                "POST",
                f"/v1/improvements/{filed['id']}/decision",
                f"/v1/improvements/{uuid.uuid4()}/decision",
                {"adopted": True},
            ),
            (
                "GET",
                f"/v1/organizations/{plant}/improvements",
                f"/v1/organizations/{unique('nowhere')}/improvements",
                None,
            ),
            (
                "GET",
                f"/v1/organizations/{federation}/improvement-rollup",
                f"/v1/organizations/{unique('nowhere')}/improvement-rollup",
                None,
            ),
            (
                "POST",
                f"/v1/organizations/{plant}/improvements",
                f"/v1/organizations/{unique('nowhere')}/improvements",
                proposal([street["wang"]]),
            ),
        ):
            seen = await api.request(method, path, headers=caller, json=body)
            absent = await api.request(method, missing, headers=caller, json=body)
            assert seen.status_code == absent.status_code == 404, (path, seen.text)
            assert refusal(seen) == refusal(absent), "out of scope reads exactly like missing"

    for method, path, body in (
        ("POST", f"/v1/organizations/{plant}/improvements", proposal([street["wang"]])),
        ("GET", f"/v1/organizations/{plant}/improvements", None),
        ("GET", f"/v1/improvements/{filed['id']}", None),
        ("POST", f"/v1/improvements/{filed['id']}/decision", {"adopted": True}),
        ("GET", f"/v1/organizations/{plant}/improvement-rollup", None),
    ):
        answer = await api.request(method, path, headers=member, json=body)
        assert answer.status_code == 403, (path, answer.text)
        assert answer.headers["content-type"] == "application/problem+json"
    assert await stored_count(street["runtime"]) == before, "no refusal wrote anything"
    assert (await api.get(f"/v1/improvements/{filed['id']}", headers=officer)).json()["status"] == "submitted"


async def test_bad_input_is_refused_with_stable_codes_and_writes_nothing(street):
    api, officer, runtime = street["api"], street["officers"][0], street["runtime"]
    plant, wang = street["plants"][0], street["wang"]
    url = f"/v1/organizations/{plant}/improvements"
    filed = (await api.post(url, headers=officer, json=proposal([wang]))).json()
    before = await stored_count(runtime)

    outsider = await api.post(url, headers={**officer, **ENGLISH}, json=proposal([wang, street["workers"][2]]))
    assert (outsider.status_code, outsider.json()["code"]) == (422, "improvement_proposer_not_member")
    assert outsider.headers["content-type"] == "application/problem+json"
    future = (TODAY + dt.timedelta(days=1)).isoformat()
    assert (await api.post(url, headers=officer, json=proposal([wang], filed_on=future))).json()["code"] == (
        "improvement_date_in_future"
    )
    federation_filing = await api.post(
        f"/v1/organizations/{street['federation']}/improvements", headers=street["admin"], json=proposal([wang])
    )
    assert federation_filing.json()["code"] == "improvement_needs_grassroots_union"
    for bad in (
        proposal([wang], kind="suggestion"),
        proposal([]),
        proposal([wang], title="  "),
        {**proposal([wang]), "unknown": 1},
    ):
        answer = await api.post(url, headers=officer, json=bad)
        assert (answer.status_code, answer.json()["code"]) == (422, "request_validation"), answer.text
        assert answer.json()["errors"], "each field refusal is named"

    decision = f"/v1/improvements/{filed['id']}/decision"
    not_adopted_with_value = await api.post(
        decision, headers=officer, json={"adopted": False, "value": {"value_fen": 100, "note": "估"}}
    )
    assert [e["code"] for e in not_adopted_with_value.json()["errors"]] == ["improvement_value_needs_adoption"]
    for value in ({"value_fen": -1, "note": "负"}, {"value_fen": 1.5, "note": "小数"}, {"value_fen": 100}):
        answer = await api.post(decision, headers=officer, json={"adopted": True, "value": value})
        assert (answer.status_code, answer.json()["code"]) == (422, "request_validation"), answer.text
    early = await api.post(decision, headers=officer, json={"adopted": True, "decided_on": "2000-01-01"})
    assert early.json()["code"] == "improvement_date_out_of_order"
    unvalued = await api.post(
        f"/v1/improvements/{filed['id']}/value", headers=officer, json={"value_fen": 1, "note": "估"}
    )
    assert (unvalued.status_code, unvalued.json()["code"]) == (409, "improvement_value_needs_adoption")
    not_adopted = await api.post(f"/v1/improvements/{filed['id']}/implementation", headers=officer, json={})
    assert (not_adopted.status_code, not_adopted.json()["code"]) == (409, "improvement_not_adopted")
    cursor = await api.get(url, headers=officer, params={"cursor": "bm90LWEtY3Vyc29y"})
    assert (cursor.status_code, cursor.json()["code"]) == (422, "cursor_invalid")

    assert await stored_count(runtime) == before, "nothing was created"
    stored = (await api.get(f"/v1/improvements/{filed['id']}", headers=officer)).json()
    assert (stored["status"], stored["value_fen"], stored["value_history"]) == ("submitted", None, [])


def values_summing_to(total_fen: int, count: int) -> list[int]:
    """``count`` unequal values (fen) that add up to ``total_fen`` exactly."""
    base = [total_fen * (i + 1) // sum(range(1, count + 1)) for i in range(count)]
    base[-1] += total_fen - sum(base)
    return base


async def test_the_street_federations_year_reproduces_167_proposals_and_4_806_000_yuan(street):
    """The figures of domain.md: 150 adopted (30 of them implemented, one valued twice) and 17 not,
    filed in three enterprise unions; a proposal of last year and another federation's count not."""
    api, admin, plants, workers = street["api"], street["admin"], street["plants"], street["workers"]
    values = values_summing_to(480_600_000, 150)
    for n in range(167):
        union = n % 3
        officer = street["officers"][union]
        kind = "innovation" if n % 4 == 0 else "rationalization"
        filed = await api.post(
            f"/v1/organizations/{plants[union]}/improvements",
            headers=officer,
            json=proposal([workers[union]], kind=kind, title=f"建议 {n + 1}"),
        )
        assert filed.status_code == 201, filed.text
        url = f"/v1/improvements/{filed.json()['id']}"
        if n >= 150:
            await api.post(f"{url}/decision", headers=officer, json={"adopted": False})
        elif n < 30:
            await api.post(f"{url}/decision", headers=officer, json={"adopted": True})
            implemented = await api.post(
                f"{url}/implementation", headers=officer, json={"value": {"value_fen": values[n], "note": "实施后核算"}}
            )
            assert implemented.status_code == 200, implemented.text
        elif n == 30:  # first estimated high, then revised: only the latest figure counts
            await api.post(
                f"{url}/decision",
                headers=officer,
                json={"adopted": True, "value": {"value_fen": 99_999_999, "note": "初估"}},
            )
            await api.post(f"{url}/value", headers=admin, json={"value_fen": values[n], "note": "核定"})
        else:
            decided = await api.post(
                f"{url}/decision",
                headers=officer,
                json={"adopted": True, "value": {"value_fen": values[n], "note": "估算"}},
            )
            assert decided.status_code == 200, decided.text
    last_year = await api.post(
        f"/v1/organizations/{plants[0]}/improvements",
        headers=street["officers"][0],
        json=proposal([workers[0]], filed_on=dt.date(TODAY.year - 1, 12, 31).isoformat()),
    )
    assert last_year.status_code == 201

    rollup = await api.get(
        f"/v1/organizations/{street['federation']}/improvement-rollup",
        headers=street["auditor"],
        params={"year": TODAY.year},
    )
    assert rollup.status_code == 200, rollup.text
    total = rollup.json()["total"]
    assert f"{total['filed']} proposals, {total['value_fen'] // 100:,} yuan" == "167 proposals, 4,806,000 yuan"
    assert total["value_fen"] % 100 == 0
    assert (total["adopted"], total["implemented"]) == (150, 30)
    unions = rollup.json()["unions"]
    assert [u["organization_id"] for u in unions] == sorted(plants)
    assert sum(u["filed"] for u in unions) == 167 and sum(u["value_fen"] for u in unions) == 480_600_000
    by_kind = rollup.json()["by_kind"]
    assert (by_kind["innovation"]["filed"], by_kind["rationalization"]["filed"]) == (42, 125)
    assert by_kind["innovation"]["value_fen"] + by_kind["rationalization"]["value_fen"] == 480_600_000

    rows = sheet_of(
        await api.get(
            f"/v1/organizations/{street['federation']}/improvement-rollup",
            headers=street["auditor"],
            params={"year": TODAY.year, "format": "xlsx"},
        )
    )
    assert rows[0] == ("工会", "提出（件）", "其中技术革新", "采纳（件）", "实施（件）", "创造经济效益（元）")
    assert [r[0] for r in rows[1:-1]] == [u["name"] for u in unions]
    assert rows[-1] == ("合计", 167, 42, 150, 30, 4_806_000)

    one_union = (
        await api.get(f"/v1/organizations/{plants[1]}/improvement-rollup", headers=street["officers"][1])
    ).json()
    assert [u["organization_id"] for u in one_union["unions"]] == [plants[1]]
    assert one_union["total"]["filed"] == sum(1 for n in range(167) if n % 3 == 1)
