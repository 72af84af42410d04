"""A statistics report or roll-up as an Excel sheet: a row per indicator of the form, in its order
(code, name, value, unit, source or note), headers in Chinese as the upper union reads them; amounts
in yuan with two decimals, 入会率 in per mille on its own row."""

from unionfed_membership.domain.statistics_reports import Rollup, Row, StatisticsReport
from unionfed_shared.documents.spreadsheet import Cell, Yuan

HEADERS = ("指标代码", "指标名称", "数值", "单位", "来源/说明")
UNIT_ZH = {"count": "个（人、次）", "fen": "元", "per_mille": "‰"}
SOURCE_ZH = {
    "membership": "会员系统",
    "welfare": "福利系统",
    "events": "活动系统",
    "finance": "财务系统",
    "manual": "填报",
}
KIND_ZH = {"monthly": "月报", "annual": "年报"}


def _line(row: Row, source: str | None = None) -> list[Cell]:
    value: Cell = None if row.value is None else (Yuan.of_fen(row.value) if row.unit == "fen" else row.value)
    source_text = source or SOURCE_ZH.get(row.source, row.source)
    if row.note:
        source_text = f"{source_text}：{row.note}"
    return [row.code, row.zh, value, UNIT_ZH.get(row.unit, row.unit), source_text]


def _rate(per_mille: int | None) -> list[Cell]:
    return [
        "membership_rate",
        "入会率（在职会员/职工人数）",
        per_mille,
        UNIT_ZH["per_mille"],
        "由会员人数、离退休会员人数与职工人数计算",
    ]


def report_sheet(report: StatisticsReport, name: str) -> tuple[str, str, list[list[Cell]]]:
    """The file name, the sheet's title and its rows."""
    title = f"工会{KIND_ZH[report.kind]} {report.period}"
    rows = [_line(r) for r in report.rows()]
    rows.append(_rate(report.membership_rate_per_mille))
    return f"{title}-{name}-第{report.version}版.xlsx", title, rows


def rollup_sheet(result: Rollup, name: str) -> tuple[str, str, list[list[Cell]]]:
    title = f"工会{KIND_ZH[result.kind]}汇总 {result.period}"
    units = len(result.accepted) + (1 if result.own else 0)
    rows = [_line(r, f"{units}个单位汇总" if r.source != "manual" else f"{units}个单位填报汇总") for r in result.rows]
    rows.append(_rate(result.membership_rate_per_mille))
    return f"{title}-{name}.xlsx", title, rows
