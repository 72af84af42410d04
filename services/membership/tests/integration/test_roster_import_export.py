"""Rosters on real PostgreSQL: .xlsx and GB18030 .csv imports, line-numbered refusals, no duplicates, masked export."""

import asyncio
import csv
import datetime as dt
import io
import json

import click
import httpx
import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from sqlalchemy import text

from tests.pytest_infra import bearer, service_env, unique
from unionfed_membership.entrypoints import roster_cli, roster_http
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import commands, founding, roster_import
from unionfed_shared.auth import Role, platform_admin
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["姓名", "性别", "身份证号", "手机", "工号", "入会日期", "基本工资", "工会小组"]
CHEN_ID, LI_ID, ZHAO_ID = "110101198511120025", "110101199003070011", "440304197806150039"


@pytest.fixture
async def school(build_service):
    database = f"t_membership_{unique('r').replace('-', '_')}"
    runtime = await build_service(definition, database=database)
    county, school, group, other = unique("county"), unique("school"), unique("maths"), unique("school")
    async with runtime.uow() as uow:
        await founding.found_federation(
            uow, platform_admin("ops"), commands.FoundFederation(id=county, name="某县教育工会")
        )
    admin = bearer(Role.FEDERATION_ADMIN, county, county, "admin-wang")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(runtime)), base_url="http://m") as api:
        for org_id, name, kind, parent in (
            (school, "第一小学工会", "grassroots_union", county),
            (group, "数学组", "union_group", school),
            (other, "第二中学工会", "grassroots_union", county),
        ):
            body = {"id": org_id, "name": name, "kind": kind, "parent_id": parent}
            assert (await api.post("/v1/organizations", json=body, headers=admin)).status_code == 201
        officer = bearer(Role.UNION_OFFICER, school, county, "officer-li")
        yield api, officer, county, school, group, other, database


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


async def upload(api, org, headers, name, data, media_type, **params):
    return await api.post(
        f"/v1/organizations/{org}/roster-imports",
        params=params,
        files={"file": (name, data, media_type)},
        headers=headers,
    )


async def members_of(api, org, headers) -> list[dict]:
    """Members directly in the organization (the list covers the subtree), every page."""
    found, params = [], {"limit": 100}
    while True:
        response = await api.get(f"/v1/organizations/{org}/members", params=params, headers=headers)
        assert response.status_code == 200, response.text
        found += [m for m in response.json()["items"] if m["organization_id"] == org]
        if not (cursor := response.json()["next_cursor"]):
            return found
        params["cursor"] = cursor


