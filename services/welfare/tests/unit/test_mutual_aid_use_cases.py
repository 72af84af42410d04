"""The mutual-aid fund's use cases on an in-memory unit of work: what is recorded, what finance is
told and what it answers, who may do what, and the overdue list on the federation's calendar. The
integration tests prove the same against PostgreSQL, Kafka and a running finance."""

import dataclasses
import datetime as dt
import uuid

import pytest

from services.welfare.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts import mutual_aid as contract
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.contracts.mutual_aid import MutualAidContributedV1, MutualAidLoanDisbursedV1, MutualAidRepaidV1
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound
from unionfed_welfare.entrypoints.app import definition
from unionfed_welfare.service_layer import mutual_aid
from unionfed_welfare.service_layer.commands import ApplyForLoan, DecideLoan, RecordContribution, RecordRepayment

OFFICER = Principal("officer-li", Role.WELFARE_OFFICER, "no1", "street")
ADMIN = Principal("admin-zhao", Role.FEDERATION_ADMIN, "street", "street")
AUDITOR = Principal("auditor-qian", Role.AUDITOR, "street", "street")
OTHER_UNION = Principal("officer-sun", Role.WELFARE_OFFICER, "no2", "street")
MEMBER = Principal("member-1", Role.MEMBER, "no1", "street")


@pytest.fixture
def at(monkeypatch):
    """Set the clock (UTC) the use cases read."""

    def set_clock(moment: dt.datetime) -> None:
        monkeypatch.setattr(mutual_aid, "_now", lambda: moment)

    set_clock(dt.datetime(2026, 3, 10, 2, 0, tzinfo=dt.UTC))
    return set_clock


def street() -> tuple[FakeUnitOfWork, object]:
    uow = FakeUnitOfWork()
    uow.directory.paths.update({"street": ["street"], "no1": ["street", "no1"], "no2": ["street", "no2"]})
    return uow, uow.directory.add_member("no1", "王老师")


# Finance's answers reach welfare as the service is assembled: the handler of MoneyRequestSettledV1.
ANSWERS = definition().handlers[MoneyRequestSettledV1]


async def finance_answers(
    uow: FakeUnitOfWork, movement: contract.Movement, movement_id, outcome: str = "posted", reason: str | None = None
) -> None:
    """Finance's answer to a movement booked without a hold, as the poster sends it."""
    answer = MoneyRequestSettledV1(
        organization_id="no1",
        federation_id="street",
        request_event_id=str(uuid.uuid4()),
        journal_event_id=f"journal-{movement}-{movement_id}",
        operation="post",
        outcome=outcome,
        reason=reason,
        reference=contract.reference(movement, movement_id),
        hold_id=None,
    )
    await ANSWERS(uow, answer, None)


async def funded(amount_fen: int = 10_000_00) -> tuple[FakeUnitOfWork, object]:
    """A fund with members' money in it that finance has posted."""
    uow, teacher = street()
    paid_in = await mutual_aid.contribute(
        uow, OFFICER, "no1", RecordContribution(contributor="member", amount_fen=amount_fen, received_on="2026-03-02")
    )
    await finance_answers(uow, "contribution", paid_in["id"])
    return uow, teacher


async def lent(
    uow: FakeUnitOfWork, teacher, amount_fen: int, on: str = "2026-03-05", *, answer: str | None = "posted"
) -> dict:
    """A loan applied for and approved on ``on``; finance's ``answer`` to it, if any, delivered."""
    applied = await mutual_aid.apply(
        uow,
        OFFICER,
        "no1",
        ApplyForLoan(member_id=teacher, amount_fen=amount_fen, purpose="家人手术", months=6, applied_on=on),
    )
    approved = await mutual_aid.approve(uow, OFFICER, applied["id"], DecideLoan(on=on))
    if answer is None:
        return approved
    await finance_answers(uow, "loan", applied["id"], answer, "互助金存款余额不足" if answer == "refused" else None)
    return await mutual_aid.read(uow, OFFICER, applied["id"])


def own(statement: dict, *figures: str) -> tuple:
    return tuple(statement["own"][f] for f in figures)


async def test_a_contribution_adds_to_the_fund_and_tells_finance_once(at):
    uow, _teacher = street()

    answer = await mutual_aid.contribute(
        uow, OFFICER, "no1", RecordContribution(contributor="union", amount_fen=5_000_00, note="")
    )

    [event] = uow.emitted
    assert isinstance(event, MutualAidContributedV1)
    assert (event.contributor, event.amount_fen, event.received_on, event.label) == (
        "union",
        5_000_00,
        dt.date(2026, 3, 10),  # today in the federation's zone
        "工会拨入",
    )
    assert answer["contributor_label"] == "工会拨入" and uow.mutual_aid.funds["no1"].contributed_fen == 5_000_00


