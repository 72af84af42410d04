"""Loading and saving grants (with their goods lines), visit policies, and what recording a grant checks."""

import dataclasses
import datetime as dt
import uuid

from sqlalchemy import any_, insert, literal, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_welfare.adapters.grant_tables import grant_goods, grants, visit_policies, welfare_holds
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.domain.grants import (
    CANCELLED,
    GoodsLine,
    Grant,
    GrantFilter,
    OccasionTaken,
    VisitPolicy,
    YearGrant,
)

_GRANT_FIELDS = tuple(f.name for f in dataclasses.fields(Grant))


class GrantRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def get(self, grant_id: uuid.UUID, *, for_update: bool = False) -> Grant | None:
        query = select(grants).where(grants.c.id == grant_id)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).mappings().first()
        return _grant(row) if row else None

    async def add(self, grant: Grant, goods: list[GoodsLine]) -> None:
        """Store the grant and its goods; :class:`OccasionTaken` (the transaction rolled back) if its
        occasion was granted meanwhile."""
        values = {f: getattr(grant, f) for f in _GRANT_FIELDS if getattr(grant, f) is not None}
        try:
            await self._session.execute(insert(grants).values(**values))
        except IntegrityError as exc:  # the unique occasion index: recorded by someone else since the check
            await self._session.rollback()
            raise OccasionTaken from exc
        if goods:
            await self._session.execute(
                insert(grant_goods),
                [{"id": uuid.uuid4(), "grant_id": grant.id, **dataclasses.asdict(g)} for g in goods],
            )

    async def save_status(self, grant: Grant) -> None:
        await self._session.execute(
            update(grants)
            .where(grants.c.id == grant.id)
            .values(
                status=grant.status,
                approved_by=grant.approved_by,
                approved_at=grant.approved_at,
                cancelled_by=grant.cancelled_by,
                cancelled_at=grant.cancelled_at,
                cancel_reason=grant.cancel_reason,
            )
        )

    async def goods_of(self, grant_id: uuid.UUID) -> list[GoodsLine]:
        rows = await self._session.execute(
            select(grant_goods.c.item, grant_goods.c.quantity, grant_goods.c.unit, grant_goods.c.value_fen)
            .where(grant_goods.c.grant_id == grant_id)
            .order_by(grant_goods.c.item, grant_goods.c.id)
        )
        return [GoodsLine(**row) for row in rows.mappings()]

    async def first_of_occasion(self, occasion_key: str) -> Grant | None:
        """The grant (not cancelled) that holds this occasion, if any."""
        query = select(grants).where(grants.c.occasion_key == occasion_key, grants.c.status != CANCELLED)
        row = (await self._session.execute(query)).mappings().first()
        return _grant(row) if row else None

    async def lock_member_year(self, federation_id: str, member_id: uuid.UUID, year: int) -> None:
        """Take the member's grants of a year one at a time across all unions of the federation until
        commit, so two unions granting at once cannot both slip under the cap."""
        await self._session.execute(
            text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": f"grant-cap:{federation_id}:{member_id}:{year}"}
        )

    async def year_of_member(self, federation_id: str, member_id: uuid.UUID, year: int) -> list[YearGrant]:
        """Every grant of the member's year with where its money stands: the domain decides what counts."""
        rows = await self._session.execute(
            select(grants.c.amount_fen, grants.c.status, welfare_holds.c.status.label("hold_status"))
            .select_from(grants.join(welfare_holds, welfare_holds.c.hold_id == grants.c.hold_id))
            .where(grants.c.federation_id == federation_id, grants.c.member_id == member_id, grants.c.year == year)
        )
        return [YearGrant(**row) for row in rows.mappings()]

    async def of_visit_in_year(
        self, federation_id: str, member_id: uuid.UUID, visit_type: str, year: int
    ) -> list[Grant]:
        """The member's grants (not cancelled) of this visit type in the year, by occasion then recording."""
        rows = await self._session.execute(
            select(grants)
            .where(
                grants.c.federation_id == federation_id,
                grants.c.member_id == member_id,
                grants.c.visit_type == visit_type,
                grants.c.year == year,
                grants.c.status != CANCELLED,
            )
            .order_by(grants.c.occasion_on, grants.c.recorded_at)
        )
        return [_grant(row) for row in rows.mappings()]

    async def page(
        self,
        organization_id: str,
        wanted: GrantFilter,
        after: tuple[dt.date, dt.datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[Grant]:
        """Up to ``limit`` grants of the subtree after the key (occasion date, recording, id), in that order."""
        query = (
            select(grants)
            .join(directory.organizations, directory.organizations.c.id == grants.c.organization_id)
            .where(literal(organization_id) == any_(directory.organizations.c.path))
        )
        for column, value in (
            (grants.c.status, wanted.status),
            (grants.c.visit_type, wanted.visit_type),
            (grants.c.member_id, wanted.member_id),
        ):
            if value is not None:
                query = query.where(column == value)
        if wanted.occasion_from is not None:
            query = query.where(grants.c.occasion_on >= wanted.occasion_from)
        if wanted.occasion_to is not None:
            query = query.where(grants.c.occasion_on <= wanted.occasion_to)
        key = (grants.c.occasion_on, grants.c.recorded_at, grants.c.id)
        if after is not None:
            query = query.where(tuple_(*key) > tuple_(*(literal(v, c.type) for v, c in zip(after, key))))
        rows = await self._session.execute(query.order_by(*key).limit(limit))
        return [_grant(row) for row in rows.mappings()]


class VisitPolicyRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def get(self, federation_id: str) -> VisitPolicy | None:
        query = select(visit_policies).where(visit_policies.c.federation_id == federation_id)
        row = (await self._session.execute(query)).mappings().first()
        return VisitPolicy(**row) if row else None

    async def save(self, policy: VisitPolicy) -> None:
        values = {
            "amounts_fen": policy.amounts_fen,
            "yearly_cap_fen": policy.yearly_cap_fen,
            "updated_by": policy.updated_by,
            "updated_at": policy.updated_at,
        }
        await self._session.execute(
            pg_insert(visit_policies)
            .values(federation_id=policy.federation_id, **values)
            .on_conflict_do_update(index_elements=[visit_policies.c.federation_id], set_=values)
        )


def _grant(row) -> Grant:
    return Grant(**{f: row[f] for f in _GRANT_FIELDS})
