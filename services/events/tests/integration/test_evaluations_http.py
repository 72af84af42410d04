"""Democratic evaluations and the 师德 assessment over HTTP on real PostgreSQL, the directory fed
through Kafka: staff forms through the members' self-service, outside forms with one-time codes on
the public route without sign-in, the return rate of two kinds of forms, anonymity in the stored
rows, results submitted to the county's roll-up; the 师德 list, its submission and the county's
roll-up as JSON and Excel."""

import uuid

import httpx
import pytest
from sqlalchemy import inspect, select

from services.events.tests.integration.test_event_sheets import download_name, sheet_of
from services.events.tests.integration.test_self_service_http import joined, member_token, organization
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer, unique
from unionfed_events.adapters.evaluation_tables import evaluation_answers, evaluation_codes
from unionfed_events.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration
YEAR = 2026
SUBJECTS = [
    {"name": "王建国", "post": "校长"},
    {"name": "李红", "post": "副校长"},
    {"name": "周敏", "post": "中层干部"},
]


@pytest.fixture
async def county(build_service):
    events = await build_service(definition)
    federation, school, sibling = unique("county"), unique("school"), unique("school")
    await deliver(
        events,
        [
            organization(federation, [federation], "federation"),
            organization(federation, [federation, school], "grassroots_union"),
            organization(federation, [federation, sibling], "grassroots_union"),
        ],
    )
    teachers = [joined(federation, school, f"教师{i}") for i in range(5)]
    others = [joined(federation, sibling, "外校教师")]
    await deliver(events, [*teachers, *others])
    transport = httpx.ASGITransport(app=create_app(events))
    async with httpx.AsyncClient(transport=transport, base_url="http://events", timeout=10) as api:
        yield dict(
            runtime=events,
            api=api,
            federation=federation,
            school=school,
            sibling=sibling,
            teachers=teachers,
            others=others,
            officer=bearer(Role.UNION_OFFICER, school, federation),
            sibling_officer=bearer(Role.UNION_OFFICER, sibling, federation),
            county_admin=bearer(Role.FEDERATION_ADMIN, federation, federation),
            auditor=bearer(Role.AUDITOR, school, federation),
        )


def ratings(*grades: str, comment: str | None = None) -> list[dict]:
    return [{"rating": g, "comment": comment} for g in grades]