async def test_an_xlsx_roster_with_bad_rows_imports_nothing_then_its_good_rows_once(school):
    api, officer, county, union, group, other, _ = school
    data = xlsx(
        [
            ["陈老师", "女", CHEN_ID, "13800138000", "T001", dt.date(2015, 9, 1), 4300, "数学组"],
            ["错号", "男", "110101199003070012", "", "T002", dt.date(2016, 9, 1), 4300, ""],  # check digit wrong
            ["李老师", "男", LI_ID, "", "T003", "2018-09-01", "5200.50", ""],
            ['=HYPERLINK("http://evil")', "男", "", "", "T004", "2019-09-01", "", ""],
            ["王老师", "女", "", "", "T005", "2020/9/1", "", "物理组"],  # no such union group
            ["孙老师", "女", "", "", "T006", "2020-09-01", "", ""],  # no ID: known by staff number
        ]
    )
    # The dry run answers every refused row with its line, and what the rest would do; it imports nothing.
    preview = await upload(api, union, officer, "名册.xlsx", data, XLSX, dry_run="true")
    assert preview.status_code == 200, preview.text
    checked = roster_http.RosterImportOut.model_validate(preview.json())
    assert (checked.dry_run, checked.imported, checked.rows, checked.to_create, checked.created) == (
        True,
        False,
        6,
        3,
        0,
    )
    assert [r.line for r in checked.refused_rows] == [3, 5, 6]
    assert await members_of(api, union, officer) == [] and await members_of(api, group, officer) == []

    refused = await upload(api, union, officer, "名册.xlsx", data, XLSX)
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert (body["imported"], body["created"], body["rows"]) == (False, 0, 6)
    # Each refusal with its stable code, said in Chinese (the default) or in the language asked for.
    assert [(r["line"], r["code"], r["reason"].split("：")[0]) for r in body["refused_rows"]] == [
        (3, "id_number_check_digit_wrong", "身份证号"),
        (5, "roster_cell_formula", "姓名"),
        (6, "roster_group_unknown", "工会小组“物理组”不是“第一小学工会”下的工会小组"),
    ]
    assert "公式" in body["refused_rows"][1]["reason"]
    english = await upload(api, union, {**officer, "Accept-Language": "en"}, "名册.xlsx", data, XLSX, dry_run="true")
    assert [r["reason"] for r in english.json()["refused_rows"]][1:] == [
        "姓名: a cell may not start with = + - @ (formula injection)",
        "工会小组 '物理组' is not a union group of 第一小学工会",
    ]
    assert await members_of(api, union, officer) == [] and await members_of(api, group, officer) == []

    imported = await upload(api, union, officer, "名册.xlsx", data, XLSX, import_valid_rows="true")
    assert imported.status_code == 200, imported.text
    assert (imported.json()["created"], imported.json()["skipped_already_members"], imported.json()["refused"]) == (
        3,
        0,
        3,
    )
    in_union = {m["display_name"]: m for m in await members_of(api, union, officer)}
    [in_group] = await members_of(api, group, officer)
    assert set(in_union) == {"李老师", "孙老师"} and in_group["display_name"] == "陈老师"
    assert in_group["joined_on"] == "2015-09-01"

    rerun = await upload(api, union, officer, "名册.xlsx", data, XLSX, dry_run="true")
    assert (rerun.json()["to_create"], sorted(s["line"] for s in rerun.json()["skipped"])) == (0, [2, 4, 7])
    again = await upload(api, union, officer, "名册.xlsx", data, XLSX, import_valid_rows="true")
    assert (again.json()["created"], again.json()["skipped_already_members"]) == (0, 3)
    assert sorted((s["line"], s["reason"]) for s in again.json()["skipped"]) == [
        (2, "已是会员"),
        (4, "已是会员"),
        (7, "已是会员"),
    ]
    assert len(await members_of(api, union, officer)) == 2 and len(await members_of(api, group, officer)) == 1

    # The same person is recognised across the federation, whichever union imports them.
    other_officer = bearer(Role.UNION_OFFICER, other, county, "officer-zhao")
    moved = xlsx([["陈老师", "女", CHEN_ID, "", "X9", "2015-09-01", "", ""]])
    elsewhere = await upload(api, other, other_officer, "r.xlsx", moved, XLSX)
    assert (elsewhere.json()["created"], elsewhere.json()["skipped"][0]["member_id"]) == (0, in_group["id"])
    # …and an office outside the union's scope cannot import into it.
    assert (await upload(api, union, other_officer, "r.xlsx", moved, XLSX)).status_code == 404


