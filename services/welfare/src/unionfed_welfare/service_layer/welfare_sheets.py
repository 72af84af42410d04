"""The welfare report and the grants list as .xlsx sheets, headed in the reader's language.

Money goes in as yuan numbers (Excel sums them), dates as dates; unions and members by name.
"""

import datetime as dt

from unionfed_shared.documents.spreadsheet import Cell, Yuan
from unionfed_shared.problems import Language
from unionfed_welfare.domain.grants import VISIT_LABELS
from unionfed_welfare.domain.outside_help import GROUP_LABELS

REPORT_HEADERS: dict[Language, tuple[str, ...]] = {
    "zh-CN": (
        "工会",
        "慰问类型",
        "慰问次数",
        "慰问金额（元）",
        "已发放笔数",
        "已发放金额（元）",
        "其中现金（元）",
        "其中物品（元）",
    ),
    "en": (
        "Union",
        "Visit",
        "Visits",
        "Granted (yuan)",
        "Paid",
        "Paid (yuan)",
        "Of which cash (yuan)",
        "Of which goods (yuan)",
    ),
}
REPORT_TOTALS: dict[Language, tuple[str, str]] = {
    "zh-CN": ("合计", "福利支出（账簿 {account}）"),
    "en": ("Total", "Welfare expense (ledger {account})"),
}
GRANT_HEADERS: dict[Language, tuple[str, ...]] = {
    "zh-CN": (
        "慰问日期",
        "会员",
        "所属工会",
        "慰问类型",
        "事由",
        "现金（元）",
        "物品（元）",
        "合计（元）",
        "状态",
        "发放日期",
        "备注",
    ),
    "en": (
        "Occasion on",
        "Member",
        "Union",
        "Visit",
        "Occasion",
        "Cash (yuan)",
        "Goods (yuan)",
        "Total (yuan)",
        "State",
        "Paid on",
        "Note",
    ),
}
# The states the welfare desk shows (console i18n grantStates), one word for the grant and its money.
GRANT_STATES: dict[Language, dict[str, str]] = {
    "zh-CN": {
        "awaiting_finance": "等待财务预留",
        "reserved": "已预留，待审批",
        "approved_awaiting_payment": "已审批，待支付",
        "paying": "支付中",
        "paid": "已发放",
        "refused": "财务拒绝",
        "cancelling": "取消中",
        "cancelled": "已取消",
    },
    "en": {
        "awaiting_finance": "Awaiting finance",
        "reserved": "Reserved, to approve",
        "approved_awaiting_payment": "Approved, awaiting payment",
        "paying": "Paying",
        "paid": "Paid",
        "refused": "Refused by finance",
        "cancelling": "Cancelling",
        "cancelled": "Cancelled",
    },
}
# Help beyond the members, under the grants: its own header row, one more column for the people reached.
OUTSIDE_HELP_HEADERS: dict[Language, tuple[str, ...]] = {
    "zh-CN": (
        "会员以外的帮扶",
        "帮扶对象",
        "帮扶次数",
        "帮扶金额（元）",
        "已发放笔数",
        "已发放金额（元）",
        "其中现金（元）",
        "其中物品（元）",
        "受益人数",
    ),
    "en": (
        "Help beyond the members",
        "Recipients",
        "Given",
        "Granted (yuan)",
        "Paid",
        "Paid (yuan)",
        "Of which cash (yuan)",
        "Of which goods (yuan)",
        "People reached",
    ),
}
REPORT_TITLE = {"zh-CN": "福利报表", "en": "Welfare report"}
GRANTS_TITLE = {"zh-CN": "慰问记录", "en": "Grants"}


def report_filename(language: Language, start: dt.date, end: dt.date) -> str:
    return f"{REPORT_TITLE[language]}-{start}-{end}.xlsx"


def grants_filename(language: Language, organization_name: str) -> str:
    return f"{GRANTS_TITLE[language]}-{organization_name}.xlsx"


def report_rows(report: dict, names: dict[str, str], language: Language) -> list[list[Cell]]:
    visit = VISIT_LABELS[language]
    rows: list[list[Cell]] = [
        [
            names.get(line["organization_id"], line["organization_id"]),
            visit[line["visit_type"]],
            line["visits"],
            Yuan.of_fen(line["granted_fen"]),
            line["paid"],
            Yuan.of_fen(line["paid_fen"]),
            Yuan.of_fen(line["paid_money_fen"]),
            Yuan.of_fen(line["paid_goods_fen"]),
        ]
        for line in report["grants"]
    ]
    totals = report["totals"]
    total, ledger = REPORT_TOTALS[language]
    rows.append(
        [
            total,
            None,
            totals["visits"],
            Yuan.of_fen(totals["granted_fen"]),
            totals["grants_paid"],
            Yuan.of_fen(totals["grants_paid_fen"]),
            None,
            None,
        ]
    )
    # Everything paid from welfare in the tree (greetings too): what the ledger's account shows.
    rows.append(
        [
            ledger.format(account=totals["ledger_account"]),
            None,
            None,
            None,
            None,
            Yuan.of_fen(totals["welfare_paid_fen"]),
            None,
            None,
        ]
    )
    if report.get("outside_help"):
        rows.append([])
        rows.append(list(OUTSIDE_HELP_HEADERS[language]))
        groups = GROUP_LABELS[language]
        rows.extend(
            [
                None,
                groups[line["group"]],
                line["given"],
                Yuan.of_fen(line["granted_fen"]),
                line["paid"],
                Yuan.of_fen(line["paid_fen"]),
                Yuan.of_fen(line["paid_money_fen"]),
                Yuan.of_fen(line["paid_goods_fen"]),
                line["people_reached"],
            ]
            for line in report["outside_help"]
        )
    return rows


def grant_rows(grants: list[dict], names: dict[str, str], language: Language) -> list[list[Cell]]:
    visit, states = VISIT_LABELS[language], GRANT_STATES[language]
    return [
        [
            grant["occasion_on"],
            grant["member_name"],
            names.get(grant["organization_id"], grant["organization_id"]),
            visit[grant["visit_type"]],
            grant["occasion_ref"],
            Yuan.of_fen(grant["money_fen"]),
            Yuan.of_fen(grant["goods_fen"]),
            Yuan.of_fen(grant["amount_fen"]),
            states.get(grant["state"], grant["state"]),
            grant["paid_on"],
            grant["note"],
        ]
        for grant in grants
    ]
