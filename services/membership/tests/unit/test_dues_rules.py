"""Dues rules: rounding in integer fen, effective-dated policies, exemptions, arrears."""

import datetime as dt
import uuid

import pytest

from unionfed_membership.domain.dues import (
    DuesPolicy,
    MemberDues,
    arrears,
    assess,
    monthly_dues_fen,
    next_period,
    periods_between,
    policy_for,
)
from unionfed_shared.errors import Invalid


def member(status="active", salary=430_000, joined=dt.date(2026, 3, 15)) -> MemberDues:
    return MemberDues(uuid.uuid4(), "school-1", "陈老师", status, joined, salary)


def test_monthly_dues_round_half_up_to_the_fen_in_integers():
    assert monthly_dues_fen(430_000, 5) == 2150  # 4,300 yuan at 0.5% = 21.50 yuan
    assert monthly_dues_fen(430_100, 5) == 2151  # 2150.5 fen rounds up
    assert monthly_dues_fen(430_099, 5) == 2150  # 2150.495 fen rounds down
    assert monthly_dues_fen(0, 5) == 0
    assert isinstance(monthly_dues_fen(123_457, 7), int)
    with pytest.raises(Invalid):
        monthly_dues_fen(-1, 5)


def test_policy_checks_its_rate_and_statuses():
    for rate in (0, -5, 101, 5.0, True):
        with pytest.raises(Invalid):
            DuesPolicy("county", dt.date(2026, 1, 1), rate_per_mille=rate)
    with pytest.raises(Invalid, match="unknown member status"):
        DuesPolicy("county", dt.date(2026, 1, 1), exempt_statuses=frozenset({"on_leave"}))
    assert DuesPolicy("county", dt.date(2026, 1, 1)).rate_per_mille == 5


def test_a_month_is_charged_at_the_policy_in_force_on_its_first_day():
    old = DuesPolicy("county", dt.date(2025, 1, 1), rate_per_mille=5)
    new = DuesPolicy("county", dt.date(2026, 7, 15), rate_per_mille=10)
    assert policy_for([old, new], "2024-12") is None
    assert policy_for([new, old], "2026-07") is old  # the new rate starts mid-July
    assert policy_for([new, old], "2026-08") is new
    assert new.first_period == "2026-08" and old.first_period == "2025-01"


def test_assessment_names_why_nothing_is_due():
    exempt_one = member()
    policy = DuesPolicy("county", dt.date(2026, 1, 1), exempt_member_ids=frozenset({exempt_one.id}))
    assert assess(member(), "2026-10", policy).amount_fen == 2150
    assert assess(exempt_one, "2026-10", policy).outcome == "exempt"
    assert assess(member(status="retired"), "2026-10", policy).outcome == "exempt"
    assert assess(member(status="left"), "2026-10", policy).outcome == "not_collectable"
    assert assess(member(joined=dt.date(2026, 11, 2)), "2026-10", policy).outcome == "not_collectable"
    assert assess(member(), "2026-10", None).outcome == "no_policy"
    no_salary = assess(member(salary=None), "2026-10", policy)
    assert (no_salary.outcome, no_salary.amount_fen, no_salary.reason) == ("no_base_salary", None, "no base salary")


def test_arrears_run_from_joining_or_the_first_policy_and_skip_paid_months():
    policies = [
        DuesPolicy("county", dt.date(2026, 1, 1), rate_per_mille=5),
        DuesPolicy("county", dt.date(2026, 9, 1), rate_per_mille=10),
    ]
    joined_march = member(joined=dt.date(2026, 3, 15))
    owed = arrears(joined_march, policies, {"2026-03", "2026-04", "2026-05", "2026-06", "2026-07"}, "2026-10")
    assert [(a.period, a.amount_fen) for a in owed.unpaid] == [("2026-08", 2150), ("2026-09", 4300), ("2026-10", 4300)]
    assert owed.total_fen == 10750

    veteran = member(joined=dt.date(2010, 9, 1))
    assert arrears(veteran, policies, set(), "2026-02").unpaid[0].period == "2026-01"  # not 2010
    assert arrears(veteran, [], set(), "2026-10").unpaid == ()
    assert arrears(member(status="retired"), policies, set(), "2026-10").unpaid == ()


def test_a_member_without_base_salary_shows_arrears_without_an_amount():
    owed = arrears(
        member(salary=None, joined=dt.date(2026, 9, 1)), [DuesPolicy("county", dt.date(2026, 1, 1))], set(), "2026-10"
    )
    assert [(a.period, a.amount_fen, a.reason) for a in owed.unpaid] == [
        ("2026-09", None, "no base salary"),
        ("2026-10", None, "no base salary"),
    ]
    assert (owed.total_fen, owed.periods_without_amount) == (0, 2)


def test_periods_count_across_years():
    assert next_period("2026-12") == "2027-01"
    assert periods_between("2026-11", "2027-02") == ["2026-11", "2026-12", "2027-01", "2027-02"]
    assert periods_between("2026-11", "2026-10") == []


@pytest.mark.parametrize("period", ["0000-01", "0001-12", "1899-12", "3000-01", "2026-00", "2026-13", "226-01"])
def test_a_dues_month_outside_the_calendar_it_can_compute_is_refused_by_its_pattern(period):
    # GET …/dues?period=0000-01 answered 500 ("year 0 is out of range"): the pattern let it through.
    from unionfed_membership.domain.model import PERIOD

    assert PERIOD.match(period) is None


@pytest.mark.parametrize("period", ["1900-01", "2026-11", "2999-12"])
def test_a_dues_month_of_this_era_matches(period):
    from unionfed_membership.domain.model import PERIOD

    assert PERIOD.match(period)
