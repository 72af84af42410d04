"""An activity's lifecycle, its budget holds in finance and its awards, on an in-memory unit of work:
the refusals, what is stored and what is emitted, in milliseconds. The integration tests prove the
same use cases against PostgreSQL and Kafka."""

import dataclasses
import datetime as dt
import uuid

import pytest

from services.events.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_events.domain.activities import Activity
from unionfed_events.domain.activity_budget import NOT_REQUESTED, BudgetLine
from unionfed_events.domain.registration_model import Registrant, Registration
from unionfed_events.service_layer import activities, activity_handlers, results, self_service
from unionfed_events.service_layer.commands import (
    CancelActivity,
    CreateActivity,
    CreateTeam,
    PayCost,
    PublishAwards,
    RecordAttendance,
    RecordAward,
)
from unionfed_shared import finance_holds
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.events import ActivityAwardsPublishedV1, ActivityCancelledV1, ActivityPublishedV1
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.contracts.spending import EventsHoldCancelledV1, EventsHoldPaidV1, EventsHoldRequestedV1
from unionfed_shared.errors import Conflict, Invalid, NotFound

OFFICER = Principal("officer-li", Role.UNION_OFFICER, "no1", "county")
STARTS = dt.datetime(2026, 4, 20, 1, 0, tzinfo=dt.UTC)
PAID_ON = dt.date(2026, 4, 21)


def school() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.directory.paths.update({"county": ["county"], "no1": ["county", "no1"], "no2": ["county", "no2"]})
    return uow


def contest(uow: FakeUnitOfWork, status: str = "published", **lines: int) -> Activity:
    """A badminton contest of school no1 with a budget line per keyword (``cost=…``, ``prizes=…``)."""
    activity = Activity(
        id=uuid.uuid4(),
        organization_id="no1",
        federation_id="county",
        title="教职工羽毛球赛",
        kind="sport",
        scope_organization_ids=("no1",),
        starts_at=STARTS,
        ends_at=STARTS + dt.timedelta(hours=8),
        registration_deadline=STARTS - dt.timedelta(days=5),
        capacity=None,
        eligible_gender=None,
        eligible_statuses=("active",),
        status=status,
    )
    uow.activities.rows[activity.id] = activity
    for kind, amount_fen in lines.items():
        line = BudgetLine(
            uuid.uuid4(), activity.id, kind, {"cost": "场地", "prizes": "奖金"}[kind], amount_fen, uuid.uuid4()
        )
        uow.budget.lines[line.id] = line
    return activity


def line_of(uow: FakeUnitOfWork, kind: str) -> BudgetLine:
    [line] = [line for line in uow.budget.lines.values() if line.kind == kind]
    return line


def holds_stand(uow: FakeUnitOfWork, status: str) -> None:
    """Finance has answered every line's hold so far."""
    for line in uow.budget.lines.values():
        line.hold_status = status


def player(uow: FakeUnitOfWork, activity: Activity, name: str, status: str = "confirmed") -> uuid.UUID:
    member = Registrant(uuid.uuid4(), name, "female", "active", "no1", ("county", "no1"), "county")
    uow.directory.members[member.id] = member
    sequence = len(uow.registrations.rows) + 1
    uow.registrations.rows.append(Registration(uuid.uuid4(), activity.id, member.id, sequence, status, "officer-li"))
    return member.id


def settled(hold_id: uuid.UUID, operation: str, outcome: str, reason: str | None = None, journal: str = "j-1"):
    return MoneyRequestSettledV1(
        organization_id="no1",
        federation_id="county",
        request_event_id="r-1",
        journal_event_id=journal,
        operation=operation,
        outcome=outcome,
        reason=reason,
        hold_id=hold_id,
    )


# The lifecycle: draft, published, cancelled


async def test_creating_drafts_the_activity_with_its_budget_and_asks_finance_for_nothing_yet():
    uow = school()
    command = CreateActivity(
        title="教职工羽毛球赛",
        kind="sport",
        starts_at=STARTS,
        ends_at=STARTS + dt.timedelta(hours=8),
        registration_deadline=STARTS - dt.timedelta(days=5),
        budget=[
            {"kind": "cost", "label": "场地", "amount_fen": 2000_00},
            {"kind": "prizes", "label": "奖金", "amount_fen": 500_00},
        ],
    )

    answer = await activities.create(uow, OFFICER, "no1", command)

    [stored] = uow.activities.rows.values()
    assert (stored.status, stored.federation_id, stored.scope_organization_ids, stored.created_by) == (
        "draft",
        "county",
        ("no1",),
        "officer-li",
    )
    assert sorted((line.kind, line.amount_fen, line.hold_status) for line in uow.budget.lines.values()) == [
        ("cost", 2000_00, NOT_REQUESTED),
        ("prizes", 500_00, NOT_REQUESTED),
    ]
    assert (answer["status"], answer["budget_fen"], answer["confirmed"]) == ("draft", 2500_00, 0)
    assert uow.committed and uow.emitted == []


