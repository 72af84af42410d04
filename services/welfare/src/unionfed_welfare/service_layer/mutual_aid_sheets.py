"""The mutual-aid fund's statement as an .xlsx sheet, headed in the reader's language: a line per
fund of the subtree and their total, then the movements finance refused with its reasons.

Money goes in as yuan numbers (Excel sums them); unions by name.
"""

import datetime as dt

from unionfed_shared.documents.spreadsheet import Cell, Yuan
from unionfed_shared.problems import Language

TITLE: dict[Language, str] = {"zh-CN": "互助金收支情况", "en": "Mutual-aid fund statement"}
HEADERS: dict[Language, tuple[str, ...]] = {
    "zh-CN": (
        "工会",
        "缴纳（元）",
        "其中待财务入账（元）",
        "借出（元）",
        "其中待财务入账（元）",
        "已还（元）",
        "其中待财务入账（元）",
        "借出未还（元）",
        "可借余额（元）",
        "逾期未还（元）",
        "在还借款（笔）",
        "逾期借款（笔）",
    ),
    "en": (
        "Union",
        "Contributed (yuan)",
        "Of which awaiting finance (yuan)",
        "Lent (yuan)",
        "Of which awaiting finance (yuan)",
        "Repaid (yuan)",
        "Of which awaiting finance (yuan)",
        "Outstanding (yuan)",
        "Available to lend (yuan)",
        "Overdue (yuan)",
        "Loans outstanding",
        "Loans overdue",
    ),
}
TOTAL: dict[Language, str] = {"zh-CN": "合计", "en": "Total"}
# The movements finance refused, under the funds: their own header row.
REFUSED_HEADERS: dict[Language, tuple[str, ...]] = {
    "zh-CN": ("财务拒绝入账", "工会", "金额（元）", "日期", "财务原因"),
    "en": ("Refused by finance", "Union", "Amount (yuan)", "On", "Finance's reason"),
}
MOVEMENTS: dict[Language, dict[str, str]] = {
    "zh-CN": {"contribution": "缴纳", "loan": "借出", "repayment": "还款"},
    "en": {"contribution": "Contribution", "loan": "Loan", "repayment": "Repayment"},
}


def filename(language: Language, organization_name: str, as_of: dt.date) -> str:
    return f"{TITLE[language]}-{organization_name}-{as_of}.xlsx"


def _figures(figures: dict) -> list[Cell]:
    return [
        Yuan.of_fen(figures["contributed_fen"]),
        Yuan.of_fen(figures["contributed_pending_fen"]),
        Yuan.of_fen(figures["lent_fen"]),
        Yuan.of_fen(figures["lent_pending_fen"]),
        Yuan.of_fen(figures["repaid_fen"]),
        Yuan.of_fen(figures["repaid_pending_fen"]),
        Yuan.of_fen(figures["outstanding_fen"]),
        Yuan.of_fen(figures["available_fen"]),
        Yuan.of_fen(figures["overdue_fen"]),
        figures["loans_outstanding"],
        figures["loans_overdue"],
    ]


def statement_rows(statement: dict, names: dict[str, str], language: Language) -> list[list[Cell]]:
    """A line per fund, the subtree's total, then what finance refused (if anything)."""
    rows: list[list[Cell]] = [
        [names.get(fund["organization_id"], fund["organization_id"]), *_figures(fund)] for fund in statement["funds"]
    ]
    rows.append([TOTAL[language], *_figures(statement["subtree"])])
    if statement["refused_by_finance"]:
        movements = MOVEMENTS[language]
        rows.append([])
        rows.append(list(REFUSED_HEADERS[language]))
        rows.extend(
            [
                movements[refused["movement"]],
                names.get(refused["organization_id"], refused["organization_id"]),
                Yuan.of_fen(refused["amount_fen"]),
                refused["on"],
                refused["finance_reason"],
            ]
            for refused in statement["refused_by_finance"]
        )
    return rows


def organizations_named(statement: dict) -> set[str]:
    """Every organization the sheet names: the statement's own, its funds', the refused movements'."""
    return (
        {statement["organization_id"]}
        | {fund["organization_id"] for fund in statement["funds"]}
        | {refused["organization_id"] for refused in statement["refused_by_finance"]}
    )
