"""The dues arrears as an .xlsx sheet: one row per member in arrears, grouped by union, and a total."""

from collections.abc import Mapping, Sequence
from typing import Literal

from unionfed_membership.domain.dues import Arrears
from unionfed_shared.documents.spreadsheet import Cell, Yuan, xlsx_download

Language = Literal["zh", "en"]

HEADERS: dict[Language, list[str]] = {
    "zh": ["工会", "会员", "欠缴月数", "欠缴金额（元）", "无基本工资的月数", "欠缴月份"],
    "en": ["Union", "Member", "Unpaid months", "Owed (yuan)", "Months without base salary", "Unpaid months list"],
}
TITLE: dict[Language, str] = {"zh": "会费欠缴", "en": "Dues arrears"}
TOTAL: dict[Language, str] = {"zh": "合计", "en": "Total"}


def arrears_download(
    found: Sequence[Arrears],
    name_of: Mapping[str, str],
    union_of: Mapping[str, str],
    language: Language,
    organization_name: str,
    through: str,
):
    def union_name(organization_id: str) -> str:
        union = union_of.get(organization_id, organization_id)
        group = f" / {name_of.get(organization_id, organization_id)}" if union != organization_id else ""
        return name_of.get(union, union) + group

    ordered = sorted(found, key=lambda a: (union_name(a.member.organization_id), a.member.display_name))
    rows: list[list[Cell]] = [
        [
            union_name(a.member.organization_id),
            a.member.display_name,
            len(a.unpaid),
            Yuan.of_fen(a.total_fen),
            a.periods_without_amount,
            "、".join(p.period for p in a.unpaid) if language == "zh" else ", ".join(p.period for p in a.unpaid),
        ]
        for a in ordered
    ]
    rows.append(
        [
            TOTAL[language],
            None,
            sum(len(a.unpaid) for a in found),
            Yuan.of_fen(sum(a.total_fen for a in found)),
            sum(a.periods_without_amount for a in found),
            None,
        ]
    )
    return xlsx_download(
        arrears_filename(organization_name, through, language), TITLE[language], HEADERS[language], rows
    )


def arrears_filename(organization_name: str, through: str, language: Language) -> str:
    return f"{organization_name}-会费欠缴-截至{through}.xlsx" if language == "zh" else f"dues-arrears-{through}.xlsx"
