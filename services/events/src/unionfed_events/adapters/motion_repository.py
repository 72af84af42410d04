"""Loading and saving votes on motions: the motion with its counts, who was present, who has voted.

Secret ballot (无记名投票): a ballot adds one to a count on the motion, and ``congress_ballots``
records only that the member voted (to refuse a second ballot), never how.
"""

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_events.adapters.congress_tables import congress_attendance, congress_ballots, congress_motions
from unionfed_events.domain.congress import VOTE_CLOSED, Choice, Motion

COUNT_OF = {Choice.FOR: "votes_for", Choice.AGAINST: "votes_against", Choice.ABSTAIN: "votes_abstain"}


class MotionRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def add(self, motion: Motion, present: Iterable[uuid.UUID]) -> None:
        """The motion, and the representatives signed in (签到) as present at it."""
        values = {k: v for k, v in dataclasses.asdict(motion).items() if k != "created_at"}
        await self._session.execute(insert(congress_motions).values(**values))
        attendance = [{"motion_id": motion.id, "member_id": m} for m in present]
        if attendance:
            await self._session.execute(insert(congress_attendance), attendance)

    async def get(self, motion_id: uuid.UUID, *, lock: bool = False) -> Motion | None:
        """``lock``: the row locked for this transaction, so ballots are counted one after the other."""
        query = select(congress_motions).where(congress_motions.c.id == motion_id)
        row = (await self._session.execute(query.with_for_update() if lock else query)).first()
        return motion_of(row) if row else None

    async def of_session(self, session_id: uuid.UUID) -> list[Motion]:
        """In the order opened."""
        rows = await self._session.execute(
            select(congress_motions)
            .where(congress_motions.c.session_id == session_id)
            .order_by(congress_motions.c.created_at, congress_motions.c.id)
        )
        return [motion_of(row) for row in rows]

    async def is_present(self, motion_id: uuid.UUID, member_id: uuid.UUID) -> bool:
        return bool(
            await self._session.scalar(
                select(func.count()).where(
                    congress_attendance.c.motion_id == motion_id, congress_attendance.c.member_id == member_id
                )
            )
        )

    async def cast(self, motion_id: uuid.UUID, member_id: uuid.UUID, choice: Choice) -> bool:
        """The member's ballot counted; False (and nothing counted) if they had already voted."""
        recorded = await self._session.scalar(
            pg_insert(congress_ballots)
            .values(motion_id=motion_id, member_id=member_id)
            .on_conflict_do_nothing()
            .returning(congress_ballots.c.member_id)
        )
        if recorded is None:
            return False
        column = COUNT_OF[choice]
        await self._session.execute(
            update(congress_motions)
            .where(congress_motions.c.id == motion_id)
            .values({column: congress_motions.c[column] + 1})
        )
        return True

    async def ballots_cast(self, motion_id: uuid.UUID) -> int:
        return (
            await self._session.execute(
                select(func.count()).select_from(congress_ballots).where(congress_ballots.c.motion_id == motion_id)
            )
        ).scalar_one()

    async def close(self, motion_id: uuid.UUID, result: str, by: str, at: dt.datetime) -> None:
        await self._session.execute(
            update(congress_motions)
            .where(congress_motions.c.id == motion_id)
            .values(status=VOTE_CLOSED, result=result, closed_by=by, closed_at=at)
        )


def motion_of(row: Any) -> Motion:
    return Motion(**{column.name: row._mapping[column.name] for column in congress_motions.columns})
