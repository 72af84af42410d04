"""Hostile roster files: formula injection, wrong encodings, huge files and zip bombs are refused cleanly.

Every refused import answers a 4xx with a reason and leaves the database as it was (every table but
the audit log compared row by row). An export never emits a cell a spreadsheet would run.
"""

import csv
import io
import time
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from tests.badinput.conftest import changed_tables, db_fingerprint, seed_service
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import roster_import

pytestmark = pytest.mark.integration

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["姓名", "性别", "工号", "入会日期", "工会小组"]
FORMULAS = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", " =1", "\n=1", '=HYPERLINK("http://evil","x")']
DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


def xlsx(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


@pytest.fixture
async def union(build_service):
    seeded = await seed_service(build_service, definition)
    async with seeded.client() as api:
        yield seeded, api


async def refused_without_change(seeded, api, name, data, media_type, status: int | tuple, words=()):
    before = await db_fingerprint(seeded.runtime)
    started = time.monotonic()
    response = await api.post(
        f"/v1/organizations/{seeded.school}/roster-imports",
        params={"import_valid_rows": "false"},
        files={"file": (name, data, media_type)},
        headers=seeded.admin,
    )
    took = time.monotonic() - started
    statuses = status if isinstance(status, tuple) else (status,)
    assert response.status_code in statuses, (name, response.status_code, response.text[:500])
    text = response.text
    assert all(word in text for word in words), (name, words, text[:500])
    after = await db_fingerprint(seeded.runtime)
    assert changed_tables(before, after) == {}, (
        f"{name}: a refused import changed {sorted(changed_tables(before, after))}"
    )
    return response, took


async def test_formula_cells_are_refused_in_csv_and_xlsx_and_nothing_is_imported(union):
    seeded, api = union
    rows = []
    for i, formula in enumerate(FORMULAS):
        rows += [[formula, "女", f"F{i}", "2020-09-01", ""], [f"教师{i}", "女", formula, "2020-09-01", ""]]
    rows.append(["好老师", "女", "OK1", "2020-09-01", "=cmd|' /C calc'!A0"])
    rows.append(["好老师二", "女", "OK2", "2020-09-01", ""])  # a good row: still nothing is imported
    for name, data, media_type in (("r.csv", csv_bytes(rows), "text/csv"), ("r.xlsx", xlsx(rows), XLSX)):
        response, _ = await refused_without_change(seeded, api, name, data, media_type, 422)
        body = response.json()
        assert body["imported"] is False and body["created"] == 0
        formula_lines = [r["line"] for r in body["refused_rows"] if r["code"] == "roster_cell_formula"]
        # Line 1 is the header; every row but the last good one holds a formula.
        assert formula_lines == list(range(2, len(rows) + 1)), (name, body["refused_rows"])

    # A real formula in a cell (not text that looks like one) is read as its text and refused too.
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER)
    sheet.append(["张老师", "女", "Z1", "2020-09-01", ""])
    sheet["A2"] = '=HYPERLINK("http://evil","张老师")'
    buffer = io.BytesIO()
    workbook.save(buffer)
    response, _ = await refused_without_change(
        seeded, api, "f.xlsx", buffer.getvalue(), XLSX, 422, ("roster_cell_formula",)
    )


async def test_an_export_never_emits_a_cell_a_spreadsheet_would_run(union):
    seeded, api = union
    # Names that reached the database another way (an enrolment over HTTP does not forbid them).
    for i, name in enumerate(FORMULAS):
        body = {"display_name": name, "gender": "female", "joined_on": "2020-09-01", "staff_no": FORMULAS[-1 - i]}
        response = await api.post(f"/v1/organizations/{seeded.school}/members", json=body, headers=seeded.admin)
        assert response.status_code in (201, 422), response.text
    as_csv = await api.get(
        f"/v1/organizations/{seeded.federation}/roster", params={"format": "csv"}, headers=seeded.admin
    )
    assert as_csv.status_code == 200, as_csv.text
    cells = [cell for row in csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))) for cell in row]
    as_xlsx = await api.get(
        f"/v1/organizations/{seeded.federation}/roster", params={"format": "xlsx"}, headers=seeded.admin
    )
    assert as_xlsx.status_code == 200, as_xlsx.text
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    cells += [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(c.lstrip("'").startswith("=") for c in cells), "the formula-like names were not exported at all"
    runnable = [c for c in cells if c.strip().startswith(DANGEROUS_START)]
    assert runnable == [], f"the export would run: {runnable}"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row), "a formula cell in the .xlsx"


