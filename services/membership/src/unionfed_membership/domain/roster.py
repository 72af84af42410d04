"""Roster rows as union offices keep them in Excel: headers, validation, masking. No I/O.

Every cell arrives as what the spreadsheet held (str, int, float, date, datetime or None);
a row is either a clean :class:`RosterRow` or a :class:`RowError` naming the line the user
sees in Excel (the header is line 1).
"""

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from unionfed_membership.domain import personal_data
from unionfed_shared.errors import DomainError, Invalid

# Column → accepted headers (compared after stripping spaces and lower-casing).
HEADERS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "name", "display_name", "full name"),
    "gender": ("性别", "gender", "sex"),
    "id_number": ("身份证号", "身份证号码", "身份证", "id_number", "id number", "id no"),
    "phone": ("手机", "手机号", "手机号码", "联系电话", "phone", "mobile"),
    "staff_no": ("工号", "staff_no", "staff no", "staff number", "employee no"),
    "joined_on": ("入会日期", "入会时间", "joined_on", "joined on", "join date"),
    "base_salary": ("基本工资", "基本工资(元)", "基本工资（元）", "base_salary", "base salary"),
    "union_group": ("工会小组", "小组", "union_group", "union group", "group"),
}
REQUIRED = ("name", "joined_on")
TEXT_FIELDS = ("name", "gender", "id_number", "phone", "staff_no", "union_group")
# A cell starting with one of these is run as a formula when the file is opened in Excel
# (CSV/DDE injection, OWASP); tab and carriage return smuggle them past naive checks.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

GENDERS = {"男": "male", "女": "female", "male": "male", "female": "female", "m": "male", "f": "female"}
DATE_TEXT = re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$")
MAX_SALARY_FEN = 10**9  # ten million yuan a month is a typo


@dataclass(frozen=True)
class RosterRow:
    line: int
    display_name: str
    gender: str
    joined_on: dt.date
    id_number: str | None = None
    phone: str | None = None
    staff_no: str | None = None
    base_salary_fen: int | None = None
    union_group: str | None = None


@dataclass(frozen=True)
class RowError:
    """A refused row: its line in the file and why, with a stable code and the words in each language."""

    line: int
    code: str
    zh: str
    en: str

    @classmethod
    def of(cls, line: int, refusal: DomainError) -> "RowError":
        return cls(line, refusal.code, refusal.zh, refusal.en)

    def reason(self, language: str) -> str:
        return self.en if language == "en" else self.zh


def map_headers(header: Sequence[object]) -> dict[str, int]:
    """Field → column index; unknown columns are ignored, a missing required one refuses the file."""
    aliases = {alias: name for name, names in HEADERS.items() for alias in names}
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        key = re.sub(r"\s+", " ", str(cell or "")).strip().lower().lstrip("\ufeff")
        name = aliases.get(key) or aliases.get(key.replace(" ", ""))
        if name is None:
            continue
        if name in columns:
            raise Invalid(
                "roster_column_repeated",
                zh=f"第 1 行：列 {cell!r} 与“{HEADERS[name][0]}”列重复",
                en=f"line 1: column {cell!r} repeats {HEADERS[name][0]}",
            )
        columns[name] = index
    missing = [HEADERS[name][0] for name in REQUIRED if name not in columns]
    if missing:
        raise Invalid(
            "roster_column_missing",
            zh=f"第 1 行：缺少以下列：{'、'.join(missing)}（例如 姓名、性别、身份证号、入会日期）",
            en=f"line 1: missing column(s) {', '.join(missing)} (e.g. 姓名, 性别, 身份证号, 入会日期)",
        )
    if "gender" not in columns and "id_number" not in columns:
        raise Invalid(
            "roster_column_missing",
            zh="第 1 行：须有“性别”列，或有“身份证号”列以便从中读取性别",
            en="line 1: need a 性别 (gender) column, or 身份证号 to read the gender from",
        )
    return columns


