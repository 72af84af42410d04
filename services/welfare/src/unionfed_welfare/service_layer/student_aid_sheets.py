"""A year's student aid roll-up as an .xlsx sheet, headed in the reader's language: a line per level,
one per kind of student (members' children, non-member students) and the year's total, money in yuan."""

from unionfed_shared.auth import Principal
from unionfed_shared.documents.spreadsheet import Cell, Yuan
from unionfed_shared.problems import Language
from unionfed_welfare.service_layer import student_aid
from unionfed_welfare.service_layer.unit_of_work import WelfareUnitOfWork

SHEET_TITLE: dict[Language, str] = {"zh-CN": "助学汇总", "en": "Student aid"}
SHEET_HEADERS: dict[Language, tuple[str, ...]] = {
    "zh-CN": (
        "统计口径",
        "项目",
        "申请（人）",
        "批准（人）",
        "不予批准（人）",
        "待审核（人）",
        "批准金额（元）",
        "已发放金额（元）",
    ),
    "en": (
        "Counted by",
        "Line",
        "Applications",
        "Approved",
        "Refused",
        "Pending",
        "Approved (yuan)",
        "Paid (yuan)",
    ),
}
# The first column: which split of the same applications a line belongs to.
BY: dict[Language, dict[str, str]] = {
    "zh-CN": {"level": "按资助档次", "student_kind": "按学生类别", "total": "合计"},
    "en": {"level": "By level", "student_kind": "By kind of student", "total": "Total"},
}
STUDENT_KINDS: dict[Language, dict[str, str]] = {
    "zh-CN": {"member_child": "会员子女", "non_member": "非会员建档立卡贫困学生"},
    "en": {"member_child": "Members' children", "non_member": "Non-member registered poor students"},
}


async def rollup_sheet(
    uow: WelfareUnitOfWork, principal: Principal, organization_id: str, year: int, language: Language
) -> tuple[str, list[list[Cell]]]:
    """The sheet's file name (the organization's name and the year) and its rows."""
    rollup = await student_aid.rollup(uow, principal, organization_id, year)  # checks scope and role
    name = await uow.directory.name_of(organization_id) or organization_id
    return f"{SHEET_TITLE[language]}-{name}-{year}.xlsx", sheet_rows(rollup, language)


def _figures(tally: dict) -> list[Cell]:
    return [
        tally["applications"],
        tally["approved"],
        tally["refused"],
        tally["pending"],
        Yuan.of_fen(tally["approved_fen"]),
        Yuan.of_fen(tally["paid_fen"]),
    ]


def sheet_rows(rollup: dict, language: Language) -> list[list[Cell]]:
    by, kinds = BY[language], STUDENT_KINDS[language]
    return [
        *([by["level"], line["level"], *_figures(line)] for line in rollup["by_level"]),
        *(
            [by["student_kind"], kinds.get(line["student_kind"], line["label"]), *_figures(line)]
            for line in rollup["by_student_kind"]
        ),
        [by["total"], None, *_figures(rollup)],
    ]
