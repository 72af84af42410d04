"""Reading rosters as offices keep them: headers, every row checked, line numbers as Excel shows them."""

import csv
import datetime as dt
import io
import re

import pytest
from openpyxl import Workbook, load_workbook

from unionfed_membership.domain.roster import (
    RosterRow,
    RowError,
    fen_to_yuan,
    map_headers,
    mask_phone,
    parse_rows,
    safe_cell,
)
from unionfed_membership.service_layer import roster_export, roster_import
from unionfed_membership.service_layer.roster_import import RosterTooLarge, UnsupportedRoster, read_table
from unionfed_shared.errors import Invalid

TODAY = dt.date(2026, 11, 23)
MALE_ID = "110101199003070011"
FEMALE_ID = "110101198511120025"
ZH = ["姓名", "性别", "身份证号", "手机", "工号", "入会日期", "基本工资", "工会小组"]


def parse(header, *rows):
    return parse_rows(enumerate(rows, start=2), map_headers(header), TODAY)


def test_chinese_and_english_headers_map_to_the_same_fields():
    zh = map_headers(ZH)
    en = map_headers(["Name", "gender", "ID Number", "phone", "staff no", "joined_on", "Base Salary", "union group"])
    assert (
        zh
        == en
        == {
            "name": 0,
            "gender": 1,
            "id_number": 2,
            "phone": 3,
            "staff_no": 4,
            "joined_on": 5,
            "base_salary": 6,
            "union_group": 7,
        }
    )
    assert map_headers(["\ufeff姓名", "身份证号", "入会日期", "备注"]) == {"name": 0, "id_number": 1, "joined_on": 2}


def test_headers_missing_a_required_column_are_refused():
    with pytest.raises(Invalid) as missing:
        map_headers(["姓名", "性别"])
    assert (missing.value.code, "入会日期" in missing.value.zh) == ("roster_column_missing", True)
    with pytest.raises(Invalid) as no_gender:
        map_headers(["姓名", "入会日期"])
    assert "性别" in no_gender.value.zh
    with pytest.raises(Invalid) as repeated:
        map_headers(["姓名", "name", "性别", "入会日期"])
    assert (repeated.value.code, "重复" in repeated.value.zh) == ("roster_column_repeated", True)


def test_a_good_row_becomes_clean_values_in_fen():
    [row] = parse(ZH, ["  陈老师 ", "女", FEMALE_ID.lower(), "138-0013-8000", 1024.0, "2021/9/1", "4300.1", "数学组"])
    assert row == RosterRow(
        line=2,
        display_name="陈老师",
        gender="female",
        joined_on=dt.date(2021, 9, 1),
        id_number=FEMALE_ID,
        phone="13800138000",
        staff_no="1024",
        base_salary_fen=430_010,
        union_group="数学组",
    )
    [from_excel] = parse(ZH, ["李老师", "", MALE_ID, None, None, dt.datetime(2020, 9, 1), 4300.1, None])
    assert (from_excel.gender, from_excel.joined_on, from_excel.base_salary_fen) == (
        "male",
        dt.date(2020, 9, 1),
        430_010,
    )
    [chinese_date] = parse(ZH, ["王老师", "男", "", "", "", "2019年9月1日", "", ""])
    assert (chinese_date.joined_on, chinese_date.base_salary_fen, chinese_date.id_number) == (
        dt.date(2019, 9, 1),
        None,
        None,
    )


@pytest.mark.parametrize(
    "cells, code, zh",
    [
        (["", "女", "", "", "", "2021-09-01", "", ""], "roster_name_missing", "姓名为空"),
        (
            ['=HYPERLINK("http://x")', "女", "", "", "", "2021-09-01", "", ""],
            "roster_cell_formula",
            "姓名：单元格不能以",
        ),
        (["陈老师", "女", "", "", "@SUM(A1)", "2021-09-01", "", ""], "roster_cell_formula", "工号：单元格不能以"),
        (["陈老师", "女", "", "+8613800138000", "", "2021-09-01", "", ""], "roster_cell_formula", "手机：单元格不能以"),
        (["陈老师", "女", "110101199003070012", "", "", "2021-09-01", "", ""], "id_number_check_digit_wrong", "校验码"),
        (["陈老师", "女", 110101199003070011, "", "", "2021-09-01", "", ""], "roster_id_number_as_number", "文本"),
        (["陈老师", "女", MALE_ID, "", "", "2021-09-01", "", ""], "roster_gender_mismatch", "与身份证号不符"),
        (["陈老师", "未知", "", "", "", "2021-09-01", "", ""], "roster_gender_unknown", "应为“男”或“女”"),
        (["陈老师", "女", "", "12345", "", "2021-09-01", "", ""], "phone_invalid", "手机：手机号须为"),
        (["陈老师", "女", "", "", "", "2021-02-30", "", ""], "roster_joined_on_invalid", "不是日期"),
        (["陈老师", "女", "", "", "", "2027-01-01", "", ""], "roster_joined_on_future", "晚于今天"),
        (["陈老师", "女", "", "", "", "2021-09-01", "-100", ""], "roster_salary_invalid", "须为正数"),
        (["陈老师", "女", "", "", "", "2021-09-01", "4300.123", ""], "roster_salary_precision", "两位小数"),
        (["陈老师", "女", "", "", "", "2021-09-01", "四千", ""], "roster_salary_invalid", "不是以元为单位"),
    ],
)
def test_each_bad_row_is_reported_with_its_code_and_its_reason_in_chinese_and_english(cells, code, zh):
    [error] = parse(ZH, cells)
    assert isinstance(error, RowError) and (error.line, error.code) == (2, code)
    assert zh in error.reason("zh-CN")
    # The Chinese reason is Chinese throughout; the English one names the column as the sheet does.
    assert not re.search(r"\b(is|not|must|has|does|a)\b", error.reason("zh-CN")), error.zh
    assert error.reason("en") == error.en and re.search(r"[a-z]{3}", error.en), error.en


