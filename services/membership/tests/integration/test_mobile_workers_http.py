"""Migrant and new-form workers and the spring campaign's labour-contract checks over HTTP on real
PostgreSQL: a rider of a trade union changes employer twice and keeps the membership, then moves
into the new employer's union (会籍接转) through the ordinary transfer, and the history shows both;
the counts and the signing-rate roll-up answer over the subtree; bad input is a problem with a
stable code, in Chinese by default and in English on request, and writes nothing."""

import datetime as dt
import io
import json
from urllib.parse import unquote

import httpx
import openpyxl
import pytest
from sqlalchemy import func, select

from tests.pytest_infra import bearer, unique
from unionfed_membership.adapters.labour_contract_tables import labour_contract_checks
from unionfed_membership.adapters.mobile_worker_tables import joint_unions, member_employments, member_worker_categories
from unionfed_membership.adapters.tables import member_history, outbox
from unionfed_membership.domain.enterprises import credit_code_check_character
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import commands, founding
from unionfed_shared import business_time
from unionfed_shared.auth import Role, platform_admin
from unionfed_shared.contracts.membership import MemberTransferredV1
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration

TODAY = business_time.today(business_time.DEFAULT_ZONE)


def day(days_ago: int) -> str:
    return (TODAY - dt.timedelta(days=days_ago)).isoformat()


def code(n: int) -> str:
    body = f"91310115MA1K3Q{n:03d}"
    return body + credit_code_check_character(body)


@pytest.fixture
async def street(build_service):
    runtime = await build_service(definition)
    street, elsewhere = unique("street"), unique("street")
    for fed, name in ((street, "某街道总工会"), (elsewhere, "另一街道总工会")):
        async with runtime.uow() as uow:
            await founding.found_federation(uow, platform_admin("ops"), commands.FoundFederation(id=fed, name=name))
    admin = bearer(Role.FEDERATION_ADMIN, street, street, "admin-zhao")
    transport = httpx.ASGITransport(app=create_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://membership", timeout=20) as api:
        yield runtime, api, admin, street, elsewhere


async def ok(answer: httpx.Response, status: int = 200):
    assert answer.status_code == status, answer.text
    return answer.json()


async def enterprise(api, admin, street_id: str, name: str, n: int, workers: int = 120, union: str | None = None):
    registered = await ok(
        await api.post(
            f"/v1/organizations/{street_id}/enterprises",
            json={"name": name, "credit_code": code(n), "workers": workers},
            headers=admin,
        ),
        201,
    )
    if union:
        await ok(
            await api.post(
                f"/v1/enterprises/{registered['id']}/union",
                json={"union_id": union, "union_name": f"{name}工会", "founded_on": day(200)},
                headers=admin,
            ),
            201,
        )
    return registered


async def count(runtime, table) -> int:
    async with runtime.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(table))


