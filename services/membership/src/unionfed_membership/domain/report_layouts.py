"""Export layouts of statistics reports (报表样式): how a report or a roll-up is laid out as the sheet
the upper union asks for. Rules only, no I/O.

- A **layout** is defined per federation, kind (monthly, annual) and key, and versioned like the
  forms: a new version never changes what an older one printed. It names the sheet's title, the
  header fields above the table (填报单位、报告期、填报人、联系电话…), the table's rows and the footer
  fields below it (单位负责人、填表人、填报日期).
- A **row** is a heading (a group's title, no figure), an indicator (a code of the catalogue or a
  manual indicator of the federation's forms, with the label the upper union uses), a derived
  figure (a sum of codes, ``-code`` subtracted, optionally divided by the sum of others as a
  percent) or a blank line. Rows are numbered by level as Chinese statistical forms are: level 1
  一、二、, level 2 （一）（二） restarting under each level 1, level 3 1. 2. restarting under each
  level 2; a row may be left unnumbered, a blank row never is.
- **Units**: counts as whole numbers; amounts (kept in fen) in 元 or 万元 with the layout's stated
  number of decimals, rounded half up from the exact fen (a derived amount is summed in fen first,
  then rounded once); a derived ratio in percent, rounded half up to the layout's decimals. A figure
  not known (a section not in, a code the report does not carry) is an empty cell, and so is a
  derived figure one of whose parts is not known, or whose divisor is 0.
"""

import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal, get_args

from unionfed_shared.contracts.reporting import INDICATORS
from unionfed_shared.errors import Invalid

RowKind = Literal["heading", "indicator", "derived", "blank"]
ROW_KINDS: tuple[RowKind, ...] = get_args(RowKind)
MoneyUnit = Literal["yuan", "wan_yuan"]
MONEY_UNITS: tuple[MoneyUnit, ...] = get_args(MoneyUnit)
# What a header or footer field shows after its label.
FieldSource = Literal["organization", "period", "version", "submitted_on", "reviewed_on", "today", "text", "blank"]
FIELD_SOURCES: tuple[FieldSource, ...] = get_args(FieldSource)
KEY = re.compile(r"^[a-z][a-z0-9-]{1,39}$")
MAX_ROWS = 200
MAX_FIELDS = 12
MAX_DECIMALS: dict[MoneyUnit, int] = {"yuan": 2, "wan_yuan": 6}
MONEY_ZH: dict[MoneyUnit, str] = {"yuan": "元", "wan_yuan": "万元"}
DEFAULT_COUNT_UNIT = "个（人、次）"
NUMERALS = "零一二三四五六七八九"


@dataclass(frozen=True)
class LayoutField:
    """A header or footer field: its label (填报单位) and what follows it."""

    label: str
    source: FieldSource
    text: str = ""  # the fixed text of a ``text`` field


@dataclass(frozen=True)
class LayoutRow:
    kind: RowKind
    label: str = ""
    level: int = 1
    numbered: bool = True
    code: str = ""  # an indicator row's code
    terms: tuple[str, ...] = ()  # a derived row's codes, summed; "-code" subtracted
    per: tuple[str, ...] = ()  # a derived row's divisor (summed): the row is then a percent
    unit_label: str = ""  # the unit column of a count (人、个、次); amounts and percents say theirs


@dataclass(frozen=True)
class Known:
    """A code a layout may name: its Chinese name and unit (count or fen)."""

    zh: str
    unit: str


def _invalid(code: str, zh: str, en: str, pointer: str) -> Invalid:
    return Invalid(code, zh=zh, en=en, pointer=pointer)


def _term_code(term: str) -> str:
    return term[1:] if term.startswith("-") else term


