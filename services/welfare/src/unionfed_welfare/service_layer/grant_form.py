"""A grant's 慰问金（品）领取单: one member's visit on A4, for the member to sign for the money and goods.

The office prints it when the grant is handed over; the member signs for what they received, the
officer and the reviewer sign under it, and the slip goes with the voucher. The money is written
in figures and in capitals (大写), as on any paper voucher, and the goods with their value; the
grant's state as the welfare desk shows it tells whether the money is approved and paid yet.
"""

import datetime as dt

from unionfed_shared.amount_words import yuan_figure, yuan_in_capitals
from unionfed_shared.documents import printed_form as form
from unionfed_shared.problems import Language
from unionfed_welfare.domain.grants import VISIT_LABELS
from unionfed_welfare.service_layer.welfare_sheets import GRANT_STATES

WORDS: dict[form.Lang, dict[str, str]] = {
    "zh": {
        "title": "慰问金（品）领取单",
        "file": "慰问金领取单-{name}-{occasion_on}.pdf",
        "paying": "发放单位",
        "name": "姓名",
        "union": "所在工会",
        "visit": "慰问类型",
        "occasion_on": "慰问日期",
        "occasion_ref": "事由",
        "money": "慰问金（元）",
        "money_words": "慰问金（大写）",
        "goods": "慰问品",
        "item": "物品",
        "quantity": "数量",
        "value": "价值（元）",
        "goods_total": "慰问品合计",
        "no_goods": "无慰问品",
        "total": "合计（元）",
        "total_words": "合计（大写）",
        "state": "审批状态",
        "paid_on": "发放日期",
        "note": "备注",
        "recipient": "领取人",
        "officer": "经办人",
        "reviewer": "审核人",
        "notice": "领取人核对金额与物品无误后本人签字；代领的，注明代领人姓名及与领取人的关系。",
    },
    "en": {
        "title": "Receipt for a welfare grant",
        "file": "Grant receipt - {name} - {occasion_on}.pdf",
        "paying": "Paying union",
        "name": "Name",
        "union": "Union",
        "visit": "Visit",
        "occasion_on": "Occasion on",
        "occasion_ref": "Occasion",
        "money": "Cash (yuan)",
        "money_words": "Cash in words (大写)",
        "goods": "Goods",
        "item": "Item",
        "quantity": "Quantity",
        "value": "Value (yuan)",
        "goods_total": "Goods in all",
        "no_goods": "No goods",
        "total": "Total (yuan)",
        "total_words": "Total in words (大写)",
        "state": "Approval",
        "paid_on": "Paid on",
        "note": "Note",
        "recipient": "Recipient",
        "officer": "Prepared by",
        "reviewer": "Reviewed by",
        "notice": "The recipient checks the amount and the goods and signs in person; one who collects "
        "for them writes their own name and how they are related.",
    },
}


def _language(lang: form.Lang) -> Language:
    return "en" if lang == "en" else "zh-CN"


def file_name(grant: dict, head: form.Letterhead) -> str:
    return WORDS[head.lang]["file"].format(name=grant["member_name"] or "", occasion_on=grant["occasion_on"])


def render_receipt(grant: dict, head: form.Letterhead, *, member_union: str, printed_at: dt.datetime) -> str:
    """The slip as HTML for the PDF renderer; ``grant`` as ``grants.read`` answers it, ``head`` the
    paying union's (where the grant was recorded: the county visits its schools' members too),
    ``member_union`` the name of the union the member belongs to."""
    lang = head.lang
    words, e = WORDS[lang], form.escape
    language = _language(lang)

    def field(label: str, value: object, span: int = 1) -> str:
        colspan = f' colspan="{span}"' if span > 1 else ""
        return f'<td class="label">{e(label)}</td><td{colspan}>{e(value)}</td>'

    state = GRANT_STATES[language].get(grant["state"], grant["state"])
    fields = (
        '<table class="fields">'
        f"<tr>{field(words['name'], grant['member_name'])}{field(words['union'], member_union)}</tr>"
        f"<tr>{field(words['visit'], VISIT_LABELS[language][grant['visit_type']])}"
        f"{field(words['occasion_on'], grant['occasion_on'].isoformat())}</tr>"
        f"<tr>{field(words['occasion_ref'], grant['occasion_ref'], span=3)}</tr>"
        f"<tr>{field(words['money'], yuan_figure(grant['money_fen']))}"
        f"{field(words['money_words'], yuan_in_capitals(grant['money_fen']))}</tr>"
        "</table>"
    )
    goods = grant["goods"]
    goods_table = form.table(
        [
            form.Column(words["item"]),
            form.Column(words["quantity"], number=True),
            form.Column(words["value"], number=True),
        ],
        [(g["item"], f"{g['quantity']} {g['unit']}", yuan_figure(g["value_fen"])) for g in goods],
        total=(words["goods_total"], "", yuan_figure(grant["goods_fen"])) if goods else None,
        empty=words["no_goods"],
    )
    paid_on = grant.get("paid_on")
    totals = (
        '<table class="fields">'
        f"<tr>{field(words['total'], yuan_figure(grant['amount_fen']))}"
        f"{field(words['total_words'], yuan_in_capitals(grant['amount_fen']))}</tr>"
        f"<tr>{field(words['state'], state)}{field(words['paid_on'], paid_on.isoformat() if paid_on else '')}</tr>"
        f"<tr>{field(words['note'], grant['note'], span=3)}</tr>"
        "</table>"
    )
    body = (
        form.meta(
            [
                (words["paying"], head.organization_name),
                (form.WORDS[lang]["printed"], form.local_time(printed_at, head.tz)),
            ],
            lang,
        )
        + fields
        + f"<h2>{e(words['goods'])}</h2>"
        + goods_table
        + totals
        + f'<p class="note">{e(words["notice"])}</p>'
        + form.signatures([words["recipient"], words["officer"], words["reviewer"]], lang)
    )
    return form.page(words["title"], body, lang)