def parse_row(line: int, cells: Sequence[object], columns: Mapping[str, int], today: dt.date) -> RosterRow | RowError:
    raw = {name: _cell(cells, index) for name, index in columns.items()}
    try:
        for name in TEXT_FIELDS:
            # Checked after stripping too: the value is stored stripped, so " =1" would become "=1".
            if isinstance(value := raw.get(name), str) and _looks_like_formula(value):
                raise Invalid(
                    "roster_cell_formula",
                    zh=f"{HEADERS[name][0]}：单元格不能以 = + - @ 开头（防止打开表格时被当作公式执行）",
                    en=f"{HEADERS[name][0]}: a cell may not start with = + - @ (formula injection)",
                )
        name = _text(raw.get("name"))
        if not name:
            raise Invalid("roster_name_missing", zh="姓名为空", en="姓名 (name) is empty")
        if len(name) > 100:
            raise Invalid(
                "roster_name_too_long", zh="姓名超过 100 个字", en="姓名 (name) is longer than 100 characters"
            )
        id_number = _id_number(raw.get("id_number"))
        gender = _gender(raw.get("gender"), id_number)
        joined_on = _date(raw.get("joined_on"))
        if joined_on > today:
            raise Invalid(
                "roster_joined_on_future",
                zh=f"入会日期 {joined_on.isoformat()} 晚于今天",
                en=f"入会日期 (joining date) {joined_on.isoformat()} is in the future",
            )
        return RosterRow(
            line=line,
            display_name=name,
            gender=gender,
            joined_on=joined_on,
            id_number=id_number,
            phone=_phone(raw.get("phone")),
            staff_no=_staff_no(raw.get("staff_no")),
            base_salary_fen=_salary_fen(raw.get("base_salary")),
            union_group=_text(raw.get("union_group")) or None,
        )
    except DomainError as refusal:
        return RowError.of(line, refusal)


def parse_rows(
    rows: Iterable[tuple[int, Sequence[object]]], columns: Mapping[str, int], today: dt.date
) -> list[RosterRow | RowError]:
    """Validate every row, and refuse a second row for the same person within the file."""
    parsed: list[RosterRow | RowError] = []
    first_id: dict[str, int] = {}
    first_staff: dict[str, int] = {}
    for line, cells in rows:
        if all(_text(c) == "" for c in cells):
            continue  # blank lines in the sheet are not rows
        row = parse_row(line, cells, columns, today)
        if isinstance(row, RosterRow):
            if row.id_number and row.id_number in first_id:
                first = first_id[row.id_number]
                row = RowError(
                    line, "roster_id_number_repeated", f"身份证号与第 {first} 行重复", f"身份证号 repeats line {first}"
                )
            elif not row.id_number and row.staff_no and row.staff_no in first_staff:
                first = first_staff[row.staff_no]
                row = RowError(
                    line,
                    "roster_staff_no_repeated",
                    f"工号 {row.staff_no} 与第 {first} 行重复",
                    f"工号 {row.staff_no} repeats line {first}",
                )
            else:
                if row.id_number:
                    first_id[row.id_number] = line
                if row.staff_no:
                    first_staff.setdefault(row.staff_no, line)
        parsed.append(row)
    return parsed


def mask_phone(value: str | None) -> str:
    return "" if not value else (value[:3] + "****" + value[-4:] if len(value) >= 8 else "****")


def fen_to_yuan(fen: int | None) -> str:
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100}.{abs(fen) % 100:02d}"


def safe_cell(value: str) -> str:
    """Text written to an export: a leading formula character is quoted so Excel shows it as text."""
    return "'" + value if _looks_like_formula(value) else value


def _looks_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_PREFIXES) or value.strip().startswith(FORMULA_PREFIXES)


def _cell(cells: Sequence[object], index: int) -> object:
    return cells[index] if index < len(cells) else None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a staff number typed as a number comes back as 1024.0
    return str(value).strip()


