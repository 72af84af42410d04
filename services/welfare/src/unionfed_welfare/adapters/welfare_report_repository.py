"""What the welfare report counts, summed in the database per union of an organization's tree."""

import datetime as dt

from sqlalchemy import and_, any_, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_shared import finance_holds
from unionfed_welfare.adapters.grant_tables import grants, hardship_files, welfare_holds
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.domain.grants import CANCELLED
from unionfed_welfare.domain.welfare_report import GrantsPaid, HardshipTally, VisitsMade

orgs = directory.organizations


def _in_tree(organization_id: str):
    return literal(organization_id) == any_(orgs.c.path)


class WelfareReportRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def visits_made(self, organization_id: str, start: dt.date, end: dt.date) -> list[VisitsMade]:
        """Grants by the date of their occasion: the visits made, not cancelled nor refused by finance."""
        rows = await self._session.execute(
            select(
                grants.c.organization_id,
                grants.c.visit_type,
                func.count().label("visits"),
                func.coalesce(func.sum(grants.c.amount_fen), 0).label("granted_fen"),
            )
            .select_from(
                grants.join(orgs, orgs.c.id == grants.c.organization_id).join(
                    welfare_holds, welfare_holds.c.hold_id == grants.c.hold_id
                )
            )
            .where(
                _in_tree(organization_id),
                grants.c.occasion_on.between(start, end),
                grants.c.status != CANCELLED,
                welfare_holds.c.status != finance_holds.REFUSED,
            )
            .group_by(grants.c.organization_id, grants.c.visit_type)
        )
        return [VisitsMade(**{**row, "granted_fen": int(row["granted_fen"])}) for row in rows.mappings()]

    async def grants_paid(self, organization_id: str, start: dt.date, end: dt.date) -> list[GrantsPaid]:
        """Grants by the date finance paid them (money and goods at value)."""
        rows = await self._session.execute(
            select(
                grants.c.organization_id,
                grants.c.visit_type,
                func.count().label("paid"),
                func.sum(welfare_holds.c.paid_fen).label("paid_fen"),
                func.sum(grants.c.money_fen).label("paid_money_fen"),
                func.sum(grants.c.goods_fen).label("paid_goods_fen"),
            )
            .select_from(
                grants.join(orgs, orgs.c.id == grants.c.organization_id).join(
                    welfare_holds, welfare_holds.c.hold_id == grants.c.hold_id
                )
            )
            .where(
                _in_tree(organization_id),
                welfare_holds.c.status == finance_holds.CAPTURED,
                welfare_holds.c.paid_on.between(start, end),
            )
            .group_by(grants.c.organization_id, grants.c.visit_type)
        )
        return [
            GrantsPaid(
                organization_id=row["organization_id"],
                visit_type=row["visit_type"],
                paid=row["paid"],
                paid_fen=int(row["paid_fen"]),
                paid_money_fen=int(row["paid_money_fen"]),
                paid_goods_fen=int(row["paid_goods_fen"]),
            )
            for row in rows.mappings()
        ]

    async def welfare_paid_fen(self, organization_id: str, start: dt.date, end: dt.date) -> int:
        """Every welfare hold paid in the tree (grants, greetings, health checks …): the ledger's 5101."""
        total = await self._session.scalar(
            select(func.coalesce(func.sum(welfare_holds.c.paid_fen), 0))
            .select_from(welfare_holds.join(orgs, orgs.c.id == welfare_holds.c.organization_id))
            .where(
                _in_tree(organization_id),
                welfare_holds.c.status == finance_holds.CAPTURED,
                welfare_holds.c.category == "welfare",
                welfare_holds.c.paid_on.between(start, end),
            )
        )
        return int(total or 0)

    async def hardship(self, organization_id: str, start: dt.date, end: dt.date) -> list[HardshipTally]:
        """Per union and level: files open at the period's end, opened and closed in it."""
        files = hardship_files
        open_at_end = and_(files.c.opened_on <= end, or_(files.c.closed_on.is_(None), files.c.closed_on > end))
        rows = await self._session.execute(
            select(
                files.c.organization_id,
                files.c.level,
                func.count().filter(open_at_end).label("open"),
                func.count().filter(files.c.opened_on.between(start, end)).label("opened"),
                func.count().filter(files.c.closed_on.between(start, end)).label("closed"),
            )
            .select_from(files.join(orgs, orgs.c.id == files.c.organization_id))
            .where(_in_tree(organization_id))
            .group_by(files.c.organization_id, files.c.level)
            .order_by(files.c.organization_id, files.c.level)
        )
        return [HardshipTally(**row) for row in rows.mappings()]
