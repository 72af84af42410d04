"""Safety supervision over HTTP on real PostgreSQL: a 群监员 of a union's members or a named worker
(whose phone is stored encrypted and answered masked), an inspection with its hazards, fixes in
and out of time, the overdue list and the period's roll-up; scope and roles; bad input refused
with a stable code and nothing written."""

import datetime as dt
import io
from urllib.parse import unquote

import openpyxl
import pytest
from sqlalchemy import func, select

from services.membership.tests.integration.test_enterprises_http import code, street  # noqa: F401 (fixture)
from tests.pytest_infra import bearer, unique
from unionfed_membership.adapters.safety_tables import safety_hazards, safety_inspections, safety_inspectors
from unionfed_shared import business_time
from unionfed_shared.auth import Role

pytestmark = pytest.mark.integration


async def count(runtime, table) -> int:
    async with runtime.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(table))


def day(offset: int) -> str:
    return (business_time.today(business_time.DEFAULT_ZONE) + dt.timedelta(days=offset)).isoformat()


async def registered(api, admin, street_id, n: int, name: str) -> dict:
    answer = await api.post(
        f"/v1/organizations/{street_id}/enterprises",
        json={"name": name, "credit_code": code(50 + n), "workers": 60},
        headers=admin,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


async def test_inspectors_inspections_fixes_overdue_and_rollup(street):  # noqa: F811
    runtime, api, admin, street_id, _ = street
    jia = await registered(api, admin, street_id, 1, "甲公司")
    yi = await registered(api, admin, street_id, 2, "乙公司")
    union = unique("jia-union")
    founded = await api.post(
        f"/v1/enterprises/{jia['id']}/union",
        json={"union_id": union, "union_name": "甲公司工会", "founded_on": day(-300)},
        headers=admin,
    )
    assert founded.status_code == 201, founded.text
    member = await api.post(
        f"/v1/organizations/{union}/members",
        json={"display_name": "李红", "gender": "female", "joined_on": day(-299)},
        headers=admin,
    )
    assert member.status_code == 201, member.text

    from_union = await api.post(
        f"/v1/enterprises/{jia['id']}/safety-inspectors",
        json={"member_id": member.json()["id"], "appointed_on": day(-200)},
        headers=admin,
    )
    assert from_union.status_code == 201, from_union.text
    assert (from_union.json()["name"], from_union.json()["phone_masked"]) == ("李红", None)
    worker = await api.post(
        f"/v1/enterprises/{yi['id']}/safety-inspectors",
        json={"name": "周师傅", "phone": "13800138000", "appointed_on": day(-200)},
        headers=admin,
    )
    assert worker.status_code == 201, worker.text
    assert worker.json()["phone_masked"] == "138****8000"
    async with runtime.session_factory() as session:
        stored = await session.scalar(
            select(safety_inspectors.c.phone_ciphertext).where(safety_inspectors.c.id == worker.json()["id"])
        )
    assert b"13800138000" not in bytes(stored)  # encrypted at rest

    inspection = await api.post(
        f"/v1/enterprises/{yi['id']}/safety-inspections",
        json={
            "inspector_id": worker.json()["id"],
            "inspected_on": day(-20),
            "findings": "检查车间和仓库",
            "hazards": [
                {"description": "消防通道堵塞", "severity": "general", "deadline": day(-10)},
                {"description": "配电箱无防护", "severity": "major", "deadline": day(-15)},
                {"description": "灭火器过期", "severity": "general", "deadline": day(-1)},
            ],
        },
        headers=admin,
    )
    assert inspection.status_code == 201, inspection.text
    by_name = {h["description"]: h for h in inspection.json()["hazards"]}
    passage, switchboard, extinguisher = by_name["消防通道堵塞"], by_name["配电箱无防护"], by_name["灭火器过期"]
    in_time = await api.post(f"/v1/safety-hazards/{passage['id']}/fix", json={"fixed_on": day(-10)}, headers=admin)
    assert in_time.status_code == 200 and in_time.json()["fixed_in_time"], in_time.text
    late = await api.post(f"/v1/safety-hazards/{switchboard['id']}/fix", json={"fixed_on": day(-12)}, headers=admin)
    assert late.status_code == 200 and not late.json()["fixed_in_time"], late.text

    auditor = bearer(Role.AUDITOR, street_id, street_id, "auditor-qian")
    overdue = await api.get(f"/v1/organizations/{street_id}/safety-hazards/overdue", headers=auditor)
    assert overdue.status_code == 200, overdue.text
    assert [(h["id"], h["enterprise_name"], h["days_overdue"]) for h in overdue.json()["hazards"]] == [
        (extinguisher["id"], "乙公司", 1)
    ]
    rollup = await api.get(
        f"/v1/organizations/{street_id}/safety-rollup", params={"from": day(-30), "to": day(0)}, headers=auditor
    )
    assert rollup.status_code == 200, rollup.text
    figures = rollup.json()
    assert (figures["inspections"], figures["hazards_found"], figures["major_found"]) == (1, 3, 1)
    assert (figures["fixed"], figures["fixed_in_time"], figures["open"]) == (2, 1, 1)
    assert figures["fixed_in_time_share"] == {"fixed_in_time": 1, "found": 3, "per_mille": 333, "percent": 33.3}
    listed = await api.get(f"/v1/enterprises/{yi['id']}/safety-inspections", headers=auditor)
    assert [len(i["hazards"]) for i in listed.json()] == [3]

    retired = await api.post(
        f"/v1/safety-inspectors/{worker.json()['id']}/retirement", json={"retired_on": day(-5)}, headers=admin
    )
    assert retired.status_code == 200 and retired.json()["retired_on"] == day(-5), retired.text
    inspectors = await api.get(f"/v1/enterprises/{yi['id']}/safety-inspectors", headers=auditor)
    assert [(i["name"], i["retired_on"]) for i in inspectors.json()] == [("周师傅", day(-5))]


async def test_scope_roles_and_bad_input(street):  # noqa: F811
    runtime, api, admin, street_id, elsewhere = street
    yi = await registered(api, admin, street_id, 3, "乙公司")
    inspector = (
        await api.post(
            f"/v1/enterprises/{yi['id']}/safety-inspectors",
            json={"name": "周师傅", "appointed_on": day(-100)},
            headers=admin,
        )
    ).json()
    foreign = bearer(Role.FEDERATION_ADMIN, elsewhere, elsewhere, "admin-other")
    answer = await api.get(f"/v1/enterprises/{yi['id']}/safety-inspections", headers=foreign)
    assert answer.status_code == 404 and answer.json()["code"] == "enterprise_not_found"
    answer = await api.post(
        f"/v1/safety-inspectors/{inspector['id']}/retirement", json={"retired_on": day(-1)}, headers=foreign
    )
    assert answer.status_code == 404 and answer.json()["code"] == "safety_inspector_not_found"
    auditor = bearer(Role.AUDITOR, street_id, street_id, "auditor-qian")
    answer = await api.post(
        f"/v1/enterprises/{yi['id']}/safety-inspectors", json={"name": "吴", "appointed_on": day(-1)}, headers=auditor
    )
    assert answer.status_code == 403 and answer.json()["code"] == "role_not_allowed"

    before = [await count(runtime, t) for t in (safety_inspectors, safety_inspections, safety_hazards)]
    inspection = {"inspector_id": inspector["id"], "inspected_on": day(-10), "findings": "例行检查"}
    cases = [
        (
            f"/v1/enterprises/{yi['id']}/safety-inspections",
            {**inspection, "hazards": [{"description": "x", "severity": "minor", "deadline": day(0)}]},
            422,
            "request_validation",
        ),
        (
            f"/v1/enterprises/{yi['id']}/safety-inspections",
            {**inspection, "hazards": [{"description": "x", "severity": "major", "deadline": day(-11)}]},
            422,
            "hazard_deadline_before_inspection",
        ),
        (
            f"/v1/enterprises/{yi['id']}/safety-inspections",
            {**inspection, "inspected_on": day(2)},
            422,
            "inspection_date_in_future",
        ),
        (
            f"/v1/enterprises/{yi['id']}/safety-inspectors",
            {"name": "吴", "phone": "12345", "appointed_on": day(-1)},
            422,
            "phone_invalid",
        ),
    ]
    for path, body, status, expected in cases:
        answer = await api.post(path, json=body, headers={**admin, "Accept-Language": "en"})
        assert answer.status_code == status, answer.text
        assert answer.headers["content-type"] == "application/problem+json" and answer.json()["code"] == expected
    zh = await api.post(
        f"/v1/enterprises/{yi['id']}/safety-inspections", json={**inspection, "inspected_on": day(2)}, headers=admin
    )
    assert zh.json()["detail"] == "检查日期不能晚于今天"
    reversed_period = await api.get(
        f"/v1/organizations/{street_id}/safety-rollup", params={"from": day(0), "to": day(-1)}, headers=admin
    )
    assert reversed_period.status_code == 422 and reversed_period.json()["code"] == "period_reversed"
    assert [await count(runtime, t) for t in (safety_inspectors, safety_inspections, safety_hazards)] == before


async def test_the_rollup_as_a_sheet_has_a_line_per_enterprise_and_the_total_in_the_callers_language(street):  # noqa: F811
    _, api, admin, street_id, _ = street
    jia = await registered(api, admin, street_id, 4, "甲公司")
    yi = await registered(api, admin, street_id, 5, "乙公司")
    found = {}
    for enterprise, hazards in (
        (jia, [("消防通道堵塞", "general", day(-10)), ("配电箱无防护", "major", day(-15))]),
        (yi, [("灭火器过期", "general", day(-1))]),
    ):
        inspector = await api.post(
            f"/v1/enterprises/{enterprise['id']}/safety-inspectors",
            json={"name": "周师傅", "appointed_on": day(-200)},
            headers=admin,
        )
        inspection = await api.post(
            f"/v1/enterprises/{enterprise['id']}/safety-inspections",
            json={
                "inspector_id": inspector.json()["id"],
                "inspected_on": day(-20),
                "findings": "例行检查",
                "hazards": [{"description": d, "severity": s, "deadline": by} for d, s, by in hazards],
            },
            headers=admin,
        )
        assert inspection.status_code == 201, inspection.text
        found |= {h["description"]: h["id"] for h in inspection.json()["hazards"]}
    await api.post(f"/v1/safety-hazards/{found['消防通道堵塞']}/fix", json={"fixed_on": day(-11)}, headers=admin)
    await api.post(f"/v1/safety-hazards/{found['配电箱无防护']}/fix", json={"fixed_on": day(-12)}, headers=admin)
    period = {"from": day(-30), "to": day(0)}

    auditor = bearer(Role.AUDITOR, street_id, street_id, "auditor-qian")
    sheet = await api.get(
        f"/v1/organizations/{street_id}/safety-rollup", params={**period, "format": "xlsx"}, headers=auditor
    )
    assert sheet.status_code == 200, sheet.text
    assert unquote(sheet.headers["content-disposition"].split("filename*=UTF-8''")[1]) == (
        f"安全生产监督情况-某街道总工会-{day(-30)}~{day(0)}.xlsx"
    )
    header, *lines = openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True)
    assert header == (
        "企业",
        "检查（次）",
        "发现隐患（处）",
        "其中重大隐患（处）",
        "已整改（处）",
        "按期整改（处）",
        "未整改（处）",
        "按期整改率（%）",
    )
    assert [tuple(line) for line in lines] == [
        ("乙公司", 1, 1, 0, 0, 0, 1, 0),
        ("甲公司", 1, 2, 1, 2, 1, 0, 50),
        ("合计", 2, 3, 1, 2, 1, 1, 33.3),
    ]
    json_figures = (
        await api.get(f"/v1/organizations/{street_id}/safety-rollup", params=period, headers=auditor)
    ).json()
    assert json_figures["fixed_in_time_share"]["percent"] == 33.3  # the same roll-up as the JSON answers

    english = await api.get(
        f"/v1/organizations/{street_id}/safety-rollup",
        params={**period, "format": "xlsx"},
        headers={**auditor, "Accept-Language": "en"},
    )
    header, *lines = openpyxl.load_workbook(io.BytesIO(english.content)).active.iter_rows(values_only=True)
    assert (header[0], header[-1], lines[-1][0]) == ("Enterprise", "Fixed in time (%)", "Total")
    member = bearer(Role.MEMBER, street_id, street_id, "member-li")
    refused = await api.get(
        f"/v1/organizations/{street_id}/safety-rollup", params={**period, "format": "xlsx"}, headers=member
    )
    assert refused.status_code == 403 and refused.json()["code"] == "role_not_allowed"
