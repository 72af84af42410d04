"""The staff congress over HTTP on real PostgreSQL: seconders, answers, overdue proposals, votes."""

import asyncio
import datetime as dt
import uuid

import httpx
import pytest
from sqlalchemy import func, select

from tests.factories import member, organization
from tests.kafka_tools import deliver
from tests.problem_tools import refusal
from tests.pytest_infra import bearer, unique
from unionfed_events.adapters.congress_tables import congress_representatives
from unionfed_events.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration

DEADLINE = "2026-12-31T17:00:00+08:00"


@pytest.fixture
async def school(build_service):
    events = await build_service(definition)
    federation, school_id, sibling = unique("county"), unique("school"), unique("school")
    teachers = [member(federation, school_id, f"教师{i}") for i in range(7)]
    outsider = member(federation, sibling, "外校教师")
    await deliver(
        events,
        [
            organization(federation, [federation], "federation", "某县教育工会"),
            organization(federation, [federation, school_id], "grassroots_union", "第一小学工会"),
            organization(federation, [federation, sibling], "grassroots_union", "实验中学工会"),
            *teachers,
            outsider,
        ],
    )
    transport = httpx.ASGITransport(app=create_app(events))
    async with httpx.AsyncClient(transport=transport, base_url="http://events", timeout=10) as api:
        yield dict(
            runtime=events,
            api=api,
            federation=federation,
            school=school_id,
            sibling=sibling,
            teachers=[t.member_id for t in teachers],
            outsider=outsider.member_id,
            officer=bearer(Role.UNION_OFFICER, school_id, federation),
        )


def as_member(ctx, member_id) -> dict[str, str]:
    return bearer(Role.MEMBER, ctx["school"], ctx["federation"], subject=str(member_id))


async def planned_session(ctx, representatives: int, **plan) -> str:
    api = ctx["api"]
    body = {
        "congress_number": 14,
        "session_number": 3,
        "starts_on": "2026-11-20",
        "ends_on": "2026-11-21",
        "answer_deadline": DEADLINE,
        **plan,
    }
    created = await api.post(f"/v1/organizations/{ctx['school']}/congress-sessions", json=body, headers=ctx["officer"])
    assert created.status_code == 201, created.text
    session = created.json()
    named = await api.post(
        f"/v1/congress-sessions/{session['id']}/representatives",
        json={"member_ids": [str(m) for m in ctx["teachers"][:representatives]]},
        headers=ctx["officer"],
    )
    assert named.status_code == 200 and len(named.json()) == representatives, named.text
    return session["id"]


async def test_a_session_is_planned_by_the_union_and_its_representatives_are_its_members(school):
    api, officer = school["api"], school["officer"]
    session_id = await planned_session(school, 5)
    session = (await api.get(f"/v1/congress-sessions/{session_id}", headers=officer)).json()
    assert (session["title"], session["min_seconders"]) == ("第14届第3次", 2)
    assert session["answer_deadline"] == DEADLINE, "shown in Beijing time"

    again = await api.post(
        f"/v1/organizations/{school['school']}/congress-sessions",
        headers=officer,
        json={
            "congress_number": 14,
            "session_number": 3,
            "starts_on": "2026-11-20",
            "ends_on": "2026-11-21",
            "answer_deadline": DEADLINE,
        },
    )
    assert again.status_code == 409
    for bad in ({"answer_deadline": "2026-12-31T17:00:00"}, {"ends_on": "2026-11-19"}, {"congress_number": 0}):
        body = {
            "congress_number": 14,
            "session_number": 4,
            "starts_on": "2026-11-20",
            "ends_on": "2026-11-21",
            "answer_deadline": DEADLINE,
            **bad,
        }
        answer = await api.post(f"/v1/organizations/{school['school']}/congress-sessions", json=body, headers=officer)
        assert answer.status_code == 422, (bad, answer.text)

    async def representatives() -> int:
        async with school["runtime"].session_factory() as db:
            return await db.scalar(select(func.count()).select_from(congress_representatives))

    outsider = await api.post(
        f"/v1/congress-sessions/{session_id}/representatives",
        json={"member_ids": [str(school["teachers"][5]), str(school["outsider"])]},
        headers=officer,
    )
    assert outsider.status_code == 422 and outsider.json()["code"] == "representatives_not_members"
    assert str(school["outsider"]) in outsider.json()["detail"]
    assert await representatives() == 5, "a refused list adds no one"

    stranger = bearer(Role.UNION_OFFICER, school["sibling"], school["federation"])
    foreign = await api.get(f"/v1/congress-sessions/{session_id}", headers=stranger)
    missing = await api.get(f"/v1/congress-sessions/{uuid.uuid4()}", headers=stranger)
    assert foreign.status_code == missing.status_code == 404 and refusal(foreign) == refusal(missing)
    auditor = bearer(Role.AUDITOR, school["federation"], school["federation"])
    assert (await api.get(f"/v1/congress-sessions/{session_id}/representatives", headers=auditor)).status_code == 200
    refused = await api.post(
        f"/v1/congress-sessions/{session_id}/representatives",
        json={"member_ids": [str(school["teachers"][6])]},
        headers=auditor,
    )
    assert refused.status_code == 403


