"""Loading and saving joint unions, members' worker categories and their employments."""

import datetime as dt
import uuid

from sqlalchemy import Row, exists, insert, select, update
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_membership.adapters.enterprise_tables import enterprises
from unionfed_membership.adapters.mobile_worker_tables import joint_unions, member_employments, member_worker_categories
from unionfed_membership.adapters.tables import members, organizations
from unionfed_membership.domain.mobile_workers import Employment, JointUnion, WorkerCategory


def _organizations_under(root_id: str):
    return select(organizations.c.id).where(organizations.c.path.any_() == root_id)


def _joint_union_of(row: Row) -> JointUnion:
    return JointUnion(
        organization_id=row.organization_id, form=row.form, trade=row.trade, designated_on=row.designated_on
    )


class JointUnionRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def get(self, organization_id: str) -> JointUnion | None:
        query = select(joint_unions).where(joint_unions.c.organization_id == organization_id)
        row = (await self._session.execute(query)).first()
        return _joint_union_of(row) if row else None

    async def save(self, union: JointUnion, by: str) -> None:
        values = {"form": union.form, "trade": union.trade, "designated_on": union.designated_on, "designated_by": by}
        await self._session.execute(
            pg_insert(joint_unions)
            .values(organization_id=union.organization_id, **values)
            .on_conflict_do_update(index_elements=[joint_unions.c.organization_id], set_=values)
        )

    async def in_subtree(self, root_id: str) -> list[JointUnion]:
        query = (
            select(joint_unions)
            .where(joint_unions.c.organization_id.in_(_organizations_under(root_id)))
            .order_by(joint_unions.c.organization_id)
        )
        return [_joint_union_of(r) for r in await self._session.execute(query)]

    async def is_enterprise_union(self, organization_id: str) -> bool:
        return bool(await self._session.scalar(select(exists().where(enterprises.c.union_id == organization_id))))


def _category_of(row: Row) -> WorkerCategory:
    return WorkerCategory(
        member_id=row.member_id, migrant_worker=row.migrant_worker, new_form=row.new_form, effective_on=row.effective_on
    )


class WorkerCategoryRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def current(self, member_id: uuid.UUID) -> WorkerCategory | None:
        query = (
            select(member_worker_categories)
            .where(member_worker_categories.c.member_id == member_id)
            .order_by(member_worker_categories.c.effective_on.desc(), member_worker_categories.c.id.desc())
            .limit(1)
        )
        row = (await self._session.execute(query)).first()
        return _category_of(row) if row else None

    async def add(self, category: WorkerCategory, by: str, now: dt.datetime) -> None:
        await self._session.execute(
            insert(member_worker_categories).values(
                member_id=category.member_id,
                migrant_worker=category.migrant_worker,
                new_form=category.new_form,
                effective_on=category.effective_on,
                recorded_by=by,
                recorded_at=now,
            )
        )

    async def of_member(self, member_id: uuid.UUID) -> list[WorkerCategory]:
        query = (
            select(member_worker_categories)
            .where(member_worker_categories.c.member_id == member_id)
            .order_by(member_worker_categories.c.effective_on, member_worker_categories.c.id)
        )
        return [_category_of(r) for r in await self._session.execute(query)]

    async def active_members_in_subtree(self, root_id: str, on: dt.date) -> list[tuple[dt.date, WorkerCategory]]:
        """Each active member of the subtree with a category on ``on``: their joining date and that category."""
        latest = (
            select(member_worker_categories)
            .where(member_worker_categories.c.effective_on <= on)
            .ext(distinct_on(member_worker_categories.c.member_id))
            .order_by(
                member_worker_categories.c.member_id,
                member_worker_categories.c.effective_on.desc(),
                member_worker_categories.c.id.desc(),
            )
            .subquery()
        )
        query = (
            select(members.c.joined_on, latest)
            .join(latest, latest.c.member_id == members.c.id)
            .where(members.c.status == "active", members.c.organization_id.in_(_organizations_under(root_id)))
        )
        return [(row.joined_on, _category_of(row)) for row in await self._session.execute(query)]


def _employment_of(row: Row) -> Employment:
    return Employment(
        id=row.id,
        member_id=row.member_id,
        employer_name=row.employer_name,
        enterprise_id=row.enterprise_id,
        started_on=row.started_on,
        ended_on=row.ended_on,
    )


class EmploymentRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def current(self, member_id: uuid.UUID) -> Employment | None:
        query = select(member_employments).where(
            member_employments.c.member_id == member_id, member_employments.c.ended_on.is_(None)
        )
        row = (await self._session.execute(query)).first()
        return _employment_of(row) if row else None

    async def end(self, employment: Employment) -> None:
        await self._session.execute(
            update(member_employments)
            .where(member_employments.c.id == employment.id)
            .values(ended_on=employment.ended_on)
        )

    async def add(self, employment: Employment, by: str, now: dt.datetime) -> None:
        await self._session.execute(
            insert(member_employments).values(
                id=employment.id,
                member_id=employment.member_id,
                enterprise_id=employment.enterprise_id,
                employer_name=employment.employer_name,
                started_on=employment.started_on,
                recorded_by=by,
                recorded_at=now,
            )
        )

    async def of_member(self, member_id: uuid.UUID) -> list[Employment]:
        query = (
            select(member_employments)
            .where(member_employments.c.member_id == member_id)
            .order_by(member_employments.c.started_on)
        )
        return [_employment_of(r) for r in await self._session.execute(query)]
