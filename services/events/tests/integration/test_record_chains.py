"""Events' record chains on real PostgreSQL, the directory fed through Kafka: a school's 信息报送 item
submitted and adopted at county then city level with its points, another declined and rewritten
as a draft, an evaluation's results submitted upward and the 师德 list submitted to the county,
each step a link; ``GET /v1/organizations/{id}/record-chain`` and ``unionfed events
verify-records`` verify clean; then stored fields rewritten with SQL as only a superuser can
(triggers off) and the verifier names the record and the field."""

import asyncio
import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import httpx
import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from services.events.tests.integration.test_self_service_http import joined, organization
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer, service_env, unique
from unionfed_events.adapters.record_chains import record_links
from unionfed_events.entrypoints.app import definition
from unionfed_events.entrypoints.cli import cli
from unionfed_shared.auth import Role
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration
YEAR = 2026
TODAY = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()


@pytest.fixture
async def county(build_service):
    database = f"t_events_{uuid.uuid4().hex[:8]}"
    events = await build_service(definition, database=database)
    federation, school, sibling = unique("county"), unique("school"), unique("school")
    await deliver(
        events,
        [
            organization(federation, [federation], "federation"),
            organization(federation, [federation, school], "grassroots_union"),
            organization(federation, [federation, sibling], "grassroots_union"),
        ],
    )
    teachers = [joined(federation, school, f"教师{i}") for i in range(2)]
    await deliver(events, teachers)
    transport = httpx.ASGITransport(app=create_app(events))
    async with httpx.AsyncClient(transport=transport, base_url="http://events", timeout=20) as api:
        yield dict(
            runtime=events,
            api=api,
            database=database,
            federation=federation,
            school=school,
            sibling=sibling,
            teachers=teachers,
            officer=bearer(Role.UNION_OFFICER, school, federation, subject="officer-school"),
            sibling_officer=bearer(Role.UNION_OFFICER, sibling, federation),
            admin=bearer(Role.FEDERATION_ADMIN, federation, federation, subject="county-admin"),
            auditor=bearer(Role.AUDITOR, federation, federation),
        )


