"""The frame of every form a union office prints, hands round and files: an A4 page as HTML for
:func:`unionfed_shared.documents.pdf.render_pdf`.

Each page is numbered "第 n 页，共 m 页" at its foot; the title, the organization and the date it
was printed (on the federation's wall clock) head it; tables repeat their header on every page and
never split a row; signature lines close it. The text is set in Debian's fonts-noto-cjk: serif for
the body, sans for headings and tables' heads. A service writes only its form's own body.
"""

import datetime as dt
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from unionfed_shared.directory import Directory

Lang = Literal["zh", "en"]

# What WeasyPrint writes at the foot of each page (CSS generated content: the counters are its own).
PAGE_NUMBER: dict[Lang, str] = {
    "zh": '"第 " counter(page) " 页，共 " counter(pages) " 页"',
    "en": '"Page " counter(page) " of " counter(pages)',
}

WORDS: dict[Lang, dict[str, str]] = {
    "zh": {"printed": "打印时间", "date": "日期", "signature": "（签字）", "colon": "："},
    "en": {"printed": "Printed", "date": "Date", "signature": " (signature)", "colon": ": "},
}

# The sheet's look: the screen styles do not apply (a form is only ever printed).
STYLE = """
@page{size:A4;margin:16mm 14mm 18mm 14mm;@bottom-center{content:%(page)s;font-size:9pt;color:#555;
font-family:"Noto Sans CJK SC",sans-serif}}
body{font-family:"Noto Serif CJK SC","Noto Serif CJK",serif;font-size:10pt;margin:0;color:#111}
h1,h2,th,.meta{font-family:"Noto Sans CJK SC","Noto Sans CJK",sans-serif}
h1{font-size:15pt;text-align:center;margin:0 0 .6em}h2{font-size:12pt;margin:1.2em 0 .4em}
table{border-collapse:collapse;width:100%%;margin:.6em 0}
th,td{border:1px solid #777;padding:.35em .5em;text-align:left;vertical-align:top}
td.number{text-align:right;font-variant-numeric:tabular-nums}
.number,.nowrap{white-space:nowrap}
td.sign{width:22%%;height:2.2em}tr.total td{font-weight:bold}tr.flagged td{background:#fbe9e7}
thead{display:table-header-group}tr{break-inside:avoid}
.meta{color:#333;font-size:9.5pt;margin:.2em 0 .8em}.note{color:#444;font-size:9pt}
table.fields td{padding:.6em .5em}table.fields td.label{width:18%%;font-family:"Noto Sans CJK SC",sans-serif}
.statement{border:1px solid #777;padding:.8em;min-height:6em;line-height:1.8}
table.signatures{border:none;margin-top:2.2em;break-inside:avoid}
table.signatures td{border:none;padding:1.8em .4em 0 0}
"""


@dataclass(frozen=True)
class Column:
    """A table column: its heading, whether it holds a figure (set right-aligned), and any CSS
    class of its cells (``nowrap`` keeps a short name on one line, ``sign`` is a box to sign in)."""

    heading: str
    number: bool = False
    css_class: str = ""


def escape(value: object) -> str:
    return html.escape("" if value is None else str(value))


def local_time(moment: dt.datetime, tz: ZoneInfo) -> str:
    """A moment as the federation's wall clock shows it, to the minute."""
    if moment.tzinfo is None:
        raise ValueError("a printed time is timezone-aware")
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def meta(lines: Iterable[tuple[str, object]], lang: Lang) -> str:
    """The lines under the title: ``label：value`` each."""
    colon = WORDS[lang]["colon"]
    return '<p class="meta">' + "<br>".join(f"{escape(k)}{colon}{escape(v)}" for k, v in lines) + "</p>"


def table(
    columns: Sequence[Column],
    rows: Iterable[Sequence[object]],
    *,
    total: Sequence[object] | None = None,
    flagged: Iterable[bool] = (),
    empty: str = "",
) -> str:
    """A table whose header repeats on every page; ``flagged`` rows are shaded (e.g. overdue)."""

    def classes(column: Column) -> str:
        names = " ".join(c for c in ("number" if column.number else "", column.css_class) if c)
        return f' class="{names}"' if names else ""

    head = "".join(f"<th{classes(c)}>{escape(c.heading)}</th>" for c in columns)
    flags = iter(flagged)

    def cells(values: Sequence[object]) -> str:
        return "".join(f"<td{classes(c)}>{escape(v)}</td>" for c, v in zip(columns, values, strict=True))

    body = [f"<tr{' class=flagged' if next(flags, False) else ''}>{cells(row)}</tr>" for row in rows]
    if not body and empty:
        body = [f'<tr><td colspan="{len(columns)}">{escape(empty)}</td></tr>']
    if total is not None:
        body.append(f'<tr class="total">{cells(total)}</tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def signatures(roles: Sequence[str], lang: Lang, *, seal: str | None = None, dated: bool = True) -> str:
    """A line to sign for each of ``roles`` (经办人, 审核人 …), then one for ``seal`` (工会（盖章）) if
    given, each with its date when ``dated``."""
    words = WORDS[lang]
    labels = [f"{role}{words['signature']}" for role in roles] + ([seal] if seal else [])
    names = "".join(f"<td>{escape(label)}{words['colon']}</td>" for label in labels)
    dates = "".join(f"<td>{escape(words['date'])}{words['colon']}</td>" for _ in labels) if dated else ""
    return f'<table class="signatures"><tr>{names}</tr>{f"<tr>{dates}</tr>" if dates else ""}</table>'


def page(title: str, body: str, lang: Lang = "zh", *, extra_style: str = "") -> str:
    """The whole HTML document: ``title`` as its heading, then ``body`` (already escaped HTML)."""
    style = STYLE % {"page": PAGE_NUMBER[lang]} + extra_style
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{escape(title)}</title>\n<style>{style}</style>\n</head>\n<body>\n<h1>{escape(title)}</h1>\n"
        f"{body}\n</body>\n</html>\n"
    )


def lang_of(language: str) -> Lang:
    """A federation's language (``zh-CN`` or ``en``) as the form's."""
    return "en" if language == "en" else "zh"


@dataclass(frozen=True)
class Letterhead:
    """Whose form it is: the organization's name, and its federation's language and time zone."""

    organization_name: str
    lang: Lang
    tz: ZoneInfo


async def letterhead(directory: "Directory", session: "AsyncSession", organization_id: str) -> Letterhead:
    """The letterhead of an organization in a service's directory copy (its id if the name is unknown yet)."""
    locale = await directory.locale_of(session, organization_id)
    name = await directory.name_of(session, organization_id)
    return Letterhead(name or organization_id, lang_of(locale.language), locale.time_zone)
