"""A chunk of members' dues as one posting: the accounts and balances of one dues posting per member,
a dues-income line each, and no payment booked twice."""

import datetime as dt
import uuid

import pytest

from unionfed_finance.domain import flows
from unionfed_finance.domain.ledger import BANK, DUES_INCOME
from unionfed_shared.errors import Invalid

DAY = dt.date(2026, 11, 28)


def balances(*postings) -> dict[str, int]:
    moved: dict[str, int] = {}
    for posting in postings:
        for line in posting.lines:
            moved[line.account_code] = moved.get(line.account_code, 0) + line.debit_fen - line.credit_fen
    return moved


def test_a_chunk_moves_bank_and_dues_income_exactly_as_one_posting_per_member():
    amounts = [2150, 2151, 1800]
    chunk = flows.dues_chunk("school", amounts, DAY, "会费收缴：2026-11")
    one_by_one = [flows.dues("school", fen, "2026-11", DAY) for fen in amounts]

    assert balances(chunk) == balances(*one_by_one) == {BANK: 6101, DUES_INCOME: -6101}
    # Line i is the chunk's i-th member's (1-based in the books), the bank debited once, last.
    assert [(l.account_code, l.credit_fen) for l in chunk.lines[:-1]] == [(DUES_INCOME, fen) for fen in amounts]
    assert (chunk.lines[-1].account_code, chunk.lines[-1].debit_fen) == (BANK, 6101)
    assert (chunk.organization_id, chunk.effective_date, chunk.description) == ("school", DAY, "会费收缴：2026-11")
    assert chunk.description == one_by_one[0].description


def test_a_chunk_of_1000_members_is_one_balanced_posting_of_1001_lines():
    chunk = flows.dues_chunk("school", [100] * 1000, DAY, "会费收缴：2026-11")
    assert len(chunk.lines) == 1001 and balances(chunk)[BANK] == 100_000


def test_an_empty_chunk_is_refused():
    with pytest.raises(Invalid) as refused:
        flows.dues_chunk("school", [], DAY, "会费收缴：2026-11")
    assert refused.value.code == "dues_chunk_empty"


def test_payments_already_booked_or_named_twice_are_left_out():
    a, b, c = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    assert flows.dues_lines_to_book([a, b, c], set()) == [0, 1, 2]
    assert flows.dues_lines_to_book([a, b, c], {b}) == [0, 2]
    assert flows.dues_lines_to_book([a, b, a], set()) == [0, 1]
    assert flows.dues_lines_to_book([a, b], {a, b}) == []
