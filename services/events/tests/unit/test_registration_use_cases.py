"""Registering for an activity and withdrawing, on an in-memory unit of work: places, the waitlist and
the refusals, and what is stored, in milliseconds. The integration tests prove the same use cases
against PostgreSQL."""

import datetime as dt
import uuid

import pytest

from services.events.tests.unit.fake_unit_of_work import STORED_AT, FakeUnitOfWork
from unionfed_events.domain.activities import Activity
from unionfed_events.domain.registration_model import Registrant
from unionfed_events.service_layer import registrations
from unionfed_events.service_layer.commands import Register
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Invalid

DEADLINE = dt.datetime(2026, 3, 5, 10, 0, tzinfo=dt.UTC)  # 18:00 in Beijing
BEFORE_DEADLINE = DEADLINE - dt.timedelta(days=1)
OFFICER = Principal("officer-li", Role.UNION_OFFICER, "no1", "county")


def school(capacity: int | None = 2, gender: str | None = None) -> tuple[FakeUnitOfWork, Activity]:
    uow = FakeUnitOfWork()
    uow.directory.paths.update({"county": ["county"], "no1": ["county", "no1"]})
    activity = Activity(
        id=uuid.uuid4(),
        organization_id="no1",
        federation_id="county",
        title="三八节健步走",
        kind="sport",
        scope_organization_ids=("no1",),
        starts_at=DEADLINE + dt.timedelta(days=3),
        ends_at=DEADLINE + dt.timedelta(days=3, hours=4),
        registration_deadline=DEADLINE,
        capacity=capacity,
        eligible_gender=gender,
        eligible_statuses=("active",),
        status="published",
        next_sequence=1,
    )
    uow.activities.rows[activity.id] = activity
    return uow, activity


def teacher(uow: FakeUnitOfWork, name: str, gender: str = "female") -> uuid.UUID:
    member = Registrant(uuid.uuid4(), name, gender, "active", "no1", ("county", "no1"), "county")
    uow.directory.members[member.id] = member
    return member.id


async def sign_up(uow: FakeUnitOfWork, activity: Activity, member_id: uuid.UUID, now: dt.datetime = BEFORE_DEADLINE):
    return await registrations.register(uow, OFFICER, activity.id, Register(member_id=member_id), now=now)


async def test_places_while_one_is_free_then_the_waitlist_in_the_order_asked():
    uow, activity = school(capacity=2)
    chen, li, wang, zhao = (teacher(uow, name) for name in ("陈老师", "李老师", "王老师", "赵老师"))
    answers = [await sign_up(uow.sharing_store(), activity, member) for member in (chen, li, wang, zhao)]

    stored = uow.registrations.of(activity.id)
    assert [(r.member_id, r.sequence, r.status, r.registered_by) for r in stored] == [
        (chen, 1, "confirmed", "officer-li"),
        (li, 2, "confirmed", "officer-li"),
        (wang, 3, "waitlisted", "officer-li"),
        (zhao, 4, "waitlisted", "officer-li"),
    ]
    assert uow.activities.rows[activity.id].next_sequence == 5
    assert [(a["status"], a.get("waitlist_position"), a["registered_at"]) for a in answers] == [
        ("confirmed", None, STORED_AT),
        ("confirmed", None, STORED_AT),
        ("waitlisted", 1, STORED_AT),
        ("waitlisted", 2, STORED_AT),
    ]


async def test_a_withdrawal_gives_the_place_to_the_first_waiting():
    uow, activity = school(capacity=1)
    chen, li, wang = (teacher(uow, name) for name in ("陈老师", "李老师", "王老师"))
    for member in (chen, li, wang):
        await sign_up(uow.sharing_store(), activity, member)

    withdrawing = uow.sharing_store()
    answer = await registrations.cancel_registration(withdrawing, OFFICER, activity.id, chen)

    assert answer == {"cancelled_member_id": chen, "promoted_member_ids": [li]} and withdrawing.committed
    stored = {r.member_id: r for r in uow.registrations.of(activity.id)}
    assert (stored[chen].status, stored[chen].cancelled_at is not None) == ("cancelled", True)
    assert (stored[li].status, stored[li].promoted_at is not None) == ("confirmed", True)
    assert (stored[wang].status, stored[wang].promoted_at) == ("waitlisted", None)
    listed = await registrations.registrations(uow.sharing_store(), OFFICER, activity.id)
    assert [(r["display_name"], r["status"], r.get("waitlist_position")) for r in listed] == [
        ("李老师", "confirmed", None),
        ("王老师", "waitlisted", 1),
    ]


async def test_a_member_registered_once_is_refused_a_second_registration():
    uow, activity = school()
    chen = teacher(uow, "陈老师")
    await sign_up(uow.sharing_store(), activity, chen)

    again = uow.sharing_store()
    with pytest.raises(Conflict) as refused:
        await sign_up(again, activity, chen)

    assert (refused.value.code, refused.value.en) == ("already_registered", "陈老师 is already registered (confirmed)")
    assert refused.value.zh == "陈老师 已报名（已确认名额）"
    assert len(uow.registrations.of(activity.id)) == 1 and not again.committed
    assert uow.activities.rows[activity.id].next_sequence == 2


async def test_a_man_is_refused_a_women_only_activity_with_the_reason():
    uow, activity = school(gender="female")
    zhang = teacher(uow, "张老师", gender="male")

    with pytest.raises(Invalid) as refused:
        await sign_up(uow, activity, zhang)

    assert (refused.value.code, refused.value.zh, refused.value.en) == (
        "registration_gender_restricted",
        "本活动只面向女职工",
        "the activity is for women staff only",
    )
    assert uow.registrations.of(activity.id) == [] and not uow.committed
    assert uow.activities.rows[activity.id].next_sequence == 1


async def test_registration_after_the_deadline_is_refused():
    uow, activity = school()
    chen = teacher(uow, "陈老师")

    with pytest.raises(Invalid) as refused:
        await sign_up(uow, activity, chen, now=DEADLINE + dt.timedelta(minutes=1))

    assert (refused.value.code, refused.value.en) == (
        "registration_closed",
        "registration closed at 2026-03-05 18:00 (Asia/Shanghai)",
    )
    assert uow.registrations.of(activity.id) == [] and not uow.committed
