"""Today and now, in one place: times are UTC, dates are on the federation's calendar.

``now`` is the one clock (tests move it); "today" is the date ``now`` falls on in the time zone
of the federation the command is about, never the host's.
"""

import datetime as dt
from zoneinfo import ZoneInfo

from unionfed_shared import business_time


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def today(zone: ZoneInfo) -> dt.date:
    # ``now`` is looked up at each call, so a test that replaces it moves "today" too.
    return business_time.today(zone, lambda: now())


async def today_of(uow, organization_id: str) -> dt.date:
    """Today in the federation of ``organization_id``."""
    return today(await zone_of(uow, organization_id))


async def zone_of(uow, organization_id: str) -> ZoneInfo:
    organization = await uow.organizations.get(organization_id)
    return organization.zone if organization is not None else business_time.DEFAULT_ZONE
