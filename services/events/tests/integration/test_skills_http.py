"""Skills and jobs over HTTP on real PostgreSQL: job placements recorded and listed, refusals as
problem details that write nothing, scope (another federation 404, a member 403), and the year's
roll-up counting in PostgreSQL the training courses, labour competitions and skill contests held
in the subtree with their entrants, attendance and awards, on the federation's calendar."""

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, insert, select

from services.events.tests.integration.test_event_sheets import download_name, sheet_of
from services.events.tests.integration.test_improvements_http import ENGLISH, TODAY, street  # noqa: F401  (fixture)
from unionfed_events.adapters.activity_tables import activities, activity_awards, activity_registrations
from unionfed_events.adapters.skills_tables import job_placements

pytestmark = pytest.mark.integration
YEAR = TODAY.year - 1  # a whole past year: every date in it is allowed


async def held(runtime, org: str, federation: str, kind: str, starts_at: dt.datetime, status="published") -> uuid.UUID:
    activity_id = uuid.uuid4()
    async with runtime.session_factory() as db, db.begin():
        await db.execute(
            insert(activities).values(
                id=activity_id,
                organization_id=org,
                federation_id=federation,
                title=f"{kind} {activity_id.hex[:6]}",
                kind=kind,
                scope_organization_ids=[org],
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(hours=8),
                registration_deadline=starts_at - dt.timedelta(days=3),
                eligible_statuses=["active"],
                status=status,
            )
        )
    return activity_id


async def took_part(runtime, activity_id: uuid.UUID, *states: tuple[str, bool | None]) -> None:
    """One registration per (status, attended); an award for each attended one."""
    async with runtime.session_factory() as db, db.begin():
        for sequence, (state, attended) in enumerate(states, start=1):
            member = uuid.uuid4()
            await db.execute(
                insert(activity_registrations).values(
                    id=uuid.uuid4(),
                    activity_id=activity_id,
                    member_id=member,
                    sequence=sequence,
                    status=state,
                    attended=attended,
                )
            )
            if attended:
                await db.execute(
                    insert(activity_awards).values(
                        id=uuid.uuid4(), activity_id=activity_id, category="个人", level="first", member_id=member
                    )
                )


def beijing(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=dt.UTC) - dt.timedelta(hours=8)


async def placements_stored(runtime) -> int:
    async with runtime.session_factory() as db:
        return await db.scalar(select(func.count()).select_from(job_placements))


async def test_the_years_skills_and_jobs_roll_up_over_the_subtree(street):  # noqa: F811
    api, runtime, fed, plants = street["api"], street["runtime"], street["federation"], street["plants"]
    course = await held(runtime, plants[0], fed, "training", beijing(YEAR, 4, 1))
    await took_part(
        runtime, course, ("confirmed", True), ("confirmed", True), ("confirmed", False), ("waitlisted", None)
    )
    contest = await held(runtime, plants[1], fed, "skill_contest", beijing(YEAR, 9, 20))
    await took_part(runtime, contest, ("confirmed", True), ("cancelled", None))
    await held(runtime, fed, fed, "labour_competition", beijing(YEAR, 1, 1, 0))  # 00:00 on 1 January in Beijing
    await held(runtime, fed, fed, "labour_competition", beijing(YEAR + 1, 1, 1, 0))  # the next year
    await held(runtime, fed, fed, "training", beijing(YEAR, 6, 1), status="cancelled")
    await held(runtime, fed, fed, "sport", beijing(YEAR, 6, 1))

    placements = (
        (
            plants[0],
            street["officers"][0],
            {"employer": "恒运物流有限公司", "people": 6, "members": 4, "placed_on": f"{YEAR}-05-01"},
        ),
        (
            fed,
            street["admin"],
            {
                "employer": "华东精密机械有限公司",
                "people": 3,
                "placed_on": f"{YEAR}-07-15",
                "training_activity_id": str(course),
            },
        ),
        (
            plants[1],
            street["officers"][1],
            {"employer": "某物业公司", "people": 2, "members": 2, "placed_on": f"{YEAR + 1}-01-02"},
        ),
    )
    for org, officer, body in placements:
        recorded = await api.post(f"/v1/organizations/{org}/job-placements", json=body, headers=officer)
        assert recorded.status_code == 201, recorded.text

    answer = await api.get(f"/v1/organizations/{fed}/skills-rollup", params={"year": YEAR}, headers=street["auditor"])
    assert answer.status_code == 200, answer.text
    rollup = answer.json()
    assert rollup["by_kind"] == {
        "training": {"held": 1, "entrants": 3, "attended": 2, "awards": 2},
        "labour_competition": {"held": 1, "entrants": 0, "attended": 0, "awards": 0},
        "skill_contest": {"held": 1, "entrants": 1, "attended": 1, "awards": 1},
    }
    assert rollup["placements"] == {"records": 2, "people": 9, "members": 4, "after_training": 3}

    sheet = await api.get(
        f"/v1/organizations/{fed}/skills-rollup",
        params={"year": YEAR, "format": "xlsx"},
        headers=street["auditor"] | ENGLISH,
    )
    assert download_name(sheet) == f"Skills and jobs-厂 {fed}-{YEAR}.xlsx"
    figures = dict(sheet_of(sheet)[1:])
    assert (figures["Training courses held"], figures["Trainees present"], figures["Contest awards"]) == (1, 2, 1)
    assert (figures["People helped into work"], figures["Of them after a union training course"]) == (9, 3)

    one_union = await api.get(
        f"/v1/organizations/{plants[0]}/skills-rollup", params={"year": YEAR}, headers=street["officers"][0]
    )
    assert one_union.json()["by_kind"]["skill_contest"]["held"] == 0
    assert one_union.json()["placements"]["people"] == 6
    listed = await api.get(f"/v1/organizations/{fed}/job-placements", params={"year": YEAR}, headers=street["auditor"])
    assert [p["employer"] for p in listed.json()["items"]] == ["华东精密机械有限公司", "恒运物流有限公司"]


async def test_refusals_are_problem_details_and_write_nothing(street):  # noqa: F811
    api, runtime, plants = street["api"], street["runtime"], street["plants"]
    before = await placements_stored(runtime)
    url = f"/v1/organizations/{plants[0]}/job-placements"
    officer = street["officers"][0]
    too_many = await api.post(url, json={"employer": "某厂", "people": 2, "members": 3}, headers=officer | ENGLISH)
    assert too_many.status_code == 422 and too_many.json()["code"] == "job_placement_members_exceed_people"
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    future = await api.post(url, json={"employer": "某厂", "people": 1, "placed_on": tomorrow}, headers=officer)
    assert future.json()["code"] == "job_placement_date_in_future"
    assert "不能晚于今天" in future.json()["detail"]
    unknown = await api.post(
        url, json={"employer": "某厂", "people": 1, "training_activity_id": str(uuid.uuid4())}, headers=officer
    )
    assert unknown.status_code == 422 and unknown.json()["code"] == "job_placement_training_unknown"
    empty = await api.post(url, json={"employer": " ", "people": 0}, headers=officer)
    assert empty.status_code == 422
    member = await api.post(url, json={"employer": "某厂", "people": 1}, headers=street["member"])
    assert member.status_code == 403
    foreign = await api.post(url, json={"employer": "某厂", "people": 1}, headers=street["foreign"])
    assert foreign.status_code == 404
    foreign_read = await api.get(f"/v1/organizations/{plants[0]}/skills-rollup", headers=street["foreign"])
    assert foreign_read.status_code == 404
    assert await placements_stored(runtime) == before
