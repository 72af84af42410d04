"""Skills and jobs on an in-memory unit of work: who records job placements and what is refused,
a placement tied to a training course of the federation, and the year's roll-up on the
federation's calendar. The integration tests count entrants, attendance and awards in PostgreSQL."""

import datetime as dt
import uuid

import pydantic
import pytest

from services.events.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_events.domain.activities import Activity
from unionfed_events.service_layer import nominations, skills
from unionfed_events.service_layer.commands import RecordJobPlacement
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Forbidden, Invalid, NotFound

NOW = dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC)  # 1 a.m. on 1 January 2027 in Beijing
OFFICER = Principal("officer-li", Role.UNION_OFFICER, "plant", "street")
STREET_ADMIN = Principal("admin-zhao", Role.FEDERATION_ADMIN, "street", "street")
OTHER_ADMIN = Principal("admin-qian", Role.FEDERATION_ADMIN, "elsewhere", "elsewhere")
AUDITOR = Principal("auditor-sun", Role.AUDITOR, "street", "street")
MEMBER = Principal("member-wang", Role.MEMBER, "plant", "street")


@pytest.fixture(autouse=True)
def new_years_night(monkeypatch):
    monkeypatch.setattr(nominations, "now", lambda: NOW)


def street() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.unions.add_organization("street", "federation", None)
    uow.unions.add_organization("plant", "grassroots_union", "street")
    uow.unions.add_organization("elsewhere", "federation", None)
    uow.unions.add_organization("far-plant", "grassroots_union", "elsewhere")
    return uow


def course(uow: FakeUnitOfWork, *, kind="training", status="published", org="street", federation="street", starts=None):
    starts = starts or dt.datetime(2026, 5, 10, 1, 0, tzinfo=dt.UTC)
    activity = Activity(
        id=uuid.uuid4(),
        organization_id=org,
        federation_id=federation,
        title="叉车操作技能培训班",
        kind=kind,
        scope_organization_ids=(org,),
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=8),
        registration_deadline=starts - dt.timedelta(days=5),
        capacity=None,
        eligible_gender=None,
        eligible_statuses=("active",),
        status=status,
    )
    uow.activities.rows[activity.id] = activity
    return activity


async def test_an_officer_records_a_placement_dated_today_on_the_federations_calendar():
    uow = street()
    placed = await skills.record_placement(
        uow, OFFICER, "plant", RecordJobPlacement(employer="恒运物流有限公司", people=5, members=2)
    )
    assert placed.placed_on == dt.date(2027, 1, 1)  # already New Year's Day in Beijing, still 2026 in UTC
    assert (placed.organization_id, placed.federation_id, placed.recorded_by) == ("plant", "street", "officer-li")
    assert uow.committed


async def test_a_placement_after_a_training_course_names_a_held_training_of_the_federation():
    uow = street()
    held = course(uow)
    placed = await skills.record_placement(
        uow,
        OFFICER,
        "plant",
        RecordJobPlacement(employer="华东精密机械有限公司", people=8, members=8, training_activity_id=held.id),
    )
    assert placed.training_activity_id == held.id
    for wrong in (
        course(uow, kind="sport"),
        course(uow, status="cancelled"),
        course(uow, status="draft"),
        course(uow, org="elsewhere", federation="elsewhere"),
    ):
        with pytest.raises(Invalid) as refused:
            await skills.record_placement(
                uow, OFFICER, "plant", RecordJobPlacement(employer="某厂", people=1, training_activity_id=wrong.id)
            )
        assert refused.value.code == "job_placement_training_unknown"
    with pytest.raises(Invalid):
        await skills.record_placement(
            uow, OFFICER, "plant", RecordJobPlacement(employer="某厂", people=1, training_activity_id=uuid.uuid4())
        )
    assert len(uow.job_placements.rows) == 1


async def test_refusals_change_nothing():
    uow = street()
    with pytest.raises(Invalid) as refused:
        await skills.record_placement(uow, OFFICER, "plant", RecordJobPlacement(employer="某厂", people=2, members=3))
    assert refused.value.code == "job_placement_members_exceed_people"
    with pytest.raises(Invalid) as refused:
        await skills.record_placement(
            uow, OFFICER, "plant", RecordJobPlacement(employer="某厂", people=2, placed_on=dt.date(2027, 1, 2))
        )
    assert refused.value.code == "job_placement_date_in_future"
    with pytest.raises(Forbidden):
        await skills.record_placement(uow, AUDITOR, "plant", RecordJobPlacement(employer="某厂", people=1))
    with pytest.raises(Forbidden):
        await skills.record_placement(uow, MEMBER, "plant", RecordJobPlacement(employer="某厂", people=1))
    with pytest.raises(NotFound):
        await skills.record_placement(uow, OTHER_ADMIN, "plant", RecordJobPlacement(employer="某厂", people=1))
    for bad in (
        {"employer": "", "people": 1},
        {"employer": "某厂", "people": 0},
        {"employer": "某厂", "people": 1, "members": -1},
    ):
        with pytest.raises(pydantic.ValidationError):
            RecordJobPlacement(**bad)
    assert uow.job_placements.rows == {} and not uow.committed


async def test_the_rollup_counts_the_subtrees_year_on_the_federations_calendar():
    uow = street()
    trained = course(uow, org="plant")
    course(uow, kind="skill_contest", org="plant")
    course(uow, kind="labour_competition")
    course(uow, kind="training", status="cancelled")
    course(uow, kind="training", org="far-plant", federation="elsewhere")
    # 2027-01-01 00:30 in Beijing is still 2026 in UTC: it counts in 2027.
    course(uow, kind="training", starts=dt.datetime(2026, 12, 31, 16, 30, tzinfo=dt.UTC))
    for people, members, day, after in ((5, 2, dt.date(2026, 3, 1), None), (8, 8, dt.date(2026, 6, 1), trained.id)):
        await skills.record_placement(
            uow,
            STREET_ADMIN,
            "plant",
            RecordJobPlacement(
                employer="某厂", people=people, members=members, placed_on=day, training_activity_id=after
            ),
        )
    rollup = await skills.rollup(uow, AUDITOR, "street", 2026)
    assert {k: f.held for k, f in rollup.by_kind.items()} == {
        "training": 1,
        "labour_competition": 1,
        "skill_contest": 1,
    }
    p = rollup.placements
    assert (p.records, p.people, p.members, p.after_training) == (2, 13, 10, 8)
    next_year = await skills.rollup(uow, AUDITOR, "street", None)
    assert next_year.year == 2027 and next_year.by_kind["training"].held == 1 and next_year.placements.people == 0
    year, listed = await skills.placements_of(uow, OFFICER, "plant", 2026)
    assert year == 2026 and [x.placed_on for x in listed] == [dt.date(2026, 6, 1), dt.date(2026, 3, 1)]
    with pytest.raises(NotFound):
        await skills.rollup(uow, OTHER_ADMIN, "street", 2026)
    with pytest.raises(Forbidden):
        await skills.rollup(uow, MEMBER, "plant", 2026)
