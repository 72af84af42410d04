"""Health checks, insurance and claims: cost, payment and the claim's status flow."""

import pytest

from unionfed_shared.errors import Conflict, Invalid
from unionfed_welfare.domain import campaigns as rules
from unionfed_welfare.service_layer.commands import DecideClaim


def test_the_cost_is_per_member_and_needs_someone_enrolled():
    assert rules.total_cost(380_00, 44) == 16_720_00
    with pytest.raises(Invalid):
        rules.total_cost(380_00, 0)


def test_a_total_beyond_what_finance_can_reserve_is_refused_not_a_crash():
    # Schemathesis found it: 10^15 fen per member for 8 members answered 500 (the hold event refused it).
    assert rules.total_cost(10**15, 1) == 10**15
    with pytest.raises(Invalid) as refused:
        rules.total_cost(10**15, 8)
    assert refused.value.code == "campaign_total_too_large"


def test_a_payment_is_at_most_what_was_reserved_and_only_once():
    rules.check_payment(16_000_00, 16_720_00, "open")
    with pytest.raises(Invalid, match="exceeds"):
        rules.check_payment(16_720_01, 16_720_00, "open")
    with pytest.raises(Conflict):
        rules.check_payment(100, 16_720_00, "paid")


def decide(action, **kwargs):
    return DecideClaim(action=action, **kwargs)


def test_a_claim_goes_filed_under_review_paid():
    assert rules.next_claim("filed", decide("review"), 5_000_00) == {"status": "under_review"}
    assert rules.next_claim("under_review", decide("pay", paid_fen=4_000_00), 5_000_00)["status"] == "paid"


def test_a_claim_may_be_rejected_with_a_reason_only():
    with pytest.raises(Invalid, match="reason"):
        rules.next_claim("under_review", decide("reject"), 100)
    assert rules.next_claim("filed", decide("reject", reason="等待期内 within the waiting period"), 100) == {
        "status": "rejected",
        "reason": "等待期内 within the waiting period",
    }


def test_decisions_out_of_order_or_after_the_end_are_refused():
    with pytest.raises(Conflict):
        rules.next_claim("filed", decide("pay", paid_fen=100), 100)
    for final in ("paid", "rejected"):
        with pytest.raises(Conflict):
            rules.next_claim(final, decide("review"), 100)
    with pytest.raises(Invalid, match="exceeds"):
        rules.next_claim("under_review", decide("pay", paid_fen=101), 100)
