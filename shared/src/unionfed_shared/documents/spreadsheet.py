"""A report as an .xlsx sheet: a header row in the reader's language, then typed cells; or a
form-like sheet (``FormSheet``: a title, header lines, a bordered table, a footer, merged cells) in
the layout an upper union asks for.

Cells keep their type so Excel can sum and sort them: money is passed as `Yuan` (from integer fen)
and shown with two decimals, dates as dates. Text that Excel would read as a formula is written as
text, so a name typed as `=HYPERLINK(…)` stays a name.
"""

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from unionfed_shared.documents import downloads

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YUAN_FORMAT = "#,##0.00"
DATE_FORMAT = "yyyy-mm-dd"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class Yuan(Decimal):
    """An amount of money for a sheet, made from integer fen (the only money the services keep)."""

    @classmethod
    def of_fen(cls, fen: int) -> "Yuan":
        return cls(Decimal(fen).scaleb(-2))


# Decimal: a figure that is not money, as a rate in percent with its two decimals.
Cell = str | int | Yuan | Decimal | dt.date | dt.datetime | None


def to_xlsx(title: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> bytes:
    # Imported when first used, like WeasyPrint: only a download needs it.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    # A sheet title may not hold []:*?/\ and is at most 31 characters.
    sheet = workbook.create_sheet("".join("_" if c in "[]:*?/\\" else c for c in title)[:31] or "Sheet")
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = Font(bold=True)
        header_cells.append(cell)
    sheet.append(header_cells)
    try:
        _append_rows(sheet, rows)
    except Exception:
        sheet.close()  # ends the half-written sheet's writer instead of leaving it to the collector
        raise
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _typed(cell, value: Cell) -> None:
    """Give ``cell`` the value with its type kept: text that looks like a formula stays text, money
    and dates get their formats."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        # Excel has no time zones: the caller converts to the federation's wall clock first.
        raise ValueError("a sheet's time must be the federation's local time, without tzinfo")
    if isinstance(value, str):
        # A control character cannot be written to the sheet's XML (openpyxl would fail the
        # whole file); it shows as U+FFFD instead.
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"
    elif isinstance(value, Yuan):
        cell.number_format = YUAN_FORMAT
    elif isinstance(value, dt.datetime):
        cell.number_format = DATE_FORMAT + " hh:mm"
    elif isinstance(value, dt.date):
        cell.number_format = DATE_FORMAT


def _append_rows(sheet, rows: Iterable[Sequence[Cell]]) -> None:
    from openpyxl.cell import WriteOnlyCell

    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet)
            _typed(cell, value)
            cells.append(cell)
        sheet.append(cells)


# A form-like sheet (the layout an upper union asks for): a title over the table, header lines,
# the table with borders, a footer; cells may span columns (merged) and carry their own format.


@dataclass(frozen=True)
class Styled:
    """A cell of a form-like sheet: its value, how many columns it spans (merged), and its look."""

    value: Cell = None
    span: int = 1
    bold: bool = False
    size: int | None = None  # font size in points
    align: Literal["left", "center", "right"] | None = None
    indent: int = 0
    number_format: str | None = None  # e.g. "#,##0.00" for 万元 with two decimals
    border: bool = False


@dataclass(frozen=True)
class FormSheet:
    """A sheet laid out line by line: each line a row of cells from column A (a plain value is a
    cell without style); ``widths`` the columns' widths in characters."""

    name: str
    lines: Sequence[Sequence[Styled | Cell]]
    widths: Sequence[float] = ()


def number_format(decimals: int, *, grouped: bool = True) -> str:
    """An Excel number format with this many decimals: 2 → "#,##0.00", 0 → "#,##0"."""
    whole = "#,##0" if grouped else "0"
    return whole + ("." + "0" * decimals if decimals else "")


def form_xlsx(form: FormSheet) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.create_sheet(index=0)
    workbook.remove(workbook.worksheets[1])
    sheet.title = "".join("_" if c in "[]:*?/\\" else c for c in form.name)[:31] or "Sheet"
    thin = Side(style="thin")
    for r, line in enumerate(form.lines, start=1):
        column = 1
        for item in line:
            styled = item if isinstance(item, Styled) else Styled(item)
            cell = sheet.cell(row=r, column=column)
            _typed(cell, styled.value)
            if styled.number_format:
                cell.number_format = styled.number_format
            if styled.bold or styled.size:
                cell.font = Font(bold=styled.bold, size=styled.size)
            if styled.align or styled.indent:
                cell.alignment = Alignment(horizontal=styled.align, indent=styled.indent, vertical="center")
            if styled.border:
                for c in range(column, column + styled.span):
                    sheet.cell(row=r, column=c).border = Border(left=thin, right=thin, top=thin, bottom=thin)
            if styled.span > 1:
                sheet.merge_cells(start_row=r, start_column=column, end_row=r, end_column=column + styled.span - 1)
            column += styled.span
    for n, width in enumerate(form.widths, start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def form_download(filename: str, form: FormSheet):
    """A form-like sheet as a download named `filename`."""
    return downloads.attachment(form_xlsx(form), MEDIA_TYPE, filename)


# A report's route declares its sheet beside its JSON (FastAPI merges this into the 200 answer).
def openapi_responses(description: str) -> dict[int | str, dict]:
    """A route's OpenAPI ``responses`` when it also answers this sheet (``?format=xlsx``), beside its JSON."""
    return downloads.file_responses(description, MEDIA_TYPE)


def xlsx_download(filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]]):
    """The sheet as a download named `filename` (a Chinese name is kept, RFC 6266 filename*)."""
    return downloads.attachment(to_xlsx(title, headers, rows), MEDIA_TYPE, filename)
