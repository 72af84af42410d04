"""Finance reports: what the figures are, and how they are shown. No I/O.

The public disclosure (校务公开) is read by every member, so it pseudonymises the people behind
welfare grants; the audit pack (``audit_pack``), for the finance review group, shows every entry as
it is. Money is integer fen throughout and only becomes text, via ``divmod``, here.
"""

import csv
import datetime as dt
import hashlib
import html
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from unionfed_finance.domain.ledger import (
    BANK,
    DONATIONS_HELD,
    SHANGHAI,
    STANDARD_CHART,
    WELFARE_EXPENSE,
    AccountType,
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


# ---------------------------------------------------------------- pseudonyms

_UUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_MEMBER_REF = re.compile(rf"(member:)?({_UUID})")
PSEUDONYM_PREFIX = {"zh": "受助人-", "en": "Recipient-"}


def pseudonym(organization_id: str, member_id: str, lang: Lang = "zh") -> str:
    """Stable per union and member, so repeated grants to one person can be seen as such
    without saying who; salted with the union so pseudonyms cannot be matched across unions."""
    digest = hashlib.sha256(f"{organization_id}{member_id.lower()}".encode()).hexdigest()
    return PSEUDONYM_PREFIX[lang] + digest[:6]


class KnownMembers:
    """The members a public text must not name, ready to be found in many texts.

    Built once per statement: a county's statement has thousands of entries and its members
    number in the hundreds of thousands, so each text is scanned once for names (a dictionary
    probe per position and name length) instead of once per name.
    """

    def __init__(self, members_by_name: Mapping[str, str] | None = None):
        members_by_name = members_by_name or {}
        self.ids = {str(member_id).lower() for member_id in members_by_name.values()}
        # One-character names are skipped: no real name is that short, and they would shred the text.
        self.by_name = {name: str(member_id) for name, member_id in members_by_name.items() if len(name.strip()) >= 2}
        self.lengths = sorted({len(name) for name in self.by_name}, reverse=True)

    def replace_names(self, text: str, replacement) -> str:
        # Longest name first at each place, so "李华明" is not half-replaced by "李华". A name that
        # also reads as an ordinary word is replaced there too: over-redacting a public text is
        # the safe mistake.
        out, i = [], 0
        while i < len(text):
            for length in self.lengths:
                member_id = self.by_name.get(text[i : i + length])
                if member_id is not None:
                    out.append(replacement(member_id))
                    i += length
                    break
            else:
                out.append(text[i])
                i += 1
        return "".join(out)


def pseudonymise(
    text: str, organization_id: str, members: "Mapping[str, str] | KnownMembers | None" = None, lang: Lang = "zh"
) -> str:
    """Replace every ``member:<uuid>`` (and a bare uuid of a known member) and every known
    member's name in ``text`` with that member's pseudonym."""
    known = members if isinstance(members, KnownMembers) else KnownMembers(members)

    def replace_ref(match: re.Match) -> str:
        prefixed, member_id = match.group(1), match.group(2)
        if prefixed or member_id.lower() in known.ids:
            return pseudonym(organization_id, member_id, lang)
        return match.group(0)  # some other id (a hold, a posting): not a person

    text = _MEMBER_REF.sub(replace_ref, text)
    return known.replace_names(text, lambda member_id: pseudonym(organization_id, member_id, lang))


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


# ---------------------------------------------------------------- the public disclosure


@dataclass(frozen=True)
class Movement:
    """Debits and credits of one account over a period, in fen."""

    debit_fen: int = 0
    credit_fen: int = 0

    def net_for(self, account_type: AccountType) -> int:
        delta = self.debit_fen - self.credit_fen
        return delta if account_type.debit_normal else -delta


@dataclass(frozen=True)
class CategoryLine:
    code: str
    amount_fen: int


@dataclass(frozen=True)
class WelfareEntry:
    """One line of the welfare detail: a posting, or one batch of identical greeting payments."""

    effective_date: dt.date
    sequence: int
    description: str  # already pseudonymised
    amount_fen: int  # the total, cash and goods
    goods_fen: int = 0  # of the amount, what was given as goods at their value
    count: int = 1  # payments on this line, each of amount_fen // count
    reference: str | None = None  # the requesting service's reference of the hold it paid

    @property
    def cash_fen(self) -> int:
        return self.amount_fen - self.goods_fen

    @property
    def each_fen(self) -> int:
        return self.amount_fen // self.count


# A festival greeting pays every eligible member from one batch, one hold each, referenced
# ``greeting/<batch>/<member>[/<retried hold>]`` by welfare; a reader expects it as one line.
BATCH_REFERENCE_PREFIXES = ("greeting/",)


def _batch_of(entry: WelfareEntry) -> str | None:
    reference = entry.reference or ""
    if not reference.startswith(BATCH_REFERENCE_PREFIXES):
        return None
    kind, _, rest = reference.partition("/")
    return f"{kind}/{rest.partition('/')[0]}"


def group_batches(entries: Iterable[WelfareEntry]) -> list[WelfareEntry]:
    """Payments of one batch, of one amount, become one line: count × amount, and the total.

    Amounts differ within a batch only when finance posted a payment for less than reserved;
    each amount then gets its own line, so count × amount is always exactly the total.
    """
    lines: list[WelfareEntry] = []
    grouped: dict[tuple, int] = {}  # (batch, description, each, goods each) → index in lines
    for entry in entries:
        batch = _batch_of(entry)
        if batch is None:
            lines.append(entry)
            continue
        key = (batch, entry.description, entry.amount_fen, entry.goods_fen)
        if key not in grouped:
            grouped[key] = len(lines)
            lines.append(entry)
            continue
        first = lines[grouped[key]]
        lines[grouped[key]] = WelfareEntry(
            min(first.effective_date, entry.effective_date),
            min(first.sequence, entry.sequence),
            first.description,
            first.amount_fen + entry.amount_fen,
            first.goods_fen + entry.goods_fen,
            first.count + entry.count,
            batch,
        )
    return lines


@dataclass(frozen=True)
class LedgerHead:
    sequence: int
    hash: str


@dataclass(frozen=True)
class Disclosure:
    organization_id: str
    organization_name: str
    period: Period
    generated_at: dt.datetime
    head: LedgerHead
    opening_bank_fen: int
    closing_bank_fen: int
    income: tuple[CategoryLine, ...]
    expenditure: tuple[CategoryLine, ...]
    welfare_entries: tuple[WelfareEntry, ...]
    # What moved the bank without being income or expense, by account (2301 donations held …).
    held_for_others: tuple[CategoryLine, ...] = ()

    @property
    def welfare_goods_fen(self) -> int:
        return sum(entry.goods_fen for entry in self.welfare_entries)

    @property
    def income_total_fen(self) -> int:
        return sum(line.amount_fen for line in self.income)

    @property
    def expenditure_total_fen(self) -> int:
        return sum(line.amount_fen for line in self.expenditure)

    @property
    def net_fen(self) -> int:
        return self.income_total_fen - self.expenditure_total_fen

    @property
    def other_bank_fen(self) -> int:
        """What moved the bank without being income or expense, so the statement always adds up."""
        return self.closing_bank_fen - self.opening_bank_fen - self.net_fen


def _category_lines(movements: Mapping[str, Movement], account_type: AccountType) -> tuple[CategoryLine, ...]:
    # Every category of the chart is shown, zero or not: a disclosure that omits a line hides it.
    totals = {spec.code: 0 for spec in STANDARD_CHART if spec.type is account_type}
    for code, movement in movements.items():
        parent = parent_code(code)
        if parent in totals:
            totals[parent] += movement.net_for(account_type)
    return tuple(CategoryLine(code, amount) for code, amount in sorted(totals.items()))


def _held_for_others(movements: Mapping[str, Movement]) -> tuple[CategoryLine, ...]:
    # Each balance-sheet account but the bank, as what it brought into the bank (credit − debit):
    # postings balance, so these add up to exactly what moved the bank beside income and expense.
    totals = {spec.code: 0 for spec in STANDARD_CHART if spec.code != BANK and not spec.code.startswith(("4", "5"))}
    for code, movement in movements.items():
        parent = parent_code(code)
        if parent in totals:
            totals[parent] += movement.credit_fen - movement.debit_fen
    return tuple(CategoryLine(code, amount) for code, amount in sorted(totals.items()))


def build_disclosure(
    *,
    organization_id: str,
    organization_name: str,
    period: Period,
    generated_at: dt.datetime,
    head: LedgerHead,
    opening_bank_fen: int,
    movements: Mapping[str, Movement],
    welfare_entries: Iterable[WelfareEntry],
) -> Disclosure:
    """``movements``: each account's debits and credits with an effective date in the period;
    ``welfare_entries`` one per posting, greeting batches are made one line here."""
    bank = movements.get(BANK, Movement())
    return Disclosure(
        organization_id=organization_id,
        organization_name=organization_name,
        period=period,
        generated_at=generated_at,
        head=head,
        opening_bank_fen=opening_bank_fen,
        closing_bank_fen=opening_bank_fen + bank.net_for(AccountType.ASSET),
        income=_category_lines(movements, AccountType.INCOME),
        expenditure=_category_lines(movements, AccountType.EXPENSE),
        welfare_entries=tuple(group_batches(welfare_entries)),
        held_for_others=_held_for_others(movements),
    )


@dataclass(frozen=True)
class SummaryRow:
    code: str
    label: str
    amount_fen: int | None  # None: a section heading
    kind: Literal["section", "line", "sub", "total"]


def disclosure_rows(statement: Disclosure, lang: Lang) -> list[SummaryRow]:
    """The summary in reading order; shared by HTML and CSV so both always say the same."""
    t = LABELS[lang]

    def lines(items: tuple[CategoryLine, ...]) -> list[SummaryRow]:
        rows = []
        for l in items:
            rows.append(SummaryRow(l.code, account_name(l.code, lang), l.amount_fen, "line"))
            if l.code == WELFARE_EXPENSE:  # welfare is paid in cash and in goods: shown apart
                goods = statement.welfare_goods_fen
                rows.append(SummaryRow("", t["of_which"] + t["cash"], l.amount_fen - goods, "sub"))
                rows.append(SummaryRow("", t["of_which"] + t["goods"], goods, "sub"))
        return rows

    def held(line: CategoryLine) -> SummaryRow:
        label = t["held"] if line.code == DONATIONS_HELD else account_name(line.code, lang)
        return SummaryRow(line.code, t["of_which"] + label, line.amount_fen, "sub")

    return [
        SummaryRow("", t["opening"], statement.opening_bank_fen, "total"),
        SummaryRow("", t["income"], None, "section"),
        *lines(statement.income),
        SummaryRow("", t["income_total"], statement.income_total_fen, "total"),
        SummaryRow("", t["expenditure"], None, "section"),
        *lines(statement.expenditure),
        SummaryRow("", t["expenditure_total"], statement.expenditure_total_fen, "total"),
        SummaryRow("", t["net"], statement.net_fen, "total"),
        SummaryRow("", t["other"], statement.other_bank_fen, "line"),
        *(held(line) for line in statement.held_for_others),
        SummaryRow("", t["closing"], statement.closing_bank_fen, "total"),
    ]


def statement_title(statement: Disclosure, lang: Lang) -> str:
    return f"{statement.organization_name} {LABELS[lang]['disclosure']}"


def render_disclosure_csv(statement: Disclosure, lang: Lang = "zh") -> bytes:
    t = LABELS[lang]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([statement_title(statement, lang)])
    writer.writerow([t["union"], statement.organization_name, statement.organization_id])
    writer.writerow([t["period"], statement.period.starts_on.isoformat(), statement.period.ends_on.isoformat()])
    writer.writerow([t["generated"], shanghai_time(statement.generated_at)])
    writer.writerow([t["head"], f"{t['sequence']} {statement.head.sequence}", f"{t['hash']} {statement.head.hash}"])
    writer.writerow([])
    writer.writerow([t["code"], t["account"], t["amount"]])
    for row in disclosure_rows(statement, lang):
        writer.writerow([row.code, row.label, "" if row.amount_fen is None else format_yuan(row.amount_fen)])
    writer.writerow([t["other_note"]])
    writer.writerow([])
    writer.writerow([t["welfare_detail"]])
    writer.writerow(welfare_heading(t))
    for entry in statement.welfare_entries:
        writer.writerow(welfare_cells(entry))
    writer.writerow([])
    writer.writerow([t["note"]])
    return (BOM + out.getvalue()).encode("utf-8")


def welfare_heading(t: dict[str, str]) -> list[str]:
    return [t["date"], t["description"], t["count_times_amount"], t["cash"], t["goods"], t["amount"]]


def welfare_cells(entry: WelfareEntry, grouping: bool = False) -> list[str]:
    return [
        entry.effective_date.isoformat(),
        entry.description,
        f"{entry.count} × {format_yuan(entry.each_fen, grouping)}",
        format_yuan(entry.cash_fen, grouping),
        format_yuan(entry.goods_fen, grouping),
        format_yuan(entry.amount_fen, grouping),
    ]


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


# ---------------------------------------------------------------- consolidation


@dataclass(frozen=True)
class ConsolidatedAccount:
    code: str
    combined_fen: int  # sum of the ledgers' balances, normal direction
    eliminated_fen: int  # inter-organization lines inside the subtree, normal direction

    @property
    def consolidated_fen(self) -> int:
        return self.combined_fen - self.eliminated_fen

    @property
    def type(self) -> AccountType:
        return account_spec(self.code).type


def consolidate(
    balances: Iterable[tuple[str, int]], eliminated: Mapping[str, Movement]
) -> tuple[ConsolidatedAccount, ...]:
    """``balances``: (account code, balance in its normal direction) of every ledger included;
    ``eliminated``: debits and credits of the lines whose counterparty is inside the subtree."""
    combined: dict[str, int] = {}
    for code, balance_fen in balances:
        parent = parent_code(code)
        combined[parent] = combined.get(parent, 0) + balance_fen
    removed: dict[str, int] = {}
    for code, movement in eliminated.items():
        parent = parent_code(code)
        removed[parent] = removed.get(parent, 0) + movement.net_for(account_spec(parent).type)
    codes = sorted(set(combined) | set(removed))
    return tuple(ConsolidatedAccount(code, combined.get(code, 0), removed.get(code, 0)) for code in codes)
