"""Membership reports on real PostgreSQL: counts and 入会率 per union and for the tree, changes per period."""

import csv
import io
from urllib.parse import unquote

import httpx
import openpyxl
import pytest

from tests.pytest_infra import bearer, unique
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import commands, founding
from unionfed_shared.auth import Role, platform_admin
from unionfed_shared.documents.spreadsheet import MEDIA_TYPE as XLSX
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration


@pytest.fixture
async def county(build_service):
    runtime = await build_service(definition)
    fed, a, group, b, c = unique("county"), unique("school-a"), unique("maths"), unique("school-b"), unique("school-c")
    async with runtime.uow() as uow:
        await founding.found_federation(
            uow, platform_admin("ops"), commands.FoundFederation(id=fed, name="某县教育工会")
        )
    admin = bearer(Role.FEDERATION_ADMIN, fed, fed, "admin-wang")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(runtime)), base_url="http://m") as api:
        for org_id, name, kind, parent in (
            (a, "第一小学工会", "grassroots_union", fed),
            (group, "数学组", "union_group", a),
            (b, "实验中学工会", "grassroots_union", fed),
            (c, "中心幼儿园工会", "grassroots_union", fed),
        ):
            body = {"id": org_id, "name": name, "kind": kind, "parent_id": parent}
            assert (await api.post("/v1/organizations", json=body, headers=admin)).status_code == 201
        yield api, admin, fed, a, group, b, c


