"""The reads behind welfare's section of a statistics report, counted in PostgreSQL.

Each query counts the records of the organizations a report covers (the reporting union and its
groups, never a union below it) for the business days ``first_day``..``last_day`` inclusive.
What each figure means is written in :mod:`unionfed_welfare.service_layer.report_figures`.
"""

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_shared import finance_holds
from unionfed_welfare.adapters.grant_tables import grants, hardship_files, welfare_holds
from unionfed_welfare.adapters.rights_tables import rights_cases
from unionfed_welfare.domain.grants import CANCELLED


class ReportFiguresQueries:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def figures(
        self, organization_id: str, covers: Sequence[str], first_day: dt.date, last_day: dt.date
    ) -> dict[str, int]:
        """Every welfare indicator for ``organization_id``'s report on ``covers``."""
        grant_count, grant_fen = (
            await self._session.execute(
                select(func.count(), func.coalesce(func.sum(grants.c.amount_fen), 0))
                .select_from(grants.join(welfare_holds, welfare_holds.c.hold_id == grants.c.hold_id))
                .where(
                    grants.c.organization_id.in_(covers),
                    grants.c.occasion_on.between(first_day, last_day),
                    grants.c.status != CANCELLED,
                    welfare_holds.c.status.not_in(finance_holds.RELEASED),
                )
            )
        ).one()
        files = hardship_files
        files_open = await self._session.scalar(
            select(func.count()).where(
                files.c.organization_id.in_(covers),
                files.c.opened_on <= last_day,
                or_(files.c.closed_on.is_(None), files.c.closed_on > last_day),
            )
        )
        cases_closed = await self._session.scalar(
            select(func.count()).where(
                rights_cases.c.organization_id.in_(covers),
                rights_cases.c.closed_on.between(first_day, last_day),
            )
        )
        return {
            "grants": int(grant_count),
            "grants_fen": int(grant_fen),
            "hardship_files_open": int(files_open or 0),
            "rights_cases_closed": int(cases_closed or 0),
        }
