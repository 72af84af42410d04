"""Visits and their grants (五必访 and major hardship): rules with no I/O."""

import dataclasses
import datetime as dt
import uuid
from collections.abc import Iterable

from unionfed_shared import finance_holds
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


# A grant's own statuses; its money's are finance_holds'.
RECORDED, APPROVED, CANCELLED = "recorded", "approved", "cancelled"


@dataclasses.dataclass(frozen=True)
class GoodsLine:
    """Goods given with a grant, at their value."""

    item: str
    quantity: int
    unit: str
    value_fen: int


@dataclasses.dataclass
class Grant:
    """A visit's grant: money and/or goods, reserved, paid and voided through one hold in finance."""

    id: uuid.UUID
    organization_id: str
    federation_id: str
    member_id: uuid.UUID
    visit_type: str
    occasion_on: dt.date
    occasion_ref: str
    occasion_key: str
    year: int
    money_fen: int
    goods_fen: int
    amount_fen: int
    hold_id: uuid.UUID
    recorded_by: str
    hardship_file_id: uuid.UUID | None = None
    note: str = ""
    status: str = RECORDED
    recorded_at: dt.datetime | None = None  # set by the database when stored
    approved_by: str | None = None
    approved_at: dt.datetime | None = None
    cancelled_by: str | None = None
    cancelled_at: dt.datetime | None = None
    cancel_reason: str | None = None

    def approve(self, by: str, at: dt.datetime) -> None:
        self.status, self.approved_by, self.approved_at = APPROVED, by, at

    def cancel(self, by: str, at: dt.datetime, reason: str) -> None:
        self.status, self.cancelled_by, self.cancelled_at, self.cancel_reason = CANCELLED, by, at, reason

    def reopen(self) -> None:
        """Back to recorded, to be approved once more: finance refused the payment."""
        self.status, self.approved_by, self.approved_at = RECORDED, None, None


class OccasionTaken(Exception):
    """Another grant of the same occasion was stored first (storing found it, not the check before)."""


@dataclasses.dataclass(frozen=True)
class GrantFilter:
    """Which grants of an organization's subtree a list shows (None: any)."""

    status: str | None = None  # recorded, approved, cancelled
    visit_type: str | None = None
    member_id: uuid.UUID | None = None
    occasion_from: dt.date | None = None  # inclusive
    occasion_to: dt.date | None = None  # inclusive


@dataclasses.dataclass(frozen=True)
class VisitPolicy:
    """A federation's standard grant per visit type and its per-member yearly cap (all its unions)."""

    federation_id: str
    amounts_fen: dict[str, int]
    yearly_cap_fen: int
    updated_by: str
    updated_at: dt.datetime | None = None


@dataclasses.dataclass(frozen=True)
class YearGrant:
    """One of a member's grants of a year as the yearly cap sees it: its amount, and where it and its money stand."""

    amount_fen: int
    status: str
    hold_status: str


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


def counts_toward_cap(grant: YearGrant) -> bool:
    """A grant counts against the cap unless it was cancelled or finance refused or released its money:
    then nothing was or will be paid."""
    return grant.status != CANCELLED and grant.hold_status not in finance_holds.RELEASED


def granted_in_year(year_grants: Iterable[YearGrant]) -> int:
    """What the member's grants of the year count against the cap."""
    return sum(g.amount_fen for g in year_grants if counts_toward_cap(g))


def check_yearly_cap(year_grants: Iterable[YearGrant], amount_fen: int, yearly_cap_fen: int, year: int) -> None:
    """Refuse a grant of ``amount_fen`` the member's grants of ``year`` leave no room for."""
    check_cap(granted_in_year(year_grants), amount_fen, yearly_cap_fen, year)


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
        return "cancelled" if hold_status in finance_holds.RELEASED else "cancelling"
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