async def test_publishing_asks_finance_to_hold_each_budget_line_then_announces_the_activity():
    uow = school()
    activity = contest(uow, status="draft", cost=2000_00, prizes=500_00)

    answer = await activities.publish(uow, OFFICER, activity.id)

    cost, prizes = line_of(uow, "cost"), line_of(uow, "prizes")
    assert [type(e) for e in uow.emitted] == [EventsHoldRequestedV1, EventsHoldRequestedV1, ActivityPublishedV1]
    asked = {e.hold_id: (e.amount_fen, e.category, e.purpose) for e in uow.emitted[:2]}
    assert asked == {
        cost.hold_id: (2000_00, "activity", "教职工羽毛球赛: 场地"),
        prizes.hold_id: (500_00, "activity", "教职工羽毛球赛: 奖金"),
    }
    assert uow.emitted[2].budget_fen == 2500_00
    assert (cost.hold_status, prizes.hold_status) == (finance_holds.REQUESTED, finance_holds.REQUESTED)
    stored = uow.activities.rows[activity.id]
    assert (stored.status, stored.published_at is not None, answer["status"]) == ("published", True, "published")


async def test_a_rights_week_is_an_activity_whose_publication_names_its_kind_for_welfare():
    uow = school()
    command = CreateActivity(
        title="十一月职工维权周",
        kind="rights_week",
        starts_at=STARTS,
        ends_at=STARTS + dt.timedelta(days=6),
        registration_deadline=STARTS - dt.timedelta(days=1),
    )
    created = await activities.create(uow, OFFICER, "no1", command)
    await activities.publish(uow, OFFICER, created["id"])
    [announced] = [e for e in uow.emitted if isinstance(e, ActivityPublishedV1)]
    assert (announced.kind, announced.title, announced.budget_fen) == ("rights_week", "十一月职工维权周", 0)


@pytest.mark.parametrize("status", ["published", "cancelled"])
async def test_only_a_draft_is_published(status):
    uow = school()
    activity = contest(uow, status=status, cost=2000_00)

    with pytest.raises(Conflict) as refused:
        await activities.publish(uow, OFFICER, activity.id)

    assert refused.value.code == "activity_not_draft"
    assert refused.value.en == f"the activity is {status}; only a draft is published"
    assert uow.activities.rows[activity.id].status == status and line_of(uow, "cost").hold_status == NOT_REQUESTED
    assert not uow.committed and uow.staged == [] and uow.emitted == []


async def test_cancelling_releases_only_the_money_still_held():
    uow = school()
    activity = contest(uow, cost=2000_00, prizes=500_00)
    line_of(uow, "cost").hold_status = finance_holds.CAPTURED  # paid: nothing left to release
    line_of(uow, "prizes").hold_status = finance_holds.RESERVED

    answer = await activities.cancel(uow, OFFICER, activity.id, CancelActivity(reason="场馆维修"))

    assert [type(e) for e in uow.emitted] == [EventsHoldCancelledV1, ActivityCancelledV1]
    assert uow.emitted[0].hold_id == line_of(uow, "prizes").hold_id
    assert uow.emitted[0].reason == "activity cancelled: 场馆维修"
    assert (line_of(uow, "cost").hold_status, line_of(uow, "prizes").hold_status) == (
        finance_holds.CAPTURED,
        finance_holds.VOID_REQUESTED,
    )
    stored = uow.activities.rows[activity.id]
    assert (stored.status, stored.cancel_reason, answer["status"]) == ("cancelled", "场馆维修", "cancelled")


async def test_a_cancelled_activity_is_not_cancelled_again():
    uow = school()
    activity = contest(uow, status="cancelled", prizes=500_00)
    line_of(uow, "prizes").hold_status = finance_holds.VOID_REQUESTED

    with pytest.raises(Conflict) as refused:
        await activities.cancel(uow, OFFICER, activity.id, CancelActivity(reason="再取消"))

    assert refused.value.code == "activity_already_cancelled"
    assert not uow.committed and uow.staged == []


async def test_an_officer_of_another_school_finds_no_activity_to_run():
    uow = school()
    activity = contest(uow, status="draft")
    elsewhere = Principal("officer-wu", Role.UNION_OFFICER, "no2", "county")

    with pytest.raises(NotFound) as refused:
        await activities.publish(uow, elsewhere, activity.id)

    assert refused.value.code == "activity_not_found" and uow.activities.rows[activity.id].status == "draft"