async def test_a_rider_changes_employer_keeps_the_membership_then_transfers_into_the_employers_union(street):
    runtime, api, admin, street_id, _ = street
    riders = unique("riders")
    await ok(
        await api.post(
            "/v1/organizations",
            json={"id": riders, "name": "快递外卖行业工会", "kind": "grassroots_union", "parent_id": street_id},
            headers=admin,
        ),
        201,
    )
    designated = await ok(
        await api.put(
            f"/v1/organizations/{riders}/joint-union",
            json={"form": "trade", "trade": "外卖配送", "designated_on": day(300)},
            headers=admin,
        )
    )
    assert (designated["form"], designated["trade"]) == ("trade", "外卖配送")
    jia_union = unique("jia-union")
    jia = await enterprise(api, admin, street_id, "甲物流", 1, union=jia_union)
    officer = bearer(Role.UNION_OFFICER, riders, street_id, "officer-riders")
    li = await ok(
        await api.post(
            f"/v1/organizations/{riders}/members",
            json={"display_name": "李骑手", "gender": "male", "joined_on": day(250)},
            headers=officer,
        ),
        201,
    )
    record = await ok(
        await api.put(
            f"/v1/members/{li['id']}/worker-category",
            json={"migrant_worker": True, "new_form": "delivery_rider", "effective_on": day(250)},
            headers=officer,
        )
    )
    assert record["category"] == {"migrant_worker": True, "new_form": "delivery_rider", "effective_on": day(250)}
    assert record["joint_union"]["organization_id"] == riders

    # Two employers while in the trade union: a platform company by name, then an enterprise of the register.
    await ok(
        await api.post(
            f"/v1/members/{li['id']}/employer-changes",
            json={"employer_name": "某外卖平台", "effective_on": day(250)},
            headers=officer,
        ),
        201,
    )
    record = await ok(
        await api.post(
            f"/v1/members/{li['id']}/employer-changes",
            json={"enterprise_id": jia["id"], "effective_on": day(30)},
            headers=officer,
        ),
        201,
    )
    assert [(e["employer_name"], e["started_on"], e["ended_on"]) for e in record["employments"]] == [
        ("某外卖平台", day(250), day(31)),
        ("甲物流", day(30), None),
    ]
    assert record["employer"]["enterprise_id"] == jia["id"]
    assert (record["member"]["organization_id"], record["member"]["status"]) == (riders, "active")

    # 会籍接转: the trade union's officer cannot reach the enterprise's union; the federation admin can.
    refused = await api.post(
        f"/v1/members/{li['id']}/transfer-to-employer-union", json={"effective_on": day(0)}, headers=officer
    )
    assert refused.status_code == 404 and refused.json()["code"] == "organization_not_found"
    moved = await ok(
        await api.post(
            f"/v1/members/{li['id']}/transfer-to-employer-union", json={"effective_on": day(0)}, headers=admin
        )
    )
    assert (moved["change"]["status"], moved["member"]["organization_id"]) == ("applied", jia_union)
    history = await ok(await api.get(f"/v1/members/{li['id']}/history", headers=admin))
    assert [(h["change"], h["organization_id"], h["effective_on"]) for h in history] == [
        ("joined", riders, day(250)),
        ("employer_changed", riders, day(250)),
        ("employer_changed", riders, day(30)),
        ("transferred_out", riders, day(0)),
        ("transferred_in", jia_union, day(0)),
    ]
    async with runtime.session_factory() as session:
        payloads = (
            await session.scalars(select(outbox.c.payload).where(outbox.c.event_type == MemberTransferredV1.event_type))
        ).all()
    [event] = [json.loads(p) for p in payloads if json.loads(p)["member_id"] == li["id"]]
    assert (event["organization_id"], event["from_organization_id"]) == (jia_union, riders)
    # The employer's union reaches the member now; the employment goes on.
    jia_officer = bearer(Role.UNION_OFFICER, jia_union, street_id, "officer-jia")
    record = await ok(await api.get(f"/v1/members/{li['id']}/worker-record", headers=jia_officer))
    assert (record["employer"]["employer_name"], record["joint_union"]) == ("甲物流", None)
    assert (await api.get(f"/v1/members/{li['id']}/worker-record", headers=officer)).status_code == 404

    counts = await ok(
        await api.get(f"/v1/organizations/{street_id}/mobile-worker-counts", params={"to": day(0)}, headers=admin)
    )
    assert counts["migrant_workers"] == {"members": 1, "joined": 1}
    assert {f["form"]: f["members"] for f in counts["by_form"]}["delivery_rider"] == 1
    # The membership report counts the joining and the transfer; the employer changes are no change of membership.
    report = await ok(
        await api.get(
            f"/v1/organizations/{street_id}/membership-report", params={"from": day(365), "to": day(0)}, headers=admin
        )
    )
    assert (report["total"]["joined"], report["total"]["transferred_in"], report["total"]["transferred_out"]) == (
        1,
        1,
        1,
    )


