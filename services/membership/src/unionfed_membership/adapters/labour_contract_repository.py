"""Loading and saving labour-contract signing checks (春暖行动)."""

import datetime as dt
import uuid

from sqlalchemy import Row, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_membership.adapters.enterprise_tables import enterprises
from unionfed_membership.adapters.labour_contract_tables import labour_contract_checks
from unionfed_membership.adapters.tables import organizations
from unionfed_membership.domain.labour_contracts import LabourContractCheck


def _check_of(row: Row) -> LabourContractCheck:
    return LabourContractCheck(
        id=row.id,
        enterprise_id=row.enterprise_id,
        checked_on=row.checked_on,
        workers_checked=row.workers_checked,
        workers_signed=row.workers_signed,
        migrant_checked=row.migrant_checked,
        migrant_signed=row.migrant_signed,
        note=row.note,
    )


class LabourContractCheckRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def add(self, check: LabourContractCheck, by: str, now: dt.datetime) -> None:
        await self._session.execute(
            insert(labour_contract_checks).values(
                id=check.id,
                enterprise_id=check.enterprise_id,
                checked_on=check.checked_on,
                workers_checked=check.workers_checked,
                workers_signed=check.workers_signed,
                migrant_checked=check.migrant_checked,
                migrant_signed=check.migrant_signed,
                note=check.note,
                recorded_by=by,
                recorded_at=now,
            )
        )

    async def of_enterprise(self, enterprise_id: uuid.UUID) -> list[LabourContractCheck]:
        query = (
            select(labour_contract_checks)
            .where(labour_contract_checks.c.enterprise_id == enterprise_id)
            .order_by(labour_contract_checks.c.checked_on, labour_contract_checks.c.recorded_at)
        )
        return [_check_of(r) for r in await self._session.execute(query)]

    async def in_subtree(self, root_id: str, first: dt.date, last: dt.date) -> list[LabourContractCheck]:
        """Checks from ``first`` to ``last`` of enterprises registered in the subtree, in the order recorded."""
        registered_under = select(enterprises.c.id).where(
            enterprises.c.organization_id.in_(select(organizations.c.id).where(organizations.c.path.any_() == root_id))
        )
        query = (
            select(labour_contract_checks)
            .where(
                labour_contract_checks.c.enterprise_id.in_(registered_under),
                labour_contract_checks.c.checked_on.between(first, last),
            )
            .order_by(labour_contract_checks.c.recorded_at, labour_contract_checks.c.id)
        )
        return [_check_of(r) for r in await self._session.execute(query)]
