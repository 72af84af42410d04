"""The mutual-aid fund in the books: a restricted fund of its own, lent to members as a receivable."""

import datetime as dt

from unionfed_finance.domain import flows
from unionfed_finance.domain.ledger import AccountType, account_spec

DAY = dt.date(2026, 11, 20)


def moves(posting) -> dict[str, int]:
    """Each account's change in its normal direction."""
    return {line.account_code: line.signed_for(account_spec(line.account_code).type) for line in posting.lines}


def touches_income_or_expense(posting) -> bool:
    return any(account_spec(l.account_code).type in (AccountType.INCOME, AccountType.EXPENSE) for l in posting.lines)


def test_members_money_is_received_into_the_funds_own_cash_not_the_unions_bank():
    posting = flows.mutual_aid_contributed("school", "member", 300_00, DAY, "会员缴纳")

    assert moves(posting) == {"1002": 300_00, "3101": 300_00}
    assert posting.description == "互助金缴入：会员缴纳"


def test_the_unions_own_contribution_leaves_its_bank_and_general_fund_without_being_an_expense():
    posting = flows.mutual_aid_contributed("school", "union", 500_00, DAY, "工会拨入")

    assert moves(posting) == {"1002": 500_00, "3101": 500_00, "1001": -500_00, "3001": -500_00}
    assert not touches_income_or_expense(posting)


def test_a_loan_turns_the_funds_cash_into_a_receivable_and_a_repayment_turns_it_back():
    lent = flows.mutual_aid_lent("school", 200_00, DAY, "借款人 1a2b3c")
    repaid = flows.mutual_aid_repaid("school", 50_00, DAY, "借款人 1a2b3c", language="en")

    assert moves(lent) == {"1141": 200_00, "1002": -200_00}
    assert moves(repaid) == {"1002": 50_00, "1141": -50_00}
    assert not touches_income_or_expense(lent) and not touches_income_or_expense(repaid)
    assert repaid.description == "Mutual-aid loan repaid by 借款人 1a2b3c"


def test_the_funds_accounts_may_not_go_below_zero():
    assert [account_spec(code).floor_fen for code in ("1002", "1141", "3101")] == [0, 0, 0]
    assert account_spec("1141").name_zh == "应收互助借款"