async def test_approval_fixes_a_schedule_that_adds_up_and_sends_the_loan_to_finance(at):
    uow, teacher = await funded()

    loan = await lent(uow, teacher, 1_000_01)

    assert loan["status"] == "lent" and loan["borrower"] == "王老师"
    assert [i["amount_fen"] for i in loan["instalments"]] == [166_67, 166_67, 166_67, 166_67, 166_67, 166_66]
    assert sum(i["amount_fen"] for i in loan["instalments"]) == 1_000_01
    assert loan["instalments"][0]["due_on"] == dt.date(2026, 4, 5)
    disbursed = uow.emitted[-1]
    assert isinstance(disbursed, MutualAidLoanDisbursedV1)
    assert (disbursed.amount_fen, disbursed.paid_on) == (1_000_01, dt.date(2026, 3, 5))
    assert "王" not in disbursed.borrower  # finance's books are public: a pseudonym only


async def test_a_loan_beyond_the_funds_balance_is_refused_and_nothing_is_sent(at):
    uow, teacher = await funded(1_000_00)
    await lent(uow, teacher, 600_00)
    sent = len(uow.emitted)

    with pytest.raises(Conflict) as refused:
        await lent(uow, teacher, 400_01)

    assert refused.value.code == "mutual_aid_fund_insufficient"
    assert len(uow.emitted) == sent and uow.mutual_aid.funds["no1"].lent_fen == 600_00


async def test_a_term_beyond_six_months_is_refused(at):
    uow, teacher = await funded()

    with pytest.raises(Invalid) as refused:
        await mutual_aid.apply(
            uow, OFFICER, "no1", ApplyForLoan(member_id=teacher, amount_fen=100, purpose="x", months=7)
        )
    assert refused.value.code == "mutual_aid_term_too_long" and not uow.mutual_aid.loans


async def test_repayments_in_part_pay_the_oldest_instalment_and_each_goes_to_finance(at):
    uow, teacher = await funded()
    loan = await lent(uow, teacher, 600_00)

    after = await mutual_aid.repay(uow, OFFICER, loan["id"], RecordRepayment(amount_fen=150_00, repaid_on="2026-03-08"))

    assert [i["repaid_fen"] for i in after["instalments"][:2]] == [100_00, 50_00]
    assert (after["repaid_fen"], after["outstanding_fen"]) == (150_00, 450_00)
    repaid = uow.emitted[-1]
    assert isinstance(repaid, MutualAidRepaidV1) and (repaid.amount_fen, repaid.loan_id) == (150_00, loan["id"])
    with pytest.raises(Invalid) as future:
        await mutual_aid.repay(uow, OFFICER, loan["id"], RecordRepayment(amount_fen=1, repaid_on="2026-03-11"))
    assert future.value.code == "mutual_aid_date_in_future"


async def test_a_loan_is_not_lent_ahead_of_today(at):
    uow, teacher = await funded()
    applied = await mutual_aid.apply(
        uow, OFFICER, "no1", ApplyForLoan(member_id=teacher, amount_fen=100_00, purpose="看病", months=2)
    )

    with pytest.raises(Invalid) as future:
        await mutual_aid.approve(uow, OFFICER, applied["id"], DecideLoan(on="2026-03-11"))

    assert future.value.code == "mutual_aid_date_in_future"
    assert uow.mutual_aid.loans[applied["id"]].status == "applied" and uow.mutual_aid.funds["no1"].lent_fen == 0


async def test_overdue_is_counted_on_the_federations_calendar_not_utcs(at):
    uow, teacher = await funded()
    loan = await lent(uow, teacher, 600_00)  # first instalment due 2026-04-05
    at(dt.datetime(2026, 4, 5, 15, 59, tzinfo=dt.UTC))  # 23:59 on the 5th in Beijing: due today, not late
    assert await mutual_aid.overdue(uow, ADMIN, "street") == []

    at(dt.datetime(2026, 4, 5, 16, 0, tzinfo=dt.UTC))  # 00:00 on the 6th in Beijing, still the 5th in UTC
    [late] = await mutual_aid.overdue(uow, ADMIN, "street")
    assert (late["loan_id"], late["number"], late["unpaid_fen"], late["days_overdue"], late["borrower"]) == (
        loan["id"],
        1,
        100_00,
        1,
        "王老师",
    )
    statement = await mutual_aid.statement(uow, ADMIN, "street")
    assert statement["own"]["contributed_fen"] == 0
    assert {k: statement["subtree"][k] for k in ("contributed_fen", "lent_fen", "outstanding_fen", "overdue_fen")} == {
        "contributed_fen": 10_000_00,
        "lent_fen": 600_00,
        "outstanding_fen": 600_00,
        "overdue_fen": 100_00,
    }
    assert statement["subtree"]["available_fen"] == 9_400_00 and statement["subtree"]["loans_overdue"] == 1

    await mutual_aid.repay(uow, OFFICER, loan["id"], RecordRepayment(amount_fen=100_00))
    assert await mutual_aid.overdue(uow, OFFICER, "no1") == []


