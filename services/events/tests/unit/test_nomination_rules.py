"""Award nomination rules: who nominates, stages in order, rejection reasons, the public notice."""

import datetime as dt

import pytest

from unionfed_events.domain import nominations as rules
from unionfed_shared.errors import Conflict, Invalid

TODAY = dt.date(2026, 11, 24)


def test_a_grassroots_union_under_a_federation_nominates():
    rules.check_nominating_union("grassroots_union", True)
    for kind, upper in [("union_group", True), ("federation", True), ("grassroots_union", False)]:
        with pytest.raises(Invalid, match="grassroots union"):
            rules.check_nominating_union(kind, upper)


def test_stages_run_in_order():
    rules.check_step("review", rules.NOMINATED)
    rules.check_step("approve", rules.REVIEWED)
    with pytest.raises(Conflict, match="only when reviewed"):
        rules.check_step("approve", rules.NOMINATED)
    with pytest.raises(Conflict):
        rules.check_step("review", rules.APPROVED)


def test_a_rejection_has_a_reason_and_comes_before_approval():
    assert rules.check_rejection(rules.REVIEWED, " 事迹材料不足 ") == "事迹材料不足"
    with pytest.raises(Invalid, match="reason"):
        rules.check_rejection(rules.NOMINATED, "  ")
    with pytest.raises(Conflict, match="approved"):
        rules.check_rejection(rules.APPROVED, "too late")


def test_the_public_notice_follows_approval_and_has_a_state_by_beijing_date():
    rules.check_notice(TODAY, TODAY + dt.timedelta(days=6), TODAY)
    with pytest.raises(Invalid, match="on or after"):
        rules.check_notice(TODAY - dt.timedelta(days=1), TODAY, TODAY)
    with pytest.raises(Invalid, match="end before"):
        rules.check_notice(TODAY, TODAY - dt.timedelta(days=1), TODAY)
    with pytest.raises(Invalid, match="90 days"):
        rules.check_notice(TODAY, TODAY + dt.timedelta(days=91), TODAY)
    start, end = dt.date(2026, 12, 1), dt.date(2026, 12, 7)
    assert rules.notice_state(rules.APPROVED, start, end, dt.date(2026, 11, 30)) == "scheduled"
    assert rules.notice_state(rules.APPROVED, start, end, end) == "in_notice"
    assert rules.notice_state(rules.APPROVED, start, end, dt.date(2026, 12, 8)) == "ended"
    assert rules.notice_state(rules.REVIEWED, None, None, end) is None


def test_the_award_year_is_near_today():
    rules.check_year(2026, TODAY)
    with pytest.raises(Invalid, match="within a year"):
        rules.check_year(2020, TODAY)
