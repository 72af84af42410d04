"""The welfare report of an organization's tree for a period.

Grants are counted by the date of their occasion (visits made) and by the date they were paid
(money out); the paid totals are read from the holds finance captured, so they add up to what
the ledger's welfare expense (5101) shows for the same dates.
"""

import datetime as dt

from sqlalchemy import and_, any_, func, literal, or_, select

from unionfed_shared.auth import Principal
from unionfed_shared.errors import Invalid
from unionfed_welfare.adapters.grant_tables import grants, hardship_files, welfare_holds
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.domain.grants import VISIT_TYPES
from unionfed_welfare.domain.hardship import LEVELS
from unionfed_welfare.service_layer.grants import READERS
from unionfed_welfare.service_layer.unit_of_work import WelfareUnitOfWork

LEDGER_ACCOUNT = "5101"


async def report(
    uow: WelfareUnitOfWork, principal: Principal, organization_id: str, start: dt.date, end: dt.date
) -> dict:
    await directory.require_in_scope(uow.session, principal, organization_id)
    principal.require_role(*READERS)
    if end < start:
        raise Invalid(
            "period_reversed",
            zh=f"统计期间的结束日期（{end}）早于开始日期（{start}）",
            en=f"the period ends ({end}) before it starts ({start})",
        )
    orgs = directory.organizations
    in_tree = literal(organization_id) == any_(orgs.c.path)
    rows: dict[tuple[str, str], dict] = {}

    def row(org: str, visit_type: str) -> dict:
        return rows.setdefault(
            (org, visit_type),
            {
                "organization_id": org,
                "visit_type": visit_type,
                "visit_label": VISIT_TYPES[visit_type],
                "visits": 0,
                "granted_fen": 0,
                "paid": 0,
                "paid_fen": 0,
                "paid_money_fen": 0,
                "paid_goods_fen": 0,
            },
        )

    visits = await uow.session.execute(
        select(grants.c.organization_id, grants.c.visit_type, func.count(), func.sum(grants.c.amount_fen))
        .select_from(
            grants.join(orgs, orgs.c.id == grants.c.organization_id).join(
                welfare_holds, welfare_holds.c.hold_id == grants.c.hold_id
            )
        )
        .where(
            in_tree,
            grants.c.occasion_on.between(start, end),
            grants.c.status != "cancelled",
            welfare_holds.c.status != "refused",
        )
        .group_by(grants.c.organization_id, grants.c.visit_type)
    )
    for org, visit_type, count, amount in visits:
        row(org, visit_type).update(visits=count, granted_fen=int(amount or 0))
    # A grant is paid in full (money and goods at value), so the split is the grant's own.
    paid = await uow.session.execute(
        select(
            grants.c.organization_id,
            grants.c.visit_type,
            func.count(),
            func.sum(welfare_holds.c.paid_fen),
            func.sum(grants.c.money_fen),
            func.sum(grants.c.goods_fen),
        )
        .select_from(
            grants.join(orgs, orgs.c.id == grants.c.organization_id).join(
                welfare_holds, welfare_holds.c.hold_id == grants.c.hold_id
            )
        )
        .where(in_tree, welfare_holds.c.status == "captured", welfare_holds.c.paid_on.between(start, end))
        .group_by(grants.c.organization_id, grants.c.visit_type)
    )
    for org, visit_type, count, paid_fen, money_fen, goods_fen in paid:
        row(org, visit_type).update(
            paid=count, paid_fen=int(paid_fen), paid_money_fen=int(money_fen), paid_goods_fen=int(goods_fen)
        )
    # Every welfare hold paid in the tree (grants, greetings, health checks …): the ledger's 5101.
    welfare_paid = (
        await uow.session.execute(
            select(func.coalesce(func.sum(welfare_holds.c.paid_fen), 0))
            .select_from(welfare_holds.join(orgs, orgs.c.id == welfare_holds.c.organization_id))
            .where(
                in_tree,
                welfare_holds.c.status == "captured",
                welfare_holds.c.category == "welfare",
                welfare_holds.c.paid_on.between(start, end),
            )
        )
    ).scalar_one()
    by_type = sorted(rows.values(), key=lambda r: (r["organization_id"], list(VISIT_TYPES).index(r["visit_type"])))
    return {
        "organization_id": organization_id,
        "from": start,
        "to": end,
        "grants": by_type,
        "hardship_files": await _hardship(uow, in_tree, start, end),
        "totals": {
            "visits": sum(r["visits"] for r in by_type),
            "granted_fen": sum(r["granted_fen"] for r in by_type),
            "grants_paid": sum(r["paid"] for r in by_type),
            "grants_paid_fen": sum(r["paid_fen"] for r in by_type),
            "welfare_paid_fen": int(welfare_paid),
            "ledger_account": LEDGER_ACCOUNT,
        },
    }


async def _hardship(uow: WelfareUnitOfWork, in_tree, start: dt.date, end: dt.date) -> list[dict]:
    """Per union and level: files open at the period's end, opened and closed in it."""
    orgs = directory.organizations
    files = hardship_files
    open_at_end = and_(files.c.opened_on <= end, or_(files.c.closed_on.is_(None), files.c.closed_on > end))
    query = (
        select(
            files.c.organization_id,
            files.c.level,
            func.count().filter(open_at_end),
            func.count().filter(files.c.opened_on.between(start, end)),
            func.count().filter(files.c.closed_on.between(start, end)),
        )
        .select_from(files.join(orgs, orgs.c.id == files.c.organization_id))
        .where(in_tree)
        .group_by(files.c.organization_id, files.c.level)
        .order_by(files.c.organization_id, files.c.level)
    )
    return [
        {
            "organization_id": org,
            "level": level,
            "level_label": LEVELS[level],
            "open": n_open,
            "opened": opened,
            "closed": closed,
        }
        for org, level, n_open, opened, closed in await uow.session.execute(query)
    ]
