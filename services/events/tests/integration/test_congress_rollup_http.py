"""The congress roll-up over a subtree on real PostgreSQL: a county with two schools."""

import httpx
import pytest

from tests.factories import member, organization
from tests.kafka_tools import deliver
from tests.problem_tools import refusal
from tests.pytest_infra import bearer, unique
from unionfed_events.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration

AS_OF = "2026-12-05T09:00:00+08:00"


@pytest.fixture
async def county(build_service):
    events = await build_service(definition)
    federation, first, second = unique("county"), unique("school"), unique("school")
    group = unique("group")
    teachers = {school: [member(federation, school, f"教师{i}") for i in range(3)] for school in (first, second)}
    await deliver(
        events,
        [
            organization(federation, [federation], "federation", "某县教育工会"),
            organization(federation, [federation, first], "grassroots_union", "第一小学工会"),
            organization(federation, [federation, second], "grassroots_union", "实验中学工会"),
            organization(federation, [federation, first, group], "union_group", "语文组"),
            *teachers[first],
            *teachers[second],
        ],
    )
    transport = httpx.ASGITransport(app=create_app(events))
    async with httpx.AsyncClient(transport=transport, base_url="http://events", timeout=10) as api:
        yield dict(
            api=api,
            federation=federation,
            first=first,
            second=second,
            teachers={s: [t.member_id for t in ts] for s, ts in teachers.items()},
        )


async def held(
    ctx, school: str, session_number: int, starts_on: str, deadline: str, proposals: int, answered: int
) -> None:
    """A session of ``school`` where ``proposals`` stand at once (no seconders needed), ``answered`` of them answered."""
    api, officer = ctx["api"], bearer(Role.UNION_OFFICER, school, ctx["federation"])
    planned = await api.post(
        f"/v1/organizations/{school}/congress-sessions",
        headers=officer,
        json={
            "congress_number": 14,
            "session_number": session_number,
            "starts_on": starts_on,
            "ends_on": starts_on,
            "answer_deadline": deadline,
            "min_seconders": 0,
        },
    )
    assert planned.status_code == 201, planned.text
    session_id = planned.json()["id"]
    proposer = ctx["teachers"][school][0]
    named = await api.post(
        f"/v1/congress-sessions/{session_id}/representatives", headers=officer, json={"member_ids": [str(proposer)]}
    )
    assert named.status_code == 200, named.text
    for number in range(proposals):
        filed = await api.post(
            f"/v1/congress-sessions/{session_id}/proposals",
            headers=bearer(Role.MEMBER, school, ctx["federation"], subject=str(proposer)),
            json={"title": f"提案{number}", "body": "建议。"},
        )
        assert filed.status_code == 201 and filed.json()["status"] == "submitted", filed.text
        if number < answered:
            answer = await api.post(
                f"/v1/congress-proposals/{filed.json()['id']}/answer", headers=officer, json={"answer": "accepted"}
            )
            assert answer.status_code == 200, answer.text


def figures(row: dict) -> tuple[int, int, int, int]:
    return row["sessions"], row["proposals"], row["answered"], row["overdue"]