async def test_members_are_refused_other_unions_see_nothing_and_auditors_only_read(at):
    uow, teacher = await funded()
    loan = await lent(uow, teacher, 100_00)

    with pytest.raises(Forbidden):
        await mutual_aid.read(uow, MEMBER, loan["id"])
    with pytest.raises(NotFound) as hidden:
        await mutual_aid.read(uow, OTHER_UNION, loan["id"])
    assert hidden.value.code == "mutual_aid_loan_not_found"
    with pytest.raises(NotFound):
        await mutual_aid.statement(uow, OTHER_UNION, "no1")
    assert (await mutual_aid.read(uow, AUDITOR, loan["id"]))["amount_fen"] == 100_00
    with pytest.raises(Forbidden):
        await mutual_aid.repay(uow, AUDITOR, loan["id"], RecordRepayment(amount_fen=1))
    with pytest.raises(Forbidden):
        await mutual_aid.contribute(uow, AUDITOR, "no1", RecordContribution(contributor="member", amount_fen=1))


async def test_only_contributions_finance_posted_may_be_lent_and_a_refused_one_leaves_the_totals(at):
    uow, teacher = street()
    paid_in = await mutual_aid.contribute(
        uow, OFFICER, "no1", RecordContribution(contributor="member", amount_fen=1_000_00)
    )
    assert paid_in["finance_status"] == "pending"
    pending = await mutual_aid.statement(uow, OFFICER, "no1")
    assert own(pending, "contributed_fen", "contributed_pending_fen", "available_fen") == (1_000_00, 1_000_00, 0)
    with pytest.raises(Conflict) as unbooked:
        await lent(uow, teacher, 1_00, answer=None)
    assert unbooked.value.code == "mutual_aid_fund_insufficient"

    await finance_answers(uow, "contribution", paid_in["id"])
    union = await mutual_aid.contribute(uow, OFFICER, "no1", RecordContribution(contributor="union", amount_fen=500_00))
    await finance_answers(uow, "contribution", union["id"], "refused", "银行存款及现金 余额不足")

    [member, refused] = await mutual_aid.contributions(uow, AUDITOR, "no1")
    assert (member["finance_status"], member["finance_status_label"], member["finance_reason"]) == (
        "posted",
        "财务已入账",
        None,
    )
    assert (refused["finance_status"], refused["finance_reason"]) == ("refused", "银行存款及现金 余额不足")
    statement = await mutual_aid.statement(uow, OFFICER, "no1")
    assert own(statement, "contributed_fen", "contributed_pending_fen", "available_fen") == (1_000_00, 0, 1_000_00)
    assert [
        (r["movement"], r["id"], r["amount_fen"], r["finance_reason"]) for r in statement["refused_by_finance"]
    ] == [("contribution", union["id"], 500_00, "银行存款及现金 余额不足")]
    with pytest.raises(Conflict) as beyond:
        await lent(uow, teacher, 1_000_01, answer=None)
    assert beyond.value.code == "mutual_aid_fund_insufficient"
    assert (await lent(uow, teacher, 1_000_00))["finance_status"] == "posted"


async def test_the_same_answer_twice_or_a_later_one_changes_nothing(at):
    uow, teacher = street()
    paid_in = await mutual_aid.contribute(
        uow, OFFICER, "no1", RecordContribution(contributor="union", amount_fen=300_00)
    )
    await finance_answers(uow, "contribution", paid_in["id"], "refused", "银行存款余额不足")
    once = (dataclasses.replace(uow.mutual_aid.funds["no1"]), uow.mutual_aid.contributions[paid_in["id"]])

    await finance_answers(uow, "contribution", paid_in["id"], "refused", "银行存款余额不足")
    await finance_answers(uow, "contribution", paid_in["id"], "posted")

    assert (uow.mutual_aid.funds["no1"], uow.mutual_aid.contributions[paid_in["id"]]) == once
    assert (once[0].contributed_fen, once[0].contributed_pending_fen, once[1].finance_reason) == (
        0,
        0,
        "银行存款余额不足",
    )
    await finance_answers(uow, "contribution", uuid.uuid4(), "posted")  # not this service's: ignored
    assert uow.mutual_aid.funds["no1"] == once[0]


