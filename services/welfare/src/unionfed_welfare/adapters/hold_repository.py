"""The holds welfare asked finance for (``welfare_holds``), one row each, as dicts of their columns."""

import datetime as dt
import uuid
from collections.abc import Iterable

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_shared import finance_holds
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_welfare.adapters.grant_tables import welfare_hold_answers, welfare_holds


class HoldRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def get(self, hold_id: uuid.UUID, *, for_update: bool = False) -> dict | None:
        query = select(welfare_holds).where(welfare_holds.c.hold_id == hold_id)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).mappings().first()
        return dict(row) if row else None

    async def of(self, hold_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, dict]:
        ids = list(hold_ids)
        if not ids:
            return {}
        rows = (await self._session.execute(select(welfare_holds).where(welfare_holds.c.hold_id.in_(ids)))).mappings()
        return {row["hold_id"]: dict(row) for row in rows}

    async def add(self, hold: dict) -> None:
        await self._session.execute(insert(welfare_holds).values(**hold))

    async def update(self, hold_id: uuid.UUID, **values) -> None:
        await self._session.execute(
            update(welfare_holds)
            .where(welfare_holds.c.hold_id == hold_id)
            .values(updated_at=dt.datetime.now(dt.UTC), **values)
        )

    async def answer_is_new(self, hold_id: uuid.UUID, settled: MoneyRequestSettledV1) -> bool:
        """Keep finance's answer about the hold once; False when it was kept before (see finance_holds)."""
        return await finance_holds.answer_is_new(self._session, welfare_hold_answers, settled, hold_id=hold_id)
