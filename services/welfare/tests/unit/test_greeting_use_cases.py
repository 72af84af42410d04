"""The festival greeting use cases on an in-memory unit of work: who a batch freezes, what a run asks
of finance chunk by chunk, and how finance's answers move each recipient. The integration tests prove
the same against PostgreSQL and Kafka, crashes and resumes included."""

import dataclasses
import datetime as dt

import pytest

from services.welfare.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_shared import finance_holds
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.finance import LineSettlement, MoneyRequestSettledV1, MoneyRequestsSettledV1
from unionfed_shared.contracts.spending import WelfareBatchPaymentRequestedV1, WelfareHoldPaidV1
from unionfed_shared.errors import Invalid, NotFound
from unionfed_welfare.domain import greetings as rules
from unionfed_welfare.service_layer import greetings, money
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


def chunk_answer(request: WelfareBatchPaymentRequestedV1, refused: dict | None = None) -> MoneyRequestsSettledV1:
    """Finance's one answer to a chunk: every line captured but those in ``refused`` (hold → reason)."""
    refused = refused or {}
    return MoneyRequestsSettledV1(
        organization_id=request.organization_id,
        federation_id=request.federation_id,
        request_event_id=f"r-{request.batch_id}",
        journal_event_id=f"j-{request.batch_id}-{len(request.lines)}",
        operation="pay_many",
        outcome="captured",
        reference=request.reference,
        lines=[
            LineSettlement(hold_id=l.hold_id, reference=l.reference, outcome="refused", reason=refused[l.hold_id])
            if l.hold_id in refused
            else LineSettlement(hold_id=l.hold_id, reference=l.reference, outcome="captured", line_no=1)
            for l in request.lines
        ],
    )


ANSWERS = money.batch_answers_to({rules.REFERENCE_PREFIX: greetings.on_chunk_settled})


async def test_a_run_asks_finance_to_pay_each_chunk_in_one_request_and_skips_who_left_since():
    uow, staff = county_with_staff()
    batch_id = await greetings.create(uow, OFFICER, "county", WOMENS_DAY)
    uow.directory.members[staff["李老师"]]["status"] = "left"  # left the union after the list was frozen
    seen = []

    progress = await greetings.run(uow, batch_id, chunk_size=2, on_chunk=lambda p: seen.append(p.processed))

    assert seen == [2, 3, 3]  # two chunks, then the pass that finds nothing pending
    assert (progress.total, progress.counts) == (3, {"pay_requested": 2, "skipped": 1})
    # One request per chunk (a chunk whose only member left asks nothing), each line its member's own hold.
    assert all(isinstance(e, WelfareBatchPaymentRequestedV1) for e in uow.emitted)
    assert 1 <= len(uow.emitted) <= 2 and all(len(e.lines) <= 2 for e in uow.emitted)
    lines = {l.reference: l for e in uow.emitted for l in e.lines}
    assert set(lines) == {f"greeting/{batch_id}/{staff[n]}" for n in ("王老师", "赵老师")}
    assert {(l.amount_fen, l.hold_id) for l in lines.values()} == {
        (200_00, rules.hold_id(batch_id, staff[n])) for n in ("王老师", "赵老师")
    }
    assert {(e.description, e.paid_on, e.reference, e.organization_id) for e in uow.emitted} == {
        ("三八妇女节慰问 2027-03-08", dt.date(2027, 3, 8), f"greeting/{batch_id}", "county")
    }
    assert {h["status"] for h in uow.holds.rows.values()} == {"capture_requested"}
    skipped = uow.greetings.recipients[(batch_id, staff["李老师"])]
    assert skipped.reason == "not eligible at payment time: status is left; the batch is for active"
    batch = uow.greetings.batches[batch_id]
    assert batch.status == "processed" and batch.processed_at is not None

    uow.emitted.clear()
    await greetings.run(uow, batch_id)

    assert uow.emitted == []  # running again asks nobody twice