async def test_a_proposal_stands_with_two_other_representatives_seconding_it(school):
    api = school["api"]
    session_id = await planned_session(school, 5)
    r1, r2, r3 = school["teachers"][:3]
    filed = await api.post(
        f"/v1/congress-sessions/{session_id}/proposals",
        headers=as_member(school, r1),
        json={"title": "关于改善教师食堂的提案", "body": "建议增加晚餐供应。"},
    )
    assert filed.status_code == 201, filed.text
    proposal = filed.json()
    assert (proposal["number"], proposal["status"], proposal["seconders"]) == (1, "awaiting_seconders", [])
    seconders = f"/v1/congress-proposals/{proposal['id']}/seconders"

    assert (await api.post(seconders, headers=as_member(school, r1))).status_code == 422, "not one's own"
    not_representative = school["teachers"][6]
    assert (await api.post(seconders, headers=as_member(school, not_representative))).status_code == 403
    non_rep_files = await api.post(
        f"/v1/congress-sessions/{session_id}/proposals",
        headers=as_member(school, not_representative),
        json={"title": "x", "body": "y"},
    )
    assert non_rep_files.status_code == 403

    first = await api.post(seconders, headers=as_member(school, r2))
    assert first.status_code == 201 and first.json()["status"] == "awaiting_seconders"
    assert (await api.post(seconders, headers=as_member(school, r2))).status_code == 409, "seconds once"
    second = (await api.post(seconders, headers=as_member(school, r3))).json()
    assert second["status"] == "submitted" and set(second["seconders"]) == {str(r2), str(r3)}

    early = await api.post(
        f"/v1/congress-sessions/{session_id}/proposals",
        headers=as_member(school, r2),
        json={"title": "关于教师体检的提案", "body": "每年一次。"},
    )
    answer = await api.post(
        f"/v1/congress-proposals/{early.json()['id']}/answer", json={"answer": "accepted"}, headers=school["officer"]
    )
    assert answer.status_code == 409 and answer.json()["code"] == "proposal_not_seconded", "nothing to answer yet"