@pytest.mark.parametrize(
    "label, data, words",
    [
        ("UTF-16 with a BOM", csv_bytes([["李老师", "女", "L1", "2020-09-01", ""]], "utf-16"), ("UTF-16",)),
        ("UTF-16 without a BOM", csv_bytes([["李老师", "女", "L1", "2020-09-01", ""]], "utf-16-le"), ()),
        ("Latin-1 garbage", b"\xc9l\xe8ve,f\xe9minin,\xff\xfe\x80\n\xe9,\xe0,\xff\n", ()),
        ("binary noise", bytes(range(256)) * 64, ()),
        ("NUL bytes", b"\x00" * 4096, ()),
        ("an empty file", b"", ("roster_empty",)),
        ("only a BOM", b"\xef\xbb\xbf", ()),
        (
            "a CSV field past csv's limit",
            "姓名,性别,入会日期\n".encode() + b'"' + b"x" * 200_000 + b'",\xe5\xa5\xb3,2020-09-01\n',
            (),
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
async def test_wrong_encodings_and_garbage_get_a_clear_4xx_and_change_nothing(union, label, data, words):
    seeded, api = union
    response, _ = await refused_without_change(seeded, api, "r.csv", data, "text/csv", (400, 413, 415, 422), words)
    assert response.json().get("detail"), f"{label}: no reason given"


async def test_huge_uploads_and_zip_bombs_are_refused_quickly_and_change_nothing(union):
    seeded, api = union
    over = b"a" * (roster_import.MAX_BYTES + 1)
    _, took = await refused_without_change(
        seeded, api, "big.csv", over, "text/csv", 413, ("roster_too_large", "字节的上限")
    )
    assert took < 10

    rows = "姓名,性别,入会日期\n" + "甲,女,2020-09-01\n" * (roster_import.MAX_ROWS + 1)
    await refused_without_change(
        seeded, api, "many.csv", rows.encode(), "text/csv", 413, ("roster_too_large", "行，请拆分")
    )

    # A workbook of a few hundred KB whose one cell unpacks to far more than any roster holds.
    template = xlsx([["甲", "女", "A1", "2020-09-01", ""]])
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(template)) as source, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                target.writestr(info, source.read(info.filename))
                continue
            with target.open(info.filename, "w") as out:
                out.write(
                    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                    b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
                    b'<row r="2"><c r="A2" t="inlineStr"><is><t>'
                )
                chunk = b"A" * 1024 * 1024
                for _ in range(roster_import.MAX_XLSX_UNPACKED_BYTES // len(chunk) + 1):
                    out.write(chunk)
                out.write(b"</t></is></c></row></sheetData></worksheet>")
    data = bomb.getvalue()
    assert len(data) < roster_import.MAX_BYTES
    _, took = await refused_without_change(seeded, api, "bomb.xlsx", data, XLSX, 413, ("roster_too_large", "解压后"))
    assert took < 10, f"the zip bomb took {took:.1f}s to refuse"

    # Many rows in a small workbook: refused by row count while streaming, not by reading them all.
    many = xlsx([["甲", "女", f"M{i}", "2020-09-01", ""] for i in range(roster_import.MAX_ROWS + 1)])
    await refused_without_change(seeded, api, "many.xlsx", many, XLSX, 413, ("roster_too_large", "行，请拆分"))

    for name, data in (("not-a-zip.xlsx", b"PK\x03\x04" + b"\x00" * 100), ("old.xls", b"\xd0\xcf\x11\xe0old")):
        await refused_without_change(seeded, api, name, data, XLSX, (415, 422))
