"""The skills roll-up's reads of the activity tables: training courses, labour competitions and
skill contests held in a subtree, with their entrants, attendance and awards (counted in PostgreSQL)."""

import datetime as dt

from sqlalchemy import any_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_events.adapters.activity_tables import activities, activity_awards, activity_registrations
from unionfed_events.adapters.tables import directory
from unionfed_events.domain.skills import SKILL_KINDS, ActivityFigures

orgs = directory.organizations


class SkillsQueries:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def activity_figures_under(
        self, root_id: str, start: dt.datetime, end: dt.datetime
    ) -> dict[str, ActivityFigures]:
        """Per kind, activities organized in the subtree that were held (published, not cancelled)
        and start in [start, end)."""
        held = (
            select(activities.c.id, activities.c.kind)
            .join(orgs, orgs.c.id == activities.c.organization_id)
            .where(
                any_(orgs.c.path) == root_id,
                activities.c.kind.in_(SKILL_KINDS),
                activities.c.status == "published",
                activities.c.starts_at >= start,
                activities.c.starts_at < end,
            )
            .cte("held")
        )
        figures = {kind: ActivityFigures() for kind in SKILL_KINDS}
        for kind, count in await self._session.execute(select(held.c.kind, func.count()).group_by(held.c.kind)):
            figures[kind].held = count
        registrations = activity_registrations.c
        people = (
            select(
                held.c.kind,
                func.count().filter(registrations.status == "confirmed"),
                func.count().filter(registrations.status == "confirmed", registrations.attended.is_(True)),
            )
            .join(activity_registrations, registrations.activity_id == held.c.id)
            .group_by(held.c.kind)
        )
        for kind, entrants, attended in await self._session.execute(people):
            figures[kind].entrants, figures[kind].attended = entrants, attended
        awards = (
            select(held.c.kind, func.count())
            .join(activity_awards, activity_awards.c.activity_id == held.c.id)
            .group_by(held.c.kind)
        )
        for kind, count in await self._session.execute(awards):
            figures[kind].awards = count
        return figures
