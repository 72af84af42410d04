"""Finance reports: what the figures are, and how they are shown. No I/O.

The public disclosure (校务公开) is read by every member, so it pseudonymises the people behind
welfare grants. The audit pack is for the finance review group (民主理财小组) and shows every
entry as it is. Money is integer fen throughout and only becomes text, via ``divmod``, here.
"""

import csv
import datetime as dt
import hashlib
import html
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

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


# ---------------------------------------------------------------- the audit pack


@dataclass(frozen=True)
class AuditLine:
    line_no: int
    account_code: str
    debit_fen: int
    credit_fen: int
    counterparty_id: str | None


@dataclass(frozen=True)
class AuditEntry:
    id: str
    sequence: int
    effective_date: dt.date
    description: str
    total_fen: int
    source_event_id: str
    source_event_type: str
    source_topic: str
    source_partition: int
    source_offset: int
    actor: str | None
    causation_id: str | None
    correlation_id: str
    trace_id: str | None
    journal_event_id: str | None
    journal_partition: int | None
    journal_offset: int | None
    reverses_posting_id: str | None
    reversed_by_posting_id: str | None
    previous_hash: str
    hash: str
    recorded_at: dt.datetime
    lines: tuple[AuditLine, ...]


@dataclass(frozen=True)
class AccountTotal:
    code: str
    debit_fen: int
    credit_fen: int

    @property
    def net_debit_fen(self) -> int:
        return self.debit_fen - self.credit_fen


@dataclass(frozen=True)
class ChainResult:
    ok: bool
    description: str


@dataclass(frozen=True)
class AuditPack:
    organization_id: str
    organization_name: str
    period: Period
    generated_at: dt.datetime
    head: LedgerHead
    chain: ChainResult
    entries: tuple[AuditEntry, ...]
    totals: tuple[AccountTotal, ...] = field(default=())

    @property
    def debit_total_fen(self) -> int:
        return sum(t.debit_fen for t in self.totals)

    @property
    def credit_total_fen(self) -> int:
        return sum(t.credit_fen for t in self.totals)


def account_totals(entries: Iterable[AuditEntry]) -> tuple[AccountTotal, ...]:
    """Debits and credits per account (sub-accounts kept apart: each drive is audited on its own)."""
    sums: dict[str, list[int]] = {}
    for entry in entries:
        for line in entry.lines:
            pair = sums.setdefault(line.account_code, [0, 0])
            pair[0] += line.debit_fen
            pair[1] += line.credit_fen
    return tuple(AccountTotal(code, d, c) for code, (d, c) in sorted(sums.items()))


def chain_result(report) -> ChainResult:
    """Whatever ``verify_chain`` returns: its ``ok`` and its own description of itself."""
    describe = getattr(report, "describe", None)
    return ChainResult(bool(report.ok), describe() if callable(describe) else str(report))


AUDIT_COLUMNS = (
    "sequence",
    "posting_id",
    "effective_date",
    "description",
    "line_no",
    "account_code",
    "account_name",
    "debit_yuan",
    "credit_yuan",
    "counterparty_id",
    "source_event_id",
    "source_event_type",
    "source_topic",
    "source_partition",
    "source_offset",
    "actor",
    "causation_id",
    "correlation_id",
    "trace_id",
    "journal_event_id",
    "journal_partition",
    "journal_offset",
    "reverses_posting_id",
    "reversed_by_posting_id",
    "recorded_at_beijing",
    "previous_hash",
    "hash",
)
# The audit pack's words in each language a federation keeps its books in. The English column
# names are the snake_case ones auditors' tools already read.
AUDIT_WORDS: dict[Lang, dict[str, Any]] = {  # texts, and tuples of column names
    "zh": {
        "columns": (
            "序号",
            "分录编号",
            "记账日期",
            "摘要",
            "行号",
            "科目编码",
            "科目名称",
            "借方（元）",
            "贷方（元）",
            "往来单位",
            "来源事件编号",
            "来源事件类型",
            "来源主题",
            "来源分区",
            "来源偏移量",
            "经办人",
            "起因编号",
            "关联编号",
            "追踪编号",
            "记账事件编号",
            "记账分区",
            "记账偏移量",
            "所冲销的分录",
            "冲销它的分录",
            "记录时间（北京时间）",
            "前一哈希",
            "哈希",
        ),
        "totals_columns": ("科目编码", "科目名称", "借方合计（元）", "贷方合计（元）", "借方净额（元）"),
        "total": "合计",
        "organization": "单位",
        "period": "期间",
        "generated_at_beijing": "生成时间（北京时间）",
        "ledger_head_at_generation": "生成时账簿链头",
        "head_sequence": "序号 {sequence}",
        "head_hash": "哈希 {hash}",
        "chain_verified": "链校验",
        "ok": "通过",
        "broken": "已断裂",
        "postings": "分录数",
        "chain_intact": "账簿链完整",
        "chain_broken": "账簿链已断裂",
        "totals_heading": "各科目合计",
        "lines_heading": "分录及明细",
    },
    "en": {
        "columns": AUDIT_COLUMNS,
        "totals_columns": ("account_code", "account_name", "debit_yuan", "credit_yuan", "net_debit_yuan"),
        "total": "total",
        "organization": "organization",
        "period": "period",
        "generated_at_beijing": "generated_at_beijing",
        "ledger_head_at_generation": "ledger_head_at_generation",
        "head_sequence": "sequence {sequence}",
        "head_hash": "hash {hash}",
        "chain_verified": "chain_verified",
        "ok": "ok",
        "broken": "BROKEN",
        "postings": "postings",
        "chain_intact": "chain intact",
        "chain_broken": "CHAIN BROKEN",
        "totals_heading": "Totals per account",
        "lines_heading": "Postings and lines",
    },
}


