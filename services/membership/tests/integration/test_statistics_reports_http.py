"""Statistics reports over HTTP on real PostgreSQL and Kafka: a county defines its monthly form, each
school opens its report (membership's figures computed, ReportFiguresRequestedV1 on Kafka), the
sections arrive from Kafka as welfare, events and finance would send them (hand-built here), manual
figures with notes, submit / return / accept, the lock (also in the database), a correction as
version 2, the status board, the roll-up equal to the sum of the accepted reports with a figure's
trace, and both as .xlsx; scope and roles; bad input refused with a stable code."""

import datetime as dt
import io
import json
import uuid

import httpx
import openpyxl
import pytest
from sqlalchemy import text

from tests.kafka_tools import envelope_for, producer, read_topic, send_envelope
from tests.pytest_infra import bearer, eventually, unique
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import commands, founding
from unionfed_shared import business_time
from unionfed_shared.auth import Role, platform_admin
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.reporting import (
    EventsReportFiguresV1,
    FinanceReportFiguresV1,
    WelfareReportFiguresV1,
    owned_by,
)
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration
PERIOD = "2026-11"


@pytest.fixture
async def county(build_service):
    runtime = await build_service(definition)
    fed = unique("county")
    async with runtime.uow() as uow:
        await founding.found_federation(
            uow, platform_admin("ops"), commands.FoundFederation(id=fed, name="某县教育工会")
        )
    admin = bearer(Role.FEDERATION_ADMIN, fed, fed, "admin-zhao")
    transport = httpx.ASGITransport(app=create_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://membership", timeout=20) as api:
        schools = []
        for n, (name, members, staff) in enumerate((("第一小学", 3, 4), ("实验中学", 2, 2))):
            school = f"{fed}-s{n}"
            for org, kind, parent in ((school, "grassroots_union", fed), (f"{school}-g", "union_group", school)):
                answer = await api.post(
                    "/v1/organizations",
                    json={"id": org, "name": name, "kind": kind, "parent_id": parent},
                    headers=admin,
                )
                assert answer.status_code == 201, answer.text
            for m in range(members):
                answer = await api.post(
                    f"/v1/organizations/{school if m else f'{school}-g'}/members",
                    json={
                        "display_name": f"教师{n}{m}",
                        "gender": "female" if m % 2 == 0 else "male",
                        "joined_on": "2020-09-01",
                    },
                    headers=admin,
                )
                assert answer.status_code == 201, answer.text
            answer = await api.put(
                f"/v1/organizations/{school}/staff-count", json={"staff_count": staff}, headers=admin
            )
            assert answer.status_code == 200, answer.text
            schools.append(school)
        yield runtime, api, admin, fed, schools


def officer(org: str, fed: str) -> dict:
    return bearer(Role.UNION_OFFICER, org, fed, f"officer-{org}")


def section_events(report: dict, fed: str, request_id: str | None = None, scale: int = 1) -> list:
    base = dict(
        organization_id=report["organization_id"],
        federation_id=fed,
        report_id=report["id"],
        request_id=request_id or report["request_id"],
    )
    return [
        WelfareReportFiguresV1(**base, figures=dict.fromkeys(owned_by("welfare"), 1 * scale)),
        EventsReportFiguresV1(**base, figures=dict.fromkeys(owned_by("events"), 2 * scale)),
        FinanceReportFiguresV1(**base, figures=dict.fromkeys(owned_by("finance"), 100 * scale)),
    ]


async def publish(infra, events) -> None:
    async with producer(infra.kafka_bootstrap) as client:
        for event in events:
            await send_envelope(client, event.topic, envelope_for(event))


async def arrived(api, report_id: str, headers: dict) -> dict:
    async def check():
        answer = (await api.get(f"/v1/statistics-reports/{report_id}", headers=headers)).json()
        return answer if not answer["sections_missing"] else None

    return await eventually(check, timeout=60)


async def test_schools_report_the_county_reviews_and_the_rollup_is_the_sum(county, infra):
    runtime, api, admin, fed, schools = county
    # The county's form: the standard indicators, one figure typed in, due on the period's last day.
    form = await api.post(
        f"/v1/federations/{fed}/report-forms",
        json={
            "kind": "monthly",
            "indicators": [
                "members",
                "members_women",
                "members_retired",
                "staff",
                "grants_fen",
                "activities_held",
                "income_dues_fen",
            ],
            "manual": [{"code": "trainings", "zh": "参加培训人次", "en": "Trainings attended"}],
            "deadline_days": 0,
        },
        headers=admin,
    )
    assert form.status_code == 201, form.text
    assert form.json()["version"] == 1
    bad = await api.post(
        f"/v1/federations/{fed}/report-forms",
        json={"kind": "monthly", "indicators": ["members", "bogus"], "deadline_days": 5},
        headers=admin,
    )
    assert (bad.status_code, bad.json()["code"]) == (422, "indicator_unknown")

    board = (
        await api.get(
            f"/v1/organizations/{fed}/statistics-board", params={"kind": "monthly", "period": PERIOD}, headers=admin
        )
    ).json()
    assert [(line["state"], line["late"]) for line in board["lines"]] == [("not_opened", True)] * 2

    opened = []
    for school in schools:
        answer = await api.post(
            f"/v1/organizations/{school}/statistics-reports",
            json={"kind": "monthly", "period": PERIOD},
            headers=officer(school, fed),
        )
        assert answer.status_code == 201, answer.text
        opened.append(answer.json())
    first, second = opened
    assert {r["code"]: r["value"] for r in first["rows"]}["members"] == 3  # the group's member counted
    assert first["sections_missing"] == ["events", "finance", "welfare"] and first["board_state"] == "collecting"
    again = await api.post(
        f"/v1/organizations/{schools[0]}/statistics-reports",
        json={"kind": "monthly", "period": PERIOD},
        headers=officer(schools[0], fed),
    )
    assert (again.status_code, again.json()["code"]) == (409, "statistics_report_exists")
    refused = await api.post(
        f"/v1/organizations/{schools[0]}/statistics-reports", json={"kind": "monthly", "period": PERIOD}, headers=admin
    )
    assert refused.status_code == 403  # the county reviews; the school fills in
    hidden = await api.get(f"/v1/statistics-reports/{first['id']}", headers=officer(schools[1], fed))
    missing = await api.get(f"/v1/statistics-reports/{uuid.uuid4()}", headers=officer(schools[1], fed))
    assert hidden.status_code == missing.status_code == 404 and hidden.json()["code"] == missing.json()["code"]

    # The request went out on Kafka, through the outbox.
    async def requested():
        records = await read_topic(infra.kafka_bootstrap, topics.MEMBERSHIP, lambda r: first["id"].encode() in r.value)
        return records

    [record] = await eventually(requested, timeout=30)
    asked = json.loads(record.value)
    assert asked["covers"] == [schools[0], f"{schools[0]}-g"]
    assert (asked["period_start"], asked["period_end"]) == ("2026-11-01", "2026-11-30")

    # Sections arrive from Kafka, and an answer to an older request is ignored.
    await publish(infra, section_events(first, fed) + section_events(second, fed, scale=2))
    await publish(infra, section_events(first, fed, request_id=str(uuid.uuid4()), scale=50))
    first = await arrived(api, first["id"], admin)
    second = await arrived(api, second["id"], admin)
    assert {r["code"]: r["value"] for r in first["rows"]}["grants_fen"] == 1
    assert first["board_state"] == "collecting" and first["manual_missing"] == ["trainings"]

    unready = await api.post(f"/v1/statistics-reports/{first['id']}/submission", headers=officer(schools[0], fed))
    assert (unready.status_code, unready.json()["code"]) == (409, "statistics_report_incomplete")
    no_note = await api.put(
        f"/v1/statistics-reports/{first['id']}/manual-figures",
        json={"figures": {"trainings": {"value": 12, "note": " "}}},
        headers=officer(schools[0], fed),
    )
    assert (no_note.status_code, no_note.json()["code"]) == (422, "manual_figure_note_blank")
    for n, report in enumerate((first, second)):
        filled = await api.put(
            f"/v1/statistics-reports/{report['id']}/manual-figures",
            json={"figures": {"trainings": {"value": 10 + n, "note": "县培训签到表"}}},
            headers=officer(schools[n], fed),
        )
        assert filled.status_code == 200 and filled.json()["board_state"] == "ready", filled.text
        submitted = await api.post(
            f"/v1/statistics-reports/{report['id']}/submission", headers=officer(schools[n], fed)
        )
        assert submitted.json()["state"] == "submitted", submitted.text

    own_review = await api.post(f"/v1/statistics-reports/{first['id']}/acceptance", headers=officer(schools[0], fed))
    assert own_review.status_code == 403
    returned = await api.post(
        f"/v1/statistics-reports/{first['id']}/return", json={"reason": "培训人次与签到表不符"}, headers=admin
    )
    assert returned.json()["state"] == "returned" and returned.json()["return_reason"] == "培训人次与签到表不符"
    await api.put(
        f"/v1/statistics-reports/{first['id']}/manual-figures",
        json={"figures": {"trainings": {"value": 9, "note": "按签到表更正"}}},
        headers=officer(schools[0], fed),
    )
    await api.post(f"/v1/statistics-reports/{first['id']}/submission", headers=officer(schools[0], fed))
    for report in (first, second):
        accepted = await api.post(f"/v1/statistics-reports/{report['id']}/acceptance", headers=admin)
        assert accepted.json()["state"] == "accepted", accepted.text

    # Locked: refused by the service, and by the database itself.
    locked = await api.put(
        f"/v1/statistics-reports/{first['id']}/manual-figures",
        json={"figures": {"trainings": {"value": 1, "note": "x"}}},
        headers=officer(schools[0], fed),
    )
    assert (locked.status_code, locked.json()["code"]) == (409, "statistics_report_locked")
    async with runtime.session_factory() as session:
        with pytest.raises(Exception, match="locked"):
            await session.execute(
                text("UPDATE statistics_reports SET state = 'open' WHERE id = :id"), {"id": first["id"]}
            )

    board = (
        await api.get(
            f"/v1/organizations/{fed}/statistics-board", params={"kind": "monthly", "period": PERIOD}, headers=admin
        )
    ).json()
    assert [(line["state"], line["late"]) for line in board["lines"]] == [("accepted", False)] * 2

    # The roll-up is the sum of the accepted reports; 入会率 from the sums.
    rollup = (
        await api.get(
            f"/v1/organizations/{fed}/statistics-rollup", params={"kind": "monthly", "period": PERIOD}, headers=admin
        )
    ).json()
    totals = {r["code"]: r["value"] for r in rollup["rows"]}
    reports = [(await api.get(f"/v1/statistics-reports/{r['id']}", headers=admin)).json() for r in (first, second)]
    for code in totals:
        assert totals[code] == sum({r["code"]: r["value"] for r in rep["rows"]}[code] for rep in reports), code
    assert (totals["members"], totals["staff"], totals["trainings"], totals["grants_fen"]) == (5, 6, 20, 3)
    assert rollup["membership_rate_per_mille"] == 833  # 5 working members of 6 staff
    trace = (
        await api.get(
            f"/v1/organizations/{fed}/statistics-rollup/trace",
            params={"kind": "monthly", "period": PERIOD, "code": "members"},
            headers=admin,
        )
    ).json()
    assert [(c["organization_id"], c["value"]) for c in trace["contributions"]] == [(schools[0], 3), (schools[1], 2)]
    assert trace["total"] == 5

    sheet = await api.get(
        f"/v1/organizations/{fed}/statistics-rollup",
        params={"kind": "monthly", "period": PERIOD, "format": "xlsx"},
        headers=admin,
    )
    assert sheet.status_code == 200
    rows = list(openpyxl.load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("指标代码", "指标名称", "数值", "单位", "来源/说明")
    assert rows[1][:3] == ("members", "会员人数", 5)
    by_code = {r[0]: r for r in rows[1:]}
    assert float(by_code["income_dues_fen"][2]) == 3.0 and by_code["income_dues_fen"][3] == "元"  # 300 fen in yuan
    one = await api.get(
        f"/v1/statistics-reports/{first['id']}", params={"format": "xlsx"}, headers=officer(schools[0], fed)
    )
    rows = list(openpyxl.load_workbook(io.BytesIO(one.content)).active.iter_rows(values_only=True))
    assert next(r for r in rows if r[0] == "trainings")[2:] == (9, "个（人、次）", "填报：按签到表更正")

    # A correction is version 2; the accepted version 1 is kept and counts until it is accepted.
    correction = await api.post(f"/v1/statistics-reports/{first['id']}/corrections", headers=officer(schools[0], fed))
    assert correction.status_code == 201 and correction.json()["version"] == 2, correction.text
    listed = (
        await api.get(f"/v1/organizations/{schools[0]}/statistics-reports", headers=officer(schools[0], fed))
    ).json()
    assert [(r["version"], r["state"]) for r in listed] == [(2, "open"), (1, "accepted")]
    rollup = (
        await api.get(
            f"/v1/organizations/{fed}/statistics-rollup", params={"kind": "monthly", "period": PERIOD}, headers=admin
        )
    ).json()
    assert {r["code"]: r["value"] for r in rollup["rows"]}["members"] == 5
    assert [r["version"] for r in rollup["accepted_reports"]] == [1, 1]


async def test_members_are_counted_as_they_stood_on_the_periods_last_day(county):
    """A report opened after its month counts the roster of the month's last day: who joined, left,
    retired or moved since is counted as they were then (the dated history), and the month in
    progress counts them as they are."""
    _runtime, api, admin, fed, (s0, s1) = county
    today = business_time.today(business_time.zone("Asia/Shanghai"))
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    this_month = today.strftime("%Y-%m")

    async def enrol(name: str, gender: str, joined_on: str) -> str:
        answer = await api.post(
            f"/v1/organizations/{s0}/members",
            json={"display_name": name, "gender": gender, "joined_on": joined_on},
            headers=admin,
        )
        assert answer.status_code == 201, answer.text
        return answer.json()["id"]

    leaves, retires, moves = [await enrol(f"老会员{n}", "female", "2019-09-01") for n in range(3)]
    await enrol("新会员", "male", today.isoformat())  # joined this month: not last month's
    for member, path, body in (
        (leaves, "status", {"status": "left", "effective_on": today.isoformat()}),
        (retires, "status", {"status": "retired", "effective_on": today.isoformat()}),
        (moves, "transfer", {"to_organization_id": s1, "effective_on": today.isoformat()}),
    ):
        answer = await api.post(f"/v1/members/{member}/{path}", json=body, headers=admin)
        assert answer.status_code in (200, 201), answer.text

    async def figures(school: str, period: str) -> dict:
        opened = await api.post(
            f"/v1/organizations/{school}/statistics-reports",
            json={"kind": "monthly", "period": period},
            headers=officer(school, fed),
        )
        assert opened.status_code == 201, opened.text
        return {r["code"]: r["value"] for r in opened.json()["rows"]}

    before = await figures(s0, last_month)
    # The three old members were all in s0 and working on last month's last day; the new one was not yet.
    assert (before["members"], before["members_retired"], before["members_women"]) == (3 + 3, 0, 2 + 3)
    assert before["staff"] == 4 and before["members_joined"] == 0
    assert (await figures(s1, last_month))["members"] == 2
    now = await figures(s0, this_month)
    assert (now["members"], now["members_retired"], now["members_joined"]) == (3 + 1 + 1, 1, 1)
    assert (await figures(s1, this_month))["members"] == 2 + 1
