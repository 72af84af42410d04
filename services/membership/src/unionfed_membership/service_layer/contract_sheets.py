"""The collective contracts roll-up as an .xlsx sheet, headed in the reader's language: a line per
kind and one for a contract of any kind, rates as percentages beside the counts they come from."""

import datetime as dt
from decimal import Decimal

from unionfed_membership.domain.collective_contracts import Rate, Rollup
from unionfed_membership.service_layer.collective_contracts import subtree_rollup
from unionfed_membership.service_layer.enterprises import registrar_in_scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal
from unionfed_shared.documents.spreadsheet import Cell
from unionfed_shared.problems import Language

SHEET_TITLE: dict[Language, str] = {"zh-CN": "集体合同签订情况", "en": "Collective contracts"}
SHEET_HEADERS: dict[Language, tuple[str, ...]] = {
    "zh-CN": (
        "合同类别",
        "合同份数",
        "签订企业（家）",
        "覆盖职工（人）",
        "已建会企业中签订（家）",
        "已建会企业（家）",
        "已建会企业签订率（%）",
        "20人以上企业中签订（家）",
        "20人以上企业（家）",
        "20人以上企业签订率（%）",
    ),
    "en": (
        "Kind",
        "Contracts",
        "Enterprises signed",
        "Workers covered",
        "Signed among unionized",
        "Unionized enterprises",
        "Rate among unionized (%)",
        "Signed among 20+ workers",
        "Enterprises with 20+ workers",
        "Rate among 20+ workers (%)",
    ),
}
KIND_LABELS: dict[Language, dict[str, str]] = {
    "zh-CN": {
        "comprehensive": "综合性集体合同",
        "wage": "工资专项集体合同",
        "women_workers": "女职工权益保护专项集体合同",
        "any": "任一类别",
    },
    "en": {
        "comprehensive": "Comprehensive",
        "wage": "Wage-specific",
        "women_workers": "Women workers' special",
        "any": "Any kind",
    },
}


async def rollup_sheet(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, on: dt.date | None, language: Language
) -> tuple[str, list[list[Cell]]]:
    """The sheet's file name (the federation's name and the day) and its rows."""
    registrar = await registrar_in_scope(uow, principal, organization_id)
    rollup = await subtree_rollup(uow, principal, organization_id, on)
    return f"{SHEET_TITLE[language]}-{registrar.name}-{rollup.on}.xlsx", sheet_rows(rollup, language)


def _percent(rate: Rate) -> Decimal | None:
    return None if rate.per_mille is None else Decimal(rate.per_mille) / 10


def sheet_rows(rollup: Rollup, language: Language) -> list[list[Cell]]:
    labels = KIND_LABELS[language]
    return [
        [
            labels.get(k.kind, k.kind),
            k.contracts,
            k.enterprises,
            k.workers_covered,
            k.among_with_union.signed,
            k.among_with_union.of,
            _percent(k.among_with_union),
            k.among_twenty_plus.signed,
            k.among_twenty_plus.of,
            _percent(k.among_twenty_plus),
        ]
        for k in rollup.by_kind
    ]
