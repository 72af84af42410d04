"""The reads behind finance's section of a statistics report, summed in PostgreSQL.

The ledger lines of the organizations a report covers (the reporting union and its groups, never a
union below it), of the postings whose effective date falls in the business days
``first_day``..``last_day`` inclusive, summed per account; the domain turns them into categories.
What each figure means is written in :mod:`unionfed_finance.service_layer.report_figures`.
"""

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.tables import posting_lines, postings
from unionfed_finance.domain.report_figures import figures_of


class ReportFiguresQueries:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def figures(
        self, organization_id: str, covers: Sequence[str], first_day: dt.date, last_day: dt.date
    ) -> dict[str, int]:
        """Every finance indicator for ``organization_id``'s report on ``covers``."""
        rows = await self._session.execute(
            select(posting_lines.c.account_code, func.sum(posting_lines.c.debit_fen - posting_lines.c.credit_fen))
            .join(postings, postings.c.id == posting_lines.c.posting_id)
            .where(
                posting_lines.c.organization_id.in_(covers),
                postings.c.effective_date.between(first_day, last_day),
            )
            .group_by(posting_lines.c.account_code)
        )
        return figures_of({code: int(net) for code, net in rows})