async def test_the_counts_download_as_a_sheet_with_the_same_figures_in_either_language(street):
    runtime, api, admin, street_id, _ = street
    joint = unique("joint")
    await ok(
        await api.post(
            "/v1/organizations",
            json={"id": joint, "name": "某街道联合工会", "kind": "grassroots_union", "parent_id": street_id},
            headers=admin,
        ),
        201,
    )
    await ok(
        await api.put(
            f"/v1/organizations/{joint}/joint-union", json={"form": "joint", "designated_on": day(500)}, headers=admin
        )
    )
    group = unique("riders-group")
    await ok(
        await api.post(
            "/v1/organizations",
            json={"id": group, "name": "外卖配送小组", "kind": "union_group", "parent_id": joint},
            headers=admin,
        ),
        201,
    )
    # (name, joined days ago, migrant, new form, where): one joined before the period, three in it.
    for name, joined, migrant, form, where in (
        ("王快递", 400, False, "courier", joint),
        ("李骑手", 60, True, "delivery_rider", joint),
        ("赵骑手", 50, False, "delivery_rider", group),
        ("钱师傅", 40, True, None, joint),
    ):
        member = await ok(
            await api.post(
                f"/v1/organizations/{where}/members",
                json={"display_name": name, "gender": "male", "joined_on": day(joined)},
                headers=admin,
            ),
            201,
        )
        await ok(
            await api.put(
                f"/v1/members/{member['id']}/worker-category",
                json={"migrant_worker": migrant, "new_form": form, "effective_on": day(joined)},
                headers=admin,
            )
        )
        # A member of the union's group (工会小组) is in the joint union too.
        record = await ok(await api.get(f"/v1/members/{member['id']}/worker-record", headers=admin))
        assert (record["joint_union"]["organization_id"], record["joint_union"]["form"]) == (joint, "joint"), name
    period = {"from": day(100), "to": day(0)}
    counts = await ok(
        await api.get(f"/v1/organizations/{street_id}/mobile-worker-counts", params=period, headers=admin)
    )
    assert (counts["migrant_workers"], counts["new_form_workers"], counts["migrant_and_new_form"]) == (
        {"members": 2, "joined": 2},
        {"members": 3, "joined": 2},
        {"members": 1, "joined": 1},
    )
    sheet = await api.get(
        f"/v1/organizations/{street_id}/mobile-worker-counts", params={**period, "format": "xlsx"}, headers=admin
    )
    assert sheet.status_code == 200, sheet.text
    assert sheet.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert unquote(sheet.headers["content-disposition"].split("filename*=UTF-8''")[1]) == (
        f"农民工和新就业形态劳动者入会情况-某街道总工会-{day(100)}~{day(0)}.xlsx"
    )
    header, *lines = openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True)
    assert header == ("类别", "在册会员（人）", "其中期内入会（人）")
    assert lines == [
        ("农民工", 2, 2),
        ("新就业形态劳动者", 3, 2),
        ("其中：既是农民工又是新就业形态劳动者", 1, 1),
        ("外卖骑手", 2, 2),
        ("快递员", 1, 0),
        ("网约车司机", 0, 0),
        ("货车司机", 0, 0),
        ("其他新就业形态", 0, 0),
    ]
    english = await api.get(
        f"/v1/organizations/{street_id}/mobile-worker-counts",
        params={**period, "format": "xlsx"},
        headers={**admin, "Accept-Language": "en"},
    )
    header, *lines = openpyxl.load_workbook(io.BytesIO(english.content)).active.iter_rows(values_only=True)
    assert header == ("Category", "Active members", "Of them joined in the period")
    assert lines[1] == ("New-form workers", 3, 2) and lines[4] == ("Couriers", 1, 0)
    # The sheet answers to the same rules as the JSON: a member of the street may not read it.
    member = bearer(Role.MEMBER, street_id, street_id, "member-li")
    refused = await api.get(
        f"/v1/organizations/{street_id}/mobile-worker-counts", params={"format": "xlsx"}, headers=member
    )
    assert refused.status_code == 403 and refused.json()["code"] == "role_not_allowed"


