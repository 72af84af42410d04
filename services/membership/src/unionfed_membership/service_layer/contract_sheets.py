"""Collective contracts as .xlsx sheets, headed in the reader's language: the roll-up (a line per
kind and one for a contract of any kind, rates as percentages beside the counts they come from)
and the list of an organization's contracts (a line per contract, as the paged list finds them)."""

import datetime as dt
from decimal import Decimal

from unionfed_membership.domain.collective_contracts import CollectiveContract, ContractFilter, Rollup
from unionfed_membership.service_layer import collective_contracts
from unionfed_membership.service_layer.collective_contracts import subtree_rollup
from unionfed_membership.service_layer.enterprises import registrar_in_scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal
from unionfed_shared.documents.spreadsheet import Cell
from unionfed_shared.paging import MAX_LIMIT
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


def percent(per_mille: int | None) -> Decimal | None:
    """A rate or share's per-mille as the percentage a sheet shows (one decimal); empty when there is nothing to divide."""
    return None if per_mille is None else Decimal(per_mille) / 10


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
            percent(k.among_with_union.per_mille),
            k.among_twenty_plus.signed,
            k.among_twenty_plus.of,
            percent(k.among_twenty_plus.per_mille),
        ]
        for k in rollup.by_kind
    ]


LIST_TITLE: dict[Language, str] = {"zh-CN": "集体合同名录", "en": "Collective contracts register"}
LIST_HEADERS: dict[Language, tuple[str, ...]] = {
    "zh-CN": ("企业", "合同类别", "签订日期", "期限起", "期限止", "覆盖职工（人）", "备案日期", "状态"),
    "en": ("Enterprise", "Kind", "Signed", "Term from", "Term until", "Workers covered", "Filed", "State"),
}
STATE_LABELS: dict[Language, dict[str, str]] = {
    "zh-CN": {"pending": "未生效", "in_force": "有效", "expired": "已到期", "superseded": "已续订"},
    "en": {"pending": "Not yet in force", "in_force": "In force", "expired": "Expired", "superseded": "Superseded"},
}


async def list_sheet(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, wanted: ContractFilter, language: Language
) -> tuple[str, list[list[Cell]]]:
    """The sheet's file name (the organization's name and the day) and a row for every contract the
    filter finds, in the list's order, its state on the federation's today."""
    register = await collective_contracts.register_of(uow, principal, organization_id, wanted)
    found, cursor = await collective_contracts.page(uow, register, None, MAX_LIMIT)
    while cursor:
        more, cursor = await collective_contracts.page(uow, register, cursor, MAX_LIMIT)
        found.extend(more)
    name = f"{LIST_TITLE[language]}-{register.organization.name}-{register.today}.xlsx"
    return name, [_list_row(c, enterprise_name, register.today, language) for c, enterprise_name in found]


def _list_row(contract: CollectiveContract, enterprise_name: str, today: dt.date, language: Language) -> list[Cell]:
    return [
        enterprise_name,
        KIND_LABELS[language].get(contract.kind, contract.kind),
        contract.signed_on,
        contract.valid_from,
        contract.valid_until,
        contract.workers_covered,
        contract.filed_on,
        STATE_LABELS[language][contract.state_on(today)],
    ]
