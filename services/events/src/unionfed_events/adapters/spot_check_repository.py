"""Loading and saving spot checks (督查), and the searched list over a subtree."""

import dataclasses
import datetime as dt
import uuid
from typing import Any

from sqlalchemy import any_, literal, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_events.adapters.spot_check_tables import spot_checks
from unionfed_events.adapters.tables import directory
from unionfed_events.domain.spot_checks import OPEN, SpotCheck, SpotCheckFilter
from unionfed_shared.substring import substring_pattern

orgs = directory.organizations
# What a step changes; the check itself is written once.
STEP_COLUMNS = ("status", "follow_up", "followed_up_on", "followed_up_by", "closed_on", "closed_by", "closing_note")


class SpotCheckRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def add(self, check: SpotCheck) -> SpotCheck:
        values = {k: v for k, v in dataclasses.asdict(check).items() if k != "created_at"}
        row = (await self._session.execute(spot_checks.insert().values(**values).returning(spot_checks))).one()
        return spot_check_of(row)

    async def get(self, check_id: uuid.UUID, *, lock: bool = False) -> SpotCheck | None:
        """``lock``: the row locked for this transaction, so two steps on it are taken one after the other."""
        query = select(spot_checks).where(spot_checks.c.id == check_id)
        row = (await self._session.execute(query.with_for_update() if lock else query)).first()
        return spot_check_of(row) if row else None

    async def save_step(self, check: SpotCheck) -> None:
        values = dataclasses.asdict(check)
        await self._session.execute(
            update(spot_checks)
            .where(spot_checks.c.id == check.id)
            .values({column: values[column] for column in STEP_COLUMNS})
        )

    async def page_under(
        self, root_id: str, wanted: SpotCheckFilter, after: tuple[dt.date, uuid.UUID] | None, limit: int
    ) -> list[tuple[SpotCheck, str]]:
        """Up to ``limit`` checks of ``root_id`` or the unions under it, each with the checked union's
        name, newest check first, after the (checked_on, id) ``after``."""
        query = (
            select(spot_checks, orgs.c.name.label("organization_name"))
            .join(orgs, orgs.c.id == spot_checks.c.organization_id)
            .where(any_(orgs.c.path) == root_id)
        )
        for column, value in ((spot_checks.c.subject, wanted.subject), (spot_checks.c.status, wanted.status)):
            if value is not None:
                query = query.where(column == value)
        if wanted.overdue_on is not None:
            query = query.where(
                spot_checks.c.follow_up_required,
                spot_checks.c.status == OPEN,
                spot_checks.c.follow_up_due_on < wanted.overdue_on,
            )
        if wanted.text:
            pattern = substring_pattern(wanted.text)
            query = query.where(
                or_(
                    *(
                        column.ilike(pattern, escape="\\")
                        for column in (
                            orgs.c.name,
                            spot_checks.c.subject_detail,
                            spot_checks.c.findings,
                            spot_checks.c.follow_up,
                        )
                    )
                )
            )
        if after is not None:
            query = query.where(
                tuple_(spot_checks.c.checked_on, spot_checks.c.id)
                < tuple_(literal(after[0], spot_checks.c.checked_on.type), literal(after[1], spot_checks.c.id.type))
            )
        query = query.order_by(spot_checks.c.checked_on.desc(), spot_checks.c.id.desc()).limit(limit)
        return [(spot_check_of(row), row.organization_name) for row in await self._session.execute(query)]


def spot_check_of(row: Any) -> SpotCheck:
    return SpotCheck(**{column.name: row._mapping[column.name] for column in spot_checks.columns})