async def test_a_gb18030_csv_reports_bad_lines_and_reimports_without_duplicates(school):
    api, officer, county, union, group, other, _ = school
    text = (
        "姓名,性别,身份证号,手机,工号,入会日期,基本工资,工会小组\r\n"
        f'赵老师,男,{ZHAO_ID},139 0013 9000,S1,2012-09-01,"4,800.00",\r\n'
        "钱老师,女,,,S2,2013-09-01,3900,数学组\r\n"
        "周老师,不详,,,S3,2013-09-01,,\r\n"
        "吴老师,女,,,S4,明年,,\r\n"
        "郑老师,女,,,S2,2014-09-01,,\r\n"
    )
    data = text.encode("gb18030")
    refused = await upload(api, union, officer, "名册.csv", data, "text/csv")
    assert refused.status_code == 422
    assert [(r["line"], r["reason"]) for r in refused.json()["refused_rows"]] == [
        (4, "性别“不详”应为“男”或“女”"),
        (5, "入会日期“明年”不是日期（应如 2021-09-01）"),
        (6, "工号 S2 与第 3 行重复"),
    ]
    first = await upload(api, union, officer, "名册.csv", data, "text/csv", import_valid_rows="true")
    assert (first.json()["created"], first.json()["refused"]) == (2, 3)
    second = await upload(api, union, officer, "名册.csv", data, "text/csv", import_valid_rows="true")
    assert (second.json()["created"], second.json()["skipped_already_members"]) == (0, 2)
    [zhao] = await members_of(api, union, officer)
    assert zhao["display_name"] == "赵老师"
    # The same roster saved as UTF-8 with a BOM reads the same.
    bom = await upload(api, union, officer, "r.csv", text.encode("utf-8-sig"), "text/csv", import_valid_rows="true")
    assert (bom.json()["created"], bom.json()["skipped_already_members"]) == (0, 2)


async def test_oversized_and_unreadable_uploads_are_refused_with_a_clear_4xx(school, monkeypatch):
    api, officer, county, union, *_ = school
    big = b"x" * (roster_import.MAX_BYTES + 1)
    too_big = await upload(api, union, officer, "big.csv", big, "text/csv")
    assert too_big.status_code == 413 and too_big.json()["code"] == "roster_too_large"
    monkeypatch.setattr(roster_import, "MAX_ROWS", 2)
    rows = ("姓名,性别,入会日期\n" + "甲,女,2020-09-01\n" * 3).encode()
    too_many = await upload(api, union, officer, "many.csv", rows, "text/csv")
    assert too_many.status_code == 413 and too_many.json()["code"] == "roster_too_large"
    assert "超过 2 行" in too_many.json()["detail"]
    old = await upload(api, union, officer, "old.xls", b"\xd0\xcf\x11\xe0old", "application/vnd.ms-excel")
    assert old.status_code == 415 and old.json()["code"] == "roster_format_unsupported"
    headless = await upload(api, union, officer, "h.csv", "名字,性别\n甲,女\n".encode(), "text/csv")
    assert headless.status_code == 422 and headless.json()["code"] == "roster_column_missing"
    assert "入会日期" in headless.json()["detail"]
    member = bearer(Role.MEMBER, union, county)
    assert (await upload(api, union, member, "r.csv", rows, "text/csv")).status_code == 403


async def test_the_exported_roster_masks_personal_data_in_xlsx_and_csv(school):
    api, officer, county, union, group, *_ = school
    data = xlsx(
        [
            ["陈老师", "女", CHEN_ID, "13800138000", "T001", dt.date(2015, 9, 1), 4300, "数学组"],
            ["李老师", "男", LI_ID, "", "T003", "2018-09-01", "5200.50", ""],
        ]
    )
    assert (await upload(api, union, officer, "r.xlsx", data, XLSX)).status_code == 200
    county_admin = bearer(Role.FEDERATION_ADMIN, county, county)
    as_csv = await api.get(f"/v1/organizations/{county}/roster", params={"format": "csv"}, headers=county_admin)
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert CHEN_ID not in as_csv.text and "13800138000" not in as_csv.text
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "姓名",
        "性别",
        "身份证号",
        "手机",
        "工号",
        "入会日期",
        "基本工资",
        "工会小组",
        "所属工会",
        "状态",
    ]
    assert sorted(rows[1:]) == [
        ["李老师", "男", "1101**********0011", "", "T003", "2018-09-01", "5200.50", "", "第一小学工会", "在职"],
        [
            "陈老师",
            "女",
            "1101**********0025",
            "138****8000",
            "T001",
            "2015-09-01",
            "4300.00",
            "数学组",
            "第一小学工会",
            "在职",
        ],
    ]
    as_xlsx = await api.get(
        f"/v1/organizations/{group}/roster", params={"format": "xlsx", "lang": "en"}, headers=officer
    )
    assert as_xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:4] == ["name", "gender", "id_number", "phone"]
    assert [v[:4] for v in values[1:]] == [["陈老师", "female", "1101**********0025", "138****8000"]]
    assert CHEN_ID.encode() not in as_xlsx.content
    stranger = bearer(Role.MEMBER, union, county)
    assert (await api.get(f"/v1/organizations/{union}/roster", headers=stranger)).status_code == 403


