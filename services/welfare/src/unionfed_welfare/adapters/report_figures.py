"""The reads behind welfare's section of a statistics report, counted in PostgreSQL.

Each query counts the records of the organizations a report covers (the reporting union and its
groups, never a union below it) for the business days ``first_day``..``last_day`` inclusive.
What each figure means is written in :mod:`unionfed_welfare.service_layer.report_figures`.
"""

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_welfare.adapters.grant_tables import hardship_files, welfare_holds
from unionfed_welfare.adapters.outside_help_tables import outside_grants
from unionfed_welfare.adapters.rights_tables import rights_cases
from unionfed_welfare.domain import report_figures as rules


class ReportFiguresQueries:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def figures(
        self, organization_id: str, covers: Sequence[str], first_day: dt.date, last_day: dt.date
    ) -> dict[str, int]:
        """Every welfare indicator for ``organization_id``'s report on ``covers``."""
        holds = welfare_holds
        kind = case(
            *((holds.c.reference.startswith(prefix), kind) for kind, prefix in rules.KIND_PREFIXES.items()),
            else_=None,
        ).label("kind")
        # A person is one; help to an organization (a village school) reaches its headcount.
        people = func.coalesce(outside_grants.c.people_reached, 1)
        paid = await self._session.execute(
            select(kind, func.coalesce(func.sum(people), 0), func.coalesce(func.sum(holds.c.paid_fen), 0))
            .select_from(holds.outerjoin(outside_grants, outside_grants.c.hold_id == holds.c.hold_id))
            .where(
                holds.c.organization_id.in_(covers),
                holds.c.status.in_(rules.PAID),
                holds.c.paid_on.between(first_day, last_day),
            )
            .group_by(kind)
        )
        grant_figures = rules.figures_of({k: (int(n), int(fen)) for k, n, fen in paid if k is not None})
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
            **grant_figures,
            "hardship_files_open": int(files_open or 0),
            "rights_cases_closed": int(cases_closed or 0),
        }
