"""Loading and saving safety inspectors, inspections and their hazards."""

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_membership.adapters.enterprise_repository import registered_in_subtree
from unionfed_membership.adapters.enterprise_tables import enterprises
from unionfed_membership.adapters.pii import PersonalDataKeyRing
from unionfed_membership.adapters.safety_tables import safety_hazards, safety_inspections, safety_inspectors
from unionfed_membership.domain.safety import Hazard, Inspection, SafetyInspector


class SafetyInspectorRepository:
    def __init__(self, session: AsyncSession, keys: PersonalDataKeyRing):
        self._session = session
        self._keys = keys

    def _inspector_of(self, row: Row) -> SafetyInspector:
        return SafetyInspector(
            id=row.id,
            enterprise_id=row.enterprise_id,
            name=row.name,
            appointed_on=row.appointed_on,
            member_id=row.member_id,
            phone=self._keys.decrypt(row.phone_ciphertext, row.pii_key_id) if row.phone_ciphertext else None,
            retired_on=row.retired_on,
        )

    async def get(self, inspector_id: uuid.UUID, *, for_update: bool = False) -> SafetyInspector | None:
        query = select(safety_inspectors).where(safety_inspectors.c.id == inspector_id)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).first()
        return self._inspector_of(row) if row else None

    async def add(self, inspector: SafetyInspector, by: str) -> None:
        await self._session.execute(
            insert(safety_inspectors).values(
                id=inspector.id,
                enterprise_id=inspector.enterprise_id,
                member_id=inspector.member_id,
                name=inspector.name,
                phone_ciphertext=self._keys.encrypt(inspector.phone) if inspector.phone else None,
                pii_key_id=self._keys.current_id,
                appointed_on=inspector.appointed_on,
                appointed_by=by,
            )
        )

    async def save_retirement(self, inspector: SafetyInspector) -> None:
        await self._session.execute(
            update(safety_inspectors)
            .where(safety_inspectors.c.id == inspector.id)
            .values(retired_on=inspector.retired_on)
        )

    async def of_enterprise(self, enterprise_id: uuid.UUID) -> list[SafetyInspector]:
        query = (
            select(safety_inspectors)
            .where(safety_inspectors.c.enterprise_id == enterprise_id)
            .order_by(safety_inspectors.c.appointed_on, safety_inspectors.c.name, safety_inspectors.c.id)
        )
        return [self._inspector_of(r) for r in await self._session.execute(query)]


def _hazard_of(row: Row) -> Hazard:
    return Hazard(
        id=row.id,
        inspection_id=row.inspection_id,
        enterprise_id=row.enterprise_id,
        description=row.description,
        severity=row.severity,
        found_on=row.found_on,
        deadline=row.deadline,
        fixed_on=row.fixed_on,
    )


class SafetyInspectionRepository:
    """Inspections with the hazards they found (one aggregate: hazards are found only in an inspection)."""

    def __init__(self, session: AsyncSession):
        self._session = session

    async def add(self, inspection: Inspection, by: str) -> None:
        await self._session.execute(
            insert(safety_inspections).values(
                id=inspection.id,
                enterprise_id=inspection.enterprise_id,
                inspector_id=inspection.inspector_id,
                inspected_on=inspection.inspected_on,
                findings=inspection.findings,
                recorded_by=by,
            )
        )
        if inspection.hazards:
            await self._session.execute(
                insert(safety_hazards),
                [
                    {
                        "id": h.id,
                        "inspection_id": h.inspection_id,
                        "enterprise_id": h.enterprise_id,
                        "description": h.description,
                        "severity": h.severity,
                        "found_on": h.found_on,
                        "deadline": h.deadline,
                    }
                    for h in inspection.hazards
                ],
            )

    async def _with_hazards(self, rows: Sequence[Row]) -> list[Inspection]:
        ids = [r.id for r in rows]
        hazards: dict[uuid.UUID, list[Hazard]] = {i: [] for i in ids}
        if ids:
            found = await self._session.execute(
                select(safety_hazards)
                .where(safety_hazards.c.inspection_id.in_(ids))
                .order_by(safety_hazards.c.deadline, safety_hazards.c.id)
            )
            for h in found:
                hazards[h.inspection_id].append(_hazard_of(h))
        return [
            Inspection(r.id, r.enterprise_id, r.inspector_id, r.inspected_on, r.findings, tuple(hazards[r.id]))
            for r in rows
        ]

    async def of_enterprise(self, enterprise_id: uuid.UUID) -> list[Inspection]:
        query = (
            select(safety_inspections)
            .where(safety_inspections.c.enterprise_id == enterprise_id)
            .order_by(safety_inspections.c.inspected_on.desc(), safety_inspections.c.id)
        )
        return await self._with_hazards((await self._session.execute(query)).all())

    async def in_subtree_between(self, root_id: str, first: dt.date, last: dt.date) -> list[Inspection]:
        query = (
            select(safety_inspections)
            .join(enterprises, enterprises.c.id == safety_inspections.c.enterprise_id)
            .where(registered_in_subtree(root_id), safety_inspections.c.inspected_on.between(first, last))
            .order_by(safety_inspections.c.inspected_on, safety_inspections.c.id)
        )
        return await self._with_hazards((await self._session.execute(query)).all())

    async def hazard(self, hazard_id: uuid.UUID, *, for_update: bool = False) -> Hazard | None:
        query = select(safety_hazards).where(safety_hazards.c.id == hazard_id)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).first()
        return _hazard_of(row) if row else None

    async def save_fixed(self, hazard: Hazard, by: str) -> None:
        await self._session.execute(
            update(safety_hazards).where(safety_hazards.c.id == hazard.id).values(fixed_on=hazard.fixed_on, fixed_by=by)
        )

    async def open_hazards_in_subtree(self, root_id: str) -> list[Hazard]:
        query = (
            select(safety_hazards)
            .join(enterprises, enterprises.c.id == safety_hazards.c.enterprise_id)
            .where(registered_in_subtree(root_id), safety_hazards.c.fixed_on.is_(None))
            .order_by(safety_hazards.c.deadline, safety_hazards.c.id)
        )
        return [_hazard_of(r) for r in await self._session.execute(query)]
