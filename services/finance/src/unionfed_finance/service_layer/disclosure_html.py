"""The public disclosure (校务公开) as HTML: the page on screen, and the sheet that is printed and posted.

The printed sheet is the same statement with what paper needs: A4 pages numbered "第 n 页，共 m
页", lines for the signatures, and a QR code of the public check (see
:mod:`unionfed_finance.service_layer.disclosure_check`) so anyone holding the paper can compare it
with the books. The QR code is inline SVG, so the PDF renderer fetches nothing.
"""

import html

import segno

from unionfed_finance.service_layer.disclosure_statement import (
    Disclosure,
    disclosure_rows,
    statement_title,
    welfare_cells,
    welfare_heading,
)
from unionfed_finance.service_layer.report_format import LABELS, PAGE_STYLE, Lang, format_yuan, html_page, shanghai_time
from unionfed_shared.documents import printed_form


def _body(statement: Disclosure, lang: Lang) -> str:
    t, e = LABELS[lang], html.escape
    colon = "：" if lang == "zh" else ": "
    summary = []
    for row in disclosure_rows(statement, lang):
        amount = "" if row.amount_fen is None else format_yuan(row.amount_fen, grouping=True)
        summary.append(
            f'<tr class="{row.kind}"><td>{e(row.code)}</td><td>{e(row.label)}</td><td class="amount">{amount}</td></tr>'
        )
    details = [
        "<tr>"
        + "".join(
            f'<td class="amount">{e(cell)}</td>' if i >= 2 else f"<td>{e(cell)}</td>"
            for i, cell in enumerate(welfare_cells(entry, grouping=True))
        )
        + "</tr>"
        for entry in statement.welfare_entries
    ] or [f'<tr><td colspan="6">{e(t["no_entries"])}</td></tr>']
    return f"""<h1>{e(statement_title(statement, lang))}</h1>
<p class="meta">{e(t["union"])}{colon}{e(statement.organization_name)}<br>
{e(t["period"])}{colon}{e(str(statement.period))}<br>
{e(t["generated"])}{colon}{e(shanghai_time(statement.generated_at))}<br>
{e(t["head"])}{colon}{e(t["sequence"])} {statement.head.sequence}, {e(t["hash"])} <code>{e(statement.head.hash)}</code></p>
<table>
<thead><tr><th>{e(t["code"])}</th><th>{e(t["account"])}</th><th>{e(t["amount"])}</th></tr></thead>
<tbody>
{chr(10).join(summary)}
</tbody>
</table>
<p class="note">{e(t["other_note"])}</p>
<h2>{e(t["welfare_detail"])}</h2>
<table>
<thead><tr>{"".join(f"<th>{e(heading)}</th>" for heading in welfare_heading(t))}</tr></thead>
<tbody>
{chr(10).join(details)}
</tbody>
</table>
<p class="note">{e(t["note"])}</p>"""


def render_disclosure_html(statement: Disclosure, lang: Lang = "zh") -> str:
    return html_page(statement_title(statement, lang), lang, _body(statement, lang))


PRINT_WORDS: dict[Lang, dict[str, str]] = {
    "zh": {
        "check": "扫码核验：用手机扫描二维码，无需登录即可核对本表数字与工会账簿是否一致。",
        "signatures": "工会主席|经费审查委员会|制表人",
    },
    "en": {
        "check": "Scan the QR code with a phone to check, without signing in, that these figures agree with the union's books.",
        "signatures": "Union chair|Audit committee|Prepared by",
    },
}

# The A4 frame (numbered pages, Noto CJK fonts, signature lines) is every printed form's; the
# statement adds its QR code's box.
_CHECK_STYLE = """
.check{break-inside:avoid;margin-top:1.5em}.check td{border:none;vertical-align:middle}
.check svg{width:36mm;height:36mm}.check a{font-size:7pt;word-break:break-all;color:#555}
"""


def _qr_svg(url: str) -> str:
    # Medium error correction still reads when the posted sheet is creased or a little dirty.
    return segno.make(url, error="m").svg_inline(scale=4, border=2)


def render_disclosure_print(statement: Disclosure, lang: Lang, check_url: str) -> str:
    """The sheet to print: the statement, signature lines and the QR code of ``check_url``."""
    words, e = PRINT_WORDS[lang], html.escape
    extra = f"""
{printed_form.signatures(words["signatures"].split("|"), lang)}
<table class="check"><tr><td>{_qr_svg(check_url)}</td>
<td><p>{e(words["check"])}</p><a href="{e(check_url)}">{e(check_url)}</a></td></tr></table>"""
    style = PAGE_STYLE + printed_form.STYLE % {"page": printed_form.PAGE_NUMBER[lang]} + _CHECK_STYLE
    return html_page(statement_title(statement, lang), lang, _body(statement, lang) + extra, style=style)
