"""Loading and saving membership aggregates."""

import uuid

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_membership.adapters.tables import dues_payments, members, organizations
from unionfed_membership.domain.model import DuesPayment, Member, Organization


class OrganizationRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def get(self, organization_id: str) -> Organization | None:
        row = (await self._session.execute(select(organizations).where(organizations.c.id == organization_id))).first()
        return _organization(row) if row else None

    async def add(self, organization: Organization) -> None:
        await self._session.execute(
            insert(organizations).values(
                id=organization.id,
                name=organization.name,
                kind=organization.kind,
                parent_id=organization.parent_id,
                path=list(organization.path),
            )
        )

    async def subtree(self, root: Organization) -> list[Organization]:
        query = (
            select(organizations)
            .where(organizations.c.path.contains([root.id]))
            .order_by(organizations.c.path)
        )
        return [_organization(row) for row in await self._session.execute(query)]


class MemberRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def get(self, member_id: uuid.UUID) -> Member | None:
        row = (await self._session.execute(select(members).where(members.c.id == member_id))).first()
        return _member(row) if row else None

    async def add(self, member: Member) -> None:
        await self._session.execute(
            insert(members).values(
                id=member.id,
                organization_id=member.organization_id,
                federation_id=member.federation_id,
                display_name=member.display_name,
                gender=member.gender,
                joined_on=member.joined_on,
                status=member.status,
            )
        )

    async def in_organization(self, organization_id: str) -> list[Member]:
        query = select(members).where(members.c.organization_id == organization_id).order_by(members.c.created_at)
        return [_member(row) for row in await self._session.execute(query)]


class DuesRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def paid_periods(self, member_id: uuid.UUID) -> set[str]:
        query = select(dues_payments.c.period).where(dues_payments.c.member_id == member_id).with_for_update()
        return set((await self._session.scalars(query)).all())

    async def add(self, payment: DuesPayment) -> None:
        await self._session.execute(
            insert(dues_payments).values(
                id=payment.id,
                member_id=payment.member_id,
                organization_id=payment.organization_id,
                period=payment.period,
                amount_fen=payment.amount_fen,
                collected_at=payment.collected_at,
            )
        )

    async def in_organization(self, organization_id: str, period: str | None) -> list[dict]:
        query = select(dues_payments).where(dues_payments.c.organization_id == organization_id)
        if period:
            query = query.where(dues_payments.c.period == period)
        return [dict(row._mapping) for row in await self._session.execute(query.order_by(dues_payments.c.collected_at))]


def _organization(row) -> Organization:
    return Organization(id=row.id, name=row.name, kind=row.kind, parent_id=row.parent_id, path=tuple(row.path))


def _member(row) -> Member:
    return Member(
        id=row.id,
        organization_id=row.organization_id,
        federation_id=row.federation_id,
        display_name=row.display_name,
        gender=row.gender,
        joined_on=row.joined_on,
        status=row.status,
    )