def _id_number(value: object) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        # Excel turns an 18-digit number into a float and loses its last digits.
        raise Invalid(
            "roster_id_number_as_number",
            zh="身份证号被存成了数字，末几位已丢失；请将该列设为“文本”格式后重新填写",
            en="身份证号 was stored as a number and lost digits; format the column as text",
        )
    text = _text(value)
    if not text:
        return None
    try:
        # The same rule as enrolment over HTTP (GB 11643 shape, birth date, check digit).
        return personal_data.normalise_id_number(text)
    except Invalid as exc:
        raise Invalid(exc.code, zh=f"身份证号：{exc.zh}", en=f"身份证号: {exc.en}") from None


def _gender(value: object, id_number: str | None) -> str:
    text = _text(value).lower()
    from_id = None if id_number is None else ("male" if int(id_number[16]) % 2 else "female")
    if not text:
        if from_id is None:
            raise Invalid("roster_gender_missing", zh="性别为空", en="性别 (gender) is empty")
        return from_id
    gender = GENDERS.get(text)
    if gender is None:
        raise Invalid(
            "roster_gender_unknown",
            zh=f"性别“{_text(value)}”应为“男”或“女”",
            en=f"性别 {_text(value)!r} is not 男/女 (male/female)",
        )
    if from_id and gender != from_id:
        raise Invalid(
            "roster_gender_mismatch",
            zh=f"性别“{_text(value)}”与身份证号不符",
            en=f"性别 {_text(value)} does not match the 身份证号",
        )
    return gender


def _staff_no(value: object) -> str | None:
    text = _text(value)
    if not text:
        return None
    if len(text) > 40:
        raise Invalid("roster_staff_no_too_long", zh="工号超过 40 个字符", en="工号 is longer than 40 characters")
    return text


def _date(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    if not text:
        raise Invalid("roster_joined_on_missing", zh="入会日期为空", en="入会日期 (joining date) is empty")
    match = DATE_TEXT.match(text)
    try:
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        pass  # a date shape with an impossible day, like 2021-02-30
    raise Invalid(
        "roster_joined_on_invalid",
        zh=f"入会日期“{text}”不是日期（应如 2021-09-01）",
        en=f"入会日期 {text!r} is not a date like 2021-09-01",
    )


def _phone(value: object) -> str | None:
    text = _text(value)
    if not text:
        return None
    try:
        return personal_data.normalise_phone(text)
    except Invalid as exc:
        raise Invalid(exc.code, zh=f"手机：{exc.zh}", en=f"手机: {exc.en}") from None


def _salary_fen(value: object) -> int | None:
    if value is None or _text(value) == "":
        return None
    if isinstance(value, bool):
        raise Invalid("roster_salary_invalid", zh="基本工资不是金额", en="基本工资 is not an amount")
    try:
        # str() first: Excel's float 4300.1 must become 4300.10 yuan, not 4300.0999…
        yuan = Decimal(_text(value).replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise Invalid(
            "roster_salary_invalid",
            zh=f"基本工资“{_text(value)}”不是以元为单位的金额",
            en=f"基本工资 {_text(value)!r} is not an amount in yuan",
        ) from None
    if not yuan.is_finite() or yuan < 0:
        raise Invalid(
            "roster_salary_invalid", zh="基本工资须为正数（元）", en="基本工资 must be a positive amount in yuan"
        )
    if yuan != yuan.quantize(Decimal("0.01")):
        raise Invalid(
            "roster_salary_precision",
            zh=f"基本工资 {_text(value)} 超过两位小数（最小到分）",
            en=f"基本工资 {_text(value)} has more than two decimals (fen)",
        )
    fen = int((yuan * 100).to_integral_value(rounding=ROUND_HALF_UP))
    if fen > MAX_SALARY_FEN:
        raise Invalid(
            "roster_salary_too_large",
            zh=f"基本工资 {_text(value)} 大得不合常理，请核对",
            en=f"基本工资 {_text(value)} is implausibly large",
        )
    return fen
