"""Welfare's own series on /metrics (unionfed_shared.metrics): festival greetings in flight.

A greeting is in flight while its batch is running or any recipient still waits (pending, or
asked of finance and not yet answered). Its series disappear once every recipient is paid,
skipped or refused: paid / size is the greeting's progress.
"""

from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_welfare.adapters.campaign_tables import greeting_batches, greeting_recipients
from unionfed_welfare.domain.greetings import FINAL, IN_FLIGHT, PENDING, RUNNING, STATUSES


async def greetings_in_flight(session: AsyncSession) -> list[Metric]:
    b, r = greeting_batches, greeting_recipients
    waiting = exists().where(and_(r.c.batch_id == b.c.id, r.c.status.in_((PENDING, *IN_FLIGHT))))
    in_flight = select(b.c.id, b.c.organization_id, b.c.total).where(or_(b.c.status == RUNNING, waiting)).subquery()
    rows = await session.execute(
        select(in_flight.c.id, in_flight.c.organization_id, in_flight.c.total, r.c.status, func.count(r.c.member_id))
        .select_from(in_flight.outerjoin(r, r.c.batch_id == in_flight.c.id))
        .group_by(in_flight.c.id, in_flight.c.organization_id, in_flight.c.total, r.c.status)
    )
    size = GaugeMetricFamily(
        "unionfed_welfare_greeting_size",
        "Members a festival greeting in flight is for",
        labels=["greeting", "organization"],
    )
    recipients = GaugeMetricFamily(
        "unionfed_welfare_greeting_recipients",
        f"Recipients of a festival greeting in flight by status ({', '.join(STATUSES)}; final: {', '.join(FINAL)})",
        labels=["greeting", "organization", "status"],
    )
    counts: dict[tuple[str, str, int], dict[str, int]] = {}
    for batch_id, organization_id, total, status, n in rows:
        by_status = counts.setdefault((str(batch_id), organization_id, total), dict.fromkeys(STATUSES, 0))
        if status is not None:
            by_status[status] = n
    for (greeting, organization, total), by_status in sorted(counts.items()):
        size.add_metric([greeting, organization], total)
        for status, n in by_status.items():
            recipients.add_metric([greeting, organization, status], n)
    return [size, recipients]
