"""Export layouts of statistics reports (报表样式): numbering by level (一、（一）1.), units (元 or 万元
rounded half up from the exact fen, percents), derived and blank rows, header and footer fields, the
refusals; the use cases (versions per key, defined by the federation only, manual codes of its
forms, a layout of another federation or kind refused) and the sheet they make, read back."""

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from services.membership.tests.unit.test_statistics_reports import ADMIN, AUDITOR, county, officer
from unionfed_membership.domain.report_layouts import (
    Figure,
    Known,
    LayoutField,
    LayoutRow,
    ReportLayout,
    chinese_number,
    field_text,
    numbering,
    period_zh,
)
from unionfed_membership.domain.statistics_reports import Rollup, Row
from unionfed_membership.service_layer import commands, report_layouts, statistics_reports, statistics_sheets
from unionfed_shared.contracts.reporting import INDICATORS
from unionfed_shared.documents.spreadsheet import form_xlsx
from unionfed_shared.errors import Forbidden, Invalid, NotFound

KNOWN = {code: Known(i.zh, i.unit) for code, i in INDICATORS.items()} | {"blood_donors": Known("献血人数", "count")}

ROWS = (
    LayoutRow("heading", "组织建设", 1),
    LayoutRow("indicator", "会员总数", 2, code="members", unit_label="人"),
    LayoutRow("indicator", "", 3, code="members_women", unit_label="人"),
    LayoutRow("derived", "入会率", 3, terms=("members", "-members_retired"), per=("staff",)),
    LayoutRow("blank"),
    LayoutRow("heading", "经费收支", 1),
    LayoutRow("indicator", "会费收入", 2, code="income_dues_fen"),
    LayoutRow("derived", "收入合计", 2, terms=("income_dues_fen", "income_employer_funds_fen")),
    LayoutRow("indicator", "其中：拨缴经费", 2, numbered=False, code="income_employer_funds_fen"),
)


def layout(**kw) -> ReportLayout:
    args = dict(
        federation_id="county",
        kind="monthly",
        key="city-monthly",
        version=1,
        title="工会统计月报",
        header=[LayoutField("填报单位", "organization"), LayoutField("报告期", "period")],
        rows=ROWS,
        footer=[LayoutField("单位负责人", "blank"), LayoutField("填报日期", "today")],
        known=KNOWN,
    )
    return ReportLayout.define(**{**args, **kw})  # type: ignore[arg-type]


FIGURES = [
    Figure("members", "count", 1188),
    Figure("members_women", "count", 800),
    Figure("members_retired", "count", 6),
    Figure("staff", "count", 1245),
    Figure("income_dues_fen", "fen", 3_088_829),  # ¥30,888.29
    Figure("income_employer_funds_fen", "fen", 125_000),  # ¥1,250.00
]


def test_rows_are_numbered_by_level_restarting_under_each_parent():
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 21, 99)] == [
        "一",
        "九",
        "十",
        "十一",
        "二十",
        "二十一",
        "九十九",
    ]
    assert numbering(ROWS) == ["一、", "（一）", "1.", "2.", "", "二、", "（一）", "（二）", ""]
    deeper = [LayoutRow("heading", "a", 1), LayoutRow("heading", "b", 2), LayoutRow("indicator", "c", 3, code="staff")]
    assert numbering(deeper * 2) == ["一、", "（一）", "1.", "二、", "（一）", "1."]


def test_amounts_in_yuan_or_wan_yuan_round_half_up_from_the_exact_fen_and_derived_ones_once():
    in_yuan = {line.label: line for line in layout().lines(FIGURES)}
    assert (in_yuan["会费收入"].unit, in_yuan["会费收入"].value) == ("元", Decimal("30888.29"))
    assert in_yuan["收入合计"].value == Decimal("32138.29")
    in_wan = {line.label: line for line in layout(money_unit="wan_yuan", money_decimals=2).lines(FIGURES)}
    # 3.088829 万元 → 3.09; 0.125 万元 → 0.13 (half up, not to even); the total from the summed fen: 3.213829 → 3.21.
    assert (in_wan["会费收入"].unit, in_wan["会费收入"].value) == ("万元", Decimal("3.09"))
    assert in_wan["其中：拨缴经费"].value == Decimal("0.13")
    assert in_wan["收入合计"].value == Decimal("3.21")
    assert layout(money_unit="wan_yuan", money_decimals=4).money_note == "金额单位：万元（四舍五入保留 4 位小数）"


