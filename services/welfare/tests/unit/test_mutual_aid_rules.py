"""The mutual-aid fund's rules: schedules that add up to the fen, overdue by calendar day, refusals."""

import datetime as dt
import uuid

import pytest

from unionfed_shared.errors import Conflict, Invalid
from unionfed_welfare.domain import mutual_aid as rules
from unionfed_welfare.domain.mutual_aid import Contribution, FinanceAnswer, Fund, Instalment, Loan, Repayment

LOAN = uuid.uuid4()


@pytest.mark.parametrize(
    ("principal", "months"), [(1_000_000, 6), (1_000_001, 6), (999_99, 7 - 1), (5, 6), (123_457, 5), (700, 1)]
)
def test_the_instalments_are_whole_fen_that_add_up_to_the_principal_exactly(principal, months):
    schedule = rules.schedule(LOAN, principal, months, dt.date(2026, 3, 5))

    amounts = [i.amount_fen for i in schedule]
    assert sum(amounts) == principal and len(amounts) == months
    assert max(amounts) - min(amounts) <= 1 and amounts == sorted(amounts, reverse=True)  # odd fen first


def test_instalments_fall_due_monthly_on_the_lending_day_or_the_months_last_day():
    schedule = rules.schedule(LOAN, 600_00, 6, dt.date(2026, 8, 31))

    assert [i.due_on for i in schedule] == [
        dt.date(2026, 9, 30),
        dt.date(2026, 10, 31),
        dt.date(2026, 11, 30),
        dt.date(2026, 12, 31),
        dt.date(2027, 1, 31),
        dt.date(2027, 2, 28),
    ]
    assert [i.number for i in schedule] == [1, 2, 3, 4, 5, 6]


def test_an_instalment_is_overdue_from_the_day_after_it_falls_due_until_paid_in_full():
    due = Instalment(LOAN, 1, dt.date(2026, 4, 5), 100_00)

    assert not due.overdue_on(dt.date(2026, 4, 5))
    assert due.overdue_on(dt.date(2026, 4, 6))
    assert Instalment(LOAN, 1, dt.date(2026, 4, 5), 100_00, repaid_fen=99_99).overdue_on(dt.date(2026, 4, 6))
    assert not Instalment(LOAN, 1, dt.date(2026, 4, 5), 100_00, repaid_fen=100_00).overdue_on(dt.date(2026, 5, 6))


def test_a_term_beyond_the_funds_rule_is_refused():
    with pytest.raises(Invalid) as refused:
        rules.check_months(7)
    assert refused.value.code == "mutual_aid_term_too_long"
    rules.check_months(6)


def _loan(amount_fen: int = 600_00) -> Loan:
    return Loan.apply(
        organization_id="no1",
        federation_id="street",
        member_id=uuid.uuid4(),
        amount_fen=amount_fen,
        purpose="家人手术",
        months=3,
        applied_on=dt.date(2026, 3, 1),
        applied_by="officer",
    )


def test_the_fund_lends_only_what_it_holds_now():
    fund = Fund("no1", "street", contributed_fen=1_000_00, lent_fen=700_00, repaid_fen=200_00)
    loan = _loan(500_01)

    with pytest.raises(Conflict) as refused:
        loan.approve(fund, dt.date(2026, 3, 2), "officer", "")
    assert refused.value.code == "mutual_aid_fund_insufficient"
    assert (loan.status, fund.lent_fen) == ("applied", 700_00)

    exactly = _loan(500_00)
    exactly.approve(fund, dt.date(2026, 3, 2), "officer", "")
    assert (fund.available_fen, fund.outstanding_fen) == (0, 1_000_00)


def test_repayments_pay_the_oldest_instalment_first_and_close_the_loan_when_all_is_repaid():
    fund = Fund("no1", "street", contributed_fen=1_000_00)
    loan = _loan(600_00)
    schedule = loan.approve(fund, dt.date(2026, 3, 2), "officer", "")
    loan.answered(fund, FinanceAnswer(posted=True))

    def pay(amount_fen: int, instalments: list[Instalment]) -> list[Instalment]:
        return loan.repay(Repayment(uuid.uuid4(), loan.id, amount_fen, dt.date(2026, 4, 2), "officer"), instalments)

    after = pay(250_00, schedule)
    assert [i.repaid_fen for i in after] == [200_00, 50_00, 0]
    with pytest.raises(Conflict) as over:
        pay(350_01, after)
    assert over.value.code == "mutual_aid_repayment_over_outstanding"
    after = pay(350_00, after)
    assert [i.unpaid_fen for i in after] == [0, 0, 0] and loan.status == "repaid"
    with pytest.raises(Conflict):
        pay(1, after)


def test_available_counts_only_money_finance_booked_in_and_everything_lent_not_refused():
    fund = Fund("no1", "street")
    fund.receive(_contribution(1_000_00))
    assert (fund.contributed_fen, fund.available_fen) == (1_000_00, 0)  # sent, not yet booked
    fund.contribution_answered(1_000_00, FinanceAnswer(posted=True))
    fund.receive(_contribution(300_00))
    fund.contribution_answered(300_00, FinanceAnswer(posted=False, reason="银行存款余额不足"))
    assert (fund.contributed_fen, fund.contributed_pending_fen, fund.available_fen) == (1_000_00, 0, 1_000_00)

    fund.lend(600_00)  # out at once, before finance answers
    assert fund.available_fen == 400_00
    fund.take_back(100_00)  # back only once finance has booked it
    assert (fund.available_fen, fund.outstanding_fen) == (400_00, 500_00)
    fund.repayment_answered(100_00, FinanceAnswer(posted=False, reason="已结账"))
    assert (fund.available_fen, fund.outstanding_fen) == (400_00, 600_00)
    fund.loan_answered(600_00, FinanceAnswer(posted=False, reason="互助金存款余额不足"))
    assert (fund.lent_fen, fund.lent_pending_fen, fund.available_fen) == (0, 0, 1_000_00)


def test_a_decided_application_is_not_decided_again():
    loan = _loan()
    loan.reject(dt.date(2026, 3, 2), "officer", "资料不全")

    with pytest.raises(Conflict) as again:
        loan.approve(Fund("no1", "street", contributed_fen=10**6), dt.date(2026, 3, 2), "officer", "")
    assert again.value.code == "mutual_aid_loan_already_decided"


def _contribution(amount_fen: int) -> Contribution:
    return Contribution(uuid.uuid4(), "no1", "member", None, amount_fen, dt.date(2026, 3, 2), "", "officer")