async def enrol(api, org, headers, name, joined_on) -> str:
    body = {"display_name": name, "gender": "female", "joined_on": joined_on}
    response = await api.post(f"/v1/organizations/{org}/members", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_membership_rate_per_union_and_for_the_tree_with_joins_leaves_and_transfers(county):
    api, admin, fed, a, group, b, c = county
    await enrol(api, group, admin, "a1", "2026-03-01")
    await enrol(api, a, admin, "a2", "2015-09-01")
    a3 = await enrol(api, a, admin, "a3", "2026-04-01")
    a4 = await enrol(api, a, admin, "a4", "2015-09-01")
    await enrol(api, b, admin, "b1", "2026-05-01")
    b2 = await enrol(api, b, admin, "b2", "2015-09-01")
    await enrol(api, c, admin, "c1", "2015-09-01")
    for member, path, body in (
        (a3, "status", {"status": "retired", "effective_on": "2026-10-01"}),
        (a4, "transfer", {"to_organization_id": b, "effective_on": "2026-11-01"}),
        (b2, "status", {"status": "left", "effective_on": "2026-06-01"}),
    ):
        changed = await api.post(f"/v1/members/{member}/{path}", json=body, headers=admin)
        assert changed.status_code == 200, changed.text

    officer_a = bearer(Role.UNION_OFFICER, a, fed, "officer-a")
    for org, count, headers in ((a, 4, officer_a), (b, 3, admin)):
        put = await api.put(f"/v1/organizations/{org}/staff-count", json={"staff_count": count}, headers=headers)
        assert put.status_code == 200 and put.json() == {"organization_id": org, "staff_count": count}
    assert (
        await api.put(f"/v1/organizations/{group}/staff-count", json={"staff_count": 3}, headers=admin)
    ).status_code == 422
    assert (
        await api.put(f"/v1/organizations/{a}/staff-count", json={"staff_count": -1}, headers=admin)
    ).status_code == 422
    assert (
        await api.put(f"/v1/organizations/{b}/staff-count", json={"staff_count": 9}, headers=officer_a)
    ).status_code == 404

    response = await api.get(
        f"/v1/organizations/{fed}/membership-report", params={"from": "2026-01-01", "to": "2026-11-23"}, headers=admin
    )
    assert response.status_code == 200, response.text
    report = response.json()
    unions = {u["organization_id"]: u for u in report["unions"]}
    assert [
        (unions[o]["active_members"], unions[o]["retired_members"], unions[o]["membership_rate_percent"])
        for o in (a, b, c)
    ] == [
        (2, 1, "50.00"),  # the group's member counts in its union; the retiree is not staff
        (2, 0, "66.67"),
        (1, 0, None),  # no staff count: no rate, never 0% or 100%
    ]
    assert {k: unions[a][k] for k in ("joined", "retired", "transferred_out", "transferred_in", "left")} == {
        "joined": 2,
        "retired": 1,
        "transferred_out": 1,
        "transferred_in": 0,
        "left": 0,
    }
    assert {k: unions[b][k] for k in ("joined", "transferred_in", "left")} == {
        "joined": 1,
        "transferred_in": 1,
        "left": 1,
    }
    total = report["total"]
    assert (total["active_members"], total["staff_count"], total["membership_rate_percent"]) == (5, 7, "57.14")
    assert (total["joined"], total["left"], total["retired"]) == (3, 1, 1)
    assert report["unions_without_staff_count"] == [c]

    october = (
        await api.get(
            f"/v1/organizations/{a}/membership-report",
            params={"from": "2026-10-01", "to": "2026-10-31"},
            headers=officer_a,
        )
    ).json()
    [only_a] = october["unions"]
    assert (only_a["retired"], only_a["joined"], only_a["transferred_out"]) == (1, 0, 0)
    assert october["total"]["membership_rate_percent"] == "50.00"

    as_csv = await api.get(
        f"/v1/organizations/{fed}/membership-report",
        params={"from": "2026-01-01", "to": "2026-11-23", "format": "csv"},
        headers=admin,
    )
    assert as_csv.status_code == 200 and as_csv.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[1][:7] == ["组织代码", "组织名称", "职工人数", "在职会员", "退休会员", "会员合计", "入会率(%)"]
    assert rows[-1][:7] == [fed, "合计 某县教育工会", "7", "5", "1", "6", "57.14"]
    assert [r[0] for r in rows[2:-1]] == [u["organization_id"] for u in report["unions"]]

    as_xlsx = await api.get(
        f"/v1/organizations/{fed}/membership-report",
        params={"from": "2026-01-01", "to": "2026-11-23", "format": "xlsx"},
        headers=admin,
    )
    assert as_xlsx.status_code == 200 and as_xlsx.headers["content-type"] == XLSX
    assert unquote(as_xlsx.headers["content-disposition"].split("filename*=UTF-8''")[1]) == (
        "会员统计-某县教育工会-2026-01-01-2026-11-23.xlsx"
    )
    header, *sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).active.iter_rows(values_only=True)
    assert header[:7] == ("组织代码", "组织名称", "职工人数", "在职会员", "退休会员", "会员合计", "入会率(%)")
    assert [row[0] for row in sheet[:-1]] == [u["organization_id"] for u in report["unions"]]
    assert sheet[-1][:8] == (fed, "合计 某县教育工会", 7, 5, 1, 6, 57.14, 3), "numbers, not text"
    by_union = {row[0]: row for row in sheet}
    assert (by_union[a][1], by_union[a][6], by_union[c][2], by_union[c][6]) == ("第一小学工会", 50, None, None)
    english = await api.get(
        f"/v1/organizations/{fed}/membership-report",
        params={"from": "2026-01-01", "to": "2026-11-23", "format": "xlsx"},
        headers={**admin, "Accept-Language": "en"},
    )
    english_rows = list(openpyxl.load_workbook(io.BytesIO(english.content)).active.iter_rows(values_only=True))
    assert english_rows[0][:3] == ("Code", "Organization", "Staff") and english_rows[-1][1] == "Total: 某县教育工会"

    stranger = bearer(Role.UNION_OFFICER, b, fed)
    assert (await api.get(f"/v1/organizations/{a}/membership-report", headers=stranger)).status_code == 404
    hidden = await api.get(f"/v1/organizations/{a}/membership-report", params={"format": "xlsx"}, headers=stranger)
    assert hidden.status_code == 404 and hidden.json()["code"] == "organization_not_found"
    backwards = await api.get(
        f"/v1/organizations/{a}/membership-report", params={"from": "2026-11-01", "to": "2026-10-01"}, headers=admin
    )
    assert backwards.status_code == 422
