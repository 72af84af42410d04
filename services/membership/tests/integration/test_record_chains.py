"""Membership's record chains on real PostgreSQL and Kafka: a school's monthly report submitted,
returned with a reason, edited, submitted again and accepted, and a 职工之家 assessment submitted and
reviewed with its award, each step a link; ``GET /v1/organizations/{id}/record-chain`` and
``unionfed membership verify-records`` verify clean; then stored fields rewritten with SQL as only
a superuser can (triggers off) and the verifier names the record and the field; the links refuse
UPDATE and DELETE; ``seal-records`` seals rows from before the chains."""

import asyncio
import uuid

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from services.membership.tests.integration.test_statistics_reports_http import publish, section_events
from tests.pytest_infra import bearer, eventually, service_env, unique
from unionfed_membership.adapters.record_chains import record_links
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.entrypoints.cli import cli
from unionfed_membership.service_layer import commands, founding
from unionfed_shared import business_time
from unionfed_shared.auth import Role, platform_admin
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration


@pytest.fixture
async def county(build_service, infra):
    database = f"t_membership_{uuid.uuid4().hex[:8]}"
    runtime = await build_service(definition, database=database)
    fed = unique("county")
    async with runtime.uow() as uow:
        await founding.found_federation(
            uow, platform_admin("ops"), commands.FoundFederation(id=fed, name="某县教育工会")
        )
    admin = bearer(Role.FEDERATION_ADMIN, fed, fed, "admin-zhao")
    transport = httpx.ASGITransport(app=create_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://membership", timeout=20) as api:
        schools = []
        for n in range(2):
            school = f"{fed}-s{n}"
            answer = await api.post(
                "/v1/organizations",
                json={"id": school, "name": f"第{n + 1}小学工会", "kind": "grassroots_union", "parent_id": fed},
                headers=admin,
            )
            assert answer.status_code == 201, answer.text
            # A registered staff count: without one the report waits for the union to type it in.
            answer = await api.put(f"/v1/organizations/{school}/staff-count", json={"staff_count": 10}, headers=admin)
            assert answer.status_code == 200, answer.text
            schools.append(school)
        yield runtime, api, admin, fed, schools, database


async def tamper(runtime, sql: str, **params) -> None:
    """Rewrite rows as a database superuser can: triggers off for this transaction only."""
    async with runtime.engine.begin() as conn:
        assert await conn.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        await conn.execute(text(sql), params)


async def verified(api, organization_id: str, headers: dict) -> dict:
    answer = await api.get(f"/v1/organizations/{organization_id}/record-chain", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def _accepted_report(api, infra, admin, fed, school) -> dict:
    officer = bearer(Role.UNION_OFFICER, school, fed, f"officer-{school}")
    opened = await api.post(
        f"/v1/organizations/{school}/statistics-reports", json={"kind": "monthly", "period": "2026-11"}, headers=officer
    )
    assert opened.status_code == 201, opened.text
    report = opened.json()
    await publish(infra, section_events(report, fed))

    async def arrived():
        answer = (await api.get(f"/v1/statistics-reports/{report['id']}", headers=officer)).json()
        return answer if not answer["sections_missing"] else None

    await eventually(arrived, timeout=60)
    for step, headers, body in (
        ("submission", officer, None),
        ("return", admin, {"reason": "培训人次与签到表不符"}),
        ("submission", officer, None),
        ("acceptance", admin, None),
    ):
        answer = await api.post(f"/v1/statistics-reports/{report['id']}/{step}", json=body, headers=headers)
        assert answer.status_code == 200, answer.text
    return answer.json()


async def _reviewed_assessment(api, admin, fed, school) -> dict:
    officer = bearer(Role.UNION_OFFICER, school, fed, f"officer-{school}")
    year = business_time.today(business_time.DEFAULT_ZONE).year
    started = await api.post(f"/v1/organizations/{school}/home-assessments", json={"year": year}, headers=officer)
    assert started.status_code == 201, started.text
    a = started.json()
    scores = [{"code": i["code"], "self_score": i["max_points"], "note": "已落实"} for i in a["items"]]
    assert (await api.put(f"/v1/home-assessments/{a['id']}/scores", json={"items": scores}, headers=officer)).is_success
    for item in a["items"]:
        if item["evidence_required"]:
            added = await api.post(
                f"/v1/home-assessments/{a['id']}/evidence",
                json={"item_code": item["code"], "title": "材料", "description": "见附件"},
                headers=officer,
            )
            assert added.status_code == 201, added.text
    sent = await api.post(f"/v1/home-assessments/{a['id']}/submission", headers=officer)
    assert sent.status_code == 200, sent.text
    review = [{"code": i["code"], "score": i["max_points"]} for i in a["items"]]
    awarded = await api.post(
        f"/v1/home-assessments/{a['id']}/review",
        json={
            "items": review,
            "comment": "建家工作扎实",
            "awarded_on": business_time.today(business_time.DEFAULT_ZONE).isoformat(),
        },
        headers=admin,
    )
    assert awarded.status_code == 200, awarded.text
    return awarded.json()


async def test_each_step_is_a_link_and_a_rewritten_field_is_named(county, infra, monkeypatch):
    runtime, api, admin, fed, schools, database = county
    report = await _accepted_report(api, infra, admin, fed, schools[0])
    award = await _reviewed_assessment(api, admin, fed, schools[1])
    auditor = bearer(Role.AUDITOR, fed, fed, "auditor-qian")

    async with runtime.session_factory() as session:
        links = (await session.execute(select(record_links).order_by(record_links.c.sequence))).all()
    steps = [(link.organization_id, link.record_kind, link.action) for link in links]
    assert [s for s in steps if s[0] == schools[0]] == [
        (schools[0], "statistics_report", action) for action in ("submitted", "returned", "submitted", "accepted")
    ]
    assert [s for s in steps if s[0] == schools[1]] == [
        (schools[1], "home_assessment", "submitted"),
        (schools[1], "home_assessment", "reviewed"),
    ]
    returned = next(link for link in links if link.action == "returned")
    assert returned.fields["statistics_reports.return_reason"] == "培训人次与签到表不符"
    assert returned.fields["statistics_reports.reviewed_by"] == "admin-zhao"
    reviewed = links[-1] if links[-1].action == "reviewed" else next(lk for lk in links if lk.action == "reviewed")
    assert reviewed.fields["home_assessments.level"] == award["level"] == "model"

    # Untouched: the county's auditor and the CLI verify clean.
    clean = await verified(api, fed, auditor)
    assert (clean["ok"], clean["checked_links"], clean["checked_records"], clean["findings"]) == (True, 6, 2, [])
    for key, value in service_env(infra, "membership", database).items():
        monkeypatch.setenv(key, value)
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["verify-records"])
    assert result.exit_code == 0, result.output
    assert "OK: 6 link(s), 2 record(s) checked" in result.output
    # A sibling's officer gets the same 404 as for a missing organization.
    sibling = bearer(Role.UNION_OFFICER, schools[1], fed, "officer-s1")
    hidden = await api.get(f"/v1/organizations/{schools[0]}/record-chain", headers=sibling)
    missing = await api.get("/v1/organizations/ghost-org/record-chain", headers=sibling)
    assert hidden.status_code == missing.status_code == 404

    # The links are append-only.
    async with runtime.session_factory() as session:
        with pytest.raises(Exception, match="append-only"):
            await session.execute(text("UPDATE record_links SET action = 'x'"))
    async with runtime.session_factory() as session:
        with pytest.raises(Exception, match="append-only"):
            await session.execute(text("DELETE FROM record_links"))

    # A superuser rewrites an accepted report's figures and the award's level behind the service.
    await tamper(
        runtime,
        "UPDATE statistics_reports SET figures = jsonb_set(figures, '{members}', '999') WHERE id = :id",
        id=report["id"],
    )
    await tamper(runtime, "UPDATE home_assessments SET level = 'qualified' WHERE id = :id", id=award["id"])
    broken = await verified(api, fed, auditor)
    assert broken["ok"] is False
    assert any(
        f"({report['id']}): statistics_reports.figures differs from what was chained (accepted" in f
        for f in broken["findings"]
    ), broken["findings"]
    assert any(
        f"({award['id']}): home_assessments.level differs from what was chained (reviewed" in f
        for f in broken["findings"]
    ), broken["findings"]
    assert len(broken["findings"]) == 2
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["verify-records", "--org", schools[0]])
    assert result.exit_code == 1
    assert "statistics_reports.figures differs from what was chained" in result.output
    # The school's own verification sees its own chain only.
    own = await verified(api, schools[1], bearer(Role.UNION_OFFICER, schools[1], fed, "officer-s1"))
    assert [f.split(": ", 1)[1] for f in own["findings"]] == [
        "home_assessments.level differs from what was chained (reviewed, link " + f"{schools[1]}#2)"
    ]

    # Rewriting the chained link itself, digests and all kept, is named too.
    await tamper(
        runtime,
        "UPDATE record_links SET fields = jsonb_set(fields, '{statistics_reports.return_reason}', '\"无\"') "
        "WHERE organization_id = :org AND sequence = 2",
        org=schools[0],
    )
    relinked = await verified(api, schools[0], auditor)
    assert f"link {schools[0]}#2 (statistics_report {report['id']}): the chained link was altered: " in "\n".join(
        relinked["findings"]
    )
    assert any(f.endswith("altered: statistics_reports.return_reason") for f in relinked["findings"])


async def test_rows_from_before_the_chains_are_sealed_once(county, infra, monkeypatch):
    runtime, api, admin, fed, schools, database = county
    report = await _accepted_report(api, infra, admin, fed, schools[0])
    # As if the report had been accepted before migration 0015: its links gone (as a superuser can).
    await tamper(runtime, "DELETE FROM record_links")
    auditor = bearer(Role.AUDITOR, fed, fed, "auditor-qian")
    unsealed = await verified(api, fed, auditor)
    assert unsealed["findings"] == [
        f"统计报表 statistics report {schools[0]} monthly 2026-11 v1 ({report['id']}): was never chained "
        "(a statistics_reports row written around the service)"
    ]
    for key, value in service_env(infra, "membership", database).items():
        monkeypatch.setenv(key, value)
    sealed = await asyncio.to_thread(CliRunner().invoke, cli, ["seal-records"])
    assert (sealed.exit_code, sealed.output.strip()) == (0, "1 record(s) sealed"), sealed.output
    again = await asyncio.to_thread(CliRunner().invoke, cli, ["seal-records"])
    assert again.output.strip() == "0 record(s) sealed"
    assert (await verified(api, fed, auditor))["ok"] is True