async def test_the_county_sees_each_schools_congress_year_and_a_school_only_its_own(county):
    api, federation, first, second = county["api"], county["federation"], county["first"], county["second"]
    # The first school's spring session is past its deadline with one of three proposals unanswered.
    await held(county, first, 2, "2026-03-10", "2026-04-30T17:00:00+08:00", proposals=3, answered=2)
    await held(county, first, 3, "2026-11-20", "2026-12-31T17:00:00+08:00", proposals=1, answered=0)
    # The second school's unanswered proposal is still within its deadline: not overdue.
    await held(county, second, 2, "2026-10-15", "2026-12-31T17:00:00+08:00", proposals=2, answered=1)
    # Last year's session, unanswered and long overdue, is not this year's.
    await held(county, second, 1, "2025-10-15", "2025-11-30T17:00:00+08:00", proposals=1, answered=0)

    admin = bearer(Role.FEDERATION_ADMIN, federation, federation)
    answer = await api.get(
        f"/v1/organizations/{federation}/congress-rollup", headers=admin, params={"year": 2026, "as_of": AS_OF}
    )
    assert answer.status_code == 200, answer.text
    rollup = answer.json()
    assert (rollup["organization_id"], rollup["year"], rollup["as_of"]) == (federation, 2026, AS_OF)
    rows = {row["organization_id"]: row for row in rollup["unions"]}
    assert set(rows) == {first, second}, "the schools, not the county itself nor the union group"
    assert figures(rows[first]) == (2, 4, 2, 1)
    assert figures(rows[second]) == (1, 2, 1, 0)
    assert rows[first]["name"] == "第一小学工会"
    assert figures(rollup["total"]) == (3, 6, 3, 1)
    # Answered now (December): the spring session's two answers came after its April deadline.
    timeliness = {k: (r["answered_in_time"], r["answered_late"]) for k, r in rows.items()}
    assert timeliness == {first: (0, 2), second: (1, 0)}
    assert (rollup["total"]["answered_in_time"], rollup["total"]["answered_late"]) == (1, 2)

    last_year = (
        await api.get(
            f"/v1/organizations/{federation}/congress-rollup", headers=admin, params={"year": 2025, "as_of": AS_OF}
        )
    ).json()
    assert figures(last_year["total"]) == (1, 1, 0, 1)

    officer = bearer(Role.UNION_OFFICER, second, federation)
    own = await api.get(
        f"/v1/organizations/{second}/congress-rollup", headers=officer, params={"year": 2026, "as_of": AS_OF}
    )
    assert own.status_code == 200, own.text
    assert [row["organization_id"] for row in own.json()["unions"]] == [second]
    assert figures(own.json()["total"]) == (1, 2, 1, 0)

    other_school = await api.get(f"/v1/organizations/{first}/congress-rollup", headers=officer)
    missing = await api.get(f"/v1/organizations/{unique('ghost')}/congress-rollup", headers=officer)
    county_itself = await api.get(f"/v1/organizations/{federation}/congress-rollup", headers=officer)
    assert other_school.status_code == missing.status_code == county_itself.status_code == 404
    assert refusal(other_school) == refusal(missing) == refusal(county_itself)


async def test_overdue_in_the_roll_up_is_the_sessions_overdue_list(county):
    """The roll-up counts what the session's own overdue-proposals list shows, at any moment."""
    api, federation, first = county["api"], county["federation"], county["first"]
    await held(county, first, 2, "2026-03-10", "2026-04-30T17:00:00+08:00", proposals=3, answered=1)
    admin = bearer(Role.FEDERATION_ADMIN, federation, federation)
    sessions = (await api.get(f"/v1/organizations/{first}/congress-sessions", headers=admin)).json()
    for as_of in ("2026-04-30T17:00:00+08:00", "2026-04-30T17:00:01+08:00"):
        listed = (
            await api.get(
                f"/v1/congress-sessions/{sessions[0]['id']}/overdue-proposals", headers=admin, params={"as_of": as_of}
            )
        ).json()["proposals"]
        rollup = (
            await api.get(
                f"/v1/organizations/{federation}/congress-rollup", headers=admin, params={"year": 2026, "as_of": as_of}
            )
        ).json()
        assert rollup["total"]["overdue"] == len(listed), as_of
    assert len(listed) == 2


async def test_the_year_defaults_to_this_year_and_a_naive_as_of_is_refused(county):
    api, federation = county["api"], county["federation"]
    admin = bearer(Role.FEDERATION_ADMIN, federation, federation)
    today = await api.get(f"/v1/organizations/{federation}/congress-rollup", headers=admin)
    assert today.status_code == 200 and today.json()["year"] >= 2026, today.text
    naive = await api.get(
        f"/v1/organizations/{federation}/congress-rollup", headers=admin, params={"as_of": "2026-12-05T09:00:00"}
    )
    assert naive.status_code == 422
    welfare = bearer(Role.WELFARE_OFFICER, federation, federation)
    assert (await api.get(f"/v1/organizations/{federation}/congress-rollup", headers=welfare)).status_code == 403
