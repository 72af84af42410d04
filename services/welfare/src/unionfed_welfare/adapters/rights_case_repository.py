"""Loading and saving workers' rights cases, their workers and their stages."""

import dataclasses
import datetime as dt
import uuid

from sqlalchemy import any_, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_welfare.adapters.rights_tables import rights_case_stages, rights_case_workers, rights_cases
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.domain.rights_cases import RightsCase, StageEntry, Worker

_CASE_FIELDS = tuple(f.name for f in dataclasses.fields(RightsCase))
_STAGE_FIELDS = tuple(f.name for f in dataclasses.fields(StageEntry))


class RightsCaseRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def get(self, case_id: uuid.UUID, *, for_update: bool = False) -> RightsCase | None:
        query = select(rights_cases).where(rights_cases.c.id == case_id)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).mappings().first()
        return _case(row) if row else None

    async def add(self, case: RightsCase, workers: list[Worker], accepted: StageEntry) -> None:
        values = {f: getattr(case, f) for f in _CASE_FIELDS if getattr(case, f) is not None}
        await self._session.execute(insert(rights_cases).values(**values))
        await self._session.execute(
            insert(rights_case_workers),
            [
                {"case_id": case.id, "position": i, "member_id": w.member_id, "name": w.name, "phone": w.phone}
                for i, w in enumerate(workers)
            ],
        )
        await self.add_stage(accepted)

    async def save(self, case: RightsCase) -> None:
        await self._session.execute(
            update(rights_cases)
            .where(rights_cases.c.id == case.id)
            .values(
                stage=case.stage,
                deadline_on=case.deadline_on,
                closed_on=case.closed_on,
                referred_on=case.referred_on,
                recovered_fen=case.recovered_fen,
                outcome=case.outcome,
                handled_by=case.handled_by,
                updated_at=case.updated_at,
            )
        )

    async def add_stage(self, entry: StageEntry) -> None:
        values = {f: getattr(entry, f) for f in _STAGE_FIELDS if getattr(entry, f) is not None}
        await self._session.execute(insert(rights_case_stages).values(**values))

    async def stages_of(self, case_id: uuid.UUID) -> list[StageEntry]:
        rows = await self._session.execute(
            select(rights_case_stages)
            .where(rights_case_stages.c.case_id == case_id)
            .order_by(rights_case_stages.c.entered_on, rights_case_stages.c.created_at)
        )
        return [StageEntry(**{f: row[f] for f in _STAGE_FIELDS}) for row in rows.mappings()]

    async def workers_of(self, case_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Worker]]:
        """Each case's workers, in the order they were given."""
        found: dict[uuid.UUID, list[Worker]] = {case_id: [] for case_id in case_ids}
        rows = await self._session.execute(
            select(rights_case_workers)
            .where(rights_case_workers.c.case_id.in_(case_ids))
            .order_by(rights_case_workers.c.case_id, rights_case_workers.c.position)
        )
        for row in rows.mappings():
            found[row["case_id"]].append(Worker(row["member_id"], row["name"], row["phone"]))
        return found

    async def of_subtree(
        self,
        organization_id: str,
        *,
        accepted_from: dt.date | None = None,
        accepted_to: dt.date | None = None,
        rights_week: str | None = None,
        rights_week_id: uuid.UUID | None = None,
    ) -> list[RightsCase]:
        """The cases of the organization's subtree by acceptance, optionally of a period or a rights week
        (by month, or the rights week activity)."""
        query = (
            select(rights_cases)
            .join(directory.organizations, directory.organizations.c.id == rights_cases.c.organization_id)
            .where(literal(organization_id) == any_(directory.organizations.c.path))
            .order_by(rights_cases.c.accepted_on, rights_cases.c.id)
        )
        if accepted_from is not None:
            query = query.where(rights_cases.c.accepted_on >= accepted_from)
        if accepted_to is not None:
            query = query.where(rights_cases.c.accepted_on <= accepted_to)
        if rights_week is not None:
            query = query.where(rights_cases.c.rights_week == rights_week)
        if rights_week_id is not None:
            query = query.where(rights_cases.c.rights_week_id == rights_week_id)
        return [_case(row) for row in (await self._session.execute(query)).mappings()]


def _case(row) -> RightsCase:
    return RightsCase(**{f: row[f] for f in _CASE_FIELDS})