def test_counts_percents_blank_rows_and_figures_not_known():
    lines = layout().lines(FIGURES)
    by_label = {line.label: line for line in lines}
    assert (by_label["会员总数"].unit, by_label["会员总数"].value) == ("人", 1188)
    assert by_label["女会员人数"].value == 800  # an indicator's label defaults to the catalogue's name
    # (1188 − 6) / 1245 = 94.939…% → 94.94
    assert (by_label["入会率"].unit, by_label["入会率"].value) == ("%", Decimal("94.94"))
    assert [(line.kind, line.value) for line in lines if line.kind in ("heading", "blank")] == [
        ("heading", None),
        ("blank", None),
        ("heading", None),
    ]
    unknown = {
        line.label: line for line in layout().lines([Figure("members", "count", 10), Figure("staff", "count", 0)])
    }
    assert unknown["女会员人数"].value is None  # not carried by the report: an empty cell
    assert unknown["入会率"].value is None  # a part not known, or a divisor of 0
    assert unknown["会费收入"].unit == "元"  # the catalogue's unit when the report lacks the figure


def test_a_layout_names_known_codes_consistent_units_and_fields_with_labels():
    def refused(**kw) -> str:
        with pytest.raises(Invalid) as caught:
            layout(**kw)
        return caught.value.code

    assert refused(key="City") == "report_layout_key_invalid"
    assert refused(title=" ") == "report_layout_title_invalid"
    assert refused(rows=[LayoutRow("indicator", code="nope")]) == "report_layout_indicator_unknown"
    assert refused(rows=[LayoutRow("derived", "x", terms=("members", "nope"))]) == "report_layout_indicator_unknown"
    assert refused(rows=[LayoutRow("derived", "x", terms=("members", "grants_fen"))]) == "report_layout_units_mixed"
    assert refused(rows=[LayoutRow("derived", "x")]) == "report_layout_terms_blank"
    assert refused(rows=[LayoutRow("heading", "")]) == "report_layout_label_blank"
    assert refused(rows=[LayoutRow("indicator", code="members", level=4)]) == "report_layout_level_invalid"
    assert refused(rows=[LayoutRow("heading", "a"), LayoutRow("blank")]) == "report_layout_empty"
    assert refused(money_unit="qian") == "report_layout_money_unit_invalid"
    assert refused(money_unit="yuan", money_decimals=3) == "report_layout_decimals_invalid"
    assert refused(header=[LayoutField(" ", "organization")]) == "report_layout_field_invalid"
    manual = layout(rows=[LayoutRow("indicator", code="blood_donors", unit_label="人")])
    assert manual.rows[0].label == "献血人数"


def test_header_and_footer_fields():
    context = {"organization": "某县教育工会", "period": period_zh("monthly", "2026-11")}
    assert field_text(LayoutField("填报单位", "organization"), context) == "填报单位：某县教育工会"
    assert field_text(LayoutField("报告期", "period"), context) == "报告期：2026年11月"
    assert field_text(LayoutField("制表机关", "text", "某市总工会"), context) == "制表机关：某市总工会"
    assert field_text(LayoutField("填表人", "blank"), context).startswith("填表人：\u3000")
    assert period_zh("annual", "2026") == "2026年"


def define_command(**kw) -> commands.DefineReportLayout:
    body = {
        "kind": "monthly",
        "key": "city-monthly",
        "title": "工会统计月报",
        "header": [{"label": "填报单位", "source": "organization"}],
        "rows": [
            {"kind": "heading", "label": "组织建设"},
            {"kind": "indicator", "code": "members", "level": 2, "unit_label": "人"},
        ],
        "footer": [{"label": "填报日期", "source": "today"}],
        "money_unit": "wan_yuan",
    }
    return commands.DefineReportLayout(**{**body, **kw})


async def test_layouts_are_versioned_per_key_defined_by_the_federation_and_read_below_it():
    uow = await county()
    first = await report_layouts.define_layout(uow, ADMIN, "county", define_command())
    second = await report_layouts.define_layout(uow, ADMIN, "county", define_command(title="工会统计月报（新）"))
    other = await report_layouts.define_layout(uow, ADMIN, "county", define_command(key="county-monthly"))
    assert (first.version, second.version, other.version) == (1, 2, 1)
    assert uow.committed
    seen = await report_layouts.layouts(uow, officer("school-a"), "school-a")
    assert [(x.key, x.version) for x in seen] == [("city-monthly", 2), ("city-monthly", 1), ("county-monthly", 1)]
    assert [x.id for x in await report_layouts.layouts(uow, AUDITOR, "county")] == [x.id for x in seen]
    with pytest.raises(Forbidden):
        await report_layouts.define_layout(uow, officer("school-a"), "school-a", define_command())
    with pytest.raises(Forbidden) as caught:
        await report_layouts.define_layout(uow, ADMIN, "district", define_command())
    assert caught.value.code == "report_layout_on_federation_only"
    # A manual indicator of one of the federation's forms of the kind may be named.
    with pytest.raises(Invalid):
        await report_layouts.define_layout(
            uow, ADMIN, "county", define_command(rows=[{"kind": "indicator", "code": "blood_donors"}])
        )
    await statistics_reports.define_form(
        uow,
        ADMIN,
        "county",
        commands.DefineReportForm(
            kind="monthly",
            indicators=["members"],
            manual=[{"code": "blood_donors", "zh": "献血人数", "en": "Blood donors"}],
            deadline_days=10,
        ),
    )
    named = await report_layouts.define_layout(
        uow, ADMIN, "county", define_command(rows=[{"kind": "indicator", "code": "blood_donors"}])
    )
    assert named.rows[0].label == "献血人数"


