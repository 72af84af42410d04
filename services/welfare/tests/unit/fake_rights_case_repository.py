"""An in-memory rights case repository, for ``fake_unit_of_work``."""

import dataclasses
import datetime as dt
import uuid
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from services.welfare.tests.unit.fake_unit_of_work import FakeDirectory

from unionfed_welfare.domain.rights_cases import RightsCase, StageEntry, Worker


class FakeRightsCases:
    def __init__(self, directory: "FakeDirectory") -> None:
        self.rows: dict[uuid.UUID, RightsCase] = {}
        self.workers: dict[uuid.UUID, list[Worker]] = {}
        self.stages: list[StageEntry] = []
        self._directory = directory

    async def get(self, case_id: uuid.UUID, *, for_update: bool = False) -> RightsCase | None:
        case = self.rows.get(case_id)
        return dataclasses.replace(case) if case else None  # a copy, as a fresh read would be

    async def add(self, case: RightsCase, workers: list[Worker], accepted: StageEntry) -> None:
        now = dt.datetime.now(dt.UTC)
        self.rows[case.id] = dataclasses.replace(case, created_at=now, updated_at=now)
        self.workers[case.id] = list(workers)
        await self.add_stage(accepted)

    async def save(self, case: RightsCase) -> None:
        self.rows[case.id] = dataclasses.replace(case)

    async def add_stage(self, entry: StageEntry) -> None:
        self.stages.append(dataclasses.replace(entry, created_at=dt.datetime.now(dt.UTC)))

    async def stages_of(self, case_id: uuid.UUID) -> list[StageEntry]:
        return sorted((s for s in self.stages if s.case_id == case_id), key=lambda s: s.entered_on)

    async def workers_of(self, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Worker]]:
        return {case_id: list(self.workers.get(case_id, [])) for case_id in case_ids}

    async def of_subtree(
        self,
        organization_id: str,
        *,
        accepted_from: dt.date | None = None,
        accepted_to: dt.date | None = None,
        rights_week: str | None = None,
        rights_week_id: uuid.UUID | None = None,
    ) -> list[RightsCase]:
        found = [
            c
            for c in self.rows.values()
            if organization_id in (await self._directory.path_of(c.organization_id) or [])
            and (accepted_from is None or c.accepted_on >= accepted_from)
            and (accepted_to is None or c.accepted_on <= accepted_to)
            and (rights_week is None or c.rights_week == rights_week)
            and (rights_week_id is None or c.rights_week_id == rights_week_id)
        ]
        return sorted(found, key=lambda c: (c.accepted_on, c.id))