async def test_every_proposal_is_answered_once_and_one_without_an_answer_past_the_deadline_is_overdue(school):
    api, officer = school["api"], school["officer"]
    session_id = await planned_session(school, 5)
    r = school["teachers"]

    async def standing(proposer, title, seconded_by):
        filed = await api.post(
            f"/v1/congress-sessions/{session_id}/proposals",
            headers=as_member(school, proposer),
            json={"title": title, "body": f"{title}的具体建议。"},
        )
        for seconder in seconded_by:
            assert (
                await api.post(
                    f"/v1/congress-proposals/{filed.json()['id']}/seconders", headers=as_member(school, seconder)
                )
            ).status_code == 201
        return filed.json()["id"]

    canteen = await standing(r[0], "关于改善教师食堂的提案", [r[1], r[2]])
    checkups = await standing(r[1], "关于教师体检的提案", [r[0], r[3]])
    checkups_too = await standing(r[4], "关于增加体检项目的提案", [r[0], r[1]])
    parking = await standing(r[3], "关于停车位的提案", [r[2], r[4]])
    library = await standing(r[2], "关于教师阅览室的提案", [r[3], r[4]])

    def answer(proposal_id, body, headers=officer):
        return api.post(f"/v1/congress-proposals/{proposal_id}/answer", json=body, headers=headers)

    for bad in (
        {"answer": "rejected"},
        {"answer": "referred"},
        {"answer": "merged"},
        {"answer": "merged", "merged_into": checkups_too},
        {"answer": "merged", "merged_into": str(uuid.uuid4())},
        {"answer": "postponed"},
        {"answer": "accepted", "colour": "red"},
    ):
        response = await answer(checkups_too, bad)
        assert response.status_code == 422, (bad, response.text)
    auditor = bearer(Role.AUDITOR, school["federation"], school["federation"])
    assert (await answer(checkups, {"answer": "accepted"}, auditor)).status_code == 403
    assert (await answer(checkups, {"answer": "accepted"}, as_member(school, r[0]))).status_code == 403

    accepted = await answer(checkups, {"answer": "accepted", "text": "由工会督促学校落实", "department": "校办"})
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["answer"], accepted.json()["answered_by"]) == ("accepted", "union_officer-1")
    assert accepted.json()["answered_at"].endswith("+08:00")
    merged = await answer(checkups_too, {"answer": "merged", "merged_into": checkups})
    assert merged.json()["merged_into"] == checkups
    referred = await answer(parking, {"answer": "referred", "department": "总务处"})
    assert referred.json()["department"] == "总务处"
    rejected = await answer(library, {"answer": "rejected", "text": "不属于教代会职权范围"})
    assert rejected.json()["answer_text"] == "不属于教代会职权范围"
    assert (await answer(library, {"answer": "accepted"})).status_code == 409, "answered once"

    overdue = f"/v1/congress-sessions/{session_id}/overdue-proposals"
    before = await api.get(overdue, params={"as_of": "2026-12-31T16:59:59+08:00"}, headers=officer)
    assert before.status_code == 200 and before.json()["proposals"] == []
    after = await api.get(overdue, params={"as_of": "2026-12-31T09:00:01Z"}, headers=officer)
    assert [p["id"] for p in after.json()["proposals"]] == [canteen]
    assert after.json()["as_of"] == "2026-12-31T17:00:01+08:00"
    assert (await api.get(overdue, params={"as_of": "2027-01-01T00:00:00"}, headers=officer)).status_code == 422
    by_clock = await api.get(overdue, headers=as_member(school, r[6]))
    past_deadline = dt.datetime.now(dt.UTC) > dt.datetime.fromisoformat(DEADLINE)
    assert [p["id"] for p in by_clock.json()["proposals"]] == ([canteen] if past_deadline else []), (
        "no as_of: the clock"
    )

    stranger = bearer(Role.UNION_OFFICER, school["sibling"], school["federation"])
    foreign = await api.get(overdue, headers=stranger)
    missing = await api.get(f"/v1/congress-sessions/{uuid.uuid4()}/overdue-proposals", headers=stranger)
    assert foreign.status_code == missing.status_code == 404 and refusal(foreign) == refusal(missing)
    assert (await answer(canteen, {"answer": "accepted"}, stranger)).status_code == 404


