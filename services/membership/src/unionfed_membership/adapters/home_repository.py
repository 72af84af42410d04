"""Loading and saving 职工之家 checklists and assessments (with their evidence)."""

import uuid
from collections.abc import Sequence

from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_membership.adapters.home_tables import home_assessments, home_checklists, home_evidence
from unionfed_membership.adapters.record_chains import chain_assessment
from unionfed_membership.adapters.tables import organizations
from unionfed_membership.domain.home import Assessment, Checklist, ChecklistItem, Evidence, ItemScore, Thresholds


def _checklist_of(row: Row) -> Checklist:
    return Checklist(
        id=row.id,
        federation_id=row.federation_id,
        version=row.version,
        items=tuple(ChecklistItem(**i) for i in row.items),
        thresholds=Thresholds(row.qualified, row.advanced, row.model),
        valid_years=row.valid_years,
    )


class HomeChecklistRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def latest(self, federation_id: str, *, for_update: bool = False) -> Checklist | None:
        query = (
            select(home_checklists)
            .where(home_checklists.c.federation_id == federation_id)
            .order_by(home_checklists.c.version.desc())
            .limit(1)
        )
        row = (await self._session.execute(query.with_for_update() if for_update else query)).first()
        return _checklist_of(row) if row else None

    async def get(self, checklist_id: uuid.UUID) -> Checklist | None:
        row = (await self._session.execute(select(home_checklists).where(home_checklists.c.id == checklist_id))).first()
        return _checklist_of(row) if row else None

    async def add(self, checklist: Checklist, by: str) -> None:
        await self._session.execute(
            insert(home_checklists).values(
                id=checklist.id,
                federation_id=checklist.federation_id,
                version=checklist.version,
                items=[
                    {
                        "code": i.code,
                        "section": i.section,
                        "text": i.text,
                        "max_points": i.max_points,
                        "evidence_required": i.evidence_required,
                    }
                    for i in checklist.items
                ],
                qualified=checklist.thresholds.qualified,
                advanced=checklist.thresholds.advanced,
                model=checklist.thresholds.model,
                valid_years=checklist.valid_years,
                published_by=by,
            )
        )


def _scores(assessment: Assessment) -> list[dict]:
    return [
        {"code": s.code, "self_score": s.self_score, "note": s.note, "review_score": s.review_score}
        for s in assessment.scores
    ]


def _evidence_of(row: Row) -> Evidence:
    return Evidence(
        id=row.id,
        assessment_id=row.assessment_id,
        item_code=row.item_code,
        title=row.title,
        description=row.description,
        added_on=row.added_on,
        file_sha256=row.file_sha256,
        file_name=row.file_name,
    )


