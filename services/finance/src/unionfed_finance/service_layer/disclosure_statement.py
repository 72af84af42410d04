"""The public disclosure (校务公开): what the statement holds, and its CSV. No I/O.

It is read by every member, so it pseudonymises the people behind welfare grants; the audit pack
(``audit_pack``), for the finance review group, shows every entry as it is. Money is integer fen
throughout and only becomes text, via ``divmod``, in ``report_format``.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from unionfed_finance.domain.ledger import (
    BANK,
    DONATIONS_HELD,
    STANDARD_CHART,
    WELFARE_EXPENSE,
    AccountType,
)
from unionfed_finance.service_layer.report_format import (
    BOM,
    LABELS,
    Lang,
    Period,
    account_name,
    format_yuan,
    parent_code,
    shanghai_time,
)

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

    An entry may already stand for several payments of one amount (``count``: a greeting's chunk
    paid in one posting). Amounts differ within a batch only when finance posted a payment for
    less than reserved; each amount then gets its own line, so count × amount is always exactly
    the total.
    """
    lines: list[WelfareEntry] = []
    grouped: dict[tuple, int] = {}  # (batch, description, each, goods each) → index in lines
    for entry in entries:
        batch = _batch_of(entry)
        if batch is None:
            lines.append(entry)
            continue
        key = (batch, entry.description, entry.each_fen, entry.goods_fen // entry.count)
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
    ``welfare_entries`` one per posting or per batch's chunk, greeting batches are made one line here."""
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