async def test_a_download_takes_a_layout_of_the_reports_federation_and_kind_only():
    uow = await county()
    mine = await report_layouts.define_layout(uow, ADMIN, "county", define_command())
    assert await report_layouts.layout_for(uow, "county", "monthly", mine.id) == mine  # type: ignore[arg-type]
    with pytest.raises(NotFound):
        await report_layouts.layout_for(uow, "elsewhere", "monthly", mine.id)  # type: ignore[arg-type]
    with pytest.raises(Invalid) as caught:
        await report_layouts.layout_for(uow, "county", "annual", mine.id)  # type: ignore[arg-type]
    assert caught.value.code == "report_layout_kind_mismatch"


def test_the_sheet_in_a_layout_has_its_title_fields_numbered_rows_units_and_footer():
    rows = tuple(Row(f.code, INDICATORS[f.code].zh, "", f.unit, f.value, INDICATORS[f.code].source) for f in FIGURES)
    rollup = Rollup("county", "monthly", "2026-11", None, (), rows)
    name, form = statistics_sheets.rollup_in_layout(
        rollup, layout(money_unit="wan_yuan", money_decimals=2), "某县教育工会", dt.date(2026, 12, 11)
    )
    assert name == "工会统计月报（汇总） 2026-11-某县教育工会.xlsx"
    sheet = load_workbook(io.BytesIO(form_xlsx(form))).active
    assert sheet.title == "工会统计月报" and sheet["A1"].value == "工会统计月报" and "A1:D1" in sheet.merged_cells
    assert (sheet["A2"].value, sheet["C2"].value) == ("填报单位：某县教育工会", "报告期：2026年11月")
    assert sheet["A3"].value == "金额单位：万元（四舍五入保留 2 位小数）"
    assert [c.value for c in sheet[4]] == ["序号", "项目", "计量单位", "汇总数"]
    table = [[c.value for c in row] for row in sheet.iter_rows(min_row=5, max_row=13)]
    assert table[0][:2] == ["一、", "组织建设"] and sheet["B5"].font.bold
    assert table[1] == ["（一）", "会员总数", "人", 1188]
    assert table[3] == ["2.", "入会率", "%", 94.94]
    assert table[4] == [None, None, None, None]
    assert table[6] == ["（一）", "会费收入", "万元", 3.09] and sheet["D11"].number_format == "#,##0.00"
    assert table[8] == [None, "其中：拨缴经费", "万元", 0.13]
    assert sheet["A15"].value == "单位负责人：" + "\u3000" * 6 and sheet["C15"].value == "填报日期：2026-12-11"


async def test_a_report_in_a_layout_shows_its_version_and_dates_in_the_federations_zone():
    uow = await county()
    report = await statistics_reports.open_report(
        uow, officer("school-a"), "school-a", commands.OpenStatisticsReport(kind="monthly", period="2026-11")
    )
    fields = [LayoutField("版本", "version"), LayoutField("报送日期", "submitted_on")]
    chosen = layout(header=fields)
    submitted = report.__class__(
        **{**report.__dict__, "submitted_at": dt.datetime(2026, 12, 10, 16, 30, tzinfo=dt.UTC)}
    )
    name, form = statistics_sheets.report_in_layout(
        submitted, chosen, "第一小学", ZoneInfo("Asia/Shanghai"), dt.date(2026, 12, 11)
    )
    assert name == "工会统计月报 2026-11-第一小学-第1版.xlsx"
    sheet = load_workbook(io.BytesIO(form_xlsx(form))).active
    assert (sheet["A2"].value, sheet["C2"].value) == ("版本：第1版", "报送日期：2026-12-11")
    assert sheet["D6"].value == 50  # the school and its group; income not in yet: empty
    assert sheet["D11"].value is None
