"""The safety supervision roll-up as an .xlsx sheet, headed in the reader's language: a line per
enterprise inspected in the period and a total line, the share fixed in time as a percentage beside
the counts it comes from."""

import datetime as dt
from collections import defaultdict

from unionfed_membership.domain.safety import Inspection, SafetyRollup, safety_rollup
from unionfed_membership.service_layer.contract_sheets import percent
from unionfed_membership.service_layer.safety import held_inspections
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal
from unionfed_shared.documents.spreadsheet import Cell
from unionfed_shared.problems import Language

SHEET_TITLE: dict[Language, str] = {"zh-CN": "安全生产监督情况", "en": "Safety supervision"}
SHEET_HEADERS: dict[Language, tuple[str, ...]] = {
    "zh-CN": (
        "企业",
        "检查（次）",
        "发现隐患（处）",
        "其中重大隐患（处）",
        "已整改（处）",
        "按期整改（处）",
        "未整改（处）",
        "按期整改率（%）",
    ),
    "en": (
        "Enterprise",
        "Inspections",
        "Hazards found",
        "Of them major",
        "Fixed",
        "Fixed in time",
        "Open",
        "Fixed in time (%)",
    ),
}
TOTAL: dict[Language, str] = {"zh-CN": "合计", "en": "Total"}


async def rollup_sheet(
    uow: MembershipUnitOfWork,
    principal: Principal,
    organization_id: str,
    first: dt.date,
    last: dt.date,
    language: Language,
) -> tuple[str, list[list[Cell]]]:
    """The sheet's file name (the federation's name and the period) and its rows."""
    registrar, held = await held_inspections(uow, principal, organization_id, first, last)
    names = {e.id: e.name for e in await uow.enterprises.in_subtree(registrar.id)}
    filename = f"{SHEET_TITLE[language]}-{registrar.name}-{first}~{last}.xlsx"
    return filename, sheet_rows(first, last, held, names, language)


def sheet_rows(
    first: dt.date, last: dt.date, held: list[Inspection], names: dict, language: Language
) -> list[list[Cell]]:
    by_enterprise: dict = defaultdict(list)
    for inspection in held:
        by_enterprise[inspection.enterprise_id].append(inspection)
    lines = sorted(
        (names.get(enterprise_id, str(enterprise_id)), safety_rollup(first, last, inspections))
        for enterprise_id, inspections in by_enterprise.items()
    )
    return [_line(name, r) for name, r in lines] + [_line(TOTAL[language], safety_rollup(first, last, held))]


def _line(label: str, r: SafetyRollup) -> list[Cell]:
    return [
        label,
        r.inspections,
        r.hazards_found,
        r.major_found,
        r.fixed,
        r.fixed_in_time,
        r.open,
        percent(r.in_time.per_mille),
    ]