async def test_two_kinds_of_forms_answered_once_each_and_the_results_submitted_upward(county):
    api, officer, school = county["api"], county["officer"], county["school"]
    drafted = await api.post(
        f"/v1/organizations/{school}/evaluations",
        json={"title": "2026 年度领导班子民主评议", "year": YEAR, "subjects": SUBJECTS},
        headers=officer,
    )
    assert drafted.status_code == 201, drafted.text
    evaluation_id = drafted.json()["id"]
    assert drafted.json()["options"] == ["优秀", "称职", "基本称职", "不称职"]
    opened = await api.post(f"/v1/evaluations/{evaluation_id}/open", json={"outside_forms": 5}, headers=officer)
    assert opened.status_code == 200, opened.text
    assert opened.json()["return_rates"]["issued"] == 10  # 5 teachers, 5 parents
    hidden = await api.get(f"/v1/evaluations/{evaluation_id}/codes", headers=county["sibling_officer"])
    assert hidden.status_code == 404 and hidden.json()["code"] == "evaluation_not_found"
    codes = (await api.get(f"/v1/evaluations/{evaluation_id}/codes", headers=officer)).json()
    assert len(codes) == 5 and not any(c["used"] for c in codes)

    # Staff: members answer through their self-service, once.
    teachers = county["teachers"]
    mine = await api.get("/v1/me/evaluations", headers=member_token(teachers[0], school))
    assert [e["id"] for e in mine.json()] == [evaluation_id]
    for teacher in teachers[:4]:
        answered = await api.post(
            f"/v1/me/evaluations/{evaluation_id}/responses",
            json={"ratings": ratings("优秀", "称职", "基本称职", comment="工作扎实")},
            headers=member_token(teacher, school),
        )
        assert answered.status_code == 204, answered.text
    again = await api.post(
        f"/v1/me/evaluations/{evaluation_id}/responses",
        json={"ratings": ratings("不称职", "不称职", "不称职")},
        headers=member_token(teachers[0], school),
    )
    assert again.status_code == 409 and again.json()["code"] == "evaluation_already_answered"
    stranger = await api.post(
        f"/v1/me/evaluations/{evaluation_id}/responses",
        json={"ratings": ratings("优秀", "优秀", "优秀")},
        headers=member_token(county["others"][0], county["sibling"]),
    )
    assert stranger.status_code == 404

    # Outside respondents: no sign-in, a code, once.
    form = await api.get("/v1/public/evaluation-form", params={"code": codes[0]["code"].lower()})
    assert form.status_code == 200, form.text
    assert [s["post"] for s in form.json()["subjects"]] == ["校长", "副校长", "中层干部"]
    for entry in codes[:4]:
        answered = await api.post(
            "/v1/public/evaluation-responses",
            json={"code": entry["code"], "ratings": ratings("称职", "称职", "不称职")},
        )
        assert answered.status_code == 204, answered.text
    used = await api.post(
        "/v1/public/evaluation-responses", json={"code": codes[0]["code"], "ratings": ratings("优秀", "优秀", "优秀")}
    )
    assert used.status_code == 409 and used.json()["code"] == "evaluation_code_used"
    assert "已使用" in used.json()["detail"]
    unknown = await api.get("/v1/public/evaluation-form", params={"code": "ZZZZ2222"})
    assert unknown.status_code == 404 and unknown.json()["code"] == "evaluation_code_unknown"
    wrong = await api.post(
        "/v1/public/evaluation-responses", json={"code": codes[4]["code"], "ratings": ratings("优秀")}
    )
    assert wrong.status_code == 422 and wrong.json()["code"] == "evaluation_answer_count_mismatch"
    assert not (await api.get(f"/v1/evaluations/{evaluation_id}/codes", headers=officer)).json()[4]["used"]

    # Nothing stored with the answers names a member or a code.
    async with county["runtime"].engine.connect() as connection:
        columns = await connection.run_sync(
            lambda c: [col["name"] for col in inspect(c).get_columns("evaluation_answers")]
        )
        rows = (await connection.execute(select(evaluation_answers))).all()
        used_codes = (await connection.execute(select(evaluation_codes.c.code).where(evaluation_codes.c.used))).all()
    assert sorted(columns) == ["evaluation_id", "form", "id", "ratings"]
    assert len(rows) == 8 and len(used_codes) == 4
    stored = repr(rows)
    assert not any(str(t.member_id) in stored for t in teachers) and not any(c["code"] in stored for c in codes)

    # Results: two kinds of forms, 80.0% returned.
    found = await api.get(f"/v1/evaluations/{evaluation_id}/results", headers=county["auditor"])
    assert found.status_code == 200, found.text
    rates = found.json()["return_rates"]
    assert [(f["form"], f["issued"], f["returned"], f["rate"]) for f in rates["forms"]] == [
        ("staff", 5, 4, "80.0%"),
        ("outside", 5, 4, "80.0%"),
    ]
    assert rates["rate"] == "80.0%"
    head = found.json()["results"][0]
    assert head["total"] == {
        "answers": 8,
        "counts": {"优秀": 4, "称职": 4, "基本称职": 0, "不称职": 0},
        "approving_share": "100.0%",
    }
    assert head["comments"] == ["工作扎实"] * 4
    middle = found.json()["results"][2]
    assert middle["total"]["approving_share"] == "0.0%"

    # Submitted upward once closed; the county reads the submitted results, never the answers.
    early = await api.post(f"/v1/evaluations/{evaluation_id}/submission", headers=officer)
    assert early.status_code == 409 and early.json()["code"] == "evaluation_not_closed"
    rollup = await api.get(
        f"/v1/organizations/{county['federation']}/evaluation-rollup",
        params={"year": YEAR},
        headers=county["county_admin"],
    )
    assert rollup.json()["submitted"] == []
    assert (await api.post(f"/v1/evaluations/{evaluation_id}/close", headers=officer)).status_code == 200
    closed = await api.post(
        "/v1/public/evaluation-responses", json={"code": codes[4]["code"], "ratings": ratings("优秀", "优秀", "优秀")}
    )
    assert closed.status_code == 409 and closed.json()["code"] == "evaluation_not_open"
    submitted = await api.post(f"/v1/evaluations/{evaluation_id}/submission", headers=officer)
    assert submitted.status_code == 200 and submitted.json()["submitted_at"]
    rollup = await api.get(
        f"/v1/organizations/{county['federation']}/evaluation-rollup",
        params={"year": YEAR},
        headers=county["county_admin"],
    )
    [row] = rollup.json()["submitted"]
    assert (row["organization_id"], row["results"]["return_rates"]["rate"]) == (school, "80.0%")
    # The same roll-up as the county's Excel: a line per subject and form kind, then both together.
    xlsx = await api.get(
        f"/v1/organizations/{county['federation']}/evaluation-rollup",
        params={"year": YEAR, "format": "xlsx"},
        headers=county["county_admin"],
    )
    assert xlsx.status_code == 200, xlsx.text
    assert download_name(xlsx) == f"民主评议结果汇总-org {county['federation']}-{YEAR}.xlsx"
    lines = sheet_of(xlsx)
    assert lines[0][:10] == (
        "学校工会",
        "评议名称",
        "评议对象",
        "职务",
        "评议表",
        "有效评议表",
        "优秀",
        "称职",
        "基本称职",
        "不称职",
    )
    assert lines[0][10:12] == ("满意率（优秀+称职或4、5分）", "回收率")
    head = [line[2:12] for line in lines[1:] if line[3] == "校长"]
    assert head == [
        (SUBJECTS[0]["name"], "校长", "教职工评议表", 4, 4, 0, 0, 0, "100.0%", "80.0%"),
        (SUBJECTS[0]["name"], "校长", "校外（家长）评议表", 4, 0, 4, 0, 0, "100.0%", "80.0%"),
        (SUBJECTS[0]["name"], "校长", "合计", 8, 4, 4, 0, 0, "100.0%", "80.0%"),
    ]
    assert all(line[0] == f"org {school}" for line in lines[1:]) and len(lines) == 1 + 3 * 3
    sibling = await api.get(
        f"/v1/organizations/{school}/evaluation-rollup", params={"year": YEAR}, headers=county["sibling_officer"]
    )
    assert sibling.status_code == 404


