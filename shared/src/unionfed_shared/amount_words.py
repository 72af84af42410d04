"""Amounts as a refusal says them to Chinese staff, who count in yuan, not in fen, and as a
paper voucher writes them in capitals (大写) so that no stroke can change the sum."""

from decimal import Decimal


def yuan(fen: int | Decimal) -> str:
    """``123456`` → ``"1,234.56 元"``: exact (no float), grouped, with the sign of a negative amount.

    A ``Decimal`` is taken when it is whole: PostgreSQL's ``sum()`` of a bigint comes back numeric.
    """
    return f"{yuan_figure(fen)} 元"


def yuan_figure(fen: int | Decimal) -> str:
    """``123456`` → ``"1,234.56"``: the figure alone, for a column headed 金额（元）."""
    if isinstance(fen, bool) or not isinstance(fen, int | Decimal) or fen != int(fen):
        raise TypeError(f"amounts are whole fen, not {fen!r}")
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{'-' if fen < 0 else ''}{whole:,}.{cents:02d}"


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_PLACES = ("仟", "佰", "拾", "")  # within a group of four digits
_GROUPS = ("", "万", "亿", "万亿")  # each four digits up


def _group_in_capitals(number: int) -> str:
    """0 < ``number`` < 10000, one 零 for any run of zeros between its digits (1005 → 壹仟零伍)."""
    said, zero = "", False
    for digit, place in zip(f"{number:04d}", _PLACES, strict=True):
        if digit == "0":
            zero = bool(said)
        else:
            said += ("零" if zero else "") + _DIGITS[int(digit)] + place
            zero = False
    return said


def yuan_in_capitals(fen: int | Decimal) -> str:
    """``123456`` → ``"壹仟贰佰叁拾肆元伍角陆分"``: the 大写 of a receipt or a cheque.

    As the People's Bank's rules for vouchers write it: a leading 1 is 壹拾 (not 拾); one 零 for
    zeros between digits, also where a group of four is zero or starts with zeros (100010 元 →
    壹拾万零壹拾元); 整 after 元 or 角 when there are no 分; 零 before 分 when there are 元 but no 角.
    """
    yuan_figure(fen)  # the same refusal of anything but whole fen
    negative, fen = fen < 0, abs(int(fen))
    whole, cents = divmod(fen, 100)
    jiao, fen_digit = divmod(cents, 10)
    groups = []
    while whole:
        whole, group = divmod(whole, 10000)
        groups.append(group)
    if len(groups) > len(_GROUPS):
        raise ValueError(f"{fen} fen is beyond what a voucher writes")
    said, zero = "", False
    for place in reversed(range(len(groups))):
        group = groups[place]
        if group == 0:
            zero = bool(said)
            continue
        if said and (zero or group < 1000):
            said += "零"
        said += _group_in_capitals(group) + _GROUPS[place]
        zero = False
    if said:
        said += "元"
    if jiao:
        said += _DIGITS[jiao] + "角"
    if fen_digit:
        said += ("零" if said and not jiao else "") + _DIGITS[fen_digit] + "分"
    else:
        said = (said or "零元") + "整"
    return ("负" if negative else "") + said
