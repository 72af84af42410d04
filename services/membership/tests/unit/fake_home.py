"""In-memory 职工之家 checklists and assessments for the use cases' unit tests."""

import dataclasses
import uuid

from unionfed_membership.domain.home import Assessment, Checklist, Evidence
from unionfed_membership.domain.model import Organization


class FakeHomeChecklists:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Checklist] = {}

    async def latest(self, federation_id: str, *, for_update: bool = False) -> Checklist | None:
        mine = [c for c in self.rows.values() if c.federation_id == federation_id]
        return max(mine, key=lambda c: c.version) if mine else None

    async def get(self, checklist_id: uuid.UUID) -> Checklist | None:
        return self.rows.get(checklist_id)

    async def add(self, checklist: Checklist, by: str) -> None:
        self.rows[checklist.id] = checklist


class FakeHomeAssessments:
    def __init__(self, organizations: dict[str, Organization]) -> None:
        self.rows: dict[uuid.UUID, Assessment] = {}
        self._organizations = organizations

    async def get(self, assessment_id: uuid.UUID, *, for_update: bool = False) -> Assessment | None:
        return self.rows.get(assessment_id)

    async def of_year(self, organization_id: str, year: int) -> Assessment | None:
        return next((a for a in self.rows.values() if (a.organization_id, a.year) == (organization_id, year)), None)

    async def add(self, assessment: Assessment, by: str) -> None:
        self.rows[assessment.id] = assessment

    async def save(self, assessment: Assessment, by: str) -> None:
        self.rows[assessment.id] = dataclasses.replace(assessment, evidence=self.rows[assessment.id].evidence)

    async def add_evidence(self, evidence: Evidence, by: str) -> None:
        held = self.rows[evidence.assessment_id]
        self.rows[held.id] = dataclasses.replace(held, evidence=(*held.evidence, evidence))

    async def evidence(self, evidence_id: uuid.UUID) -> Evidence | None:
        return next((e for a in self.rows.values() for e in a.evidence if e.id == evidence_id), None)

    async def evidence_file_attached(self, evidence: Evidence) -> None:
        held = self.rows[evidence.assessment_id]
        entries = tuple(evidence if e.id == evidence.id else e for e in held.evidence)
        self.rows[held.id] = dataclasses.replace(held, evidence=entries)

    async def evidence_titles(self, evidence_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        return {
            e.id: f"{a.year} 年 {e.item_code} {e.title}"
            for a in self.rows.values()
            for e in a.evidence
            if e.id in evidence_ids
        }

    async def in_subtree(self, root_id: str) -> list[Assessment]:
        under = {o.id for o in self._organizations.values() if root_id in o.path}
        found = [a for a in self.rows.values() if a.organization_id in under]
        return sorted(found, key=lambda a: (-a.year, a.organization_id))