class HomeAssessmentRepository:
    """Assessments with their evidence (one aggregate: evidence is added only to an assessment)."""

    def __init__(self, session: AsyncSession):
        self._session = session

    async def _with_evidence(self, rows: Sequence[Row]) -> list[Assessment]:
        ids = [r.id for r in rows]
        evidence: dict[uuid.UUID, list[Evidence]] = {i: [] for i in ids}
        if ids:
            found = await self._session.execute(
                select(home_evidence)
                .where(home_evidence.c.assessment_id.in_(ids))
                .order_by(home_evidence.c.item_code, home_evidence.c.added_at, home_evidence.c.id)
            )
            for e in found:
                evidence[e.assessment_id].append(_evidence_of(e))
        return [
            Assessment(
                id=r.id,
                organization_id=r.organization_id,
                federation_id=r.federation_id,
                year=r.year,
                checklist_id=r.checklist_id,
                status=r.status,
                scores=tuple(ItemScore(**s) for s in r.scores),
                evidence=tuple(evidence[r.id]),
                submitted_on=r.submitted_on,
                return_reason=r.return_reason,
                review_comment=r.review_comment,
                level=r.level,
                awarded_on=r.awarded_on,
                renew_by=r.renew_by,
            )
            for r in rows
        ]

    async def get(self, assessment_id: uuid.UUID, *, for_update: bool = False) -> Assessment | None:
        query = select(home_assessments).where(home_assessments.c.id == assessment_id)
        rows = (await self._session.execute(query.with_for_update() if for_update else query)).all()
        found = await self._with_evidence(rows)
        return found[0] if found else None

    async def of_year(self, organization_id: str, year: int) -> Assessment | None:
        query = select(home_assessments).where(
            home_assessments.c.organization_id == organization_id, home_assessments.c.year == year
        )
        found = await self._with_evidence((await self._session.execute(query)).all())
        return found[0] if found else None

    async def add(self, assessment: Assessment, by: str) -> None:
        await self._session.execute(
            insert(home_assessments).values(
                id=assessment.id,
                organization_id=assessment.organization_id,
                federation_id=assessment.federation_id,
                year=assessment.year,
                checklist_id=assessment.checklist_id,
                status=assessment.status,
                scores=_scores(assessment),
                started_by=by,
            )
        )

    async def save(self, assessment: Assessment, by: str) -> None:
        """The assessment's state, scores and review; who did it goes to the column of its step."""
        by_column = {"submitted": "submitted_by", "reviewed": "reviewed_by", "returned": "reviewed_by"}
        extra = {by_column[assessment.status]: by} if assessment.status in by_column else {}
        await self._session.execute(
            update(home_assessments)
            .where(home_assessments.c.id == assessment.id)
            .values(
                status=assessment.status,
                scores=_scores(assessment),
                submitted_on=assessment.submitted_on,
                return_reason=assessment.return_reason,
                review_comment=assessment.review_comment,
                level=assessment.level,
                awarded_on=assessment.awarded_on,
                renew_by=assessment.renew_by,
                updated_at=func.now(),
                **extra,
            )
        )
        await chain_assessment(self._session, assessment.id)  # submitted, returned, reviewed: chained

    async def add_evidence(self, evidence: Evidence, by: str) -> None:
        await self._session.execute(
            insert(home_evidence).values(
                id=evidence.id,
                assessment_id=evidence.assessment_id,
                item_code=evidence.item_code,
                title=evidence.title,
                description=evidence.description,
                added_on=evidence.added_on,
                file_sha256=evidence.file_sha256,
                file_name=evidence.file_name,
                added_by=by,
            )
        )

    async def evidence(self, evidence_id: uuid.UUID) -> Evidence | None:
        row = (await self._session.execute(select(home_evidence).where(home_evidence.c.id == evidence_id))).first()
        return _evidence_of(row) if row else None

    async def evidence_file_attached(self, evidence: Evidence) -> None:
        """The entry's latest file, as the domain set it."""
        await self._session.execute(
            update(home_evidence)
            .where(home_evidence.c.id == evidence.id)
            .values(file_sha256=evidence.file_sha256, file_name=evidence.file_name)
        )

    async def evidence_titles(self, evidence_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
        """Each entry's year, item and title, for an archive's index (``2026 年 1.2 换届选举报告``)."""
        rows = await self._session.execute(
            select(home_evidence.c.id, home_evidence.c.item_code, home_evidence.c.title, home_assessments.c.year)
            .join(home_assessments, home_assessments.c.id == home_evidence.c.assessment_id)
            .where(home_evidence.c.id.in_(evidence_ids))
        )
        return {r.id: f"{r.year} 年 {r.item_code} {r.title}" for r in rows}

    async def in_subtree(self, root_id: str) -> list[Assessment]:
        """Assessments of ``root_id`` and the unions below it, by year (newest first) and union."""
        query = (
            select(home_assessments)
            .where(
                home_assessments.c.organization_id.in_(
                    select(organizations.c.id).where(organizations.c.path.any_() == root_id)
                )
            )
            .order_by(home_assessments.c.year.desc(), home_assessments.c.organization_id)
        )
        return await self._with_evidence((await self._session.execute(query)).all())