@dataclass(frozen=True)
class ReportLayout:
    federation_id: str
    kind: str  # monthly / annual
    key: str
    version: int
    title: str
    header: tuple[LayoutField, ...]
    rows: tuple[LayoutRow, ...]
    footer: tuple[LayoutField, ...]
    money_unit: MoneyUnit = "yuan"
    money_decimals: int = 2
    percent_decimals: int = 2
    id: uuid.UUID | None = None

    @classmethod
    def define(
        cls,
        federation_id: str,
        kind: str,
        key: str,
        version: int,
        title: str,
        header: Iterable[LayoutField],
        rows: Iterable[LayoutRow],
        footer: Iterable[LayoutField],
        known: Mapping[str, Known],
        *,
        money_unit: str = "yuan",
        money_decimals: int = 2,
        percent_decimals: int = 2,
    ) -> "ReportLayout":
        """``known``: the codes a row may name (the catalogue and the manual indicators of the
        federation's forms of this kind), with their names and units."""
        if not KEY.match(key):
            raise _invalid(
                "report_layout_key_invalid",
                "样式代码须为小写字母开头的字母、数字或连字符（2 至 40 个字符）",
                "a layout's key is 2 to 40 lower-case letters, digits or -, starting with a letter",
                "#/key",
            )
        title = title.strip()
        if not 1 <= len(title) <= 60:
            raise _invalid(
                "report_layout_title_invalid",
                "请填写报表标题（不超过 60 个字）",
                "a title of 1 to 60 characters",
                "#/title",
            )
        if money_unit not in MONEY_UNITS:
            raise _invalid(
                "report_layout_money_unit_invalid",
                "金额单位须为元或万元",
                "amounts are in yuan or wan_yuan",
                "#/money_unit",
            )
        unit: MoneyUnit = money_unit
        if not 0 <= money_decimals <= MAX_DECIMALS[unit]:
            raise _invalid(
                "report_layout_decimals_invalid",
                f"以{MONEY_ZH[unit]}为单位时保留 0 至 {MAX_DECIMALS[unit]} 位小数",
                f"amounts in {unit} keep 0 to {MAX_DECIMALS[unit]} decimals",
                "#/money_decimals",
            )
        if not 0 <= percent_decimals <= 4:
            raise _invalid(
                "report_layout_decimals_invalid",
                "百分比保留 0 至 4 位小数",
                "percents keep 0 to 4 decimals",
                "#/percent_decimals",
            )
        laid = tuple(_checked_row(r, n, known) for n, r in enumerate(rows))
        if not any(r.kind in ("indicator", "derived") for r in laid):
            raise _invalid(
                "report_layout_empty", "报表样式至少须列入一项指标", "a layout lists at least one figure", "#/rows"
            )
        if len(laid) > MAX_ROWS:
            raise _invalid(
                "report_layout_too_long", f"报表样式最多 {MAX_ROWS} 行", f"at most {MAX_ROWS} rows", "#/rows"
            )
        return cls(
            federation_id,
            kind,
            key,
            version,
            title,
            _checked_fields(header, "header"),
            laid,
            _checked_fields(footer, "footer"),
            unit,
            money_decimals,
            percent_decimals,
            uuid.uuid4(),
        )

    @property
    def money_note(self) -> str:
        """The stated unit and rounding, printed above the table."""
        return f"金额单位：{MONEY_ZH[self.money_unit]}（四舍五入保留 {self.money_decimals} 位小数）"

    def numbers(self) -> list[str]:
        return numbering(self.rows)

    def lines(self, figures: Iterable["Figure"]) -> list["Line"]:
        """The table's lines for a report's or a roll-up's figures (code, unit, value or None)."""
        by_code = {f.code: f for f in figures}
        return [
            Line(number, row.kind, row.level, row.label, *self._cell(row, by_code))
            for number, row in zip(self.numbers(), self.rows, strict=True)
        ]

    def _cell(self, row: LayoutRow, by_code: Mapping[str, "Figure"]) -> tuple[str, Decimal | int | None, str, int]:
        """The unit column, the value, its kind (count, money, percent) and its decimals."""
        if row.kind in ("heading", "blank"):
            return "", None, "none", 0
        codes = [row.code] if row.kind == "indicator" else [_term_code(t) for t in row.terms]
        found = [by_code.get(c) for c in codes]
        unit = next((f.unit for f in found if f is not None), None) or _catalogue_unit(codes[0])
        if row.kind == "indicator":
            value: int | None = found[0].value if found[0] is not None else None
        else:
            value = _sum(row.terms, by_code)
        if row.per:
            divisor = _sum(row.per, by_code)
            if value is None or not divisor:
                return "%", None, "percent", self.percent_decimals
            return (
                "%",
                _round(Decimal(value) * 100 / Decimal(divisor), self.percent_decimals),
                "percent",
                self.percent_decimals,
            )
        if unit == "fen":
            shown = (
                None
                if value is None
                else _round(Decimal(value).scaleb(-2 if self.money_unit == "yuan" else -6), self.money_decimals)
            )
            return MONEY_ZH[self.money_unit], shown, "money", self.money_decimals
        return row.unit_label or DEFAULT_COUNT_UNIT, value, "count", 0


@dataclass(frozen=True)
class Figure:
    """A report's figure as a layout reads it."""

    code: str
    unit: str  # count or fen
    value: int | None


@dataclass(frozen=True)
class Line:
    """One line of the laid-out table."""

    number: str
    kind: RowKind
    level: int
    label: str
    unit: str
    value: Decimal | int | None
    value_kind: str  # none, count, money, percent
    decimals: int


def _catalogue_unit(code: str) -> str:
    return INDICATORS[code].unit if code in INDICATORS else "count"


def _sum(terms: Iterable[str], by_code: Mapping[str, Figure]) -> int | None:
    total = 0
    for term in terms:
        found = by_code.get(_term_code(term))
        if found is None or found.value is None:
            return None
        total += -found.value if term.startswith("-") else found.value
    return total


