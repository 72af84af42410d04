"""An in-memory copy of the rights weeks heard of from the events service, for ``fake_unit_of_work``."""

import dataclasses
import datetime as dt
import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.welfare.tests.unit.fake_rights_case_repository import FakeRightsCases
    from services.welfare.tests.unit.fake_unit_of_work import FakeDirectory

from unionfed_welfare.domain.rights_weeks import RightsWeek


class FakeRightsWeeks:
    def __init__(self, directory: "FakeDirectory", cases: "FakeRightsCases") -> None:
        self.rows: dict[uuid.UUID, RightsWeek] = {}
        self._directory = directory
        self._cases = cases

    async def get(self, activity_id: uuid.UUID) -> RightsWeek | None:
        return self.rows.get(activity_id)

    async def add_if_new(self, week: RightsWeek) -> None:
        self.rows.setdefault(week.activity_id, week)

    async def mark_cancelled(self, activity_id: uuid.UUID, at: dt.datetime) -> None:
        if activity_id in self.rows:
            self.rows[activity_id] = dataclasses.replace(self.rows[activity_id], cancelled=True)

    async def concerning(self, organization_id: str, path: list[str]) -> list[tuple[RightsWeek, int]]:
        cases = await self._cases.of_subtree(organization_id)
        found = []
        for week in self.rows.values():
            organizer_path = await self._directory.path_of(week.organization_id) or []
            if week.federation_id == path[0] and (week.open_to(path) or organization_id in organizer_path):
                found.append((week, sum(1 for c in cases if c.rights_week_id == week.activity_id)))
        return sorted(found, key=lambda f: f[0].starts_on, reverse=True)
