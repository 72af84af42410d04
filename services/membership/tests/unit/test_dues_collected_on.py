"""A dues collection on the day the money was handed over (``collected_on``): the moment finance books
it, never after today nor before the month collected; today, or nothing given, is now."""

import datetime as dt

import pytest

from unionfed_membership.service_layer.dues import collected_moment
from unionfed_shared import business_time
from unionfed_shared.errors import Invalid

SHANGHAI = business_time.zone("Asia/Shanghai")
NOW = dt.datetime(2026, 12, 5, 17, 30, tzinfo=dt.UTC)  # 01:30 on 6 December in Shanghai


def test_a_past_day_of_the_month_or_later_is_noon_of_that_business_day():
    moment = collected_moment(SHANGHAI, NOW, "2026-11", dt.date(2026, 11, 25))
    assert moment == dt.datetime(2026, 11, 25, 12, tzinfo=SHANGHAI)
    assert business_time.business_date(moment, SHANGHAI) == dt.date(2026, 11, 25)
    assert collected_moment(SHANGHAI, NOW, "2026-10", dt.date(2026, 11, 3)).date() == dt.date(2026, 11, 3)


def test_today_or_no_day_is_now():
    assert collected_moment(SHANGHAI, NOW, "2026-11", None) == NOW
    assert collected_moment(SHANGHAI, NOW, "2026-11", dt.date(2026, 12, 6)) == NOW  # Shanghai's today


@pytest.mark.parametrize(
    ("day", "code"),
    [(dt.date(2026, 12, 7), "dues_collected_on_future"), (dt.date(2026, 10, 31), "dues_collected_before_period")],
)
def test_a_later_day_or_one_before_the_month_is_refused(day, code):
    with pytest.raises(Invalid) as refused:
        collected_moment(SHANGHAI, NOW, "2026-11", day)
    assert refused.value.code == code and refused.value.zh