async def test_the_spring_campaign_rollup_and_who_may_see_it(street):
    runtime, api, admin, street_id, elsewhere = street
    jia = await enterprise(api, admin, street_id, "甲物流", 11, workers=60)
    yi = await enterprise(api, admin, street_id, "乙建筑", 12, workers=60)
    for enterprise_id, on, workers, migrant in (
        (jia["id"], day(60), (50, 45), (40, 36)),
        (jia["id"], day(20), (50, 50), (40, 40)),
        (yi["id"], day(40), (50, 49), (40, 39)),
    ):
        await ok(
            await api.post(
                f"/v1/enterprises/{enterprise_id}/labour-contract-checks",
                json={
                    "checked_on": on,
                    "workers_checked": workers[0],
                    "workers_signed": workers[1],
                    "migrant_checked": migrant[0],
                    "migrant_signed": migrant[1],
                },
                headers=admin,
            ),
            201,
        )
    auditor = bearer(Role.AUDITOR, street_id, street_id, "auditor-qian")
    rollup = await ok(
        await api.get(
            f"/v1/organizations/{street_id}/labour-contract-checks/rollup",
            params={"from": day(90), "to": day(0)},
            headers=auditor,
        )
    )
    assert rollup["enterprises_checked"] == 2
    assert rollup["overall"] == {"signed": 99, "of": 100, "per_mille": 990, "percent": 99.0}
    assert rollup["migrant"] == {"signed": 79, "of": 80, "per_mille": 988, "percent": 98.8}
    assert [(b["enterprise_name"], b["check"]["migrant_rate"]["per_mille"]) for b in rollup["below"]] == [
        ("乙建筑", 975)
    ]
    checks = await ok(await api.get(f"/v1/enterprises/{jia['id']}/labour-contract-checks", headers=auditor))
    assert [c["rate"]["per_mille"] for c in checks] == [900, 1000]
    foreign = bearer(Role.FEDERATION_ADMIN, elsewhere, elsewhere, "admin-other")
    answer = await api.get(f"/v1/enterprises/{jia['id']}/labour-contract-checks", headers=foreign)
    assert answer.status_code == 404 and answer.json()["code"] == "enterprise_not_found"
    member = bearer(Role.MEMBER, street_id, street_id, "member-li")
    answer = await api.get(f"/v1/organizations/{street_id}/labour-contract-checks/rollup", headers=member)
    assert answer.status_code == 403 and answer.json()["code"] == "role_not_allowed"
    answer = await api.post(
        f"/v1/enterprises/{jia['id']}/labour-contract-checks",
        json={"checked_on": day(1), "workers_checked": 1, "workers_signed": 1},
        headers=auditor,
    )
    assert answer.status_code == 403


async def test_the_spring_campaign_rollup_as_a_sheet_counts_each_enterprise_by_its_latest_check(street):
    _, api, admin, street_id, _ = street
    jia = await enterprise(api, admin, street_id, "甲物流", 31, workers=60)
    yi = await enterprise(api, admin, street_id, "乙建筑", 32, workers=60)
    await enterprise(api, admin, street_id, "丙商贸", 33, workers=60)  # not checked: no line
    for enterprise_id, on, workers, migrant in (
        (jia["id"], day(60), (50, 45), (40, 36)),
        (jia["id"], day(20), (50, 50), (40, 40)),
        (yi["id"], day(40), (50, 49), (40, 39)),
    ):
        await ok(
            await api.post(
                f"/v1/enterprises/{enterprise_id}/labour-contract-checks",
                json={
                    "checked_on": on,
                    "workers_checked": workers[0],
                    "workers_signed": workers[1],
                    "migrant_checked": migrant[0],
                    "migrant_signed": migrant[1],
                },
                headers=admin,
            ),
            201,
        )
    auditor = bearer(Role.AUDITOR, street_id, street_id, "auditor-qian")
    period = {"from": day(90), "to": day(0)}
    sheet = await api.get(
        f"/v1/organizations/{street_id}/labour-contract-checks/rollup",
        params={**period, "format": "xlsx"},
        headers=auditor,
    )
    assert sheet.status_code == 200, sheet.text
    assert unquote(sheet.headers["content-disposition"].split("filename*=UTF-8''")[1]) == (
        f"劳动合同签订检查情况-某街道总工会-{day(90)}~{day(0)}.xlsx"
    )
    header, *lines = openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True)
    assert header == (
        "企业",
        "检查日期",
        "检查职工（人）",
        "已签订（人）",
        "签订率（%）",
        "检查农民工（人）",
        "农民工已签订（人）",
        "农民工签订率（%）",
        "低于目标",
    )
    assert [(line[0], line[1].date() if line[1] else None, *line[2:]) for line in lines] == [
        ("乙建筑", dt.date.fromisoformat(day(40)), 50, 49, 98, 40, 39, 97.5, "是"),
        ("甲物流", dt.date.fromisoformat(day(20)), 50, 50, 100, 40, 40, 100, "否"),
        ("合计", None, 100, 99, 99, 80, 79, 98.8, 1),
    ]
    # At a lower target no enterprise is below it.
    lower = await api.get(
        f"/v1/organizations/{street_id}/labour-contract-checks/rollup",
        params={**period, "format": "xlsx", "below_per_mille": 950},
        headers={**auditor, "Accept-Language": "en"},
    )
    header, *lines = openpyxl.load_workbook(io.BytesIO(lower.content)).active.iter_rows(values_only=True)
    assert (header[0], header[-1]) == ("Enterprise", "Below the target")
    assert [(line[0], line[-1]) for line in lines] == [("乙建筑", "no"), ("甲物流", "no"), ("Total", 0)]
    member = bearer(Role.MEMBER, street_id, street_id, "member-li")
    refused = await api.get(
        f"/v1/organizations/{street_id}/labour-contract-checks/rollup", params={"format": "xlsx"}, headers=member
    )
    assert refused.status_code == 403 and refused.json()["code"] == "role_not_allowed"