async def test_finance_answer_to_a_chunk_pays_its_recipients_at_once_and_a_repeated_answer_changes_nothing():
    uow, staff = county_with_staff()
    batch_id = await greetings.create(uow, OFFICER, "county", WOMENS_DAY)
    await greetings.run(uow, batch_id)
    [request] = uow.emitted
    uow.emitted.clear()

    await ANSWERS(uow, chunk_answer(request), None)

    recipients = [r for (b, _), r in uow.greetings.recipients.items() if b == batch_id]
    assert {r.status for r in recipients} == {"paid"} and all(r.settled_at for r in recipients)
    assert {h["status"] for h in uow.holds.rows.values()} == {"captured"}
    before = dict(uow.greetings.recipients)

    await ANSWERS(uow, chunk_answer(request, {l.hold_id: "late" for l in request.lines}), None)

    assert uow.greetings.recipients == before and uow.emitted == []  # a final state never moves
    report = await greetings.report(uow, uow.greetings.batches[batch_id])
    assert (report["paid"], report["paid_fen"], report["waiting_for_finance"], report["done"]) == (3, 600_00, 0, True)


async def test_a_refused_line_names_its_member_the_others_are_paid_and_the_next_run_asks_again():
    uow, staff = county_with_staff()
    batch_id = await greetings.create(uow, OFFICER, "county", WOMENS_DAY)
    await greetings.run(uow, batch_id)
    [request] = uow.emitted
    first_hold = rules.hold_id(batch_id, staff["赵老师"])
    uow.emitted.clear()

    await ANSWERS(uow, chunk_answer(request, {first_hold: "budget 2027/5101 of county would be exceeded"}), None)

    refused = uow.greetings.recipients[(batch_id, staff["赵老师"])]
    assert (refused.status, refused.reason) == (
        "refused",
        "refused by finance: budget 2027/5101 of county would be exceeded",
    )
    assert uow.holds.rows[first_hold]["status"] == "refused"
    report = await greetings.report(uow, uow.greetings.batches[batch_id])
    assert [(p["display_name"], p["status"]) for p in report["not_paid"]] == [("赵老师", "refused")]
    assert report["paid"] == 2

    await greetings.run(uow, batch_id)

    [asked] = uow.emitted  # the refused member alone, with a new hold: the paid are not asked again
    retry_hold = rules.retry_hold_id(first_hold)
    [line] = asked.lines
    assert line.hold_id == retry_hold
    assert line.reference == f"greeting/{batch_id}/{staff['赵老师']}/{retry_hold}"
    again = uow.greetings.recipients[(batch_id, staff["赵老师"])]
    assert (again.status, again.hold_id, again.reason, again.settled_at) == ("pay_requested", retry_hold, None, None)


async def test_a_recipient_asked_for_by_the_single_hold_path_is_still_paid_once_reserved():
    """Batches run before chunks were paid at once have holds in flight: their answers still pay them."""
    uow, staff = county_with_staff()
    batch_id = await greetings.create(uow, OFFICER, "county", WOMENS_DAY)
    member = staff["王老师"]
    hold_id = rules.hold_id(batch_id, member)
    recipient = uow.greetings.recipients[(batch_id, member)]
    uow.greetings.recipients[(batch_id, member)] = recipient.reached(None, dt.datetime.now(dt.UTC))
    await money.reserve(
        uow,
        hold_id=hold_id,
        organization_id="county",
        federation_id="county",
        category="welfare",
        amount_fen=200_00,
        purpose="三八妇女节慰问",
        reference=rules.reference(batch_id, member),
    )
    await uow.commit()
    uow.emitted.clear()

    await finance_answers(uow, hold_id, "reserve", "reserved")

    [pay] = uow.emitted
    assert isinstance(pay, WelfareHoldPaidV1)
    assert (pay.hold_id, pay.amount_fen, pay.paid_on) == (hold_id, 200_00, dt.date(2027, 3, 8))
    assert pay.description == "三八妇女节慰问 2027-03-08"
    await finance_answers(uow, hold_id, "capture", "captured")
    assert uow.greetings.recipients[(batch_id, member)].status == "paid"


