"""In-memory safety inspectors, inspections and hazards for the use cases' unit tests."""

import dataclasses
import datetime as dt
import uuid

from services.membership.tests.unit.fake_enterprises import FakeEnterprises
from unionfed_membership.domain.safety import Hazard, Inspection, SafetyInspector


class FakeSafetyInspectors:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, SafetyInspector] = {}

    async def get(self, inspector_id: uuid.UUID, *, for_update: bool = False) -> SafetyInspector | None:
        return self.rows.get(inspector_id)

    async def add(self, inspector: SafetyInspector, by: str) -> None:
        self.rows[inspector.id] = inspector

    async def save_retirement(self, inspector: SafetyInspector) -> None:
        self.rows[inspector.id] = inspector

    async def of_enterprise(self, enterprise_id: uuid.UUID) -> list[SafetyInspector]:
        return sorted(
            (i for i in self.rows.values() if i.enterprise_id == enterprise_id), key=lambda i: (i.appointed_on, i.name)
        )


class FakeSafetyInspections:
    def __init__(self, enterprises: FakeEnterprises) -> None:
        self.rows: dict[uuid.UUID, Inspection] = {}
        self._enterprises = enterprises

    async def add(self, inspection: Inspection, by: str) -> None:
        self.rows[inspection.id] = inspection

    async def of_enterprise(self, enterprise_id: uuid.UUID) -> list[Inspection]:
        found = [i for i in self.rows.values() if i.enterprise_id == enterprise_id]
        return sorted(found, key=lambda i: i.inspected_on, reverse=True)

    async def in_subtree_between(self, root_id: str, first: dt.date, last: dt.date) -> list[Inspection]:
        under = {e.id for e in self._enterprises._under(root_id)}
        return [i for i in self.rows.values() if i.enterprise_id in under and first <= i.inspected_on <= last]

    def _hazards(self) -> list[Hazard]:
        return [h for i in self.rows.values() for h in i.hazards]

    async def hazard(self, hazard_id: uuid.UUID, *, for_update: bool = False) -> Hazard | None:
        return next((h for h in self._hazards() if h.id == hazard_id), None)

    async def save_fixed(self, hazard: Hazard, by: str) -> None:
        inspection = self.rows[hazard.inspection_id]
        hazards = tuple(hazard if h.id == hazard.id else h for h in inspection.hazards)
        self.rows[inspection.id] = dataclasses.replace(inspection, hazards=hazards)

    async def open_hazards_in_subtree(self, root_id: str) -> list[Hazard]:
        under = {e.id for e in self._enterprises._under(root_id)}
        return sorted(
            (h for h in self._hazards() if h.enterprise_id in under and h.fixed_on is None), key=lambda h: h.deadline
        )
