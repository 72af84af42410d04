"""The reads behind events' section of a statistics report, counted in PostgreSQL.

Each query counts the records of the organizations a report covers (the reporting union and its
groups, never a union below it) for the business days ``first_day``..``last_day`` inclusive: the
moments from the first day's start to the day after the last one's, in the federation's time zone.
What each figure means is written in :mod:`unionfed_events.service_layer.report_figures`.
"""

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import false, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_events.adapters.activity_tables import activities, activity_registrations
from unionfed_events.adapters.congress_tables import congress_proposals, congress_sessions
from unionfed_events.adapters.tables import directory
from unionfed_shared import business_time


class ReportFiguresQueries:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def figures(
        self, organization_id: str, covers: Sequence[str], first_day: dt.date, last_day: dt.date
    ) -> dict[str, int]:
        """Every events indicator for ``organization_id``'s report on ``covers``."""
        zone = await directory.time_zone_of(self._session, organization_id)
        start = business_time.start_of_day(first_day, zone)
        end = business_time.start_of_day(last_day + dt.timedelta(days=1), zone)  # exclusive
        sessions, proposals = congress_sessions, congress_proposals
        held = await self._session.scalar(
            select(func.count()).where(
                sessions.c.organization_id.in_(covers), sessions.c.starts_on.between(first_day, last_day)
            )
        )
        unanswered_at_end = proposals.c.answered_at.is_(None) | (proposals.c.answered_at >= end)
        received, answered, overdue = (
            await self._session.execute(
                select(
                    func.count().filter(proposals.c.submitted_at >= start, proposals.c.submitted_at < end),
                    func.count().filter(proposals.c.answered_at >= start, proposals.c.answered_at < end),
                    func.count().filter(
                        proposals.c.submitted_at < end, sessions.c.answer_deadline < end, unanswered_at_end
                    ),
                )
                .select_from(proposals.join(sessions, sessions.c.id == proposals.c.session_id))
                .where(sessions.c.organization_id.in_(covers), proposals.c.submitted_at.is_not(None))
            )
        ).one()
        registrations = activity_registrations
        activities_held, participants = (
            await self._session.execute(
                select(
                    func.count(func.distinct(activities.c.id)),
                    func.count(registrations.c.id).filter(
                        registrations.c.status == "confirmed", registrations.c.attended.is_distinct_from(false())
                    ),
                )
                .select_from(activities.outerjoin(registrations, registrations.c.activity_id == activities.c.id))
                .where(
                    activities.c.organization_id.in_(covers),
                    activities.c.status == "published",
                    activities.c.starts_at >= start,
                    activities.c.starts_at < end,
                )
            )
        ).one()
        return {
            "congresses_held": int(held or 0),
            "proposals_received": int(received),
            "proposals_answered": int(answered),
            "proposals_overdue": int(overdue),
            "activities_held": int(activities_held),
            "activity_participants": int(participants),
        }
