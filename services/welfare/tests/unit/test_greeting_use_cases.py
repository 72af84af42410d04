"""The festival greeting use cases on an in-memory unit of work: who a batch freezes, what a run asks
of finance chunk by chunk, and how finance's answers move each recipient. The integration tests prove
the same against PostgreSQL and Kafka, crashes and resumes included."""

import dataclasses
import datetime as dt

import pytest

from services.welfare.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_shared import finance_holds
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.contracts.spending import WelfareHoldCancelledV1, WelfareHoldPaidV1, WelfareHoldRequestedV1
from unionfed_shared.errors import Invalid, NotFound
from unionfed_welfare.domain import greetings as rules
from unionfed_welfare.service_layer import greetings
from unionfed_welfare.service_layer.commands import CreateGreeting

OFFICER = Principal("officer-li", Role.WELFARE_OFFICER, "county", "county")
WOMENS_DAY = CreateGreeting(
    festival="womens_day", amount_fen=200_00, paid_on=dt.date(2027, 3, 8), eligibility={"gender": "female"}
)


def county_with_staff() -> tuple[FakeUnitOfWork, dict[str, object]]:
    """A county with two schools: three women teaching, a man teaching and a retired woman."""
    uow = FakeUnitOfWork()
    uow.directory.paths.update({"county": ["county"], "no1": ["county", "no1"], "no2": ["county", "no2"]})
    staff = {}
    for name, school, gender, status in (
        ("王老师", "no1", "female", "active"),
        ("李老师", "no1", "female", "active"),
        ("赵老师", "no2", "female", "active"),
        ("张老师", "no1", "male", "active"),
        ("刘老师", "no2", "female", "retired"),
    ):
        staff[name] = member_id = uow.directory.add_member(school, name)
        uow.directory.members[member_id].update(gender=gender, status=status)
    return uow, staff


def settled(hold: dict, operation: str, outcome: str, reason: str | None = None) -> MoneyRequestSettledV1:
    return MoneyRequestSettledV1(
        organization_id=hold["organization_id"],
        federation_id=hold["federation_id"],
        request_event_id=f"r-{hold['hold_id']}",
        journal_event_id=f"j-{hold['hold_id']}-{operation}-{outcome}",
        operation=operation,
        outcome=outcome,
        reason=reason,
        hold_id=hold["hold_id"],
    )


async def finance_answers(uow: FakeUnitOfWork, hold_id, operation: str, outcome: str, reason=None) -> None:
    """Finance's answer as welfare's money handler passes it on: the hold's status moved first."""
    hold = uow.holds.rows[hold_id]
    hold.update(status=finance_holds.after_answer(hold["status"], operation, outcome))
    if outcome == "refused":
        hold["reason"] = reason
    await greetings.on_greeting_settled(uow, dict(hold), settled(hold, operation, outcome, reason))
    await uow.commit()


async def test_creating_freezes_the_eligible_members_of_the_subtree_with_a_hold_each_and_asks_nobody_yet():
    uow, staff = county_with_staff()

    batch_id = await greetings.create(uow, OFFICER, "county", WOMENS_DAY)

    batch = uow.greetings.batches[batch_id]
    assert (batch.total, batch.status, batch.federation_id, batch.created_by) == (3, "running", "county", "officer-li")
    frozen = {r.display_name: r for (b, _), r in uow.greetings.recipients.items() if b == batch_id}
    assert set(frozen) == {"王老师", "李老师", "赵老师"}  # not the man, not the retired
    assert all(r.status == "pending" and r.hold_id == rules.hold_id(batch_id, r.member_id) for r in frozen.values())
    assert uow.committed and uow.emitted == [] and uow.holds.rows == {}


async def test_a_greeting_that_would_reach_nobody_is_refused_and_nothing_is_stored():
    uow, _staff = county_with_staff()
    nobody = WOMENS_DAY.model_copy(update={"eligibility": rules.Eligibility(gender="male", statuses=["retired"])})

    with pytest.raises(Invalid) as refused:
        await greetings.create(uow, OFFICER, "county", nobody)

    assert refused.value.code == "no_eligible_members"
    assert uow.greetings.batches == {} and not uow.committed
    assert await greetings.preview(uow, OFFICER, "county", WOMENS_DAY) == {
        "recipients": 3,
        "amount_fen": 200_00,
        "total_fen": 600_00,
    }


