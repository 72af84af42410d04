"""The festival greeting's 慰问金签收单 (titled e.g. 春节慰问签收单): every recipient on A4, each with a box to sign in.

The office prints it, the recipients sign for the money, the officer and the reviewer sign under
the totals, and the sheet goes with the vouchers. A recipient who was not paid (skipped, or
refused by finance) stays on the list, marked, without an amount and out of the total, so the
sheet accounts for everyone the greeting was for.
"""

import datetime as dt

from unionfed_shared.amount_words import yuan_figure
from unionfed_shared.documents import printed_form as form
from unionfed_welfare.domain import greetings as rules

NOT_PAID = (rules.SKIPPED, rules.REFUSED)

WORDS: dict[form.Lang, dict[str, str]] = {
    "zh": {
        "title": "{festival}签收单",
        "file": "{festival}签收单-{organization}.pdf",
        "organization": "发放单位",
        "festival": "慰问项目",
        "paid_on": "发放日期",
        "amount_each": "每人金额（元）",
        "no": "序号",
        "union": "所在工会",
        "name": "姓名",
        "amount": "金额（元）",
        "state": "发放状态",
        "sign": "签名",
        "total": "合计：{count} 人",
        "note": "请领取人本人签名。标明“未发放”的人员不在合计之内，无需签名。",
        "officer": "经办人",
        "reviewer": "审核人",
    },
    "en": {
        "title": "{festival}: signed receipt list",
        "file": "{festival} receipt list - {organization}.pdf",
        "organization": "Paying union",
        "festival": "Greeting",
        "paid_on": "Paid on",
        "amount_each": "Amount each (yuan)",
        "no": "No.",
        "union": "Union",
        "name": "Name",
        "amount": "Amount (yuan)",
        "state": "State",
        "sign": "Signature",
        "total": "Total: {count} people",
        "note": "Each recipient signs in person. Those marked not paid are outside the total and do not sign.",
        "officer": "Prepared by",
        "reviewer": "Reviewed by",
    },
}

STATE_WORDS: dict[form.Lang, dict[str, str]] = {
    "zh": {
        rules.PENDING: "待发放",
        rules.REQUESTED: "发放中",
        rules.PAY_REQUESTED: "发放中",
        rules.PAID: "已发放",
        rules.SKIPPED: "未发放（不符合条件）",
        rules.REFUSED: "未发放（财务未拨付）",
    },
    "en": {
        rules.PENDING: "to be paid",
        rules.REQUESTED: "being paid",
        rules.PAY_REQUESTED: "being paid",
        rules.PAID: "paid",
        rules.SKIPPED: "not paid (not eligible)",
        rules.REFUSED: "not paid (refused by finance)",
    },
}


def _festival(batch: rules.GreetingBatch, lang: form.Lang) -> str:
    return rules.festival_name(batch.festival, "en" if lang == "en" else "zh-CN")


def file_name(batch: rules.GreetingBatch, head: form.Letterhead) -> str:
    return WORDS[head.lang]["file"].format(festival=_festival(batch, head.lang), organization=head.organization_name)


def render_sign_sheet(
    batch: rules.GreetingBatch, recipients: list[rules.SignSheetLine], head: form.Letterhead, *, printed_at: dt.datetime
) -> str:
    """The sheet as HTML for the PDF renderer; ``recipients`` as ``greetings.sign_sheet_rows`` gives them."""
    lang = head.lang
    words, states = WORDS[lang], STATE_WORDS[lang]
    festival = _festival(batch, lang)
    amount = batch.amount_fen
    columns = [
        form.Column(words["no"], number=True),
        form.Column(words["union"]),
        form.Column(words["name"]),
        form.Column(words["amount"], number=True),
        form.Column(words["state"]),
        form.Column(words["sign"], css_class="sign"),
    ]
    rows, paid_count = [], 0
    for number, recipient in enumerate(recipients, start=1):
        not_paid = recipient.status in NOT_PAID
        paid_count += not not_paid
        rows.append(
            (
                number,
                recipient.organization_name,
                recipient.display_name,
                "—" if not_paid else yuan_figure(amount),
                states.get(recipient.status, recipient.status),
                "",
            )
        )
    total = ("", words["total"].format(count=paid_count), "", yuan_figure(paid_count * amount), "", "")
    body = (
        form.meta(
            [
                (words["organization"], head.organization_name),
                (words["festival"], festival),
                (words["paid_on"], batch.paid_on.isoformat()),
                (words["amount_each"], yuan_figure(amount)),
                (form.WORDS[lang]["printed"], form.local_time(printed_at, head.tz)),
            ],
            lang,
        )
        + form.table(columns, rows, total=total, flagged=(r.status in NOT_PAID for r in recipients))
        + f'<p class="note">{form.escape(words["note"])}</p>'
        + form.signatures([words["officer"], words["reviewer"]], lang)
    )
    return form.page(words["title"].format(festival=festival), body, lang)
