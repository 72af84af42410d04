"""Spot checks (督查): recorded by a union above the one checked, followed up by the checked union,
closed by the checking one after the follow-up required; overdue once the due day has passed."""

import datetime as dt
import uuid

import pytest

from unionfed_events.domain import spot_checks as rules
from unionfed_shared.errors import Conflict, Invalid

TODAY = dt.date(2026, 12, 5)
PATH = ["county", "school-1"]


def check(**changes) -> rules.SpotCheck:
    fields = dict(
        id=uuid.uuid4(),
        organization_id="school-1",
        federation_id="county",
        checked_by_organization_id="county",
        checked_on=dt.date(2026, 11, 2),
        subject="disclosure",
        subject_detail="2026 年上半年校务公开",
        findings="未公开慰问金明细",
        follow_up_required=True,
        follow_up_due_on=dt.date(2026, 11, 30),
        recorded_by="officer-zhao",
    )
    return rules.SpotCheck(**{**fields, **changes})


def recorded(**changes) -> None:
    fields = dict(
        checked_path=PATH,
        checker_id="county",
        checked_on=dt.date(2026, 11, 2),
        follow_up_required=True,
        follow_up_due_on=dt.date(2026, 11, 30),
        today=TODAY,
    )
    rules.recorded(**{**fields, **changes})


def test_a_check_is_of_a_union_below_on_a_past_day_with_a_due_day_only_when_follow_up_is_required():
    recorded()
    recorded(follow_up_required=False, follow_up_due_on=None)
    for changes, code in (
        ({"checker_id": "school-1"}, "spot_check_not_below"),
        ({"checker_id": "other-county"}, "spot_check_not_below"),
        ({"checked_on": TODAY + dt.timedelta(days=1)}, "spot_check_date_in_future"),
        ({"follow_up_due_on": None}, "spot_check_due_day_missing"),
        ({"follow_up_required": False}, "spot_check_due_day_without_follow_up"),
        ({"follow_up_due_on": dt.date(2026, 11, 1)}, "spot_check_due_before_check"),
    ):
        with pytest.raises(Invalid) as refused:
            recorded(**changes)
        assert refused.value.code == code, changes


def test_the_follow_up_comes_before_closing_and_nothing_changes_once_closed():
    open_check = check()
    with pytest.raises(Conflict) as early:
        open_check.closed(TODAY, "officer-zhao", None, TODAY)
    assert early.value.code == "spot_check_awaits_follow_up"
    with pytest.raises(Invalid):
        open_check.followed_up("已补充公开", dt.date(2026, 11, 1), "officer-li", TODAY)  # before the check
    done = open_check.followed_up("  已在公告栏补充公开慰问金明细  ", dt.date(2026, 11, 20), "officer-li", TODAY)
    assert (done.status, done.follow_up, done.followed_up_by) == (
        rules.FOLLOWED_UP,
        "已在公告栏补充公开慰问金明细",
        "officer-li",
    )
    again = done.followed_up("补充公开并报县工会", dt.date(2026, 11, 21), "officer-li", TODAY)
    assert again.follow_up == "补充公开并报县工会"
    closed = again.closed(TODAY, "officer-zhao", "同意销号", TODAY)
    assert (closed.status, closed.closed_on, closed.closing_note) == (rules.CLOSED, TODAY, "同意销号")
    for step in (
        lambda: closed.closed(TODAY, "officer-zhao", None, TODAY),
        lambda: closed.followed_up("再改", TODAY, "officer-li", TODAY),
    ):
        with pytest.raises(Conflict) as refused:
            step()
        assert refused.value.code == "spot_check_closed"


def test_a_check_without_follow_up_is_closed_at_once_and_takes_no_follow_up():
    plain = check(follow_up_required=False, follow_up_due_on=None)
    with pytest.raises(Conflict) as refused:
        plain.followed_up("整改", TODAY, "officer-li", TODAY)
    assert refused.value.code == "spot_check_needs_no_follow_up"
    assert plain.closed(TODAY, "officer-zhao", None, TODAY).status == rules.CLOSED
    assert not plain.overdue(TODAY)


def test_overdue_is_a_required_follow_up_not_recorded_after_its_due_day():
    due = dt.date(2026, 11, 30)
    assert not check().overdue(due)
    assert check().overdue(due + dt.timedelta(days=1))
    assert not check().followed_up("已整改", due, "officer-li", TODAY).overdue(TODAY)