async def test_the_ethics_list_is_assessed_submitted_and_rolled_up_for_the_county(county):
    api, officer, school, teachers = county["api"], county["officer"], county["school"], county["teachers"]
    path = f"/v1/organizations/{school}/ethics-assessments"
    for teacher, result in zip(teachers[:4], ("优秀", "合格", "合格", "合格")):
        assessed = await api.post(
            path, json={"member_id": str(teacher.member_id), "year": YEAR, "result": result}, headers=officer
        )
        assert assessed.status_code == 201, assessed.text
    without_note = await api.post(
        path, json={"member_id": str(teachers[4].member_id), "year": YEAR, "result": "基本合格"}, headers=officer
    )
    assert without_note.status_code == 422 and without_note.json()["code"] == "ethics_note_required"
    incomplete = await api.post(f"/v1/organizations/{school}/ethics-submissions", json={"year": YEAR}, headers=officer)
    assert incomplete.status_code == 409 and incomplete.json()["code"] == "ethics_list_incomplete"
    stranger = await api.post(
        path, json={"member_id": str(county["others"][0].member_id), "year": YEAR, "result": "合格"}, headers=officer
    )
    assert stranger.status_code == 404
    hidden = await api.get(path, params={"year": YEAR}, headers=county["sibling_officer"])
    assert hidden.status_code == 404

    await api.post(
        path,
        json={"member_id": str(teachers[4].member_id), "year": YEAR, "result": "基本合格", "note": "家校沟通不足"},
        headers=officer,
    )
    submitted = await api.post(f"/v1/organizations/{school}/ethics-submissions", json={"year": YEAR}, headers=officer)
    assert submitted.status_code == 200, submitted.text
    assert submitted.json()["summary"] == {
        "members": 5,
        "assessed": 5,
        "not_assessed": 0,
        "counts": {"优秀": 1, "合格": 3, "基本合格": 1, "不合格": 0},
    }
    fixed = await api.post(
        path, json={"member_id": str(teachers[0].member_id), "year": YEAR, "result": "合格"}, headers=officer
    )
    assert fixed.status_code == 409 and fixed.json()["code"] == "ethics_year_submitted"

    sheet = await api.get(path, params={"year": YEAR, "format": "xlsx"}, headers=county["auditor"])
    assert sheet.status_code == 200
    rows = sheet_of(sheet)
    assert rows[0] == ("姓名", "所在组织", "考核结果", "情况说明")
    assert ("教师4", f"org {school}", "基本合格", "家校沟通不足") in rows

    fed = county["federation"]
    rollup = await api.get(
        f"/v1/organizations/{fed}/ethics-rollup", params={"year": YEAR}, headers=county["county_admin"]
    )
    assert rollup.status_code == 200, rollup.text
    by_union = {u["organization_id"]: u for u in rollup.json()["unions"]}
    assert (by_union[school]["counts"]["合格"], by_union[school]["not_assessed"]) == (3, 0)
    assert by_union[school]["submitted_at"] is not None
    assert (by_union[county["sibling"]]["not_assessed"], by_union[county["sibling"]]["submitted_at"]) == (1, None)
    assert rollup.json()["total"]["submitted"] == 1
    xlsx = await api.get(
        f"/v1/organizations/{fed}/ethics-rollup",
        params={"year": YEAR, "format": "xlsx"},
        headers=county["county_admin"],
    )
    assert download_name(xlsx) == f"师德考核汇总-org {fed}-{YEAR}.xlsx"
    lines = sheet_of(xlsx)
    assert lines[-1] == ("合计", 6, 1, 3, 1, 0, 1, 1)


async def test_an_evaluation_of_another_union_answers_as_missing(county):
    api = county["api"]
    made = await api.post(
        f"/v1/organizations/{county['school']}/evaluations",
        json={"title": "中层干部评议", "subjects": SUBJECTS[2:]},
        headers=county["officer"],
    )
    evaluation_id = made.json()["id"]
    for route in ("", "/results"):
        theirs = await api.get(f"/v1/evaluations/{evaluation_id}{route}", headers=county["sibling_officer"])
        missing = await api.get(f"/v1/evaluations/{uuid.uuid4()}{route}", headers=county["sibling_officer"])
        assert (theirs.status_code, theirs.json()["type"]) == (missing.status_code, missing.json()["type"])