def _round(value: Decimal, decimals: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 99 → 九十九 (a form has fewer than a hundred parts)."""
    if not 1 <= n <= 99:
        return str(n)
    tens, ones = divmod(n, 10)
    return ("" if tens == 0 else ("十" if tens == 1 else NUMERALS[tens] + "十")) + (NUMERALS[ones] if ones else "")


def numbering(rows: Iterable[LayoutRow]) -> list[str]:
    """一、 at level 1, （一） at level 2 (restarting under each level 1), 1. at level 3 (restarting
    under each level 2); an unnumbered or blank row gets none and does not count."""
    counters = [0, 0, 0]
    numbers = []
    for row in rows:
        if row.kind == "blank" or not row.numbered:
            numbers.append("")
            continue
        level = row.level - 1
        counters[level] += 1
        for deeper in range(level + 1, 3):
            counters[deeper] = 0
        n = counters[level]
        numbers.append((f"{chinese_number(n)}、", f"（{chinese_number(n)}）", f"{n}.")[level])
    return numbers


def _checked_row(row: LayoutRow, n: int, known: Mapping[str, Known]) -> LayoutRow:
    pointer = f"#/rows/{n}"
    if row.kind not in ROW_KINDS:
        raise _invalid(
            "report_layout_row_kind_invalid",
            "行类型须为标题、指标、计算或空行",
            "a row is heading, indicator, derived or blank",
            f"{pointer}/kind",
        )
    if row.kind == "blank":
        return LayoutRow("blank")
    if not 1 <= row.level <= 3:
        raise _invalid(
            "report_layout_level_invalid",
            "行级次须为 1 至 3（一、（一）、1.）",
            "a row's level is 1 to 3",
            f"{pointer}/level",
        )
    label = row.label.strip()
    if row.kind == "indicator":
        if row.code not in known:
            raise _invalid(
                "report_layout_indicator_unknown",
                f"指标代码“{row.code}”不在标准指标目录或本会报表的自填指标中",
                f"{row.code} is neither a standard indicator nor a manual indicator of the federation's forms",
                f"{pointer}/code",
            )
        label = label or known[row.code].zh
        return replace(row, label=label[:100], terms=(), per=(), unit_label=row.unit_label.strip()[:20])
    if not label:
        raise _invalid(
            "report_layout_label_blank",
            "标题行和计算行须填写名称",
            "a heading or derived row has a label",
            f"{pointer}/label",
        )
    if row.kind == "heading":
        return LayoutRow("heading", label[:100], row.level, row.numbered)
    # derived
    if not row.terms:
        raise _invalid(
            "report_layout_terms_blank",
            "计算行须列出参与计算的指标",
            "a derived row lists its terms",
            f"{pointer}/terms",
        )
    units = set()
    for part, terms in (("terms", row.terms), ("per", row.per)):
        for t, term in enumerate(terms):
            if _term_code(term) not in known:
                raise _invalid(
                    "report_layout_indicator_unknown",
                    f"指标代码“{_term_code(term)}”不在标准指标目录或本会报表的自填指标中",
                    f"{_term_code(term)} is neither a standard indicator nor a manual indicator of the federation's forms",
                    f"{pointer}/{part}/{t}",
                )
            units.add(known[_term_code(term)].unit)
    if len(units) > 1:
        raise _invalid(
            "report_layout_units_mixed",
            "计算行不能混合金额与人数（个数）",
            "a derived row does not mix amounts and counts",
            f"{pointer}/terms",
        )
    return replace(row, label=label[:100], code="", unit_label=row.unit_label.strip()[:20])


def _checked_fields(fields: Iterable[LayoutField], part: str) -> tuple[LayoutField, ...]:
    checked = []
    for n, f in enumerate(fields):
        pointer = f"#/{part}/{n}"
        if f.source not in FIELD_SOURCES:
            raise _invalid(
                "report_layout_field_invalid",
                "表头（表尾）项的内容来源无效",
                "a field's source is not known",
                f"{pointer}/source",
            )
        label = f.label.strip()
        if not label or len(label) > 30:
            raise _invalid(
                "report_layout_field_invalid",
                "表头（表尾）项须有名称（不超过 30 个字）",
                "a field has a label of 1 to 30 characters",
                f"{pointer}/label",
            )
        checked.append(LayoutField(label, f.source, f.text.strip()[:100] if f.source == "text" else ""))
    if len(checked) > MAX_FIELDS:
        raise _invalid(
            "report_layout_field_invalid",
            f"表头（表尾）最多 {MAX_FIELDS} 项",
            f"at most {MAX_FIELDS} fields",
            f"#/{part}",
        )
    return tuple(checked)


def field_text(field: LayoutField, context: Mapping[str, str]) -> str:
    """``label：value``; a ``blank`` field leaves room to write by hand."""
    if field.source == "text":
        value = field.text
    elif field.source == "blank":
        value = ""
    else:
        value = context.get(field.source, "")
    return f"{field.label}：{value}" if value else f"{field.label}：" + "\u3000" * 6


def period_zh(kind: str, period: str) -> str:
    """2026-11 → 2026年11月; 2026 → 2026年."""
    return f"{period[:4]}年{int(period[5:])}月" if kind == "monthly" else f"{period}年"