async def test_a_batch_outside_the_callers_scope_answers_as_missing():
    uow, _staff = county_with_staff()
    batch_id = await greetings.create(uow, OFFICER, "county", WOMENS_DAY)
    school_officer = Principal("officer-wu", Role.WELFARE_OFFICER, "no1", "county")

    with pytest.raises(NotFound) as hidden:
        await greetings.require_visible(uow, school_officer, batch_id)

    assert hidden.value.code == "greeting_not_found"
    batch = await greetings.require_visible(uow, OFFICER, batch_id)
    assert dataclasses.asdict(batch)["total"] == 3


async def test_a_chunk_is_as_large_as_one_request_may_be_and_a_refusal_within_it_names_its_members():
    """1,001 teachers: a run asks for 1,000 in one request (the contract's limit) and the last alone;
    finance refusing the chunk's tail (a budget run out) refuses those members by name, pays the rest."""
    uow, _staff = county_with_staff()
    for n in range(1_001 - 3):
        uow.directory.add_member("no1" if n % 2 else "no2", f"教师{n:04d}")
    batch_id = await greetings.create(uow, OFFICER, "county", WOMENS_DAY)

    await greetings.run(uow, batch_id)

    assert greetings.CHUNK == money.LINES_PER_REQUEST == 1_000
    assert [len(e.lines) for e in uow.emitted] == [1_000, 1]  # one request per chunk
    first, last = uow.emitted
    holds = [l.hold_id for e in uow.emitted for l in e.lines]
    recipients = {r.hold_id: r for (b, _), r in uow.greetings.recipients.items() if b == batch_id}
    assert len(set(holds)) == 1_001 and set(holds) == set(recipients)  # each member their own hold, once
    assert all(l.reference == rules.reference(batch_id, recipients[l.hold_id].member_id) for l in first.lines)
    uow.emitted.clear()

    over = "budget 2027/5101 of county would be exceeded"
    await ANSWERS(uow, chunk_answer(first, {l.hold_id: over for l in first.lines[900:]}), None)
    await ANSWERS(uow, chunk_answer(last), None)

    report = await greetings.report(uow, uow.greetings.batches[batch_id])
    assert (report["paid"], report["refused"], report["done"]) == (901, 100, True)
    named = {p["display_name"] for p in report["not_paid"]}
    assert named == {recipients[l.hold_id].display_name for l in first.lines[900:]}
    assert {p["reason"] for p in report["not_paid"]} == {f"refused by finance: {over}"}
    assert uow.emitted == []


async def test_a_run_walks_on_from_the_last_chunk_yet_finishes_only_when_nobody_is_pending():
    """Each chunk starts after the last member of the one before; a recipient put back to pending
    behind it meanwhile (another run requeueing the refused) is still reached before the batch is done."""
    uow, staff = county_with_staff()
    batch_id = await greetings.create(uow, OFFICER, "county", WOMENS_DAY)
    first = min(r.member_id for (b, _), r in uow.greetings.recipients.items() if b == batch_id)
    requeued = []

    def requeue_the_first_once(progress: rules.Progress) -> None:
        if not requeued:
            recipient = uow.greetings.recipients[(batch_id, first)]
            uow.greetings.recipients[(batch_id, first)] = recipient.retried()
            requeued.append(first)

    progress = await greetings.run(uow, batch_id, chunk_size=1, on_chunk=requeue_the_first_once)

    assert progress.counts == {"pay_requested": 3}
    asked = [l.hold_id for e in uow.emitted for l in e.lines]
    retry = rules.retry_hold_id(rules.hold_id(batch_id, first))
    assert len(asked) == 4 and asked[-1] == retry  # the three, then the requeued one with its new hold
    assert uow.greetings.batches[batch_id].status == "processed"
