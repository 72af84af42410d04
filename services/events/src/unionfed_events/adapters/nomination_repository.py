"""Loading and saving award nominations."""

import dataclasses
import uuid
from typing import Any

from sqlalchemy import any_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_events.adapters.congress_tables import award_nominations
from unionfed_events.adapters.tables import directory
from unionfed_events.domain.nominations import Nomination

orgs = directory.organizations
# What a step of the selection changes; the nomination itself is written once.
STEP_COLUMNS = (
    "status",
    "reviewed_by",
    "reviewed_at",
    "review_note",
    "approved_by",
    "approved_at",
    "notice_starts_on",
    "notice_ends_on",
    "rejected_by",
    "rejected_at",
    "rejected_at_stage",
    "rejection_reason",
)


class NominationRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def add(self, nomination: Nomination) -> Nomination | None:
        """The nomination as stored; None if the member already has a live nomination for the award
        that year (a rejected one does not count)."""
        values = {k: v for k, v in dataclasses.asdict(nomination).items() if k != "created_at"}
        row = (
            await self._session.execute(
                pg_insert(award_nominations)
                .values(**values)
                .on_conflict_do_nothing(
                    index_elements=["member_id", "award", "year"], index_where=text("status <> 'rejected'")
                )
                .returning(award_nominations)
            )
        ).first()
        return nomination_of(row) if row else None

    async def get(self, nomination_id: uuid.UUID, *, lock: bool = False) -> Nomination | None:
        """``lock``: the row locked for this transaction, so two steps on it are taken one after the other."""
        query = select(award_nominations).where(award_nominations.c.id == nomination_id)
        row = (await self._session.execute(query.with_for_update() if lock else query)).first()
        return nomination_of(row) if row else None

    async def save_step(self, nomination: Nomination) -> None:
        await self._session.execute(
            update(award_nominations)
            .where(award_nominations.c.id == nomination.id)
            .values({column: getattr(nomination, column) for column in STEP_COLUMNS})
        )

    async def made_under(self, organization_id: str) -> list[Nomination]:
        """Nominations made by the organization or the unions under it, oldest first."""
        rows = await self._session.execute(
            select(award_nominations)
            .join(orgs, orgs.c.id == award_nominations.c.organization_id)
            .where(any_(orgs.c.path) == organization_id)
            .order_by(award_nominations.c.created_at, award_nominations.c.id)
        )
        return [nomination_of(row) for row in rows]


def nomination_of(row: Any) -> Nomination:
    return Nomination(**{column.name: row._mapping[column.name] for column in award_nominations.columns})
