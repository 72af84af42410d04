"""Today and now, in one place: effective dates are calendar dates of the host, times are UTC."""

import datetime as dt


def today() -> dt.date:
    return dt.date.today()


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)
