"""Surveys over HTTP on real PostgreSQL: recipients fixed at sending, the return rate, anonymity."""

import datetime as dt
import json
import uuid

import httpx
import pytest
from sqlalchemy import func, inspect, select

from tests.kafka_tools import deliver
from tests.problem_tools import refusal
from tests.pytest_infra import bearer, unique
from unionfed_events.adapters.congress_tables import survey_responses
from unionfed_events.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.contracts.membership import MemberJoinedV1, OrganizationRegisteredV1
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration

QUESTIONS = [
    {"kind": "single_choice", "text": "对学校食堂满意吗?", "options": ["满意", "一般", "不满意"]},
    {"kind": "multiple_choice", "text": "希望工会开展的活动", "options": ["羽毛球", "拔河", "合唱"]},
    {"kind": "rating", "text": "校务公开情况(1–5)"},
    {"kind": "free_text", "text": "意见和建议", "required": False},
]


def organization(federation: str, path: list[str], kind: str) -> OrganizationRegisteredV1:
    return OrganizationRegisteredV1(
        organization_id=path[-1],
        federation_id=federation,
        name=f"org {path[-1]}",
        kind=kind,
        parent_id=path[-2] if len(path) > 1 else None,
        path=path,
    )


def joined(federation: str, organization_id: str, name: str) -> MemberJoinedV1:
    return MemberJoinedV1(
        organization_id=organization_id,
        federation_id=federation,
        member_id=uuid.uuid4(),
        display_name=name,
        gender="male",
        joined_on=dt.date(2021, 9, 1),
    )


@pytest.fixture
async def county(build_service):
    """A county union, a school with two union groups (语文组, 数学组), and another school."""
    events = await build_service(definition)
    federation, school, sibling = unique("county"), unique("school"), unique("school")
    chinese, maths = unique("group"), unique("group")
    await deliver(
        events,
        [
            organization(federation, [federation], "federation"),
            organization(federation, [federation, school], "grassroots_union"),
            organization(federation, [federation, school, chinese], "union_group"),
            organization(federation, [federation, school, maths], "union_group"),
            organization(federation, [federation, sibling], "grassroots_union"),
        ],
    )
    transport = httpx.ASGITransport(app=create_app(events))
    async with httpx.AsyncClient(transport=transport, base_url="http://events", timeout=10) as api:
        yield dict(
            runtime=events,
            api=api,
            federation=federation,
            school=school,
            sibling=sibling,
            chinese=chinese,
            maths=maths,
            officer=bearer(Role.UNION_OFFICER, school, federation),
        )


async def members_in(ctx, organization_id: str, count: int, prefix: str) -> list[MemberJoinedV1]:
    people = [joined(ctx["federation"], organization_id, f"{prefix}{i}") for i in range(count)]
    await deliver(ctx["runtime"], people)
    return people


def as_member(ctx, person: MemberJoinedV1) -> dict[str, str]:
    return bearer(Role.MEMBER, person.organization_id, ctx["federation"], subject=str(person.member_id))


async def sent_survey(ctx, organization_id: str, questions=QUESTIONS) -> str:
    api = ctx["api"]
    officer = bearer(Role.UNION_OFFICER, organization_id, ctx["federation"])
    drafted = await api.post(
        f"/v1/organizations/{organization_id}/surveys",
        headers=officer,
        json={"title": "教职工满意度调查", "questions": questions},
    )
    assert drafted.status_code == 201, drafted.text
    sent = await api.post(f"/v1/surveys/{drafted.json()['id']}/send", headers=officer)
    assert sent.status_code == 200 and sent.json()["status"] == "sent", sent.text
    return drafted.json()["id"]