async def test_bad_input_is_a_problem_with_a_stable_code_in_both_languages_and_writes_nothing(street):
    runtime, api, admin, street_id, _ = street
    jia = await enterprise(api, admin, street_id, "甲物流", 21, workers=60, union=unique("jia-union"))
    member = await ok(
        await api.post(
            f"/v1/organizations/{street_id}/members",
            json={"display_name": "x", "gender": "male", "joined_on": day(10)},
            headers=admin,
        ),
        422,
    )
    assert member["code"] == "organization_cannot_hold_members"
    riders = unique("riders")
    await ok(
        await api.post(
            "/v1/organizations",
            json={"id": riders, "name": "联合工会", "kind": "grassroots_union", "parent_id": street_id},
            headers=admin,
        ),
        201,
    )
    li = await ok(
        await api.post(
            f"/v1/organizations/{riders}/members",
            json={"display_name": "李", "gender": "male", "joined_on": day(100)},
            headers=admin,
        ),
        201,
    )
    tables = (joint_unions, member_worker_categories, member_employments, labour_contract_checks, member_history)
    before = [await count(runtime, t) for t in tables]
    cases = [
        (
            "put",
            f"/v1/organizations/{riders}/joint-union",
            {"form": "trade", "designated_on": day(1)},
            422,
            "trade_missing",
        ),
        (
            "put",
            f"/v1/organizations/{riders}/joint-union",
            {"form": "x", "designated_on": day(1)},
            422,
            "request_validation",
        ),
        (
            "put",
            f"/v1/organizations/{street_id}/joint-union",
            {"form": "joint", "designated_on": day(1)},
            422,
            "joint_union_not_grassroots",
        ),
        (
            "put",
            f"/v1/members/{li['id']}/worker-category",
            {"migrant_worker": True, "effective_on": day(-1)},
            422,
            "category_date_in_future",
        ),
        (
            "put",
            f"/v1/members/{li['id']}/worker-category",
            {"migrant_worker": True, "new_form": "pilot", "effective_on": day(1)},
            422,
            "request_validation",
        ),
        (
            "post",
            f"/v1/members/{li['id']}/employer-changes",
            {"enterprise_id": jia["id"], "employer_name": "甲", "effective_on": day(1)},
            422,
            "employer_ambiguous",
        ),
        ("post", f"/v1/members/{li['id']}/employer-changes", {"effective_on": day(1)}, 409, "no_current_employer"),
        (
            "post",
            f"/v1/members/{li['id']}/transfer-to-employer-union",
            {"effective_on": day(0)},
            409,
            "employer_not_in_register",
        ),
        (
            "post",
            f"/v1/enterprises/{jia['id']}/labour-contract-checks",
            {"checked_on": day(1), "workers_checked": 10, "workers_signed": 11},
            422,
            "signed_exceeds_checked",
        ),
        (
            "post",
            f"/v1/enterprises/{jia['id']}/labour-contract-checks",
            {"checked_on": day(1), "workers_checked": 0, "workers_signed": 0},
            422,
            "request_validation",
        ),
    ]
    for method, path, body, status, expected in cases:
        for language in ("zh-CN", "en"):
            answer = await api.request(method.upper(), path, json=body, headers={**admin, "Accept-Language": language})
            assert answer.status_code == status, (path, answer.text)
            problem = answer.json()
            assert answer.headers["content-type"] == "application/problem+json" and problem["code"] == expected
            if language == "zh-CN" and expected != "request_validation":
                assert any("\u4e00" <= ch <= "\u9fff" for ch in problem["detail"]), problem
    for params in ({"from": day(1), "to": day(10)}, {"below_per_mille": 1001}):
        for path in (
            f"/v1/organizations/{street_id}/labour-contract-checks/rollup",
            f"/v1/organizations/{street_id}/mobile-worker-counts",
        ):
            answer = await api.get(path, params=params, headers=admin)
            if "below_per_mille" in params and "mobile-worker" in path:
                continue  # the counts take no rate
            assert answer.status_code == 422, answer.text
            assert answer.json()["code"] in ("period_reversed", "request_validation")
    assert [await count(runtime, t) for t in tables] == before
