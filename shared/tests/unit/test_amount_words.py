"""Amounts in a refusal's Chinese: yuan with two decimals, exact."""

from decimal import Decimal

import pytest

from unionfed_shared.amount_words import yuan


def test_fen_are_said_as_yuan_exactly():
    assert yuan(0) == "0.00 元"
    assert yuan(5) == "0.05 元"
    assert yuan(123456) == "1,234.56 元"
    assert yuan(-100_00) == "-100.00 元"
    assert yuan(Decimal(30000)) == "300.00 元", "a SQL sum arrives as a whole Decimal"


@pytest.mark.parametrize("bad", [1.5, Decimal("1.5"), True, "100"])
def test_anything_but_whole_fen_is_a_programming_error(bad):
    with pytest.raises(TypeError):
        yuan(bad)
