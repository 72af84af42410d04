"""Visits and their grants (五必访 and major hardship): rules with no I/O."""

import datetime as dt
from collections.abc import Iterable

from unionfed_shared.amount_words import yuan
from unionfed_shared.errors import Invalid

# The reference of a grant's hold in finance (``grant/<id>``): finance's answers find the grant by it.
REFERENCE_PREFIX = "grant/"

VISIT_TYPES = {
    "hospitalised": "住院慰问",
    "wedding": "结婚慰问",
    "funeral": "丧事慰问",
    "childbirth": "生育慰问",
    "retirement": "退休慰问",
    "major_hardship": "重大困难帮扶",
}
# The same visits in each language a federation may work in: the words of its books.
VISIT_LABELS = {
    "zh-CN": VISIT_TYPES,
    "en": {
        "hospitalised": "Hospital visit grant",
        "wedding": "Wedding grant",
        "funeral": "Bereavement grant",
        "childbirth": "Childbirth grant",
        "retirement": "Retirement visit grant",
        "major_hardship": "Major hardship assistance",
    },
}
# What finance writes for a paid grant: the visit, and which grant (its id) for the auditor.
_PAID_GRANT = {"zh-CN": "{label}（慰问单 {grant_id}）", "en": "{label} (grant {grant_id})"}
MAX_FEN = 10**12
# A grant's status as a refusal says it to Chinese staff.
GRANT_STATUS_ZH = {"recorded": "待审批", "approved": "已审批发放", "cancelled": "已取消"}


def visit_label(visit_type: str, language: str) -> str:
    return VISIT_LABELS.get(language, VISIT_TYPES)[visit_type]


def paid_grant_description(visit_type: str, grant_id, language: str) -> str:
    pattern = _PAID_GRANT.get(language, _PAID_GRANT["zh-CN"])
    return pattern.format(label=visit_label(visit_type, language), grant_id=grant_id)


def check_visit_type(visit_type: str) -> None:
    if visit_type not in VISIT_TYPES:
        raise Invalid(
            "visit_type_unknown",
            zh=f"未知的慰问类型 {visit_type!r}，可选：{_choices()}",
            en=f"unknown visit type {visit_type!r}; one of: {', '.join(VISIT_TYPES)}",
        )


def check_policy(amounts_fen: dict[str, int], yearly_cap_fen: int) -> None:
    unknown = sorted(set(amounts_fen) - set(VISIT_TYPES))
    if unknown:
        raise Invalid(
            "visit_type_unknown",
            zh=f"慰问标准中有未知的慰问类型：{'、'.join(unknown)}；可选：{_choices()}",
            en=f"unknown visit types in the policy: {', '.join(unknown)}",
        )
    for visit_type, amount in amounts_fen.items():
        _check_fen(amount, f"{VISIT_TYPES[visit_type]}的标准金额", f"the standard amount for {visit_type}")
    _check_fen(yearly_cap_fen, "年度上限", "the yearly cap")


def occasion_key(member_id, visit_type: str, occasion_on: dt.date, occasion_ref: str) -> str:
    """The same member, visit type, date and reference are one occasion, whoever records it.

    The reference is normalised (trimmed, case-folded, inner spaces collapsed) so two officers
    typing the same hospital stay slightly differently still meet the same key.
    """
    ref = " ".join(occasion_ref.split()).casefold()
    return f"{member_id}:{visit_type}:{occasion_on.isoformat()}:{ref}"


def amounts(
    standard_fen: int | None, money_fen: int | None, goods_values: Iterable[int], visit_type: str
) -> tuple[int, int]:
    """(money, goods value) of a grant: by default the standard amount less the goods given.

    A grant may be less than the policy's standard, never more: the standard is what the
    federation agreed to pay for this kind of visit.
    """
    if standard_fen is None:
        raise Invalid(
            "visit_standard_missing",
            zh=f"本联合会的慰问标准未设定{_label(visit_type)}的标准金额",
            en=f"the federation's visit policy sets no standard amount for {visit_type}",
        )
    goods_fen = sum(goods_values)
    if money_fen is None:
        money_fen = max(standard_fen - goods_fen, 0)
    if money_fen < 0:
        raise Invalid("grant_money_negative", zh="慰问金不能为负数", en="the money of a grant cannot be negative")
    total = money_fen + goods_fen
    if total <= 0:
        raise Invalid("grant_empty", zh="慰问须有慰问金或慰问品", en="a grant needs money or goods")
    if total > standard_fen:
        raise Invalid(
            "grant_over_standard",
            zh=f"慰问金 {yuan(money_fen)} 加慰问品 {yuan(goods_fen)}，超过{_label(visit_type)}标准 {yuan(standard_fen)}",
            en=f"money {money_fen} fen and goods {goods_fen} fen exceed the standard {visit_type} grant of {standard_fen} fen",
        )
    return money_fen, goods_fen


def cap_left(granted_this_year_fen: int, yearly_cap_fen: int) -> int:
    """What the member may still be granted this year."""
    return max(yearly_cap_fen - granted_this_year_fen, 0)


def cap_refusal(granted_this_year_fen: int, amount_fen: int, yearly_cap_fen: int, year: int) -> Invalid | None:
    """Why a grant of ``amount_fen`` breaks the member's yearly cap (across all unions); None when it fits.

    Recording raises it; a preview shows it before anything is recorded.
    """
    if granted_this_year_fen + amount_fen <= yearly_cap_fen:
        return None
    left = cap_left(granted_this_year_fen, yearly_cap_fen)
    return Invalid(
        "grant_over_yearly_cap",
        zh=f"本次补助 {yuan(amount_fen)} 超出该会员 {year} 年度上限 {yuan(yearly_cap_fen)}："
        f"本年已补助 {yuan(granted_this_year_fen)}，尚余 {yuan(left)}",
        en=f"the grant of {amount_fen} fen exceeds the member's yearly cap of {yearly_cap_fen} fen for {year}: "
        f"{granted_this_year_fen} fen already granted, {left} fen left",
    )


def check_cap(granted_this_year_fen: int, amount_fen: int, yearly_cap_fen: int, year: int) -> None:
    """Refused before finance hears of it: a member's grants in a year, across all unions."""
    refusal = cap_refusal(granted_this_year_fen, amount_fen, yearly_cap_fen, year)
    if refusal is not None:
        raise refusal


def display_status(grant_status: str, hold_status: str) -> str:
    """One word for the grant and its money together."""
    if grant_status == "cancelled":
        return "cancelled" if hold_status in ("voided", "refused") else "cancelling"
    return {
        "requested": "awaiting_finance",
        "reserved": "approved_awaiting_payment" if grant_status == "approved" else "reserved",
        "refused": "refused",
        "capture_requested": "paying",
        "captured": "paid",
        "void_requested": "cancelling",
        "voided": "cancelled",
    }[hold_status]


def _check_fen(value, what_zh: str, what_en: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_FEN:
        raise Invalid(
            "visit_policy_amount_invalid",
            zh=f"{what_zh}须为正整数（单位：分）",
            en=f"{what_en} must be a positive integer of fen",
        )


def _label(visit_type: str) -> str:
    return VISIT_TYPES.get(visit_type, visit_type)


def _choices() -> str:
    return "、".join(f"{name}（{label}）" for name, label in VISIT_TYPES.items())
