"""The migrant and new-form worker counts as an .xlsx sheet, headed in the reader's language: a line
for migrant workers (农民工), one for new-form workers, one for those who are both, then one per form
of work, each with the active members and, of them, those who joined in the period."""

import datetime as dt

from unionfed_membership.domain.mobile_workers import MobileWorkerCounts, Tally
from unionfed_membership.service_layer import mobile_workers
from unionfed_membership.service_layer.enterprises import registrar_in_scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal
from unionfed_shared.documents.spreadsheet import Cell
from unionfed_shared.problems import Language

SHEET_TITLE: dict[Language, str] = {"zh-CN": "农民工和新就业形态劳动者入会情况", "en": "Migrant and new-form workers"}
SHEET_HEADERS: dict[Language, tuple[str, ...]] = {
    "zh-CN": ("类别", "在册会员（人）", "其中期内入会（人）"),
    "en": ("Category", "Active members", "Of them joined in the period"),
}
LINE_LABELS: dict[Language, dict[str, str]] = {
    "zh-CN": {
        "migrant_workers": "农民工",
        "new_form_workers": "新就业形态劳动者",
        "migrant_and_new_form": "其中：既是农民工又是新就业形态劳动者",
        "delivery_rider": "外卖骑手",
        "courier": "快递员",
        "ride_hailing_driver": "网约车司机",
        "truck_driver": "货车司机",
        "other": "其他新就业形态",
    },
    "en": {
        "migrant_workers": "Migrant workers",
        "new_form_workers": "New-form workers",
        "migrant_and_new_form": "Of them both migrant and new-form",
        "delivery_rider": "Delivery riders",
        "courier": "Couriers",
        "ride_hailing_driver": "Ride-hailing drivers",
        "truck_driver": "Truck drivers",
        "other": "Other new forms",
    },
}


async def counts_sheet(
    uow: MembershipUnitOfWork,
    principal: Principal,
    organization_id: str,
    first: dt.date | None,
    last: dt.date | None,
    language: Language,
) -> tuple[str, list[list[Cell]]]:
    """The sheet's file name (the federation's name and the period) and its rows."""
    registrar = await registrar_in_scope(uow, principal, organization_id)
    counts = await mobile_workers.counts(uow, principal, organization_id, first, last)
    filename = f"{SHEET_TITLE[language]}-{registrar.name}-{counts.first}~{counts.last}.xlsx"
    return filename, sheet_rows(counts, language)


def sheet_rows(counts: MobileWorkerCounts, language: Language) -> list[list[Cell]]:
    labels = LINE_LABELS[language]
    lines: list[tuple[str, Tally]] = [
        ("migrant_workers", counts.migrant_workers),
        ("new_form_workers", counts.new_form_workers),
        ("migrant_and_new_form", counts.migrant_and_new_form),
        *counts.by_form,
    ]
    return [[labels.get(key, key), tally.members, tally.joined] for key, tally in lines]