# The budget's holds: paying a cost, finance's answers


async def test_a_cost_is_paid_from_reserved_money_only():
    uow = school()
    activity = contest(uow, cost=2000_00)
    cost = line_of(uow, "cost")
    cost.hold_status, cost.finance_reason = finance_holds.REFUSED, "余额不足"

    with pytest.raises(Conflict) as refused:
        await activities.pay_cost(
            uow, OFFICER, activity.id, cost.id, PayCost(amount_fen=1800_00, paid_on=PAID_ON, description="场地费")
        )

    assert (refused.value.code, refused.value.en) == (
        "money_not_reserved",
        "the money for 场地 is refused, not reserved: 余额不足",
    )
    assert line_of(uow, "cost").paid_fen is None and not uow.committed and uow.staged == []


async def test_a_cost_is_paid_within_its_budget_and_finance_is_asked_to_capture_it():
    uow = school()
    activity = contest(uow, cost=2000_00)
    holds_stand(uow, finance_holds.RESERVED)
    cost = line_of(uow, "cost")

    with pytest.raises(Invalid) as refused:
        await activities.pay_cost(
            uow, OFFICER, activity.id, cost.id, PayCost(amount_fen=2000_01, paid_on=PAID_ON, description="场地费")
        )
    assert refused.value.code == "payment_over_reserved" and uow.staged == []

    answer = await activities.pay_cost(
        uow, OFFICER, activity.id, cost.id, PayCost(amount_fen=1800_00, paid_on=PAID_ON, description="场地费")
    )

    [paid] = uow.emitted
    assert isinstance(paid, EventsHoldPaidV1)
    assert (paid.hold_id, paid.amount_fen, paid.paid_on, paid.description) == (
        cost.hold_id,
        1800_00,
        PAID_ON,
        "教职工羽毛球赛: 场地费",
    )
    stored = line_of(uow, "cost")
    assert (stored.hold_status, stored.paid_fen, stored.paid_on) == (finance_holds.CAPTURE_REQUESTED, 1800_00, PAID_ON)
    assert [(i["hold_status"], i["paid_fen"]) for i in answer["items"]] == [(finance_holds.CAPTURE_REQUESTED, 1800_00)]


async def test_a_prizes_line_is_not_paid_as_a_cost():
    uow = school()
    activity = contest(uow, prizes=500_00)
    holds_stand(uow, finance_holds.RESERVED)

    with pytest.raises(NotFound) as refused:
        await activities.pay_cost(
            uow,
            OFFICER,
            activity.id,
            line_of(uow, "prizes").id,
            PayCost(amount_fen=100, paid_on=PAID_ON, description="x"),
        )

    assert refused.value.code == "budget_line_not_found"


async def test_finance_answers_move_the_hold_once_and_a_refusal_keeps_its_reason():
    uow = school()
    activity = contest(uow, cost=2000_00, prizes=500_00)
    holds_stand(uow, finance_holds.REQUESTED)
    cost, prizes = line_of(uow, "cost"), line_of(uow, "prizes")

    await activity_handlers.on_money_request_settled(
        uow, settled(cost.hold_id, "reserve", "reserved", journal="j-1"), None
    )
    await activity_handlers.on_money_request_settled(
        uow, settled(prizes.hold_id, "reserve", "refused", "超出年度预算", journal="j-2"), None
    )
    # A refused payment leaves the money reserved; the same answer again (another event id, the
    # same journal entry) after the cost was paid once more changes nothing.
    line_of(uow, "cost").hold_status = finance_holds.CAPTURE_REQUESTED
    refused_payment = settled(cost.hold_id, "capture", "refused", "发票不全", journal="j-4")
    await activity_handlers.on_money_request_settled(uow, refused_payment, None)
    assert (line_of(uow, "cost").hold_status, line_of(uow, "cost").finance_reason) == (
        finance_holds.RESERVED,
        "发票不全",
    )
    line_of(uow, "cost").hold_status = finance_holds.CAPTURE_REQUESTED
    await activity_handlers.on_money_request_settled(uow, refused_payment, None)
    # An answer about a hold that is not ours is left alone.
    await activity_handlers.on_money_request_settled(
        uow, settled(uuid.uuid4(), "reserve", "reserved", journal="j-3"), None
    )

    assert line_of(uow, "cost").hold_status == finance_holds.CAPTURE_REQUESTED
    assert (line_of(uow, "prizes").hold_status, line_of(uow, "prizes").finance_reason) == (
        finance_holds.REFUSED,
        "超出年度预算",
    )
    budget = await activities.budget(uow, OFFICER, activity.id)
    answers = {i["kind"]: [(a["operation"], a["outcome"]) for a in i["finance_answers"]] for i in budget["items"]}
    assert answers == {"cost": [("reserve", "reserved"), ("capture", "refused")], "prizes": [("reserve", "refused")]}


