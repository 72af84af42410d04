"""The membership rate (入会率) is exact decimal arithmetic, never a float."""

from unionfed_membership.service_layer.membership_reports import Figures, rate_percent


def test_rate_is_members_over_staff_rounded_half_up_to_two_decimals():
    assert rate_percent(2, 3) == "66.67"
    assert rate_percent(1, 8) == "12.50"
    assert rate_percent(40, 40) == "100.00"
    assert rate_percent(5, 0) is None and rate_percent(5, None) is None


def test_a_unions_rate_counts_working_members_not_retirees():
    figures = Figures("school-1", "第一小学", staff_count=50, active=45, retired=10)
    assert figures.membership_rate_percent == "90.00"
    assert figures.as_dict()["members"] == 55
