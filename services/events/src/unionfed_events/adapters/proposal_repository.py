"""Loading and saving congress proposals with their seconders."""

import dataclasses
import datetime as dt
import uuid
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_events.adapters.congress_tables import congress_proposals, congress_seconders
from unionfed_events.domain.congress import Proposal

# What is stored of a proposal's answer (the rest of its row is written once, when it is filed).
ANSWER_COLUMNS = ("status", "answer", "answer_text", "merged_into", "department", "answered_by", "answered_at")


class ProposalRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def next_number(self, session_id: uuid.UUID) -> int:
        """The number the session's next proposal takes (call with the session's row locked)."""
        highest = (
            await self._session.execute(
                select(func.coalesce(func.max(congress_proposals.c.number), 0)).where(
                    congress_proposals.c.session_id == session_id
                )
            )
        ).scalar_one()
        return highest + 1

    async def add(self, proposal: Proposal) -> None:
        values = {k: v for k, v in dataclasses.asdict(proposal).items() if k not in ("created_at", "seconders")}
        await self._session.execute(insert(congress_proposals).values(**values))

    async def get(self, proposal_id: uuid.UUID, *, lock: bool = False) -> Proposal | None:
        """``lock``: the row locked for this transaction, so seconders and answers are taken one at a time."""
        query = select(congress_proposals).where(congress_proposals.c.id == proposal_id)
        row = (await self._session.execute(query.with_for_update() if lock else query)).first()
        return await self._with_seconders(row) if row else None

    async def of_session(self, session_id: uuid.UUID) -> list[Proposal]:
        """By number."""
        rows = await self._session.execute(
            select(congress_proposals)
            .where(congress_proposals.c.session_id == session_id)
            .order_by(congress_proposals.c.number)
        )
        return [await self._with_seconders(row) for row in rows.all()]

    async def add_seconder(self, proposal_id: uuid.UUID, member_id: uuid.UUID) -> bool:
        """False if the member had already seconded it."""
        added = await self._session.scalar(
            pg_insert(congress_seconders)
            .values(proposal_id=proposal_id, member_id=member_id)
            .on_conflict_do_nothing()
            .returning(congress_seconders.c.member_id)
        )
        return added is not None

    async def mark_submitted(self, proposal_id: uuid.UUID, status: str, at: dt.datetime) -> None:
        await self._session.execute(
            update(congress_proposals)
            .where(congress_proposals.c.id == proposal_id)
            .values(status=status, submitted_at=at)
        )

    async def save_answer(self, proposal: Proposal) -> None:
        await self._session.execute(
            update(congress_proposals)
            .where(congress_proposals.c.id == proposal.id)
            .values({column: getattr(proposal, column) for column in ANSWER_COLUMNS})
        )

    async def _with_seconders(self, row: Any) -> Proposal:
        seconders = await self._session.scalars(
            select(congress_seconders.c.member_id)
            .where(congress_seconders.c.proposal_id == row.id)
            .order_by(congress_seconders.c.created_at, congress_seconders.c.member_id)
        )
        return Proposal(
            **{column.name: row._mapping[column.name] for column in congress_proposals.columns},
            seconders=tuple(seconders),
        )