async def tamper(runtime, sql: str, **params) -> None:
    """Rewrite rows as a database superuser can: triggers off for this transaction only."""
    async with runtime.engine.begin() as conn:
        assert await conn.scalar(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
        await conn.execute(text("SET LOCAL session_replication_role = replica"))
        await conn.execute(text(sql), params)


def _item(title: str) -> dict:
    return {
        "title": title,
        "body": "工会组织全体教职工开展趣味运动会。",
        "category": "work_news",
        "event_on": TODAY.isoformat(),
        "author": "张老师",
    }


async def _ok(answer: httpx.Response) -> dict:
    assert answer.is_success, answer.text
    return answer.json()


async def test_each_step_is_a_link_and_a_rewritten_field_is_named(county, infra, monkeypatch):
    api, officer, admin, school = county["api"], county["officer"], county["admin"], county["school"]
    runtime, federation = county["runtime"], county["federation"]
    await _ok(
        await api.post(
            f"/v1/federations/{federation}/info-points-tables",
            headers=admin,
            json={"effective_from": TODAY.isoformat(), "county": 1, "city": 3, "province": 5},
        )
    )
    adopted = await _ok(await api.post(f"/v1/organizations/{school}/info-items", headers=officer, json=_item("运动会")))
    url = f"/v1/info-items/{adopted['id']}"
    await _ok(await api.post(f"{url}/submission", headers=officer))
    await _ok(await api.post(f"{url}/adoptions", headers=admin, json={"level": "county"}))
    adopted = await _ok(await api.post(f"{url}/adoptions", headers=admin, json={"level": "city"}))
    assert adopted["points"] == 4
    declined = await _ok(await api.post(f"/v1/organizations/{school}/info-items", headers=officer, json=_item("重复")))
    durl = f"/v1/info-items/{declined['id']}"
    await _ok(await api.post(f"{durl}/submission", headers=officer))
    await _ok(await api.post(f"{durl}/declination", headers=admin, json={"reason": "与上月报送的信息重复"}))
    rewritten = await _ok(await api.put(durl, headers=officer, json=_item("改写后再报")))
    assert rewritten["status"] == "draft"

    evaluation = await _ok(
        await api.post(
            f"/v1/organizations/{school}/evaluations",
            json={"title": "2026 年度领导班子民主评议", "year": YEAR, "subjects": [{"name": "王建国", "post": "校长"}]},
            headers=officer,
        )
    )
    eurl = f"/v1/evaluations/{evaluation['id']}"
    await _ok(await api.post(f"{eurl}/open", json={"outside_forms": 1}, headers=officer))
    await _ok(await api.post(f"{eurl}/close", headers=officer))
    await _ok(await api.post(f"{eurl}/submission", headers=officer))

    for teacher in county["teachers"]:
        await _ok(
            await api.post(
                f"/v1/organizations/{school}/ethics-assessments",
                json={"member_id": str(teacher.member_id), "year": YEAR, "result": "合格"},
                headers=officer,
            )
        )
    await _ok(await api.post(f"/v1/organizations/{school}/ethics-submissions", json={"year": YEAR}, headers=officer))

    async with runtime.session_factory() as session:
        links = (await session.execute(select(record_links).where(record_links.c.organization_id == school))).all()
    assert [(link.sequence, link.record_kind, link.action) for link in sorted(links, key=lambda k: k.sequence)] == [
        (1, "info_item", "submitted"),
        (2, "info_item", "adopted:county"),
        (3, "info_item", "adopted:city+county"),
        (4, "info_item", "submitted"),
        (5, "info_item", "declined"),
        (6, "info_item", "draft"),
        (7, "evaluation_results", "submitted"),
        (8, "ethics_list", "submitted"),
    ]
    city = next(link for link in links if link.action == "adopted:city+county")
    assert (city.fields["info_adoptions.points (city)"], city.fields["info_adoptions.adopted_by (city)"]) == (
        3,
        "county-admin",
    )

    # Untouched: the county's auditor and the CLI verify clean; a sibling gets the 404 of a missing one.
    clean = await _ok(await api.get(f"/v1/organizations/{federation}/record-chain", headers=county["auditor"]))
    assert (clean["ok"], clean["checked_links"], clean["checked_records"], clean["findings"]) == (True, 8, 4, [])
    hidden = await api.get(f"/v1/organizations/{school}/record-chain", headers=county["sibling_officer"])
    missing = await api.get("/v1/organizations/ghost-org/record-chain", headers=county["sibling_officer"])
    assert hidden.status_code == missing.status_code == 404
    for key, value in service_env(infra, "events", county["database"]).items():
        monkeypatch.setenv(key, value)
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["verify-records"])
    assert result.exit_code == 0, result.output
    assert "OK: 8 link(s), 4 record(s) checked" in result.output

    # A superuser rewrites an adoption's points, the submitted results and a 师德 result.
    await tamper(
        runtime, "UPDATE info_adoptions SET points = 30 WHERE item_id = :id AND level = 'city'", id=adopted["id"]
    )
    await tamper(
        runtime,
        "UPDATE evaluations SET submitted_results = jsonb_set(submitted_results, '{forged}', 'true') WHERE id = :id",
        id=evaluation["id"],
    )
    teacher = county["teachers"][1].member_id
    await tamper(runtime, "UPDATE ethics_assessments SET result = '优秀' WHERE member_id = :id", id=teacher)
    broken = await _ok(await api.get(f"/v1/organizations/{federation}/record-chain", headers=county["auditor"]))
    assert broken["ok"] is False and len(broken["findings"]) == 3, broken["findings"]
    assert broken["findings"] == [
        f"信息报送 info item '运动会' of {school} ({adopted['id']}): info_adoptions.points (city) differs from what "
        f"was chained (adopted:city+county, link {school}#3)",
        f"民主评议结果 evaluation results '2026 年度领导班子民主评议' of {school} {YEAR} ({evaluation['id']}): "
        f"evaluations.submitted_results differs from what was chained (submitted, link {school}#7)",
        f"师德考核名单 ethics list {school}/{YEAR}: ethics_assessments.result ({teacher}) differs from what was "
        f"chained (submitted, link {school}#8)",
    ]
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["verify-records", "--org", school])
    assert result.exit_code == 1
    assert "info_adoptions.points (city) differs from what was chained" in result.output

    # The links are append-only.
    async with runtime.session_factory() as session:
        with pytest.raises(Exception, match="append-only"):
            await session.execute(text("DELETE FROM record_links"))
