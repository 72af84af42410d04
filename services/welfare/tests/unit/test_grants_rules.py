"""Grant rules: policy, amounts with goods, the yearly cap, occasion keys, and holds' answers."""

import datetime as dt
import uuid

import pytest

from unionfed_shared.errors import Invalid
from unionfed_welfare.domain import grants as rules


def test_money_defaults_to_the_standard_less_the_goods():
    assert rules.amounts(500_00, None, [100_00, 80_00], "hospitalised") == (320_00, 180_00)
    assert rules.amounts(500_00, None, [], "hospitalised") == (500_00, 0)
    assert rules.amounts(500_00, 200_00, [], "hospitalised") == (200_00, 0)


def test_a_grant_beyond_the_standard_or_without_a_policy_amount_is_refused():
    with pytest.raises(Invalid, match="exceed the standard hospitalised grant of 50000 fen"):
        rules.amounts(500_00, 450_00, [100_00], "hospitalised")
    with pytest.raises(Invalid, match="sets no standard amount for wedding"):
        rules.amounts(None, 100_00, [], "wedding")
    with pytest.raises(Invalid, match="needs money or goods"):
        rules.amounts(500_00, 0, [], "hospitalised")


def test_the_yearly_cap_counts_what_was_granted_and_says_what_is_left():
    rules.check_cap(700_00, 300_00, 1000_00, 2026)
    with pytest.raises(Invalid, match="70000 fen already granted, 30000 fen left"):
        rules.check_cap(700_00, 300_01, 1000_00, 2026)


def test_the_cap_refusal_a_preview_shows_is_the_one_recording_raises():
    assert rules.cap_refusal(700_00, 300_00, 1000_00, 2026) is None
    refusal = rules.cap_refusal(700_00, 300_01, 1000_00, 2026)
    assert refusal.code == "grant_over_yearly_cap" and "尚余 300.00 元" in refusal.zh
    with pytest.raises(Invalid) as raised:
        rules.check_cap(700_00, 300_01, 1000_00, 2026)
    assert (raised.value.zh, raised.value.en) == (refusal.zh, refusal.en)
    assert (rules.cap_left(700_00, 1000_00), rules.cap_left(1200_00, 1000_00)) == (300_00, 0)


def test_the_policy_refuses_unknown_types_and_non_integer_fen():
    rules.check_policy({"wedding": 300_00}, 1000_00)
    with pytest.raises(Invalid, match="unknown visit types in the policy: birthday"):
        rules.check_policy({"birthday": 100}, 1000_00)
    with pytest.raises(Invalid, match="positive integer of fen"):
        rules.check_policy({"wedding": 12.5}, 1000_00)
    with pytest.raises(Invalid, match="yearly cap"):
        rules.check_policy({"wedding": 100}, 0)


def test_the_same_occasion_typed_differently_has_one_key():
    member, day = uuid.uuid4(), dt.date(2026, 5, 4)
    assert rules.occasion_key(member, "hospitalised", day, " 住院号  A-1") == rules.occasion_key(
        member, "hospitalised", day, "住院号 a-1"
    )
    assert rules.occasion_key(member, "hospitalised", day, "A-1") != rules.occasion_key(
        member, "hospitalised", day, "A-2"
    )
    assert rules.occasion_key(member, "hospitalised", day, "") != rules.occasion_key(member, "funeral", day, "")


def test_the_grant_state_reads_the_grant_and_its_money_together():
    assert rules.display_status("recorded", "requested") == "awaiting_finance"
    assert rules.display_status("approved", "reserved") == "approved_awaiting_payment"
    assert rules.display_status("cancelled", "cancel_requested") == "cancelling"
    assert rules.display_status("cancelled", "refused") == "cancelled"
