"""In-memory skills reads and job placements, for ``fake_unit_of_work``. The activity counts hold
only ``held`` (from the stored activities); entrants, attendance and awards are counted in
PostgreSQL and proven by the integration tests."""

import dataclasses
import datetime as dt
import uuid

from services.events.tests.unit.fake_civic_repositories import STORED_AT, FakeUnions
from unionfed_events.domain.skills import SKILL_KINDS, ActivityFigures, JobPlacement, PlacementFigures


class FakeJobPlacements:
    def __init__(self, unions: FakeUnions) -> None:
        self.rows: dict[uuid.UUID, JobPlacement] = {}
        self._unions = unions

    async def add(self, placement: JobPlacement) -> JobPlacement:
        self.rows[placement.id] = dataclasses.replace(placement, recorded_at=STORED_AT)
        return self.rows[placement.id]

    def _under(self, root_id: str, year: int) -> list[JobPlacement]:
        orgs = self._unions.organizations
        return [p for p in self.rows.values() if root_id in orgs[p.organization_id].path and p.placed_on.year == year]

    async def of_year_under(self, root_id: str, year: int, limit: int) -> list[JobPlacement]:
        return sorted(self._under(root_id, year), key=lambda p: (-p.placed_on.toordinal(), p.id))[:limit]

    async def figures_under(self, root_id: str, year: int) -> PlacementFigures:
        found = self._under(root_id, year)
        return PlacementFigures(
            records=len(found),
            people=sum(p.people for p in found),
            members=sum(p.members for p in found),
            after_training=sum(p.people for p in found if p.training_activity_id is not None),
        )


class FakeSkills:
    def __init__(self, unions: FakeUnions, activities) -> None:
        self._unions, self._activities = unions, activities

    async def activity_figures_under(
        self, root_id: str, start: dt.datetime, end: dt.datetime
    ) -> dict[str, ActivityFigures]:
        figures = {kind: ActivityFigures() for kind in SKILL_KINDS}
        orgs = self._unions.organizations
        for a in self._activities.rows.values():
            if (
                a.kind in figures
                and a.status == "published"
                and root_id in orgs[a.organization_id].path
                and start <= a.starts_at < end
            ):
                figures[a.kind].held += 1
        return figures