def _blank(value) -> str:
    return "" if value is None else str(value)


def audit_line_rows(pack: AuditPack, lang: Lang = "zh") -> list[list[str]]:
    rows = []
    for entry in pack.entries:
        for line in entry.lines:
            rows.append(
                [
                    str(entry.sequence),
                    entry.id,
                    entry.effective_date.isoformat(),
                    entry.description,
                    str(line.line_no),
                    line.account_code,
                    account_name(line.account_code, lang),
                    format_yuan(line.debit_fen),
                    format_yuan(line.credit_fen),
                    _blank(line.counterparty_id),
                    entry.source_event_id,
                    entry.source_event_type,
                    entry.source_topic,
                    str(entry.source_partition),
                    str(entry.source_offset),
                    _blank(entry.actor),
                    _blank(entry.causation_id),
                    entry.correlation_id,
                    _blank(entry.trace_id),
                    _blank(entry.journal_event_id),
                    _blank(entry.journal_partition),
                    _blank(entry.journal_offset),
                    _blank(entry.reverses_posting_id),
                    _blank(entry.reversed_by_posting_id),
                    shanghai_time(entry.recorded_at),
                    entry.previous_hash,
                    entry.hash,
                ]
            )
    return rows


def _audit_meta(pack: AuditPack, lang: Lang) -> list[list[str]]:
    words = AUDIT_WORDS[lang]
    return [
        [words["organization"], pack.organization_name, pack.organization_id],
        [words["period"], pack.period.starts_on.isoformat(), pack.period.ends_on.isoformat()],
        [words["generated_at_beijing"], shanghai_time(pack.generated_at)],
        [
            words["ledger_head_at_generation"],
            words["head_sequence"].format(sequence=pack.head.sequence),
            words["head_hash"].format(hash=pack.head.hash),
        ],
        [words["chain_verified"], words["ok"] if pack.chain.ok else words["broken"], pack.chain.description],
        [words["postings"], str(len(pack.entries))],
    ]


def render_audit_csv(pack: AuditPack, lang: Lang = "zh") -> bytes:
    words = AUDIT_WORDS[lang]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([LABELS[lang]["audit_pack"]])
    writer.writerows(_audit_meta(pack, lang))
    writer.writerow([])
    writer.writerow(words["columns"])
    writer.writerows(audit_line_rows(pack, lang))
    writer.writerow([])
    writer.writerow(words["totals_columns"])
    for total in pack.totals:
        writer.writerow(
            [
                total.code,
                account_name(total.code, lang),
                format_yuan(total.debit_fen),
                format_yuan(total.credit_fen),
                format_yuan(total.net_debit_fen),
            ]
        )
    writer.writerow([words["total"], "", format_yuan(pack.debit_total_fen), format_yuan(pack.credit_total_fen), ""])
    return (BOM + out.getvalue()).encode("utf-8")


def render_audit_html(pack: AuditPack, lang: Lang = "zh") -> str:
    e = html.escape
    words = AUDIT_WORDS[lang]
    title = f"{pack.organization_name} {LABELS[lang]['audit_pack']}"
    meta = "".join(
        f"<tr><th>{e(row[0])}</th><td>{'<br>'.join(e(v) for v in row[1:])}</td></tr>" for row in _audit_meta(pack, lang)
    )
    money_columns = {"debit_yuan", "credit_yuan"}
    head = "".join(f"<th>{e(c)}</th>" for c in words["columns"])
    body_rows = []
    for row in audit_line_rows(pack, lang):
        cells = "".join(
            f'<td class="amount">{e(v)}</td>' if c in money_columns else f"<td>{e(v)}</td>"
            for c, v in zip(AUDIT_COLUMNS, row)
        )
        body_rows.append(f"<tr>{cells}</tr>")
    totals = "".join(
        f'<tr><td>{e(t.code)}</td><td>{e(account_name(t.code, lang))}</td><td class="amount">{format_yuan(t.debit_fen, True)}</td>'
        f'<td class="amount">{format_yuan(t.credit_fen, True)}</td><td class="amount">{format_yuan(t.net_debit_fen, True)}</td></tr>'
        for t in pack.totals
    )
    status = words["chain_intact"] if pack.chain.ok else words["chain_broken"]
    totals_head = "".join(f"<th>{e(c)}</th>" for c in words["totals_columns"])
    body = f"""<h1>{e(title)}</h1>
<p class="meta"><strong>{e(status)}</strong></p>
<table>{meta}</table>
<h2>{e(words["totals_heading"])}</h2>
<table><thead><tr>{totals_head}</tr></thead>
<tbody>{totals}
<tr class="total"><td>{e(words["total"])}</td><td></td><td class="amount">{format_yuan(pack.debit_total_fen, True)}</td>
<td class="amount">{format_yuan(pack.credit_total_fen, True)}</td><td></td></tr></tbody></table>
<h2>{e(words["lines_heading"])}</h2>
<div style="overflow-x:auto"><table><thead><tr>{head}</tr></thead>
<tbody>
{chr(10).join(body_rows)}
</tbody></table></div>"""
    return html_page(title, lang, body)


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
