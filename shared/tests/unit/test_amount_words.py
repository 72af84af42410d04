"""Amounts in a refusal's Chinese: yuan with two decimals, exact."""

from decimal import Decimal

import pytest

from unionfed_shared.amount_words import yuan, yuan_in_capitals


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
    with pytest.raises(TypeError):
        yuan_in_capitals(bad)


@pytest.mark.parametrize(
    ("fen", "capitals"),
    [
        (0, "零元整"),
        (5, "伍分"),
        (50, "伍角整"),
        (55, "伍角伍分"),
        (500_00, "伍佰元整"),
        (16_15, "壹拾陆元壹角伍分"),
        (1234_56, "壹仟贰佰叁拾肆元伍角陆分"),
        (1005_00, "壹仟零伍元整"),
        (1050_30, "壹仟零伍拾元叁角整"),
        (1000_05, "壹仟元零伍分"),
        (1000_50, "壹仟元伍角整"),
        (3000_00, "叁仟元整"),
        (10000_00, "壹万元整"),
        (100010_00, "壹拾万零壹拾元整"),
        (1010000_00, "壹佰零壹万元整"),
        (10010000_00, "壹仟零壹万元整"),
        (100000001_00, "壹亿零壹元整"),
        (120003400_00, "壹亿贰仟万叁仟肆佰元整"),  # no zero between 2000 and 3400 is read
        (20000300_00, "贰仟万零叁佰元整"),
        (10**12, "壹佰亿元整"),
        (-200_00, "负贰佰元整"),
        (Decimal(376_55), "叁佰柒拾陆元伍角伍分"),
    ],
)
def test_amounts_in_capitals_as_a_voucher_writes_them(fen, capitals):
    assert yuan_in_capitals(fen) == capitals