async def test_the_cli_imports_with_progress_and_refuses_a_file_with_bad_rows(school, infra, tmp_path):
    api, officer, county, union, group, other, database = school
    good = tmp_path / "名册.csv"
    good.write_bytes(
        ("姓名,性别,工号,入会日期\n" + "".join(f"教师{i},女,C{i:03d},2020-09-01\n" for i in range(150))).encode(
            "gb18030"
        )
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("姓名,性别,工号,入会日期\n甲,女,B1,2020-09-01\n乙,女,B2,昨天\n", encoding="utf-8")

    group_cli = click.Group("membership")
    roster_cli.register(group_cli)
    env = service_env(infra, "membership", database)
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(group_cli, ["import-roster", "--org", union, *args], env=env, catch_exceptions=False)

    result = await asyncio.to_thread(invoke, str(good))
    assert result.exit_code == 0, result.output
    assert "importing: 100/150 rows" in result.output and "importing: 150/150 rows" in result.output
    assert "150 rows, 150 created, 0 skipped as already members, 0 refused" in result.output
    again = await asyncio.to_thread(invoke, str(good))
    assert "0 created, 150 skipped as already members" in again.output

    refused = await asyncio.to_thread(invoke, str(bad))
    assert refused.exit_code == 1
    assert "line 3: 入会日期 '昨天' is not a date like 2021-09-01" in refused.output
    assert "nothing was imported" in refused.output
    partial = await asyncio.to_thread(invoke, str(bad), "--import-valid-rows")
    assert partial.exit_code == 0 and "2 rows, 1 created" in partial.output
    assert len(await members_of(api, union, officer)) == 151


async def test_an_import_asked_as_ndjson_reports_each_step_then_the_summary_and_keeps_the_actor(school, build_service):
    api, officer, _county, union, _group, _other, database = school
    rows = [[f"进度{i}", "女", "", "", f"P{i}", "2020-09-01", "", ""] for i in range(7)]
    streamed = await upload(api, union, {**officer, "Accept": "application/x-ndjson"}, "名册.xlsx", xlsx(rows), XLSX)
    assert streamed.status_code == 200 and streamed.headers["content-type"].startswith("application/x-ndjson")
    assert streamed.headers["x-accel-buffering"] == "no", "the gateway must pass the lines on as they come"
    lines = [json.loads(line) for line in streamed.text.splitlines()]
    steps, [last] = lines[:-1], lines[-1:]
    assert steps and all(s["total"] == 7 for s in steps) and steps[-1]["done"] == 7
    assert [s["done"] for s in steps] == sorted({s["done"] for s in steps}), "each step later than the one before"
    assert (last["summary"]["created"], last["summary"]["imported"], last["summary"]["refused_rows"]) == (7, True, [])
    assert len(await members_of(api, union, officer)) == 7

    # The enrolments are the officer's own, as in a plain import: their events name who did it.
    runtime = await build_service(definition, database=database, start=False)
    async with runtime.session_factory() as session:
        actors = (
            (
                await session.execute(
                    text("SELECT DISTINCT headers->>'ce_actor' FROM outbox WHERE event_type LIKE '%member_joined%'")
                )
            )
            .scalars()
            .all()
        )
    assert actors == ["officer-li"]

    # A file with refused rows still answers 422 before any line, and imports nothing.
    bad = await upload(
        api,
        union,
        {**officer, "Accept": "application/x-ndjson"},
        "名册.xlsx",
        xlsx([["", "女", "", "", "", "2020-09-01", "", ""]]),
        XLSX,
    )
    assert bad.status_code == 422 and bad.json()["refused_rows"][0]["code"] == "roster_name_missing"
    assert len(await members_of(api, union, officer)) == 7