# Attendance, teams and awards


async def test_results_wait_for_the_activity_to_be_published():
    uow = school()
    activity = contest(uow, status="draft")
    chen = player(uow, activity, "陈老师")

    with pytest.raises(Conflict) as refused:
        await results.record_attendance(uow, OFFICER, activity.id, RecordAttendance(member_ids=[chen]))

    assert (refused.value.code, refused.value.en) == ("activity_not_published", "the activity is draft")


async def test_attendance_and_teams_are_for_members_with_a_confirmed_place():
    uow = school()
    activity = contest(uow)
    chen, li = player(uow, activity, "陈老师"), player(uow, activity, "李老师")
    wang = player(uow, activity, "王老师", status="waitlisted")

    with pytest.raises(Invalid) as refused:
        await results.record_attendance(uow, OFFICER, activity.id, RecordAttendance(member_ids=[chen, wang]))
    assert refused.value.code == "registration_not_confirmed" and str(wang) in refused.value.en
    assert all(r.attended is None for r in uow.registrations.rows)

    await results.record_attendance(uow, OFFICER, activity.id, RecordAttendance(member_ids=[chen]))
    team = await results.create_team(uow, OFFICER, activity.id, CreateTeam(name="一队", member_ids=[chen, li]))

    assert {r.member_id: (r.attended, r.team_id) for r in uow.registrations.rows} == {
        chen: (True, team["id"]),
        li: (None, team["id"]),
        wang: (None, None),
    }
    with pytest.raises(Conflict) as taken:
        await results.create_team(uow, OFFICER, activity.id, CreateTeam(name="一队", member_ids=[chen]))
    assert taken.value.code == "team_name_taken"
    with pytest.raises(Invalid) as in_team:
        await results.create_team(uow, OFFICER, activity.id, CreateTeam(name="二队", member_ids=[li]))
    assert (in_team.value.code, in_team.value.en) == ("already_in_team", f"already in a team: {li}")
    assert await results.teams(uow, OFFICER, activity.id) == [
        {"id": team["id"], "name": "一队", "member_ids": [chen, li]}
    ]


async def test_prizes_stay_within_the_prize_budget():
    uow = school()
    activity = contest(uow, prizes=500_00)
    chen, li = player(uow, activity, "陈老师"), player(uow, activity, "李老师")
    await results.record_award(
        uow, OFFICER, activity.id, RecordAward(category="女子单打", level="first", member_id=chen, prize_fen=300_00)
    )

    with pytest.raises(Invalid) as refused:
        await results.record_award(
            uow, OFFICER, activity.id, RecordAward(category="女子单打", level="second", member_id=li, prize_fen=200_01)
        )

    assert (refused.value.code, refused.value.en) == (
        "prizes_over_budget",
        "prizes of 50001 fen exceed the prize budget of 50000 fen",
    )
    assert [a.prize_fen for a in uow.awards.rows] == [300_00]


async def test_an_award_goes_to_a_team_of_this_activity_only():
    uow = school()
    activity = contest(uow)
    other_team = uuid.uuid4()

    with pytest.raises(Invalid) as refused:
        await results.record_award(
            uow, OFFICER, activity.id, RecordAward(category="团体", level="first", team_id=other_team)
        )

    assert refused.value.code == "team_not_in_activity" and uow.awards.rows == []


