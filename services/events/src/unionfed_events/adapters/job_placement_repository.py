"""Loading and saving job placements (再就业帮扶), and the reads of their roll-up."""

import dataclasses
import datetime as dt
from typing import Any

from sqlalchemy import any_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_events.adapters.skills_tables import job_placements
from unionfed_events.adapters.tables import directory
from unionfed_events.domain.skills import JobPlacement, PlacementFigures

orgs = directory.organizations


class JobPlacementRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def add(self, placement: JobPlacement) -> JobPlacement:
        values = {k: v for k, v in dataclasses.asdict(placement).items() if k != "recorded_at"}
        row = (await self._session.execute(job_placements.insert().values(**values).returning(job_placements))).one()
        return placement_of(row)

    async def of_year_under(self, root_id: str, year: int, limit: int) -> list[JobPlacement]:
        """Up to ``limit`` placements recorded in ``root_id`` or under it in the year, newest first."""
        query = (
            select(job_placements)
            .join(orgs, orgs.c.id == job_placements.c.organization_id)
            .where(any_(orgs.c.path) == root_id, _in_year(year))
            .order_by(job_placements.c.placed_on.desc(), job_placements.c.id)
            .limit(limit)
        )
        return [placement_of(row) for row in await self._session.execute(query)]

    async def figures_under(self, root_id: str, year: int) -> PlacementFigures:
        trained = job_placements.c.training_activity_id.is_not(None)
        row = (
            await self._session.execute(
                select(
                    func.count().label("records"),
                    func.coalesce(func.sum(job_placements.c.people), 0).label("people"),
                    func.coalesce(func.sum(job_placements.c.members), 0).label("members"),
                    func.coalesce(func.sum(job_placements.c.people).filter(trained), 0).label("after_training"),
                )
                .join(orgs, orgs.c.id == job_placements.c.organization_id)
                .where(any_(orgs.c.path) == root_id, _in_year(year))
            )
        ).one()
        return PlacementFigures(int(row.records), int(row.people), int(row.members), int(row.after_training))


def _in_year(year: int) -> Any:
    return job_placements.c.placed_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31))


def placement_of(row: Any) -> JobPlacement:
    return JobPlacement(**{f.name: getattr(row, f.name) for f in dataclasses.fields(JobPlacement)})
