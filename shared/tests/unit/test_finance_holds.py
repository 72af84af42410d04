"""What finance's answers make of a hold, for welfare's and events' spending alike."""

import pytest

from unionfed_shared.errors import Conflict
from unionfed_shared.finance_holds import after_answer, require_reserved


@pytest.mark.parametrize(
    ("status", "operation", "outcome", "after"),
    [
        ("requested", "reserve", "reserved", "reserved"),
        ("requested", "reserve", "refused", "refused"),
        ("reserved", "reserve", "reserved", "reserved"),
        ("reserved", "reserve", "refused", "reserved"),  # a stale refusal does not undo a reservation
        ("capture_requested", "capture", "captured", "captured"),
        ("capture_requested", "capture", "refused", "reserved"),  # the money is still reserved: pay again
        ("void_requested", "reserve", "reserved", "void_requested"),  # a late answer never undoes a cancel
        ("void_requested", "reserve", "refused", "refused"),  # nothing was reserved: nothing to release
        ("void_requested", "void", "voided", "voided"),
        ("void_requested", "void", "refused", "refused"),
        # Final states: a late or repeated answer never takes a settled hold back.
        ("captured", "reserve", "reserved", "captured"),
        ("voided", "reserve", "reserved", "voided"),
        ("refused", "reserve", "reserved", "refused"),
        ("refused", "void", "refused", "refused"),
    ],
)
def test_finance_answers_only_move_a_hold_forward(status, operation, outcome, after):
    assert after_answer(status, operation, outcome) == after


def test_only_reserved_money_is_paid_and_a_refusal_says_why():
    require_reserved("prizes", "reserved", None)
    with pytest.raises(Conflict) as refused:
        require_reserved("prizes", "refused", "1001 would fall below its floor")
    assert refused.value.code == "money_not_reserved"
    assert refused.value.en == "the money for prizes is refused, not reserved: 1001 would fall below its floor"
    assert refused.value.zh == "prizes的款项被财务拒绝，不是已预留状态，无法支付（1001 would fall below its floor）"
