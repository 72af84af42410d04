"""Business dates are dates on the federation's wall clock, not on UTC's."""

import datetime as dt

import pytest
from pydantic import ValidationError

from unionfed_shared import business_time
from unionfed_shared.contracts.membership import OrganizationRegisteredV1
from unionfed_shared.errors import Invalid

SHANGHAI = business_time.zone("Asia/Shanghai")
BERLIN = business_time.zone("Europe/Berlin")
# 01:00 on January 1st 2027 in Beijing; still 18:00 on December 31st 2026 in Berlin.
NEW_YEAR_IN_BEIJING = dt.datetime(2026, 12, 31, 17, 0, tzinfo=dt.UTC)


def test_a_moment_belongs_to_the_day_month_and_year_of_the_federations_wall_clock():
    assert business_time.business_date(NEW_YEAR_IN_BEIJING, SHANGHAI) == dt.date(2027, 1, 1)
    assert business_time.business_period(NEW_YEAR_IN_BEIJING, SHANGHAI) == "2027-01"
    assert business_time.business_year(NEW_YEAR_IN_BEIJING, SHANGHAI) == 2027


def test_another_federations_zone_is_honoured_not_shanghai():
    assert business_time.business_date(NEW_YEAR_IN_BEIJING, BERLIN) == dt.date(2026, 12, 31)
    assert business_time.business_period(NEW_YEAR_IN_BEIJING, BERLIN) == "2026-12"
    assert business_time.business_year(NEW_YEAR_IN_BEIJING, business_time.zone("UTC")) == 2026


def test_today_reads_the_injected_clock_in_the_zone():
    clock = lambda: NEW_YEAR_IN_BEIJING  # noqa: E731
    assert business_time.today(SHANGHAI, clock) == dt.date(2027, 1, 1)
    assert business_time.today(BERLIN, clock) == dt.date(2026, 12, 31)


def test_a_business_day_starts_at_local_midnight():
    assert business_time.start_of_day(dt.date(2027, 1, 1), SHANGHAI) == dt.datetime(2026, 12, 31, 16, tzinfo=dt.UTC)
    # Berlin in summer is UTC+2.
    assert business_time.start_of_day(dt.date(2027, 7, 1), BERLIN) == dt.datetime(2027, 6, 30, 22, tzinfo=dt.UTC)


def test_a_naive_moment_is_refused_rather_than_guessed():
    with pytest.raises(ValueError):
        business_time.business_date(dt.datetime(2026, 12, 31, 17, 0), SHANGHAI)


def test_only_iana_zone_names_are_accepted():
    assert business_time.zone("Europe/Berlin").key == "Europe/Berlin"
    for bad in ("Mars/Olympus", "../etc/passwd", "", "+08:00"):
        with pytest.raises(Invalid):
            business_time.zone(bad)


def test_a_registration_without_a_locale_means_shanghai_chinese_and_no_sector():
    old = OrganizationRegisteredV1.model_validate(
        {
            "organization_id": "county-edu",
            "federation_id": "county-edu",
            "name": "某县教育工会",
            "kind": "federation",
            "parent_id": None,
            "path": ["county-edu"],
        }
    )
    assert (old.time_zone, old.language, old.sector) == ("Asia/Shanghai", "zh-CN", None)


def test_a_registration_refuses_an_unknown_time_zone():
    with pytest.raises(ValidationError):
        OrganizationRegisteredV1(
            organization_id="x-fed",
            federation_id="x-fed",
            name="x",
            kind="federation",
            parent_id=None,
            path=["x-fed"],
            time_zone="Mars/Olympus",
        )
