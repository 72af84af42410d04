"""In-memory repository of rationalization proposals and technical innovations, for ``fake_unit_of_work``."""

import dataclasses
import datetime as dt
import uuid

from services.events.tests.unit.fake_civic_repositories import STORED_AT, FakeUnions
from unionfed_events.domain.improvements import Improvement, ImprovementFilter, ImprovementGroup


class FakeImprovements:
    def __init__(self, unions: FakeUnions) -> None:
        self.rows: dict[uuid.UUID, Improvement] = {}
        self._unions = unions

    async def add(self, improvement: Improvement) -> Improvement:
        self.rows[improvement.id] = dataclasses.replace(improvement, created_at=STORED_AT)
        return self.rows[improvement.id]

    async def get(self, improvement_id: uuid.UUID, *, lock: bool = False) -> Improvement | None:
        return self.rows.get(improvement_id)

    async def save_step(self, improvement: Improvement) -> None:
        self.rows[improvement.id] = improvement

    def _under(self, root_id: str, year: int | None) -> list[Improvement]:
        orgs = self._unions.organizations
        return [
            i for i in self.rows.values() if root_id in orgs[i.organization_id].path and year in (None, i.filed_on.year)
        ]

    async def page_under(
        self, root_id: str, wanted: ImprovementFilter, after: tuple[dt.date, uuid.UUID] | None, limit: int
    ) -> list[Improvement]:
        found = sorted(
            (
                i
                for i in self._under(root_id, wanted.year)
                if wanted.kind in (None, i.kind) and wanted.status in (None, i.status)
            ),
            key=lambda i: (i.filed_on, i.id),
        )
        return [i for i in found if after is None or (i.filed_on, i.id) > after][:limit]

    async def groups_under(self, root_id: str, year: int) -> list[ImprovementGroup]:
        groups: dict[tuple[str, str, str], tuple[int, int]] = {}
        for i in self._under(root_id, year):
            count, value = groups.get((i.organization_id, i.kind, i.status), (0, 0))
            groups[(i.organization_id, i.kind, i.status)] = (count + 1, value + (i.value_fen or 0))
        return [ImprovementGroup(*key, count, value) for key, (count, value) in groups.items()]