async def test_a_representative_votes_once_and_a_vote_without_quorum_is_recorded_as_such(school):
    api, officer = school["api"], school["officer"]
    session_id = await planned_session(school, 6)
    r = school["teachers"]

    async def open_vote(present, **rule):
        opened = await api.post(
            f"/v1/congress-sessions/{session_id}/motions",
            headers=officer,
            json={"title": "《学校绩效工资分配方案》", "present_member_ids": [str(m) for m in present], **rule},
        )
        assert opened.status_code == 201, opened.text
        return opened.json()

    def vote(motion, voter, choice):
        return api.post(
            f"/v1/congress-motions/{motion['id']}/ballots", json={"choice": choice}, headers=as_member(school, voter)
        )

    stranger_present = await api.post(
        f"/v1/congress-sessions/{session_id}/motions",
        headers=officer,
        json={"title": "x", "present_member_ids": [str(school["outsider"])]},
    )
    assert stranger_present.status_code == 422

    rules_vote = await open_vote(r[:4])  # 4 of 6 present: exactly two thirds
    assert (rules_vote["quorum"], rules_vote["representatives"], rules_vote["present"]) == ("2/3", 6, 4)
    assert (await vote(rules_vote, r[0], "for")).status_code == 201
    twice = await vote(rules_vote, r[0], "against")
    assert twice.status_code == 409 and twice.json()["code"] == "already_voted"
    assert (await vote(rules_vote, r[1], "for")).status_code == 201
    assert (await vote(rules_vote, r[2], "for")).status_code == 201
    assert (await vote(rules_vote, r[4], "for")).status_code == 409, "not signed in as present"
    assert (await vote(rules_vote, r[6], "for")).status_code == 403, "not a representative"
    assert (await vote(rules_vote, r[3], "maybe")).status_code == 422
    last = await vote(rules_vote, r[3], "against")
    assert last.json()["ballots_cast"] == 4 and last.json()["votes_for"] is None, "no running count while open"

    assert (
        await api.post(f"/v1/congress-motions/{rules_vote['id']}/close", headers=as_member(school, r[0]))
    ).status_code == 403
    closed = (await api.post(f"/v1/congress-motions/{rules_vote['id']}/close", headers=officer)).json()
    assert (closed["result"], closed["votes_for"], closed["votes_against"], closed["votes_abstain"]) == (
        "passed",
        3,
        1,
        0,
    )
    assert (await api.post(f"/v1/congress-motions/{rules_vote['id']}/close", headers=officer)).status_code == 409
    assert (await vote(rules_vote, r[3], "for")).status_code == 409, "closed"

    thin = await open_vote(r[:3])  # 3 of 6: below two thirds
    for voter in r[:3]:
        assert (await vote(thin, voter, "for")).status_code == 201
    closed = (await api.post(f"/v1/congress-motions/{thin['id']}/close", headers=officer)).json()
    assert (closed["result"], closed["votes_for"]) == ("no_quorum", 3), "unanimous, but not a valid vote"

    of_all = await open_vote(r[:6], pass_rule="majority_of_all", quorum_numerator=1, quorum_denominator=2)
    for voter, choice in zip(r[:6], ["for", "for", "for", "against", "abstain", "abstain"]):
        assert (await vote(of_all, voter, choice)).status_code == 201
    closed = (await api.post(f"/v1/congress-motions/{of_all['id']}/close", headers=officer)).json()
    assert closed["result"] == "failed", "3 of 6 is not more than half of all representatives"
    read = await api.get(f"/v1/congress-motions/{of_all['id']}", headers=as_member(school, r[6]))
    assert read.json()["votes_abstain"] == 2 and read.json()["closed_at"].endswith("+08:00")

    # The session's votes, as the console lists them: in the order opened, each with its result.
    listed = await api.get(f"/v1/congress-sessions/{session_id}/motions", headers=officer)
    assert listed.status_code == 200, listed.text
    assert [(m["id"], m["result"]) for m in listed.json()] == [
        (rules_vote["id"], "passed"),
        (thin["id"], "no_quorum"),
        (of_all["id"], "failed"),
    ]
    open_again = await open_vote(r[:4])
    assert (await vote(open_again, r[0], "for")).status_code == 201
    running = (await api.get(f"/v1/congress-sessions/{session_id}/motions", headers=officer)).json()[-1]
    assert (running["status"], running["ballots_cast"], running["votes_for"]) == ("open", 1, None)
    outside = bearer(Role.UNION_OFFICER, school["sibling"], school["federation"])
    assert (await api.get(f"/v1/congress-sessions/{session_id}/motions", headers=outside)).status_code == 404


async def test_the_same_representative_voting_twice_at_once_is_counted_once(school):
    api, officer = school["api"], school["officer"]
    session_id = await planned_session(school, 3)
    r = school["teachers"]
    motion = (
        await api.post(
            f"/v1/congress-sessions/{session_id}/motions",
            headers=officer,
            json={"title": "《教职工考勤制度》", "present_member_ids": [str(m) for m in r[:3]]},
        )
    ).json()
    ballots = f"/v1/congress-motions/{motion['id']}/ballots"
    answers = await asyncio.gather(
        *(api.post(ballots, json={"choice": "for"}, headers=as_member(school, r[0])) for _ in range(5))
    )
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409, 409]
    closed = (await api.post(f"/v1/congress-motions/{motion['id']}/close", headers=officer)).json()
    assert (closed["ballots_cast"], closed["votes_for"], closed["result"]) == (1, 1, "failed")