def test_the_same_person_twice_in_a_file_is_refused_and_blank_lines_are_not_rows():
    rows = parse(
        ZH,
        ["陈老师", "女", FEMALE_ID, "", "T1", "2021-09-01", "", ""],
        [None] * 8,
        ["陈老师", "女", FEMALE_ID, "", "", "2021-09-01", "", ""],
        ["张老师", "男", "", "", "T1", "2021-09-01", "", ""],
    )
    assert [(r.line, r.reason("zh-CN") if isinstance(r, RowError) else None) for r in rows] == [
        (2, None),
        (4, "身份证号与第 2 行重复"),
        (5, "工号 T1 与第 2 行重复"),
    ]
    assert [r.en for r in rows if isinstance(r, RowError)] == ["身份证号 repeats line 2", "工号 T1 repeats line 2"]


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_rows_carry_the_line_numbers_excel_shows_and_formulas_stay_visible():
    data = xlsx_bytes([ZH, ["陈老师", "女", FEMALE_ID, "", "", dt.date(2021, 9, 1), 4300, ""], ["=1+1", "男"]])
    header, rows = read_table("名册.xlsx", data)
    assert header[:2] == ["姓名", "性别"]
    assert [line for line, _ in rows] == [2, 3]
    assert rows[1][1][0] == "=1+1"  # the formula's text, refused later as injection


def test_csv_is_read_in_utf8_with_or_without_bom_and_in_gb18030():
    text = "姓名,性别,入会日期\n陈老师,女,2021-09-01\n"
    for data in (text.encode("utf-8"), text.encode("utf-8-sig"), text.encode("gb18030")):
        header, rows = read_table("roster.csv", data)
        assert header == ["姓名", "性别", "入会日期"]
        assert rows == [(2, ("陈老师", "女", "2021-09-01"))]


def test_oversized_files_and_old_formats_are_refused(monkeypatch):
    with pytest.raises(RosterTooLarge):
        read_table("big.csv", b"x" * (roster_import.MAX_BYTES + 1))
    monkeypatch.setattr(roster_import, "MAX_ROWS", 3)
    with pytest.raises(RosterTooLarge, match="more than 3 rows"):
        read_table("r.csv", ("姓名\n" + "a\n" * 4).encode())
    assert len(read_table("r.csv", ("姓名\n" + "a\n" * 3).encode())[1]) == 3
    with pytest.raises(UnsupportedRoster):
        read_table("old.xls", b"\xd0\xcf\x11\xe0rest")
    with pytest.raises(Invalid):
        read_table("broken.xlsx", b"PK\x03\x04 not really a zip")
    with pytest.raises(Invalid):
        read_table("empty.csv", b"  \n")


def test_exports_mask_phones_quote_formulas_and_write_yuan():
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone(None) == ""
    assert safe_cell("=cmd()") == "'=cmd()" and safe_cell("陈老师") == "陈老师"
    assert (fen_to_yuan(430_010), fen_to_yuan(5), fen_to_yuan(None)) == ("4300.10", "0.05", "")
    rows = [
        [
            "陈老师",
            "女",
            "1101**********0025",
            "138****8000",
            "T1",
            dt.date(2021, 9, 1),
            "4300.00",
            "",
            "第一小学",
            "在职",
        ]
    ]
    text = roster_export.to_csv(rows).decode("utf-8")
    assert text.startswith("\ufeff姓名,性别,身份证号")
    assert list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1][5] == "2021-09-01"
    sheet = load_workbook(io.BytesIO(roster_export.to_xlsx(rows))).active
    assert [c.value for c in sheet[1]][:3] == ["姓名", "性别", "身份证号"]
    assert sheet["F2"].value == dt.datetime(2021, 9, 1)