async def test_41_of_50_recipients_responding_is_a_return_rate_of_82_0_percent(county):
    api, officer = county["api"], county["officer"]
    staff = await members_in(county, county["chinese"], 30, "语文") + await members_in(
        county, county["maths"], 20, "数学"
    )
    await members_in(county, county["sibling"], 5, "外校")  # outside the scope: not asked
    survey_id = await sent_survey(county, county["school"])
    assert (await api.get(f"/v1/surveys/{survey_id}", headers=officer)).json()["recipients"] == 50

    late = (await members_in(county, county["school"], 1, "新教师"))[0]
    refused = await api.post(
        f"/v1/surveys/{survey_id}/responses", json={"answers": [0, [0], 5, None]}, headers=as_member(county, late)
    )
    assert refused.status_code == 409, "recipients are fixed when the survey is sent"

    for person in staff[:41]:
        answered = await api.post(
            f"/v1/surveys/{survey_id}/responses",
            json={"answers": [0, [1, 2], 4, None]},
            headers=as_member(county, person),
        )
        assert answered.status_code == 204, answered.text
    twice = await api.post(
        f"/v1/surveys/{survey_id}/responses", json={"answers": [1, [0], 3, None]}, headers=as_member(county, staff[0])
    )
    assert twice.status_code == 409 and twice.json()["code"] == "survey_already_answered"

    results = (await api.get(f"/v1/surveys/{survey_id}/results", headers=officer)).json()
    assert (results["recipients"], results["responses"], results["return_rate"]) == (50, 41, "82.0%")
    single, multiple, rating, _text = results["results"]
    assert single["options"][0] == {"option": "满意", "count": 41}
    assert [o["count"] for o in multiple["options"]] == [0, 41, 41] and rating["average"] == "4.0"
    assert {g["group"]: g["responses"] for g in results["breakdown"]} == {county["chinese"]: 30, county["maths"]: 11}

    closed = await api.post(f"/v1/surveys/{survey_id}/close", headers=officer)
    assert closed.status_code == 200 and closed.json()["return_rate"] == "82.0%"
    after = await api.post(
        f"/v1/surveys/{survey_id}/responses", json={"answers": [0, [0], 5, None]}, headers=as_member(county, staff[45])
    )
    assert after.status_code == 409


async def test_no_answer_can_be_traced_to_its_respondent_and_small_groups_are_not_broken_down(county):
    api, officer = county["api"], county["officer"]
    chinese = await members_in(county, county["chinese"], 4, "语文")
    maths = await members_in(county, county["maths"], 3, "数学")
    head = await members_in(county, county["school"], 1, "校长")  # alone in their branch
    survey_id = await sent_survey(county, county["school"])

    async def respond(person, answers):
        return await api.post(
            f"/v1/surveys/{survey_id}/responses", json={"answers": answers}, headers=as_member(county, person)
        )

    for i, person in enumerate(chinese[:2]):
        assert (await respond(person, [0, [0], 5, f"建议{i}"])).status_code == 204
    early = (await api.get(f"/v1/surveys/{survey_id}/results", headers=officer)).json()
    assert early["results"] is None and early["breakdown"] == [] and "3" in early["withheld"]

    for i, person in enumerate([*chinese[2:], *maths, *head]):
        answered = await respond(person, [1, [1, 2], 3, f"建议{i + 2}"])
        assert answered.status_code == 204 and answered.content == b"", "nothing is answered back"

    results = await api.get(f"/v1/surveys/{survey_id}/results", headers=officer)
    body = results.json()
    assert body["results"][3]["texts"] == sorted(f"建议{i}" for i in range(8)), "texts without names"
    # The head is alone in the school's own branch; pooled with him alone the maths group would be 1+3,
    # so maths joins the pool and only the Chinese group (4) is shown apart.
    assert [(g["group"], g["responses"]) for g in body["breakdown"]] == [(county["chinese"], 4), ("others", 4)]
    assert all("texts" not in q for g in body["breakdown"] for q in g["results"])
    everyone = [*chinese, *maths, *head]
    for text in (results.text, (await api.get(f"/v1/surveys/{survey_id}", headers=officer)).text):
        assert not any(str(p.member_id) in text or p.display_name in text for p in everyone)

    async with county["runtime"].session_factory() as db:
        columns = await db.run_sync(
            lambda s: {c["name"] for c in inspect(s.connection()).get_columns("survey_responses")}
        )
        recipients = await db.run_sync(
            lambda s: {c["name"] for c in inspect(s.connection()).get_columns("survey_recipients")}
        )
        stored = [json.dumps(a, ensure_ascii=False) for a in await db.scalars(select(survey_responses.c.answers))]
    assert columns == {"id", "survey_id", "group_id", "answers"}, "no member and no time beside the answers"
    assert recipients == {"survey_id", "member_id", "group_id", "responded"}, "no answer and no time beside the member"
    assert not any(str(p.member_id) in s for s in stored for p in everyone)

    member_view = await api.get(f"/v1/surveys/{survey_id}/results", headers=as_member(county, chinese[0]))
    assert member_view.status_code == 403
    stranger = bearer(Role.UNION_OFFICER, county["sibling"], county["federation"])
    foreign = await api.get(f"/v1/surveys/{survey_id}/results", headers=stranger)
    missing = await api.get(f"/v1/surveys/{uuid.uuid4()}/results", headers=stranger)
    assert foreign.status_code == missing.status_code == 404 and refusal(foreign) == refusal(missing)
    auditor = bearer(Role.AUDITOR, county["federation"], county["federation"])
    assert (await api.get(f"/v1/surveys/{survey_id}/results", headers=auditor)).json()["return_rate"] == "100.0%"


