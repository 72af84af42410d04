"""Loading and saving help to non-members and organizations (with its goods lines), and what the report counts."""

import dataclasses
import datetime as dt
import uuid

from sqlalchemy import any_, insert, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_welfare.adapters.grant_tables import welfare_holds
from unionfed_welfare.adapters.outside_help_tables import outside_grant_goods, outside_grants
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.domain.grants import GoodsLine
from unionfed_welfare.domain.outside_help import HelpCounted, OutsideGrant

_FIELDS = tuple(f.name for f in dataclasses.fields(OutsideGrant))
orgs = directory.organizations


class OutsideGrantRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def get(self, grant_id: uuid.UUID, *, for_update: bool = False) -> OutsideGrant | None:
        query = select(outside_grants).where(outside_grants.c.id == grant_id)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).mappings().first()
        return _grant(row) if row else None

    async def add(self, grant: OutsideGrant, goods: list[GoodsLine]) -> None:
        values = {f: getattr(grant, f) for f in _FIELDS if getattr(grant, f) is not None}
        await self._session.execute(insert(outside_grants).values(**values))
        if goods:
            await self._session.execute(
                insert(outside_grant_goods),
                [{"id": uuid.uuid4(), "grant_id": grant.id, **dataclasses.asdict(g)} for g in goods],
            )

    async def save_status(self, grant: OutsideGrant) -> None:
        await self._session.execute(
            update(outside_grants)
            .where(outside_grants.c.id == grant.id)
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
            select(
                outside_grant_goods.c.item,
                outside_grant_goods.c.quantity,
                outside_grant_goods.c.unit,
                outside_grant_goods.c.value_fen,
            )
            .where(outside_grant_goods.c.grant_id == grant_id)
            .order_by(outside_grant_goods.c.item, outside_grant_goods.c.id)
        )
        return [GoodsLine(**row) for row in rows.mappings()]

    async def of_subtree(
        self, organization_id: str, *, given_from: dt.date | None = None, given_to: dt.date | None = None
    ) -> list[OutsideGrant]:
        """The help the organization's subtree gave, by date then recording, optionally in a period."""
        query = (
            select(outside_grants)
            .join(orgs, orgs.c.id == outside_grants.c.organization_id)
            .where(literal(organization_id) == any_(orgs.c.path))
            .order_by(outside_grants.c.given_on, outside_grants.c.recorded_at, outside_grants.c.id)
        )
        if given_from is not None:
            query = query.where(outside_grants.c.given_on >= given_from)
        if given_to is not None:
            query = query.where(outside_grants.c.given_on <= given_to)
        return [_grant(row) for row in (await self._session.execute(query)).mappings()]

    async def counted(self, organization_id: str, start: dt.date, end: dt.date) -> list[HelpCounted]:
        """The subtree's help given or paid in the period, with where its money stands: the domain counts."""
        rows = await self._session.execute(
            select(
                outside_grants.c.recipient_kind,
                outside_grants.c.organization_kind,
                outside_grants.c.given_on,
                outside_grants.c.people_reached,
                outside_grants.c.money_fen,
                outside_grants.c.goods_fen,
                outside_grants.c.status,
                welfare_holds.c.status.label("hold_status"),
                welfare_holds.c.paid_fen,
                welfare_holds.c.paid_on,
            )
            .select_from(
                outside_grants.join(orgs, orgs.c.id == outside_grants.c.organization_id).join(
                    welfare_holds, welfare_holds.c.hold_id == outside_grants.c.hold_id
                )
            )
            .where(
                literal(organization_id) == any_(orgs.c.path),
                or_(outside_grants.c.given_on.between(start, end), welfare_holds.c.paid_on.between(start, end)),
            )
        )
        return [
            HelpCounted(
                group=row["organization_kind"] or row["recipient_kind"],
                given_on=row["given_on"],
                people_reached=row["people_reached"],
                money_fen=row["money_fen"],
                goods_fen=row["goods_fen"],
                status=row["status"],
                hold_status=row["hold_status"],
                paid_fen=row["paid_fen"],
                paid_on=row["paid_on"],
            )
            for row in rows.mappings()
        ]


def _grant(row) -> OutsideGrant:
    return OutsideGrant(**{f: row[f] for f in _FIELDS})
