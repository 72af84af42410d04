"""Business dates: which day, month and year a moment belongs to in a federation's time zone.

Timestamps are stored and sent as tz-aware UTC. Whatever a union counts by the calendar (the
day a posting is booked on, the month of dues, the year of a yearly cap or budget, "today")
is the date on the federation's wall clock: 05:33 on December 5th in Beijing is 21:33 UTC on
December 4th, and belongs to December 5th. Every such computation goes through this module.
"""

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from unionfed_shared.errors import Invalid

DEFAULT_TIME_ZONE = "Asia/Shanghai"

Clock = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@lru_cache(maxsize=1)
def _known_zone_names() -> frozenset[str]:
    return frozenset(available_timezones())


def is_time_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone name this installation knows (e.g. Asia/Shanghai)."""
    return isinstance(name, str) and name in _known_zone_names()


@lru_cache(maxsize=256)
def zone(name: str) -> ZoneInfo:
    """The time zone called ``name``; refused (Invalid) unless it is a known IANA name."""
    if not is_time_zone(name):
        raise Invalid(
            "time_zone_unknown",
            zh=f"{name!r} 不是有效的 IANA 时区名称（例如 Asia/Shanghai、Europe/Berlin）",
            en=f"{name!r} is not an IANA time zone name such as Asia/Shanghai or Europe/Berlin",
        )
    return ZoneInfo(name)


DEFAULT_ZONE = zone(DEFAULT_TIME_ZONE)


def business_date(moment: dt.datetime, tz: ZoneInfo) -> dt.date:
    """The calendar date ``moment`` falls on in ``tz``."""
    return _local(moment, tz).date()


def business_year(moment: dt.datetime, tz: ZoneInfo) -> int:
    return _local(moment, tz).year


def business_period(moment: dt.datetime, tz: ZoneInfo) -> str:
    """The month ``moment`` falls in, in ``tz``, as ``YYYY-MM`` (a dues or accounting period)."""
    return period_of(business_date(moment, tz))


def period_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def today(tz: ZoneInfo, clock: Clock = utc_now) -> dt.date:
    """Today's date in ``tz``, by ``clock`` (a function returning the aware current time)."""
    return business_date(clock(), tz)


def start_of_day(day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """The UTC moment ``day`` begins in ``tz``: the lower bound of that business day."""
    return dt.datetime.combine(day, dt.time(), tzinfo=tz).astimezone(dt.UTC)


def _local(moment: dt.datetime, tz: ZoneInfo) -> dt.datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        # A naive time could be anyone's wall clock: guessing is how business dates go wrong.
        raise ValueError(f"a moment must be timezone-aware, got naive {moment.isoformat()}")
    return moment.astimezone(tz)