async def test_a_run_asks_finance_for_each_recipient_chunk_by_chunk_and_skips_who_left_since():
    uow, staff = county_with_staff()
    batch_id = await greetings.create(uow, OFFICER, "county", WOMENS_DAY)
    uow.directory.members[staff["李老师"]]["status"] = "left"  # left the union after the list was frozen
    seen = []

    progress = await greetings.run(uow, batch_id, chunk_size=2, on_chunk=lambda p: seen.append(p.processed))

    assert seen == [2, 3, 3]  # two chunks, then the pass that finds nothing pending
    assert (progress.total, progress.counts) == (3, {"requested": 2, "skipped": 1})
    asked = {e.reference: e for e in uow.emitted}
    assert all(isinstance(e, WelfareHoldRequestedV1) for e in asked.values())
    assert set(asked) == {f"greeting/{batch_id}/{staff[n]}" for n in ("王老师", "赵老师")}
    assert {(e.amount_fen, e.purpose, e.organization_id) for e in asked.values()} == {
        (200_00, "三八妇女节慰问", "county")
    }
    skipped = uow.greetings.recipients[(batch_id, staff["李老师"])]
    assert skipped.reason == "not eligible at payment time: status is left; the batch is for active"
    batch = uow.greetings.batches[batch_id]
    assert batch.status == "processed" and batch.processed_at is not None

    uow.emitted.clear()
    await greetings.run(uow, batch_id)

    assert uow.emitted == []  # running again asks nobody twice


async def test_finance_reserving_is_turned_into_the_payment_and_a_repeated_answer_changes_nothing():
    uow, staff = county_with_staff()
    batch_id = await greetings.create(uow, OFFICER, "county", WOMENS_DAY)
    await greetings.run(uow, batch_id)
    hold_id = rules.hold_id(batch_id, staff["王老师"])
    uow.emitted.clear()

    await finance_answers(uow, hold_id, "reserve", "reserved")

    [pay] = uow.emitted
    assert isinstance(pay, WelfareHoldPaidV1)
    assert (pay.hold_id, pay.amount_fen, pay.paid_on) == (hold_id, 200_00, dt.date(2027, 3, 8))
    assert pay.description == "三八妇女节慰问 2027-03-08"
    assert uow.greetings.recipients[(batch_id, staff["王老师"])].status == "pay_requested"

    await finance_answers(uow, hold_id, "capture", "captured")
    paid = uow.greetings.recipients[(batch_id, staff["王老师"])]
    assert paid.status == "paid" and paid.settled_at is not None
    uow.emitted.clear()

    await greetings.on_greeting_settled(
        uow, uow.holds.rows[hold_id], settled(uow.holds.rows[hold_id], "reserve", "reserved")
    )

    assert uow.greetings.recipients[(batch_id, staff["王老师"])] == paid and uow.staged == []
    report = await greetings.report(uow, uow.greetings.batches[batch_id])
    assert (report["paid"], report["paid_fen"], report["waiting_for_finance"], report["done"]) == (1, 200_00, 2, False)


async def test_a_refused_payment_releases_the_money_and_the_next_run_asks_again_with_a_new_hold():
    uow, staff = county_with_staff()
    batch_id = await greetings.create(uow, OFFICER, "county", WOMENS_DAY)
    await greetings.run(uow, batch_id)
    first_hold = rules.hold_id(batch_id, staff["赵老师"])
    await finance_answers(uow, first_hold, "reserve", "reserved")
    uow.emitted.clear()

    await finance_answers(uow, first_hold, "capture", "refused", "工会经费不足")

    [void] = uow.emitted  # the refused payment left the money reserved: it is released
    assert isinstance(void, WelfareHoldCancelledV1) and void.hold_id == first_hold
    refused = uow.greetings.recipients[(batch_id, staff["赵老师"])]
    assert (refused.status, refused.reason) == ("refused", "refused by finance: 工会经费不足")
    report = await greetings.report(uow, uow.greetings.batches[batch_id])
    assert [(p["display_name"], p["status"]) for p in report["not_paid"]] == [("赵老师", "refused")]
    uow.emitted.clear()

    await greetings.run(uow, batch_id)

    [asked] = uow.emitted
    retry_hold = rules.retry_hold_id(first_hold)
    assert isinstance(asked, WelfareHoldRequestedV1) and asked.hold_id == retry_hold
    assert asked.reference == f"greeting/{batch_id}/{staff['赵老师']}/{retry_hold}"
    again = uow.greetings.recipients[(batch_id, staff["赵老师"])]
    assert (again.status, again.hold_id, again.reason, again.settled_at) == ("requested", retry_hold, None, None)

    # A late answer about the first hold no longer concerns the recipient.
    await greetings.on_greeting_settled(
        uow, {**uow.holds.rows[first_hold], "status": "voided"}, settled(uow.holds.rows[first_hold], "void", "voided")
    )
    assert uow.greetings.recipients[(batch_id, staff["赵老师"])] == again


async def test_a_batch_outside_the_callers_scope_answers_as_missing():
    uow, _staff = county_with_staff()
    batch_id = await greetings.create(uow, OFFICER, "county", WOMENS_DAY)
    school_officer = Principal("officer-wu", Role.WELFARE_OFFICER, "no1", "county")

    with pytest.raises(NotFound) as hidden:
        await greetings.require_visible(uow, school_officer, batch_id)

    assert hidden.value.code == "greeting_not_found"
    batch = await greetings.require_visible(uow, OFFICER, batch_id)
    assert dataclasses.asdict(batch)["total"] == 3
