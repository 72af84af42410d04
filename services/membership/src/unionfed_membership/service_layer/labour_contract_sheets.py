"""The labour-contract checks' roll-up (春暖行动) as an .xlsx sheet, headed in the reader's language:
a line per enterprise checked in the period, by its latest check, then the total line; rates as
percentages beside the counts they come from, and whether the enterprise is below the target rate."""

import datetime as dt

from unionfed_membership.domain.labour_contracts import below, latest_checks, rollup
from unionfed_membership.service_layer.contract_sheets import percent
from unionfed_membership.service_layer.labour_contracts import period_checks
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal
from unionfed_shared.documents.spreadsheet import Cell
from unionfed_shared.problems import Language

SHEET_TITLE: dict[Language, str] = {"zh-CN": "劳动合同签订检查情况", "en": "Labour contract checks"}
SHEET_HEADERS: dict[Language, tuple[str, ...]] = {
    "zh-CN": (
        "企业",
        "检查日期",
        "检查职工（人）",
        "已签订（人）",
        "签订率（%）",
        "检查农民工（人）",
        "农民工已签订（人）",
        "农民工签订率（%）",
        "低于目标",
    ),
    "en": (
        "Enterprise",
        "Checked on",
        "Workers checked",
        "Signed",
        "Signing rate (%)",
        "Migrant workers checked",
        "Migrant workers signed",
        "Migrant signing rate (%)",
        "Below the target",
    ),
}
TOTAL: dict[Language, str] = {"zh-CN": "合计", "en": "Total"}
YES_NO: dict[Language, tuple[str, str]] = {"zh-CN": ("是", "否"), "en": ("yes", "no")}


async def rollup_sheet(
    uow: MembershipUnitOfWork,
    principal: Principal,
    organization_id: str,
    first: dt.date | None,
    last: dt.date | None,
    below_per_mille: int,
    language: Language,
) -> tuple[str, list[list[Cell]]]:
    """The sheet's file name (the federation's name and the period) and its rows."""
    found = await period_checks(uow, principal, organization_id, first, last)
    filename = f"{SHEET_TITLE[language]}-{found.registrar.name}-{found.first}~{found.last}.xlsx"
    yes, no = YES_NO[language]
    lines: list[list[Cell]] = [
        [
            enterprise.name,
            check.checked_on,
            check.workers_checked,
            check.workers_signed,
            percent(check.rate.per_mille),
            check.migrant_checked,
            check.migrant_signed,
            percent(check.migrant_rate.per_mille),
            yes if below(check.rate, below_per_mille) or below(check.migrant_rate, below_per_mille) else no,
        ]
        for enterprise, check in latest_checks(found.enterprises, found.checks, found.first, found.last)
    ]
    total = rollup(found.enterprises, found.checks, found.first, found.last, below_per_mille)
    lines.append(
        [
            TOTAL[language],
            None,
            total.overall.of,
            total.overall.signed,
            percent(total.overall.per_mille),
            total.migrant.of,
            total.migrant.signed,
            percent(total.migrant.per_mille),
            len(total.below),
        ]
    )
    return filename, lines
