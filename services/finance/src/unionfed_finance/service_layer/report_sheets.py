"""The consolidated statement and the disclosure statement as .xlsx sheets.

Money goes in as yuan numbers (Excel sums them), dates as dates. The consolidated statement is
headed in the caller's language (Accept-Language), as its JSON's problems are; the disclosure
statement in the language it is printed in (its `lang`), so its sheet says what its page says.
"""

from collections.abc import Sequence
from typing import Protocol

from unionfed_finance.service_layer import disclosure_statement, report_format
from unionfed_shared.documents.spreadsheet import Cell, Yuan
from unionfed_shared.problems import Language


class ConsolidatedAccount(Protocol):
    code: str
    name: str
    name_zh: str
    combined_fen: int
    eliminated_fen: int
    consolidated_fen: int


class ConsolidatedStatement(Protocol):
    @property
    def accounts(self) -> Sequence[ConsolidatedAccount]: ...

    eliminated_debit_fen: int
    eliminated_credit_fen: int
    total_debit_balances_fen: int
    total_credit_balances_fen: int


CONSOLIDATED_TITLE: dict[Language, str] = {"zh-CN": "合并报表", "en": "Consolidated statement"}
CONSOLIDATED_HEADERS: dict[Language, tuple[str, ...]] = {
    "zh-CN": ("科目编码", "科目", "汇总数（元）", "内部抵销（元）", "合并数（元）"),
    "en": ("Code", "Account", "Combined (yuan)", "Eliminated (yuan)", "Consolidated (yuan)"),
}
CONSOLIDATED_TOTALS: dict[Language, tuple[str, str]] = {
    "zh-CN": ("借方余额合计", "贷方余额合计"),
    "en": ("Total debit balances", "Total credit balances"),
}
# The welfare detail's payments on a line (a greeting pays many members the same amount at once).
COUNT: dict[report_format.Lang, str] = {"zh": "人次", "en": "Count"}


def consolidated_filename(language: Language, organization_name: str) -> str:
    return f"{CONSOLIDATED_TITLE[language]}-{organization_name}.xlsx"


def consolidated_rows(statement: ConsolidatedStatement, language: Language) -> list[list[Cell]]:
    rows: list[list[Cell]] = [
        [
            account.code,
            account.name_zh if language == "zh-CN" else account.name,
            Yuan.of_fen(account.combined_fen),
            Yuan.of_fen(account.eliminated_fen),
            Yuan.of_fen(account.consolidated_fen),
        ]
        for account in statement.accounts
    ]
    debit, credit = CONSOLIDATED_TOTALS[language]
    rows.append(
        [
            None,
            debit,
            None,
            Yuan.of_fen(statement.eliminated_debit_fen),
            Yuan.of_fen(statement.total_debit_balances_fen),
        ]
    )
    rows.append(
        [
            None,
            credit,
            None,
            Yuan.of_fen(statement.eliminated_credit_fen),
            Yuan.of_fen(statement.total_credit_balances_fen),
        ]
    )
    return rows


def disclosure_filename(statement: disclosure_statement.Disclosure, lang: report_format.Lang) -> str:
    period = statement.period
    return f"{disclosure_statement.statement_title(statement, lang)}-{period.starts_on}-{period.ends_on}.xlsx"


def disclosure_headers(lang: report_format.Lang) -> tuple[str, ...]:
    t = report_format.LABELS[lang]
    return (t["code"], t["account"], t["amount"])


def disclosure_rows(statement: disclosure_statement.Disclosure, lang: report_format.Lang) -> list[list[Cell]]:
    """The summary as the page shows it, then the welfare entries under their own heading."""
    t = report_format.LABELS[lang]
    rows: list[list[Cell]] = [
        [row.code or None, row.label, None if row.amount_fen is None else Yuan.of_fen(row.amount_fen)]
        for row in disclosure_statement.disclosure_rows(statement, lang)
    ]
    rows += [
        [t["other_note"]],
        [],
        [t["welfare_detail"]],
        [t["date"], t["description"], COUNT[lang], t["cash"], t["goods"], t["amount"]],
    ]
    rows += [
        [
            entry.effective_date,
            entry.description,
            entry.count,
            Yuan.of_fen(entry.cash_fen),
            Yuan.of_fen(entry.goods_fen),
            Yuan.of_fen(entry.amount_fen),
        ]
        for entry in statement.welfare_entries
    ]
    rows += [[], [t["note"]]]
    return rows


ENTRIES_TITLE: dict[Language, str] = {"zh-CN": "分录", "en": "Entries"}
ENTRY_HEADERS: dict[Language, tuple[str, ...]] = {
    "zh-CN": ("序号", "记账日期", "摘要", "科目编码", "科目", "借方（元）", "贷方（元）"),
    "en": ("No.", "Date", "Description", "Code", "Account", "Debit (yuan)", "Credit (yuan)"),
}


def entries_filename(language: Language, organization_name: str) -> str:
    return f"{ENTRIES_TITLE[language]}-{organization_name}.xlsx"


def entry_rows(postings: Sequence[dict], language: Language) -> list[list[Cell]]:
    """One row per line, as a journal is read: the entry's number, date and description on each."""
    lang = report_format.statement_lang(language)
    return [
        [
            posting["sequence"],
            posting["effective_date"],
            posting["description"],
            line["account_code"],
            report_format.account_name(line["account_code"], lang),
            Yuan.of_fen(line["debit_fen"]) if line["debit_fen"] else None,
            Yuan.of_fen(line["credit_fen"]) if line["credit_fen"] else None,
        ]
        for posting in postings
        for line in posting["lines"]
    ]
