"""The 职工之家 certification rate as an .xlsx sheet, headed in the reader's language: a line per
organization directly under the one asked for, and the total line."""

from unionfed_membership.domain.home import Certified
from unionfed_membership.service_layer.contract_sheets import percent
from unionfed_membership.service_layer.home import CertificationRate
from unionfed_shared.documents.spreadsheet import Cell
from unionfed_shared.problems import Language

SHEET_TITLE: dict[Language, str] = {"zh-CN": "职工之家建家达标率", "en": "Workers' home certification"}
SHEET_HEADERS: dict[Language, tuple[str, ...]] = {
    "zh-CN": ("单位", "基层工会（个）", "达标（个）", "合格职工之家", "先进职工之家", "模范职工之家", "达标率（%）"),
    "en": ("Organization", "Unions", "Certified", "Qualified", "Advanced", "Model", "Certified (%)"),
}
TOTAL: dict[Language, str] = {"zh-CN": "合计", "en": "Total"}


def rate_sheet(rate: CertificationRate, language: Language) -> tuple[str, list[list[Cell]]]:
    """The sheet's file name (the organization's name and the day) and its rows."""
    filename = f"{SHEET_TITLE[language]}-{rate.root.name}-{rate.today}.xlsx"
    rows = [_line(line.organization.name, line.rate) for line in rate.lines]
    return filename, [*rows, _line(TOTAL[language], rate.total)]


def _line(label: str, c: Certified) -> list[Cell]:
    return [
        label,
        c.unions,
        c.certified,
        c.by_level["qualified"],
        c.by_level["advanced"],
        c.by_level["model"],
        percent(c.per_mille),
    ]
