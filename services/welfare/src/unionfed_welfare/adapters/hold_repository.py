"""The holds welfare asked finance for (``welfare_holds``), one row each, as dicts of their columns."""

import datetime as dt
import uuid
from collections.abc import Iterable

from sqlalchemy import insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_shared import finance_holds
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.db import copy_rows
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

    async def add_many(self, holds: list[dict]) -> None:
        """Many holds in one COPY (a chunk's); every row names the same columns."""
        await copy_rows(self._session, welfare_holds, holds)

    async def settle_many(self, answers: list[tuple[uuid.UUID, str, str | None]]) -> set[uuid.UUID]:
        """Finance's answers to a batch payment, (hold, status, reason) each, in one statement; the
        holds that moved (only those still ``capture_requested`` do: a final state never changes)."""
        if not answers:
            return set()
        rows = await self._session.execute(
            text(
                """
                UPDATE welfare_holds AS h SET status = a.status, reason = a.reason, updated_at = now()
                FROM unnest(CAST(:ids AS uuid[]), CAST(:statuses AS text[]), CAST(:reasons AS text[]))
                     AS a(hold_id, status, reason)
                WHERE h.hold_id = a.hold_id AND h.status = :from_status
                RETURNING h.hold_id
                """
            ),
            {
                "ids": [hold_id for hold_id, _, _ in answers],
                "statuses": [status for _, status, _ in answers],
                "reasons": [reason for _, _, reason in answers],
                "from_status": finance_holds.CAPTURE_REQUESTED,
            },
        )
        return {row.hold_id for row in rows}

    async def update(self, hold_id: uuid.UUID, **values) -> None:
        await self._session.execute(
            update(welfare_holds)
            .where(welfare_holds.c.hold_id == hold_id)
            .values(updated_at=dt.datetime.now(dt.UTC), **values)
        )

    async def answer_is_new(self, hold_id: uuid.UUID, settled: MoneyRequestSettledV1) -> bool:
        """Keep finance's answer about the hold once; False when it was kept before (see finance_holds)."""
        return await finance_holds.answer_is_new(self._session, welfare_hold_answers, settled, hold_id=hold_id)
