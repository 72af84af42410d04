"""The holds welfare asked finance for (``welfare_holds``), one row each, as dicts of their columns."""

import datetime as dt
import uuid
from collections.abc import Iterable

from sqlalchemy import Uuid, any_, func, insert, literal, select, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_shared import finance_holds
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.db import copy_rows
from unionfed_welfare.adapters.grant_tables import welfare_hold_answers, welfare_holds


def by_outcome(answers: Iterable[tuple[uuid.UUID, str, str | None]]) -> dict[tuple[str, str | None], list[uuid.UUID]]:
    """A batch's answers, (hold, status, reason) each, as the holds of each outcome.

    One statement per outcome (a chunk has one or a few) naming its holds, never a join of the
    table to the answers filtered by status: the planner, with statistics from before a greeting
    put thousands of rows in the waiting status, estimated one waiting row, joined every waiting
    row to every answer (20,000 × 1,000 per chunk), and a 20,000-member greeting took 27 s instead
    of 6 while welfare's transactions held back every relay's snapshot on the server.
    """
    groups: dict[tuple[str, str | None], list[uuid.UUID]] = {}
    for hold_id, status, reason in answers:
        groups.setdefault((status, reason), []).append(hold_id)
    return groups


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
        """Finance's answers to a batch payment, (hold, status, reason) each, in one statement per
        outcome; the holds that moved (only those still ``capture_requested`` do: a final state never
        changes)."""
        moved: set[uuid.UUID] = set()
        for (status, reason), hold_ids in by_outcome(answers).items():
            rows = await self._session.execute(
                update(welfare_holds)
                .where(welfare_holds.c.hold_id == any_(literal(hold_ids, ARRAY(Uuid))))
                .where(welfare_holds.c.status == finance_holds.CAPTURE_REQUESTED)
                .values(status=status, reason=reason, updated_at=func.now())
                .returning(welfare_holds.c.hold_id)
            )
            moved.update(rows.scalars())
        return moved

    async def update(self, hold_id: uuid.UUID, **values) -> None:
        await self._session.execute(
            update(welfare_holds)
            .where(welfare_holds.c.hold_id == hold_id)
            .values(updated_at=dt.datetime.now(dt.UTC), **values)
        )

    async def answer_is_new(self, hold_id: uuid.UUID, settled: MoneyRequestSettledV1) -> bool:
        """Keep finance's answer about the hold once; False when it was kept before (see finance_holds)."""
        return await finance_holds.answer_is_new(self._session, welfare_hold_answers, settled, hold_id=hold_id)
