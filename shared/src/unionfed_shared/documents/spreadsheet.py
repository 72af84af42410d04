"""A report as an .xlsx sheet: a header row in the reader's language, then typed cells.

Cells keep their type so Excel can sum and sort them: money is passed as `Yuan` (from integer fen)
and shown with two decimals, dates as dates. Text that Excel would read as a formula is written as
text, so a name typed as `=HYPERLINK(…)` stays a name.
"""

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

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


def _append_rows(sheet, rows: Iterable[Sequence[Cell]]) -> None:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    for row in rows:
        cells = []
        for value in row:
            if isinstance(value, dt.datetime) and value.tzinfo is not None:
                # Excel has no time zones: the caller converts to the federation's wall clock first.
                raise ValueError("a sheet's time must be the federation's local time, without tzinfo")
            if isinstance(value, str):
                # A control character cannot be written to the sheet's XML (openpyxl would fail the
                # whole file); it shows as U+FFFD instead.
                value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
            cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]  # openpyxl writes dates; its stubs say datetime only
            if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
                cell.data_type = "s"
            elif isinstance(value, Yuan):
                cell.number_format = YUAN_FORMAT
            elif isinstance(value, dt.datetime):
                cell.number_format = DATE_FORMAT + " hh:mm"
            elif isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
            cells.append(cell)
        sheet.append(cells)


# A report's route declares its sheet beside its JSON (FastAPI merges this into the 200 answer).
def openapi_responses(description: str) -> dict[int | str, dict]:
    """A route's OpenAPI ``responses`` when it also answers this sheet (``?format=xlsx``), beside its JSON."""
    return downloads.file_responses(description, MEDIA_TYPE)


def xlsx_download(filename: str, title: str, headers: Sequence[str], rows: Iterable[Sequence[Cell]]):
    """The sheet as a download named `filename` (a Chinese name is kept, RFC 6266 filename*)."""
    return downloads.attachment(to_xlsx(title, headers, rows), MEDIA_TYPE, filename)
