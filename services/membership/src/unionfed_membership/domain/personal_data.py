"""Checking and masking personal data (身份证号, phone): rules only, no keys and no I/O."""

import datetime as dt
import re

from unionfed_shared.errors import Invalid

# GB 11643-1999: 17 digits, then a check character from an ISO 7064 MOD 11-2 sum.
_ID_SHAPE = re.compile(r"^[1-9]\d{16}[\dX]$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARACTERS = "10X98765432"
_PHONE = re.compile(r"^1\d{10}$")


def id_check_character(first_17_digits: str) -> str:
    return _CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(first_17_digits, _WEIGHTS, strict=True)) % 11]


def normalise_id_number(raw: str) -> str:
    """The canonical form (no spaces, upper-case X), or Invalid naming what is wrong.

    Reasons never repeat the number: they end up in responses and logs.
    """
    number = re.sub(r"\s", "", raw).upper()
    if not _ID_SHAPE.match(number):
        raise Invalid(
            "id_number_invalid",
            zh="身份证号须为 18 位：17 位数字加 1 位校验码（数字或 X）（GB 11643）",
            en="id_number must be 18 characters: 17 digits and a check digit or X (GB 11643)",
        )
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise Invalid(
            "id_number_birth_date_invalid",
            zh="身份证号中的出生日期（第 7 至 14 位）无效（GB 11643）",
            en="id_number carries no valid date of birth (characters 7-14, GB 11643)",
        ) from None
    # A plausibility check, with no federation at hand: no zone's date is ahead of UTC's by more
    # than a day, so a birth after tomorrow (UTC) is impossible everywhere.
    if born.year < 1900 or born > dt.datetime.now(dt.UTC).date() + dt.timedelta(days=1):
        raise Invalid(
            "id_number_birth_date_invalid",
            zh="身份证号中的出生日期不可能成立（GB 11643）",
            en="id_number carries an impossible date of birth (GB 11643)",
        )
    if id_check_character(number[:17]) != number[17]:
        raise Invalid(
            "id_number_check_digit_wrong",
            zh="身份证号校验码不符，可能输入有误（GB 11643）",
            en="id_number fails its GB 11643 check digit; it was probably mistyped",
        )
    return number


# Officers see the last four characters in the masked number (mask_id_number) and search by them.
ID_TAIL_LENGTH = 4
_ID_TAIL = re.compile(rf"^\d{{{ID_TAIL_LENGTH - 1}}}[\dX]$")


def id_tail_of(normalised_id_number: str) -> str:
    return normalised_id_number[-ID_TAIL_LENGTH:]


def normalise_id_tail(raw: str) -> str:
    """The last four characters of an ID number as typed (spaces, lower-case x), or Invalid."""
    tail = re.sub(r"\s", "", raw).upper()
    if not _ID_TAIL.match(tail):
        raise Invalid(
            "id_tail_invalid",
            zh="请输入身份证号的后 4 位（数字，最后一位可为 X）",
            en="id_tail must be the ID number's last 4 characters (digits, the last may be X)",
        )
    return tail


def normalise_phone(raw: str) -> str:
    phone = re.sub(r"[\s-]", "", raw)
    if phone.startswith("+86"):
        phone = phone[3:]
    if not _PHONE.match(phone):
        raise Invalid(
            "phone_invalid",
            zh="手机号须为以 1 开头的 11 位数字",
            en="phone must be an 11-digit mobile number starting with 1",
        )
    return phone


def mask_id_number(number: str) -> str:
    """What officers see in lists: region prefix and last four, e.g. 3301**********1234."""
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}"


def check_staff_no(raw: str | None) -> str | None:
    if raw is None:
        return None
    staff_no = raw.strip()
    if not staff_no or len(staff_no) > 40:
        raise Invalid("staff_no_invalid", zh="工号须为 1 至 40 个字符", en="staff_no must have 1 to 40 characters")
    return staff_no


def check_base_salary(fen: int | None) -> int | None:
    if fen is None:
        return None
    if isinstance(fen, bool) or not isinstance(fen, int) or fen < 0:
        raise Invalid(
            "base_salary_invalid",
            zh="基本工资须为非负整数（单位：分）",
            en="base_salary_fen must be a whole, non-negative number of fen",
        )
    return fen