async def test_bad_input_is_refused_with_a_reason_and_changes_nothing(county):
    api, officer = county["api"], county["officer"]
    staff = await members_in(county, county["chinese"], 3, "语文")
    for bad in (
        [{"kind": "single_choice", "text": "只有一个选项", "options": ["是"]}],
        [{"kind": "rating", "text": "打分", "options": ["1", "2"]}],
        [{"kind": "essay", "text": "?"}],
        [],
    ):
        refused = await api.post(
            f"/v1/organizations/{county['school']}/surveys", headers=officer, json={"title": "问卷", "questions": bad}
        )
        assert refused.status_code == 422, (bad, refused.text)
    assert (await api.get(f"/v1/organizations/{county['school']}/surveys", headers=officer)).json() == []
    auditor = bearer(Role.AUDITOR, county["school"], county["federation"])
    assert (
        await api.post(
            f"/v1/organizations/{county['school']}/surveys",
            headers=auditor,
            json={"title": "问卷", "questions": QUESTIONS},
        )
    ).status_code == 403

    survey_id = await sent_survey(county, county["school"])
    person = as_member(county, staff[0])
    for answers in (
        [3, [0], 5, None],
        [0, [], 5, None],
        [0, [0], 6, None],
        [0, [0], 2.5, None],
        [True, [0], 5, None],
        [0, [0], 5],
        [None, [0], 5, None],
        [0, [0, 0], 5, None],
        ["0", [0], 5, None],
    ):
        refused = await api.post(f"/v1/surveys/{survey_id}/responses", json={"answers": answers}, headers=person)
        assert refused.status_code == 422, (answers, refused.text)
    assert (await api.get(f"/v1/surveys/{survey_id}", headers=officer)).json()["responses"] == 0
    async with county["runtime"].session_factory() as db:
        assert await db.scalar(select(func.count()).select_from(survey_responses)) == 0
    assert (
        await api.post(f"/v1/surveys/{survey_id}/responses", json={"answers": [2, [0], 1, None]}, headers=person)
    ).status_code == 204, "a refused response leaves the recipient free to answer"
    assert (await api.post(f"/v1/surveys/{survey_id}/send", headers=officer)).status_code == 409


async def test_drafting_twice_with_one_key_drafts_one_survey(county):
    api, school = county["api"], county["school"]
    officer = {**bearer(Role.UNION_OFFICER, school, county["federation"]), "Idempotency-Key": "survey-2026-1"}
    draft = {"title": "教职工满意度调查", "questions": QUESTIONS}

    first = await api.post(f"/v1/organizations/{school}/surveys", headers=officer, json=draft)
    again = await api.post(f"/v1/organizations/{school}/surveys", headers=officer, json=draft)
    other = await api.post(f"/v1/organizations/{school}/surveys", headers=officer, json={**draft, "title": "另一份"})

    assert first.status_code == again.status_code == 201, (first.text, again.text)
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    listed = await api.get(f"/v1/organizations/{school}/surveys", headers=officer)
    assert [s["id"] for s in listed.json()] == [first.json()["id"]]
