"""职工之家 certification over HTTP on real PostgreSQL: the default checklist offered and published
by the first assessment, a new version leaving a started assessment alone, a union's self-scores
and evidence, submission refused without evidence, return and resubmission, the upper level's
review and award (先进, renewal three years on), 未达标, the awaiting-review list, renewals due,
the subtree's certification rate as JSON and as an Excel sheet; scope and roles; bad input
refused with a stable code and nothing written."""

import datetime as dt
import io

import httpx
import openpyxl
import pytest
from sqlalchemy import func, select

from tests.pytest_infra import bearer, unique
from unionfed_membership.adapters.home_tables import home_assessments, home_checklists, home_evidence
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import commands, founding
from unionfed_shared import business_time
from unionfed_shared.auth import Role, platform_admin
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration


@pytest.fixture
async def county(build_service):
    runtime = await build_service(definition)
    county, elsewhere = unique("county"), unique("county")
    for fed in (county, elsewhere):
        async with runtime.uow() as uow:
            await founding.found_federation(
                uow, platform_admin("ops"), commands.FoundFederation(id=fed, name="某县教育工会")
            )
    admin = bearer(Role.FEDERATION_ADMIN, county, county, "admin-county")
    transport = httpx.ASGITransport(app=create_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://membership", timeout=20) as api:
        ids = {}
        for key, name, kind, parent in (
            ("no1", "第一小学工会", "grassroots_union", county),
            ("no2", "实验中学工会", "grassroots_union", county),
            ("no3", "育英中学工会", "grassroots_union", county),
        ):
            ids[key] = unique(key)
            answer = await api.post(
                "/v1/organizations",
                json={"id": ids[key], "name": name, "kind": kind, "parent_id": parent},
                headers=admin,
            )
            assert answer.status_code == 201, answer.text
        yield runtime, api, admin, county, elsewhere, ids


async def count(runtime, table) -> int:
    async with runtime.session_factory() as session:
        return await session.scalar(select(func.count()).select_from(table))


def today() -> dt.date:
    return business_time.today(business_time.DEFAULT_ZONE)


async def test_assess_submit_return_review_award_and_the_rate(county):
    runtime, api, admin, county_id, elsewhere, ids = county
    no1 = bearer(Role.UNION_OFFICER, ids["no1"], county_id, "officer-no1")
    no2 = bearer(Role.UNION_OFFICER, ids["no2"], county_id, "officer-no2")
    auditor = bearer(Role.AUDITOR, county_id, county_id, "auditor")

    offered = await api.get(f"/v1/federations/{county_id}/home-checklist", headers=no1)
    assert offered.status_code == 200, offered.text
    assert (offered.json()["version"], offered.json()["published"], offered.json()["total_points"]) == (0, False, 100)
    year = today().year
    started = await api.post(f"/v1/organizations/{ids['no1']}/home-assessments", json={"year": year}, headers=no1)
    assert started.status_code == 201, started.text
    a = started.json()
    assert (a["checklist_version"], a["status"], a["self_total"]) == (1, "draft", 0)
    items = a["items"]

    # A new version: the started assessment keeps version 1, the next one takes version 2.
    fewer = [{k: i[k] for k in ("code", "section", "text", "max_points", "evidence_required")} for i in items[:5]]
    total = sum(i["max_points"] for i in fewer)
    published = await api.put(
        f"/v1/federations/{county_id}/home-checklist",
        json={"items": fewer, "thresholds": {"qualified": 30, "advanced": 40, "model": 50}, "valid_years": 2},
        headers=admin,
    )
    assert published.status_code == 200, published.text
    assert (published.json()["version"], published.json()["total_points"]) == (2, total)
    again = await api.get(f"/v1/home-assessments/{a['id']}", headers=auditor)
    assert (again.json()["checklist_version"], len(again.json()["items"])) == (1, len(items))

    # Bad input changes nothing.
    before = await count(runtime, home_evidence)
    too_many = await api.put(
        f"/v1/home-assessments/{a['id']}/scores",
        json={"items": [{"code": items[0]["code"], "self_score": items[0]["max_points"] + 1}]},
        headers=no1,
    )
    assert too_many.status_code == 422 and too_many.json()["code"] == "self_score_out_of_range"
    unknown = await api.post(
        f"/v1/home-assessments/{a['id']}/evidence", json={"item_code": "9.9", "title": "x"}, headers=no1
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "checklist_item_unknown"
    assert await count(runtime, home_evidence) == before

    scored = await api.put(
        f"/v1/home-assessments/{a['id']}/scores",
        json={"items": [{"code": i["code"], "self_score": i["max_points"], "note": "已落实"} for i in items]},
        headers=no1,
    )
    assert scored.status_code == 200 and scored.json()["self_total"] == 100
    early = await api.post(f"/v1/home-assessments/{a['id']}/submission", headers=no1)
    assert early.status_code == 422 and early.json()["code"] == "evidence_missing"
    assert "佐证材料" in early.json()["detail"]
    for item in items:
        if item["evidence_required"]:
            added = await api.post(
                f"/v1/home-assessments/{a['id']}/evidence",
                json={"item_code": item["code"], "title": f"{item['section']}材料", "description": "见附件"},
                headers=no1,
            )
            assert added.status_code == 201, added.text
    sent = await api.post(f"/v1/home-assessments/{a['id']}/submission", headers=no1)
    assert sent.status_code == 200 and sent.json()["status"] == "submitted", sent.text

    # The union does not review itself; a sibling does not see it; the county returns it.
    own = await api.post(f"/v1/home-assessments/{a['id']}/return", json={"reason": "x"}, headers=no1)
    assert own.status_code == 403 and own.json()["code"] == "home_reviewed_by_upper_level"
    hidden = await api.get(f"/v1/home-assessments/{a['id']}", headers=no2)
    missing = await api.get(f"/v1/home-assessments/{'0' * 8}-0000-0000-0000-{'0' * 12}", headers=no2)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["code"] == missing.json()["code"] == "home_assessment_not_found"
    returned = await api.post(f"/v1/home-assessments/{a['id']}/return", json={"reason": "书屋照片不清"}, headers=admin)
    assert (returned.json()["status"], returned.json()["return_reason"]) == ("returned", "书屋照片不清")
    assert (await api.post(f"/v1/home-assessments/{a['id']}/submission", headers=no1)).status_code == 200

    waiting = await api.get(
        f"/v1/organizations/{county_id}/home-assessments", params={"status": "submitted"}, headers=admin
    )
    assert [w["organization_id"] for w in waiting.json()] == [ids["no1"]]

    review = [{"code": i["code"], "score": i["max_points"]} for i in items]
    review[0]["score"] -= 8
    review[2]["score"] -= 7  # 85: 先进
    awarded = await api.post(
        f"/v1/home-assessments/{a['id']}/review",
        json={"items": review, "comment": "建家工作扎实", "awarded_on": today().isoformat()},
        headers=admin,
    )
    assert awarded.status_code == 200, awarded.text
    body = awarded.json()
    renew_by = today().replace(year=today().year + 3) if (today().month, today().day) != (2, 29) else None
    assert (body["status"], body["reviewed_total"], body["level"]) == ("reviewed", 85, "advanced")
    assert renew_by is None or body["renew_by"] == renew_by.isoformat()

    # 实验中学 on version 2 (five items), reviewed below the line: 未达标.
    second = await api.post(f"/v1/organizations/{ids['no2']}/home-assessments", json={"year": year}, headers=no2)
    b = second.json()
    assert (b["checklist_version"], len(b["items"])) == (2, 5)
    await api.put(
        f"/v1/home-assessments/{b['id']}/scores",
        json={"items": [{"code": i["code"], "self_score": 5} for i in b["items"]]},
        headers=no2,
    )
    for item in b["items"]:
        if item["evidence_required"]:
            await api.post(
                f"/v1/home-assessments/{b['id']}/evidence",
                json={"item_code": item["code"], "title": "材料"},
                headers=no2,
            )
    assert (await api.post(f"/v1/home-assessments/{b['id']}/submission", headers=no2)).status_code == 200
    failed = await api.post(
        f"/v1/home-assessments/{b['id']}/review",
        json={"items": [{"code": i["code"], "score": 5} for i in b["items"]], "awarded_on": today().isoformat()},
        headers=admin,
    )
    assert (failed.json()["level"], failed.json()["renew_by"]) == (None, None)

    rate = await api.get(f"/v1/organizations/{county_id}/home-certification-rate", headers=auditor)
    assert rate.status_code == 200, rate.text
    assert {k: rate.json()["total"][k] for k in ("unions", "certified", "advanced", "per_mille")} == {
        "unions": 3,
        "certified": 1,
        "advanced": 1,
        "per_mille": 333,
    }
    assert [(line["organization_id"], line["certified"]) for line in rate.json()["lines"]] == sorted(
        [(ids["no1"], 1), (ids["no2"], 0), (ids["no3"], 0)]
    )
    sheet = await api.get(
        f"/v1/organizations/{county_id}/home-certification-rate", params={"format": "xlsx"}, headers=auditor
    )
    assert sheet.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == "单位" and rows[-1][:3] == ("合计", 3, 1)
    due = await api.get(
        f"/v1/organizations/{county_id}/home-awards/due-for-renewal", params={"within_days": 3660}, headers=admin
    )
    assert [d["organization_id"] for d in due.json()["awards"]] == [ids["no1"]]

    # Another federation's admin learns nothing; a welfare officer is refused; nothing was written by them.
    foreign = bearer(Role.FEDERATION_ADMIN, elsewhere, elsewhere)
    assert (await api.get(f"/v1/home-assessments/{a['id']}", headers=foreign)).status_code == 404
    assert (await api.get(f"/v1/federations/{county_id}/home-checklist", headers=foreign)).status_code == 404
    welfare = bearer(Role.WELFARE_OFFICER, ids["no1"], county_id)
    assert (await api.get(f"/v1/home-assessments/{a['id']}", headers=welfare)).status_code == 403
    assert await count(runtime, home_checklists) >= 2 and await count(runtime, home_assessments) >= 2