async def test_publishing_the_awards_pays_the_prizes_from_their_hold_once():
    uow = school()
    activity = contest(uow, prizes=500_00)
    holds_stand(uow, finance_holds.RESERVED)
    chen, li = player(uow, activity, "陈老师"), player(uow, activity, "李老师")
    team = await results.create_team(uow, OFFICER, activity.id, CreateTeam(name="一队", member_ids=[li]))
    await results.record_award(
        uow, OFFICER, activity.id, RecordAward(category="女子单打", level="first", member_id=chen, prize_fen=300_00)
    )
    await results.record_award(
        uow, OFFICER, activity.id, RecordAward(category="团体", level="second", team_id=team["id"], prize_fen=100_00)
    )
    uow.emitted.clear()

    answer = await results.publish_awards(uow, OFFICER, activity.id, PublishAwards(paid_on=PAID_ON))

    paid, announced = uow.emitted
    prizes = line_of(uow, "prizes")
    assert isinstance(paid, EventsHoldPaidV1) and isinstance(announced, ActivityAwardsPublishedV1)
    assert (paid.hold_id, paid.amount_fen, paid.paid_on, paid.description) == (
        prizes.hold_id,
        400_00,
        PAID_ON,
        "教职工羽毛球赛：奖金",
    )
    assert (prizes.hold_status, prizes.paid_fen) == (finance_holds.CAPTURE_REQUESTED, 400_00)
    assert [(a.category, a.member_id, a.team_name, a.prize_fen) for a in announced.awards] == [
        ("团体", None, "一队", 100_00),
        ("女子单打", chen, None, 300_00),
    ]
    assert (answer["prize_total_fen"], uow.activities.rows[activity.id].awards_published_on) == (400_00, PAID_ON)

    again = uow.sharing_store()
    with pytest.raises(Conflict) as refused:
        await results.publish_awards(again, OFFICER, activity.id, PublishAwards(paid_on=PAID_ON))
    assert refused.value.code == "awards_already_published" and again.staged == [] and not again.committed
    with pytest.raises(Conflict) as late:
        await results.record_award(
            again, OFFICER, activity.id, RecordAward(category="男子单打", level="third", member_id=li)
        )
    assert late.value.code == "awards_already_published"


async def test_awards_without_prize_money_release_the_prize_hold():
    uow = school()
    activity = contest(uow, prizes=500_00)
    holds_stand(uow, finance_holds.RESERVED)
    chen = player(uow, activity, "陈老师")
    await results.record_award(
        uow, OFFICER, activity.id, RecordAward(category="女子单打", level="excellence", member_id=chen)
    )
    uow.emitted.clear()

    await results.publish_awards(uow, OFFICER, activity.id, PublishAwards(paid_on=PAID_ON))

    released, announced = uow.emitted
    assert isinstance(released, EventsHoldCancelledV1) and isinstance(announced, ActivityAwardsPublishedV1)
    assert (released.hold_id, released.reason) == (line_of(uow, "prizes").hold_id, "no prize money awarded")
    assert (line_of(uow, "prizes").hold_status, announced.prize_total_fen) == (finance_holds.VOID_REQUESTED, 0)


async def test_awards_are_not_published_before_any_is_recorded():
    uow = school()
    activity = contest(uow, prizes=500_00)

    with pytest.raises(Invalid) as refused:
        await results.publish_awards(uow, OFFICER, activity.id, PublishAwards(paid_on=PAID_ON))

    assert refused.value.code == "no_awards_recorded"
    assert uow.activities.rows[activity.id].awards_published_on is None and not uow.committed


# Self-service: the signed-in member


async def test_a_union_groups_member_acts_for_the_grassroots_union_above_the_group():
    uow = school()
    uow.directory.paths["group-1"] = ["county", "no1", "group-1"]
    uow.directory.kinds["group-1"] = "union_group"
    zhou = Registrant(uuid.uuid4(), "周老师", "female", "active", "group-1", ("county", "no1", "group-1"), "county")
    uow.directory.members[zhou.id] = zhou
    signed_in = Principal("zhou", Role.MEMBER, "group-1", "county", member_id=str(zhou.id))

    me = await self_service.my_member(uow, signed_in)

    assert (me.id, me.union_id, self_service.acting_as(signed_in, me).organization_id) == (zhou.id, "no1", "no1")
    with pytest.raises(NotFound) as refused:
        await self_service.my_member(uow, Principal("zhou", Role.MEMBER, "group-1", "city", member_id=str(zhou.id)))
    assert refused.value.code == "member_not_found"


@pytest.mark.parametrize("kind", ["labour_competition", "skill_contest"])
async def test_labour_competitions_and_skill_contests_are_activities_with_results(kind):
    uow = school()
    command = CreateActivity(
        title="数控车工技能比武",
        kind=kind,
        starts_at=STARTS,
        ends_at=STARTS + dt.timedelta(hours=8),
        registration_deadline=STARTS - dt.timedelta(days=5),
    )
    await activities.create(uow, OFFICER, "no1", command)
    [stored] = uow.activities.rows.values()
    assert stored.kind == kind
    # Published as any activity is (the budget holds are another test's business).
    uow.activities.rows[stored.id] = dataclasses.replace(stored, status="published")
    winner = player(uow, stored, "王师傅")
    await results.record_award(
        uow, OFFICER, stored.id, RecordAward(category="数控车工", level="first", member_id=winner, result="98 分")
    )
    [award] = await results.awards(uow, OFFICER, stored.id)
    assert (award["category"], award["level"], award["result"]) == ("数控车工", "first", "98 分")
