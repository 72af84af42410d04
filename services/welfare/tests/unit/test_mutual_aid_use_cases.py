"""The mutual-aid fund's use cases on an in-memory unit of work: what is recorded, what finance is
told, who may do what, and the overdue list on the federation's calendar. The integration tests
prove the same against PostgreSQL, Kafka and a running finance."""

import datetime as dt

import pytest

from services.welfare.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.mutual_aid import MutualAidContributedV1, MutualAidLoanDisbursedV1, MutualAidRepaidV1
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound
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


async def funded(amount_fen: int = 10_000_00) -> tuple[FakeUnitOfWork, object]:
    uow, teacher = street()
    await mutual_aid.contribute(
        uow, OFFICER, "no1", RecordContribution(contributor="member", amount_fen=amount_fen, received_on="2026-03-02")
    )
    return uow, teacher


async def lent(uow: FakeUnitOfWork, teacher, amount_fen: int, on: str = "2026-03-05") -> dict:
    applied = await mutual_aid.apply(
        uow,
        OFFICER,
        "no1",
        ApplyForLoan(member_id=teacher, amount_fen=amount_fen, purpose="家人手术", months=6, applied_on=on),
    )
    return await mutual_aid.approve(uow, OFFICER, applied["id"], DecideLoan(on=on))


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
