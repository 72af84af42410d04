"""How figures read in every finance report: yuan from fen, Beijing time, periods, account names, a page."""

import datetime as dt
import html
import re
from dataclasses import dataclass
from typing import Literal

from unionfed_finance.domain.ledger import (
    SHANGHAI,
    account_spec,
)
from unionfed_shared.errors import Invalid

Lang = Literal["zh", "en"]
BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only when it starts with this mark
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# ---------------------------------------------------------------- money and dates


def format_yuan(fen: int, grouping: bool = False) -> str:
    """``123456`` fen → ``"1234.56"`` (``"1,234.56"`` with grouping); exact, never a float."""
    if isinstance(fen, bool) or not isinstance(fen, int):
        raise TypeError(f"amounts are whole fen, not {type(fen).__name__}")
    yuan, cents = divmod(abs(fen), 100)
    whole = f"{yuan:,}" if grouping else str(yuan)
    return f"{'-' if fen < 0 else ''}{whole}.{cents:02d}"


def shanghai_time(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("report times are timezone-aware")
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


# The query parameters of a period, as a Chinese reader calls them.
_DAY_ZH = {"from": "开始日期（from）", "to": "结束日期（to）"}


@dataclass(frozen=True)
class Period:
    starts_on: dt.date
    ends_on: dt.date

    @classmethod
    def parse(cls, starts: str | None, ends: str | None) -> "Period":
        """Both ends given as YYYY-MM-DD, inclusive; anything else is refused with the reason."""
        days = []
        for name, value in (("from", starts), ("to", ends)):
            if not value:
                raise Invalid(
                    "date_missing",
                    zh=f"须填写{_DAY_ZH[name]}，格式为 YYYY-MM-DD",
                    en=f"'{name}' is required, as YYYY-MM-DD",
                )
            if not _ISO_DAY.match(value):
                raise Invalid(
                    "date_invalid",
                    zh=f"{_DAY_ZH[name]}须为 YYYY-MM-DD 格式的日期，而非 {value!r}",
                    en=f"'{name}' must be a date as YYYY-MM-DD, not {value!r}",
                )
            try:
                days.append(dt.date.fromisoformat(value))
            except ValueError as exc:
                raise Invalid(
                    "date_invalid",
                    zh=f"{_DAY_ZH[name]} {value!r} 不是有效日期",
                    en=f"'{name}' is not a real date: {value!r} ({exc})",
                ) from exc
        if days[0] > days[1]:
            raise Invalid(
                "date_range_reversed",
                zh=f"开始日期（{days[0]}）晚于结束日期（{days[1]}）",
                en=f"'from' ({days[0]}) is after 'to' ({days[1]})",
            )
        return cls(days[0], days[1])

    @property
    def bounds(self) -> tuple[dt.date, dt.date]:
        return self.starts_on, self.ends_on

    def __str__(self) -> str:
        return f"{self.starts_on.isoformat()} – {self.ends_on.isoformat()}"


# ---------------------------------------------------------------- labels

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "disclosure": "工会经费收支公开表",
        "audit_pack": "工会经费审查资料（民主理财小组）",
        "period": "期间",
        "generated": "生成时间（北京时间）",
        "opening": "期初银行存款及现金余额",
        "income": "收入",
        "expenditure": "支出",
        "income_total": "收入合计",
        "expenditure_total": "支出合计",
        "net": "本期收支结余（收入合计 − 支出合计）",
        "other": "非收支款项净收付（代管捐款、应付上缴款等）",
        "of_which": "其中：",
        "held": "代管捐款净收付（代收 − 拨付给受助人）",
        "other_note": (
            "非收支款项：经过工会银行账户、但不是工会自己收入或支出的钱。代管捐款是为受助人代收的捐款，"
            "收到时存入银行、拨付给受助人时付出，收付都不计入收入和支出；应付上缴款是已计入支出、"
            "尚未付给上级的经费，付出时银行减少而不再计支出。"
            "期末余额 = 期初余额 + 收入合计 − 支出合计 + 非收支款项净收付。"
        ),
        "cash": "现金",
        "goods": "实物（按价值计）",
        "count_times_amount": "人次 × 标准（元）",
        "closing": "期末银行存款及现金余额",
        "code": "科目编码",
        "account": "科目",
        "amount": "金额（元）",
        "welfare_detail": "职工福利支出明细",
        "date": "日期",
        "description": "摘要",
        "no_entries": "本期无此类支出",
        "head": "编制依据：生成时账簿链头",
        "sequence": "序号",
        "hash": "哈希",
        "note": (
            "说明：收入、支出为本期各收支科目的净发生额；期末余额 = 期初余额 + 收入合计 − 支出合计"
            " + 非收支款项净收付。受助人已作匿名处理。"
        ),
        "union": "单位",
    },
    "en": {
        "disclosure": "Statement of union income and expenditure",
        "audit_pack": "Term audit pack for the finance review group",
        "period": "Period",
        "generated": "Generated (Beijing time)",
        "opening": "Opening bank and cash balance",
        "income": "Income",
        "expenditure": "Expenditure",
        "income_total": "Total income",
        "expenditure_total": "Total expenditure",
        "net": "Surplus for the period (total income − total expenditure)",
        "other": "Bank movements that are not income or expenditure (donations held, remittances payable …)",
        "of_which": "of which: ",
        "held": "donations held for beneficiaries, net (received − paid to the beneficiary)",
        "other_note": (
            "Bank movements that are not income or expenditure: money that passed through the union's bank "
            "account without being the union's own income or expense. Donations are held for their "
            "beneficiary: received into the bank and paid out to the beneficiary, neither is income or "
            "expense. A remittance payable was counted as expense when it fell due and leaves the bank "
            "later without being counted again. Closing balance = opening balance + total income − total "
            "expenditure + bank movements that are not income or expenditure."
        ),
        "cash": "Cash",
        "goods": "Goods (at value)",
        "count_times_amount": "Count × amount (yuan)",
        "closing": "Closing bank and cash balance",
        "code": "Code",
        "account": "Account",
        "amount": "Amount (yuan)",
        "welfare_detail": "Welfare expense entries",
        "date": "Date",
        "description": "Description",
        "no_entries": "No such entries in this period",
        "head": "Built from the ledger head at generation time",
        "sequence": "sequence",
        "hash": "hash",
        "note": (
            "Income and expenditure are each account's net movement in the period; closing balance = "
            "opening balance + total income − total expenditure + other bank movements. "
            "Recipients are pseudonymised."
        ),
        "union": "Union",
    },
}


def statement_lang(language: str) -> Lang:
    """The statement's labels for a federation's language (zh-CN or en)."""
    return "en" if language == "en" else "zh"


def account_name(code: str, lang: Lang) -> str:
    spec = account_spec(code)
    return spec.name_zh if lang == "zh" else spec.name


def parent_code(code: str) -> str:
    """Sub-accounts (2301/drive-x) roll up to their chart account (2301)."""
    return code.partition("/")[0]


PAGE_STYLE = """
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:60em;color:#222}
h1{font-size:1.4em}table{border-collapse:collapse;width:100%;margin:1em 0}
th,td{border:1px solid #999;padding:.3em .6em;text-align:left;vertical-align:top}
td.amount{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.section td{font-weight:bold;background:#f2f2f2}tr.total td{font-weight:bold}tr.sub td:nth-child(2){padding-left:2em}
.meta,.note{color:#555;font-size:.9em}code{font-size:.85em;word-break:break-all}
"""


def html_page(title: str, lang: Lang, body: str, style: str = PAGE_STYLE) -> str:
    e = html.escape
    return (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{e(title)}</title>\n<style>{style}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
