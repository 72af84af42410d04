"""Loading and saving congress sessions and their representatives."""

import dataclasses
import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_events.adapters.congress_tables import congress_representatives, congress_sessions
from unionfed_events.adapters.tables import directory
from unionfed_events.domain.congress import CongressSession, Representative

members = directory.members


class CongressSessionRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def add(self, planned: CongressSession) -> CongressSession | None:
        """The session as stored; None if the union already has this session of this congress."""
        values = {k: v for k, v in dataclasses.asdict(planned).items() if k != "created_at"}
        row = (
            await self._session.execute(
                pg_insert(congress_sessions).values(**values).on_conflict_do_nothing().returning(congress_sessions)
            )
        ).first()
        return session_of(row) if row else None

    async def get(self, session_id: uuid.UUID, *, lock: bool = False) -> CongressSession | None:
        """``lock``: the row locked for this transaction, so what is numbered or counted within a
        session (proposals, representatives) is done one caller after the other."""
        query = select(congress_sessions).where(congress_sessions.c.id == session_id)
        row = (await self._session.execute(query.with_for_update() if lock else query)).first()
        return session_of(row) if row else None

    async def of_organization(self, organization_id: str) -> list[CongressSession]:
        rows = await self._session.execute(
            select(congress_sessions)
            .where(congress_sessions.c.organization_id == organization_id)
            .order_by(congress_sessions.c.congress_number, congress_sessions.c.session_number)
        )
        return [session_of(row) for row in rows]

    async def add_representatives(self, session_id: uuid.UUID, member_ids: Iterable[uuid.UUID], by: str) -> None:
        rows = [{"session_id": session_id, "member_id": m, "added_by": by} for m in member_ids]
        if rows:
            # Naming someone again is harmless.
            await self._session.execute(pg_insert(congress_representatives).on_conflict_do_nothing(), rows)

    async def representatives(self, session_id: uuid.UUID) -> list[Representative]:
        """By name, as the directory has them now."""
        rows = await self._session.execute(
            select(members.c.id, members.c.display_name, members.c.organization_id)
            .join(congress_representatives, congress_representatives.c.member_id == members.c.id)
            .where(congress_representatives.c.session_id == session_id)
            .order_by(members.c.display_name, members.c.id)
        )
        return [Representative(row.id, row.display_name, row.organization_id) for row in rows]

    async def is_representative(self, session_id: uuid.UUID, member_id: uuid.UUID) -> bool:
        return bool(
            await self._session.scalar(
                select(func.count()).where(
                    congress_representatives.c.session_id == session_id,
                    congress_representatives.c.member_id == member_id,
                )
            )
        )


def session_of(row: Any) -> CongressSession:
    return CongressSession(**{field.name: row._mapping[field.name] for field in dataclasses.fields(CongressSession)})
