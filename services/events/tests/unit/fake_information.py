"""In-memory repository of information items and points tables, for ``fake_unit_of_work``."""

import dataclasses
import datetime as dt
import uuid

from services.events.tests.unit.fake_civic_repositories import STORED_AT, FakeUnions
from unionfed_events.domain.information import DRAFT, InfoFilter, InfoItem, PointsTable, UnionInfoFigures


class FakeInformation:
    def __init__(self, unions: FakeUnions) -> None:
        self.rows: dict[uuid.UUID, InfoItem] = {}
        self.tables: list[PointsTable] = []
        self._unions = unions

    async def add(self, item: InfoItem) -> InfoItem:
        self.rows[item.id] = dataclasses.replace(item, created_at=STORED_AT)
        return self.rows[item.id]

    async def get(self, item_id: uuid.UUID, *, lock: bool = False) -> InfoItem | None:
        return self.rows.get(item_id)

    async def save_step(self, item: InfoItem) -> None:
        stored = self.rows[item.id].adoptions
        assert item.adoptions[: len(stored)] == stored, "adoptions are only added"
        self.rows[item.id] = item

    def _under(self, root_id: str) -> list[InfoItem]:
        orgs = self._unions.organizations
        return [i for i in self.rows.values() if root_id in orgs[i.organization_id].path]

    async def page_under(
        self,
        root_id: str,
        viewer_organization_id: str,
        wanted: InfoFilter,
        after: tuple[dt.date, uuid.UUID] | None,
        limit: int,
    ) -> list[InfoItem]:
        found = sorted(
            (
                i
                for i in self._under(root_id)
                if (i.status != DRAFT or i.organization_id == viewer_organization_id)
                and wanted.status in (None, i.status)
                and wanted.category in (None, i.category)
                and wanted.organization_id in (None, i.organization_id)
                and wanted.year in (None, i.event_on.year)
            ),
            key=lambda i: (i.event_on, i.id),
            reverse=True,
        )
        return [i for i in found if after is None or (i.event_on, i.id) < after][:limit]

    async def figures_under(self, root_id: str, year: int) -> list[UnionInfoFigures]:
        figures: dict[str, UnionInfoFigures] = {}
        for i in self._under(root_id):
            union = figures.setdefault(i.organization_id, UnionInfoFigures(i.organization_id, i.organization_id))
            if i.submitted_on is not None and i.submitted_on.year == year:
                union.submitted += 1
            for a in i.adoptions:
                if a.adopted_on.year == year:
                    union.adopted[a.level] += 1
                    union.points += a.points
        return list(figures.values())

    async def points_tables(self, federation_id: str) -> list[PointsTable]:
        return sorted((t for t in self.tables if t.federation_id == federation_id), key=lambda t: t.version)

    async def lock_points_tables(self, federation_id: str) -> None:
        pass

    async def add_points_table(self, table: PointsTable) -> PointsTable | None:
        if any(
            t.federation_id == table.federation_id
            and (t.version == table.version or t.effective_from == table.effective_from)
            for t in self.tables
        ):
            return None
        self.tables.append(dataclasses.replace(table, published_at=STORED_AT))
        return self.tables[-1]