async def test_a_loan_finance_refused_is_void_restores_the_fund_and_falls_due_never(at):
    uow, teacher = await funded(1_000_00)
    pending = await lent(uow, teacher, 600_00, answer=None)
    assert (pending["finance_status"], own(await mutual_aid.statement(uow, OFFICER, "no1"), "available_fen")) == (
        "pending",
        (400_00,),
    )
    with pytest.raises(Conflict) as early:
        await mutual_aid.repay(uow, OFFICER, pending["id"], RecordRepayment(amount_fen=100_00))
    assert early.value.code == "mutual_aid_loan_not_posted"

    await finance_answers(uow, "loan", pending["id"], "refused", "互助金存款 余额不足")
    await finance_answers(uow, "loan", pending["id"], "refused", "互助金存款 余额不足")  # delivered again

    loan = await mutual_aid.read(uow, OFFICER, pending["id"])
    assert (loan["status"], loan["finance_status"], loan["finance_reason"]) == (
        "refused",
        "refused",
        "互助金存款 余额不足",
    )
    assert (loan["instalments"], loan["outstanding_fen"], loan["overdue_fen"]) == ([], 0, 0)
    at(dt.datetime(2026, 9, 10, 2, 0, tzinfo=dt.UTC))  # every instalment would be due by now
    assert await mutual_aid.overdue(uow, ADMIN, "street") == []
    statement = await mutual_aid.statement(uow, OFFICER, "no1")
    assert own(statement, "lent_fen", "lent_pending_fen", "available_fen", "overdue_fen", "loans_outstanding") == (
        0,
        0,
        1_000_00,
        0,
        0,
    )
    assert [(r["movement"], r["loan_id"]) for r in statement["refused_by_finance"]] == [("loan", pending["id"])]
    with pytest.raises(Conflict) as void:
        await mutual_aid.repay(uow, OFFICER, pending["id"], RecordRepayment(amount_fen=100_00))
    assert void.value.code == "mutual_aid_loan_not_repayable"
    assert (await mutual_aid.loans(uow, OFFICER, "no1", status="refused"))[0]["id"] == pending["id"]


async def test_a_refused_repayment_is_owed_again_and_a_posted_one_may_be_lent_again(at):
    uow, teacher = await funded(1_000_00)
    loan = await lent(uow, teacher, 600_00)
    full = await mutual_aid.repay(uow, OFFICER, loan["id"], RecordRepayment(amount_fen=600_00))
    assert (full["status"], full["outstanding_fen"]) == ("repaid", 0)
    [repayment] = full["repayments"]
    assert own(await mutual_aid.statement(uow, OFFICER, "no1"), "repaid_pending_fen", "available_fen") == (
        600_00,
        400_00,  # repaid, but not yet booked: not lent again
    )

    await finance_answers(uow, "repayment", repayment["id"], "refused", "会计期间已结账")
    await finance_answers(uow, "repayment", repayment["id"], "refused", "会计期间已结账")

    owed = await mutual_aid.read(uow, OFFICER, loan["id"])
    assert (owed["status"], owed["repaid_fen"], owed["outstanding_fen"]) == ("lent", 0, 600_00)
    assert [i["repaid_fen"] for i in owed["instalments"]] == [0] * 6
    assert (owed["repayments"][0]["finance_status"], owed["repayments"][0]["finance_reason"]) == (
        "refused",
        "会计期间已结账",
    )
    statement = await mutual_aid.statement(uow, OFFICER, "no1")
    assert own(statement, "repaid_fen", "repaid_pending_fen", "outstanding_fen", "available_fen") == (
        0,
        0,
        600_00,
        400_00,
    )

    again = await mutual_aid.repay(uow, OFFICER, loan["id"], RecordRepayment(amount_fen=250_00))
    await finance_answers(uow, "repayment", again["repayments"][-1]["id"])
    after = await mutual_aid.read(uow, OFFICER, loan["id"])
    assert [i["repaid_fen"] for i in after["instalments"][:3]] == [100_00, 100_00, 50_00]
    assert own(await mutual_aid.statement(uow, OFFICER, "no1"), "repaid_fen", "available_fen") == (250_00, 650_00)
