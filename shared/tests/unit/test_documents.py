import datetime as dt
import io
from decimal import Decimal
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from unionfed_shared.documents.downloads import attachment
from unionfed_shared.documents.spreadsheet import FormSheet, Styled, Yuan, form_xlsx, number_format, to_xlsx


def _read(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def test_a_sheet_keeps_money_and_dates_as_numbers_under_chinese_headers():
    sheet = _read(
        to_xlsx("慰问金", ["姓名", "金额(元)", "日期"], [["张三", Yuan.of_fen(50_001), dt.date(2026, 1, 28)]])
    )
    assert [c.value for c in sheet[1]] == ["姓名", "金额(元)", "日期"]
    name, amount, day = sheet[2]
    assert name.value == "张三"
    assert amount.value == 500.01 and amount.number_format == "#,##0.00"
    assert day.value == dt.datetime(2026, 1, 28) and day.number_format == "yyyy-mm-dd"


def test_text_that_looks_like_a_formula_stays_text():
    sheet = _read(to_xlsx("x", ["姓名"], [['=HYPERLINK("http://evil")'], ["bad\x07name"]]))
    assert sheet["A2"].data_type == "s" and sheet["A2"].value == '=HYPERLINK("http://evil")'
    assert sheet["A3"].value == "bad\ufffdname"


def test_a_time_with_a_zone_is_refused_since_excel_would_show_it_in_utc():
    with pytest.raises(ValueError):
        to_xlsx("x", ["时间"], [[dt.datetime(2026, 1, 1, tzinfo=dt.UTC)]])


def test_a_download_carries_its_chinese_name_and_an_ascii_fallback():
    response = attachment(b"%PDF", "application/pdf", "慰问金签收单-2026.pdf")
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == "慰问金签收单-2026.pdf"
    assert disposition.encode("latin-1")  # a header must be latin-1: the Chinese is only percent-encoded


def test_a_report_route_declares_its_sheet_and_answers_it_as_a_named_download():
    from decimal import Decimal

    from unionfed_shared.documents.spreadsheet import MEDIA_TYPE, openapi_responses, xlsx_download

    assert openapi_responses("as a sheet")[200]["content"] == {
        MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}
    }
    answer = xlsx_download(
        "会员统计-2026.xlsx", "会员统计", ["工会", "入会率(%)"], [["一小", Decimal("66.67")], ["二小", None]]
    )
    assert answer.media_type == MEDIA_TYPE
    assert unquote(answer.headers["content-disposition"].split("filename*=UTF-8''")[1]) == "会员统计-2026.xlsx"
    rows = list(load_workbook(io.BytesIO(answer.body)).active.iter_rows(values_only=True))
    assert rows == [("工会", "入会率(%)"), ("一小", 66.67), ("二小", None)], "a rate is a number, none is empty"


def test_a_form_sheet_merges_spans_and_keeps_formats_and_formula_safety():
    form = FormSheet(
        "工会统计月报",
        [
            [Styled("工会统计月报", span=4, bold=True, size=16, align="center")],
            [Styled("填报单位：某县教育工会", span=2), Styled("报告期：2026年11月", span=2, align="right")],
            [Styled("序号", border=True), Styled("项目", border=True), "单位", "数值"],
            ["一、", Styled("=会员人数", indent=1), "人", 1188],
            ["（一）", "会费收入", "万元", Styled(Decimal("3.09"), number_format=number_format(2), border=True)],
        ],
        widths=(8, 40, 12, 16),
    )
    sheet = load_workbook(io.BytesIO(form_xlsx(form))).active
    assert sheet.title == "工会统计月报"
    assert {str(r) for r in sheet.merged_cells.ranges} == {"A1:D1", "A2:B2", "C2:D2"}
    assert sheet["A1"].font.bold and sheet["A1"].font.size == 16 and sheet["A1"].alignment.horizontal == "center"
    assert sheet["C2"].value == "报告期：2026年11月"
    assert sheet["B4"].value == "=会员人数" and sheet["B4"].data_type == "s" and sheet["B4"].alignment.indent == 1
    assert (sheet["D4"].value, sheet["D5"].value, sheet["D5"].number_format) == (1188, 3.09, "#,##0.00")
    assert sheet["A3"].border.left.style == "thin" and sheet["C3"].border.left.style is None
    assert sheet.column_dimensions["B"].width == 40
    assert number_format(0) == "#,##0" and number_format(4, grouped=False) == "0.0000"
