"""The welfare report of an organization's tree for a period.

Grants are counted by the date of their occasion (visits made) and by the date they were paid
(money out); the paid totals are read from the holds finance captured, so they add up to what
the ledger's welfare expense (5101) shows for the same dates.
"""

import datetime as dt

from unionfed_shared.auth import Principal
from unionfed_welfare.domain.grants import VISIT_TYPES
from unionfed_welfare.domain.hardship import LEVELS
from unionfed_welfare.domain.welfare_report import require_period
from unionfed_welfare.service_layer import outside_help
from unionfed_welfare.service_layer.grants import READERS
from unionfed_welfare.service_layer.unit_of_work import WelfareUnitOfWork

LEDGER_ACCOUNT = "5101"


async def report(
    uow: WelfareUnitOfWork, principal: Principal, organization_id: str, start: dt.date, end: dt.date
) -> dict:
    await uow.directory.require_in_scope(principal, organization_id)
    principal.require_role(*READERS)
    require_period(start, end)
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

    for made in await uow.welfare_report.visits_made(organization_id, start, end):
        row(made.organization_id, made.visit_type).update(visits=made.visits, granted_fen=made.granted_fen)
    for paid in await uow.welfare_report.grants_paid(organization_id, start, end):
        row(paid.organization_id, paid.visit_type).update(
            paid=paid.paid,
            paid_fen=paid.paid_fen,
            paid_money_fen=paid.paid_money_fen,
            paid_goods_fen=paid.paid_goods_fen,
        )
    by_type = sorted(rows.values(), key=lambda r: (r["organization_id"], list(VISIT_TYPES).index(r["visit_type"])))
    return {
        "organization_id": organization_id,
        "from": start,
        "to": end,
        "grants": by_type,
        "hardship_files": [
            {
                "organization_id": tally.organization_id,
                "level": tally.level,
                "level_label": LEVELS[tally.level],
                "open": tally.open,
                "opened": tally.opened,
                "closed": tally.closed,
            }
            for tally in await uow.welfare_report.hardship(organization_id, start, end)
        ],
        # Help beyond the members (送温暖 to non-members and organizations), by kind of recipient.
        "outside_help": await outside_help.report_lines(uow, organization_id, start, end),
        "totals": {
            "visits": sum(r["visits"] for r in by_type),
            "granted_fen": sum(r["granted_fen"] for r in by_type),
            "grants_paid": sum(r["paid"] for r in by_type),
            "grants_paid_fen": sum(r["paid_fen"] for r in by_type),
            "welfare_paid_fen": await uow.welfare_report.welfare_paid_fen(organization_id, start, end),
            "ledger_account": LEDGER_ACCOUNT,
        },
    }
