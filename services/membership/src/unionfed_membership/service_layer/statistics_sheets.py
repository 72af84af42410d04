"""A statistics report or roll-up as an Excel sheet: by default a row per indicator of the form, in
its order (code, name, value, unit, source or note), headers in Chinese as the upper union reads
them; amounts in yuan with two decimals, 入会率 in per mille on its own row. With a federation's
export layout (domain/report_layouts.py), the sheet the upper union asks for: its title, header
fields, numbered rows with their labels and units, and footer."""

import datetime as dt
from collections.abc import Iterable, Mapping
from zoneinfo import ZoneInfo

from unionfed_membership.domain.report_layouts import Figure, LayoutField, ReportLayout, field_text, period_zh
from unionfed_membership.domain.statistics_reports import Rollup, Row, StatisticsReport
from unionfed_shared.documents.spreadsheet import Cell, FormSheet, Styled, Yuan, number_format

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


# In a layout: 序号, 项目, 计量单位, the figure.
LAYOUT_WIDTHS = (8.0, 44.0, 14.0, 18.0)
LAYOUT_COLUMNS = 4


def _fields(fields: tuple[LayoutField, ...], context: Mapping[str, str]) -> list[list[Styled | Cell]]:
    """Two fields a line, each over two columns: 填报单位 at the left, 报告期 at the right."""
    texts = [field_text(f, context) for f in fields]
    return [
        [Styled(text, span=2, align="left" if n % 2 == 0 else "right") for n, text in enumerate(texts[i : i + 2])]
        for i in range(0, len(texts), 2)
    ]


def laid_out(
    layout: ReportLayout, figures: Iterable[Figure], context: Mapping[str, str], value_header: str
) -> FormSheet:
    """The layout filled with the figures; ``context`` the header and footer fields' values."""
    lines: list[list[Styled | Cell]] = [[Styled(layout.title, span=LAYOUT_COLUMNS, bold=True, size=16, align="center")]]
    lines += _fields(layout.header, context)
    lines.append([Styled(layout.money_note, span=LAYOUT_COLUMNS, align="right")])
    lines.append(
        [Styled(h, bold=True, align="center", border=True) for h in ("序号", "项目", "计量单位", value_header)]
    )
    for line in layout.lines(figures):
        bold = line.kind == "heading"
        formats = {"count": number_format(0), "money": number_format(line.decimals)}
        lines.append(
            [
                Styled(line.number, border=True, align="center", bold=bold),
                Styled(
                    line.label, border=True, bold=bold, indent=max(0, line.level - 1) if line.kind != "blank" else 0
                ),
                Styled(line.unit, border=True, align="center"),
                Styled(
                    line.value,
                    border=True,
                    align="right",
                    number_format=formats.get(line.value_kind, number_format(line.decimals, grouped=False)),
                ),
            ]
        )
    if layout.footer:
        lines.append([])
        lines += _fields(layout.footer, context)
    return FormSheet(layout.title, lines, LAYOUT_WIDTHS)


def _on(moment: dt.datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).date().isoformat() if moment else ""


def _figures(rows: Iterable[Row]) -> list[Figure]:
    return [Figure(r.code, r.unit, r.value) for r in rows]


def report_in_layout(
    report: StatisticsReport, layout: ReportLayout, name: str, zone: ZoneInfo, today: dt.date
) -> tuple[str, FormSheet]:
    """The file name and the sheet of a union's report in the layout."""
    context = {
        "organization": name,
        "period": period_zh(report.kind, report.period),
        "version": f"第{report.version}版",
        "submitted_on": _on(report.submitted_at, zone),
        "reviewed_on": _on(report.reviewed_at, zone),
        "today": today.isoformat(),
    }
    sheet = laid_out(layout, _figures(report.rows()), context, "本期数")
    return f"{layout.title} {report.period}-{name}-第{report.version}版.xlsx", sheet


def rollup_in_layout(result: Rollup, layout: ReportLayout, name: str, today: dt.date) -> tuple[str, FormSheet]:
    """The file name and the sheet of a roll-up in the layout (the figures summed; ratios recomputed)."""
    context = {
        "organization": name,
        "period": period_zh(result.kind, result.period),
        "version": "汇总",
        "today": today.isoformat(),
    }
    sheet = laid_out(layout, _figures(result.rows), context, "汇总数")
    return f"{layout.title}（汇总） {result.period}-{name}.xlsx", sheet
