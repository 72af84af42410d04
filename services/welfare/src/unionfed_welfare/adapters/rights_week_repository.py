"""Welfare's copy of the rights weeks (维权周) the events service published, and the cases each opened."""

import datetime as dt
import uuid

from sqlalchemy import any_, func, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_welfare.adapters.rights_tables import rights_cases, rights_weeks
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.domain.rights_weeks import RightsWeek


def _week(row) -> RightsWeek:
    return RightsWeek(
        activity_id=row.activity_id,
        organization_id=row.organization_id,
        federation_id=row.federation_id,
        title=row.title,
        scope_organization_ids=tuple(row.scope_organization_ids),
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        cancelled=row.cancelled_at is not None,
    )


def _in_subtree(column, organization_id: str):
    """``column`` names an organization of ``organization_id``'s subtree (per the directory)."""
    return column.in_(
        select(directory.organizations.c.id).where(literal(organization_id) == any_(directory.organizations.c.path))
    )


class RightsWeekRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def get(self, activity_id: uuid.UUID) -> RightsWeek | None:
        row = (
            await self._session.execute(select(rights_weeks).where(rights_weeks.c.activity_id == activity_id))
        ).first()
        return _week(row) if row else None

    async def add_if_new(self, week: RightsWeek) -> None:
        """A week heard of again (the same activity published twice) keeps what was first heard."""
        await self._session.execute(
            pg_insert(rights_weeks)
            .values(
                activity_id=week.activity_id,
                organization_id=week.organization_id,
                federation_id=week.federation_id,
                title=week.title,
                scope_organization_ids=list(week.scope_organization_ids),
                starts_on=week.starts_on,
                ends_on=week.ends_on,
            )
            .on_conflict_do_nothing(index_elements=["activity_id"])
        )

    async def mark_cancelled(self, activity_id: uuid.UUID, at: dt.datetime) -> None:
        """No row for an activity that is not a rights week: nothing to do then."""
        await self._session.execute(
            update(rights_weeks)
            .where(rights_weeks.c.activity_id == activity_id, rights_weeks.c.cancelled_at.is_(None))
            .values(cancelled_at=at)
        )

    async def concerning(self, organization_id: str, path: list[str]) -> list[tuple[RightsWeek, int]]:
        """The weeks open to the organization (whose ``path`` is given) or held in its subtree, newest
        first, each with the count of cases the organization's subtree opened at it."""
        opened = (
            select(rights_cases.c.rights_week_id, func.count().label("cases"))
            .where(
                rights_cases.c.rights_week_id.is_not(None), _in_subtree(rights_cases.c.organization_id, organization_id)
            )
            .group_by(rights_cases.c.rights_week_id)
            .subquery()
        )
        query = (
            select(rights_weeks, func.coalesce(opened.c.cases, 0).label("cases"))
            .outerjoin(opened, opened.c.rights_week_id == rights_weeks.c.activity_id)
            .where(
                rights_weeks.c.federation_id == path[0],
                or_(
                    rights_weeks.c.scope_organization_ids.overlap(path),
                    _in_subtree(rights_weeks.c.organization_id, organization_id),
                ),
            )
            .order_by(rights_weeks.c.starts_on.desc(), rights_weeks.c.activity_id)
        )
        return [(_week(row), row.cases) for row in await self._session.execute(query)]
