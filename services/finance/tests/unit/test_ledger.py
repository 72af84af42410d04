import datetime as dt

import pytest

from unionfed_finance.domain.flows import dues as dues_posting
from unionfed_finance.domain.ledger import (
    AccountType,
    Line,
    Posting,
)
from unionfed_shared.errors import Invalid

DAY = dt.date(2026, 10, 28)


def test_a_dues_posting_debits_the_bank_and_credits_dues_income():
    posting = dues_posting("school-1", 2150, "2026-10", DAY)
    assert posting.lines == (Line("1001", debit_fen=2150), Line("4101", credit_fen=2150))
    assert posting.description == "会费收缴：2026-10"
    assert posting.total_fen == 2150


@pytest.mark.parametrize(
    "lines, reason",
    [
        ([Line("1001", debit_fen=100)], "two lines"),
        ([Line("1001", debit_fen=100), Line("4101", credit_fen=99)], "do not equal"),
        ([Line("1001", debit_fen=100), Line("9999", credit_fen=100)], "unknown account"),
        ([Line("1001", debit_fen=100, credit_fen=100), Line("4101", credit_fen=0)], "either a debit or a credit"),
        ([Line("1001", debit_fen=1.5), Line("4101", credit_fen=1.5)], "whole fen"),
        ([Line("1001", debit_fen=-100), Line("4101", credit_fen=-100)], "whole fen"),
    ],
)
def test_unbalanced_or_malformed_postings_are_refused(lines, reason):
    with pytest.raises(Invalid, match=reason):
        Posting.balanced("school-1", DAY, "x", lines)


def test_balances_move_in_each_accounts_normal_direction():
    assert Line("1001", debit_fen=500).signed_for(AccountType.ASSET) == 500
    assert Line("4101", credit_fen=500).signed_for(AccountType.INCOME) == 500
    assert Line("1001", credit_fen=500).signed_for(AccountType.ASSET) == -500
