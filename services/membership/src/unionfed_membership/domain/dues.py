"""Dues (会费): a federation's effective-dated policy, what each member owes a month, arrears. No I/O."""

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from unionfed_membership.domain.model import PERIOD, MemberStatus
from unionfed_shared.errors import Invalid

MEMBER_STATUSES = ("active", "retired", "left", "deceased")
# DuesPayment.collect takes dues from active members only, so only they can ever owe them;
# a policy's exempt statuses still matter for the record (and if that rule ever widens).
COLLECTABLE_STATUSES = ("active",)
DEFAULT_RATE_PER_MILLE = 5  # 0.5% of the monthly base salary
MAX_RATE_PER_MILLE = 100  # 10%: anything above is a typo, not a dues rate


@dataclass(frozen=True)
class DuesPolicy:
    federation_id: str
    valid_from: dt.date
    rate_per_mille: int = DEFAULT_RATE_PER_MILLE
    exempt_statuses: frozenset[MemberStatus] = frozenset({"retired"})
    exempt_member_ids: frozenset[uuid.UUID] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        rate = self.rate_per_mille
        if isinstance(rate, bool) or not isinstance(rate, int) or not 0 < rate <= MAX_RATE_PER_MILLE:
            raise Invalid(
                "dues_rate_invalid",
                zh=f"会费费率（千分比）须为 1 至 {MAX_RATE_PER_MILLE} 的整数",
                en=f"rate_per_mille must be a whole number from 1 to {MAX_RATE_PER_MILLE}",
            )
        unknown = set(self.exempt_statuses) - set(MEMBER_STATUSES)
        if unknown:
            raise Invalid(
                "member_status_unknown",
                zh=f"未知的会员状态 {sorted(unknown)}；可用状态为 {', '.join(MEMBER_STATUSES)}",
                en=f"unknown member status(es) {sorted(unknown)}; statuses are {', '.join(MEMBER_STATUSES)}",
            )

    @property
    def first_period(self) -> str:
        """The first month this policy covers: the first whose 1st day it is in force on."""
        start = self.valid_from
        return period_of(start) if start.day == 1 else next_period(period_of(start))


def monthly_dues_fen(base_salary_fen: int, rate_per_mille: int) -> int:
    """base × rate / 1000, rounded half up to the fen, in integers only (never a float)."""
    if base_salary_fen < 0:
        raise Invalid("base_salary_negative", zh="基本工资不能为负数", en="a base salary cannot be negative")
    return (base_salary_fen * rate_per_mille + 500) // 1000


@dataclass(frozen=True)
class MemberDues:
    """The slice of a member that dues depend on."""

    id: uuid.UUID
    organization_id: str
    display_name: str
    status: str
    joined_on: dt.date
    base_salary_fen: int | None


Outcome = Literal["due", "exempt", "no_base_salary", "not_collectable", "no_policy"]


@dataclass(frozen=True)
class Assessment:
    member_id: uuid.UUID
    period: str
    outcome: Outcome
    amount_fen: int | None = None
    reason: str = ""


def assess(member: MemberDues, period: str, policy: DuesPolicy | None) -> Assessment:
    """What a member owes for one month under the policy in force then."""
    if period_of(member.joined_on) > period:
        return Assessment(member.id, period, "not_collectable", reason=f"joined after {period}")
    if policy is None:
        return Assessment(member.id, period, "no_policy", reason=f"no dues policy in force for {period}")
    if member.id in policy.exempt_member_ids:
        return Assessment(member.id, period, "exempt", reason="member exempted by the federation's policy")
    if member.status in policy.exempt_statuses:
        return Assessment(member.id, period, "exempt", reason=f"{member.status} members are exempt")
    if member.status not in COLLECTABLE_STATUSES:
        return Assessment(member.id, period, "not_collectable", reason=f"member is {member.status}")
    if member.base_salary_fen is None:
        # Reported, never silently 0: the office has to record the salary first.
        return Assessment(member.id, period, "no_base_salary", reason="no base salary")
    return Assessment(member.id, period, "due", monthly_dues_fen(member.base_salary_fen, policy.rate_per_mille))


def policy_for(policies: Iterable[DuesPolicy], period: str) -> DuesPolicy | None:
    """The policy in force on the first day of the month (the latest valid_from on or before it)."""
    first_day = first_day_of(period)
    in_force = [p for p in policies if p.valid_from <= first_day]
    return max(in_force, key=lambda p: p.valid_from) if in_force else None


@dataclass(frozen=True)
class Arrears:
    member: MemberDues
    unpaid: tuple[Assessment, ...]  # "due" (with amount) and "no_base_salary" (amount unknown)

    @property
    def total_fen(self) -> int:
        return sum(a.amount_fen or 0 for a in self.unpaid)

    @property
    def periods_without_amount(self) -> int:
        return sum(1 for a in self.unpaid if a.amount_fen is None)


def arrears(member: MemberDues, policies: Sequence[DuesPolicy], paid_periods: set[str], through_period: str) -> Arrears:
    """Months since joining (or since the first policy) up to ``through_period`` not paid and owed.

    The member's current status and base salary are applied to every month: the roster keeps
    no salary history, so this is what the office would collect today.
    """
    check_period(through_period)
    if not policies:
        return Arrears(member, ())
    first_policy_period = min(p.first_period for p in policies)
    start = max(period_of(member.joined_on), first_policy_period)
    unpaid = []
    for period in periods_between(start, through_period):
        if period in paid_periods:
            continue
        assessment = assess(member, period, policy_for(policies, period))
        if assessment.outcome == "no_base_salary" or (assessment.outcome == "due" and assessment.amount_fen):
            unpaid.append(assessment)
    return Arrears(member, tuple(unpaid))


def check_period(period: str) -> str:
    if not PERIOD.match(period):
        raise Invalid(
            "period_invalid",
            zh=f"会费月份 {period!r} 无效，须为 1900-01 至 2999-12 之间的 YYYY-MM",
            en=f"period {period!r} is not YYYY-MM",
        )
    return period


def period_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def first_day_of(period: str) -> dt.date:
    check_period(period)
    return dt.date(int(period[:4]), int(period[5:]), 1)


def next_period(period: str) -> str:
    year, month = int(period[:4]), int(period[5:])
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def periods_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last``, both included (empty when first is later)."""
    periods, period = [], first
    while period <= last:  # YYYY-MM compares in calendar order
        periods.append(period)
        period = next_period(period)
    return periods


# A month's collection travels to finance in chunks of at most this many members of one
# organization (one DuesBatchCollectedV1, one posting each).
DUES_CHUNK = 1000
# Names each member's payment of a month: collecting the month again (a retry, a crash redone)
# names the same payment, which the (member, period) constraint and finance's receipts keep once.
DUES_PAYMENT_NAMESPACE = uuid.UUID("4f0c1b2e-8d1a-5c3e-9b7f-6a2d4e8c1f35")


def payment_id_of(member_id: uuid.UUID, period: str) -> uuid.UUID:
    return uuid.uuid5(DUES_PAYMENT_NAMESPACE, f"{member_id}/{period}")


def batch_id_of(organization_id: str, period: str, first_payment_id: uuid.UUID) -> uuid.UUID:
    """A chunk's id, from what it holds: the same chunk collected again has the same id."""
    return uuid.uuid5(DUES_PAYMENT_NAMESPACE, f"batch/{organization_id}/{period}/{first_payment_id}")


@dataclass
class MonthPlan:
    """What collecting a month does to each member, decided at once for all of them."""

    due: list[tuple[MemberDues, int]] = field(default_factory=list)
    already_paid: list[MemberDues] = field(default_factory=list)
    not_collected: list[tuple[MemberDues, Assessment]] = field(default_factory=list)


def plan_month(
    members: Iterable[MemberDues], period: str, policy: DuesPolicy | None, paid: set[uuid.UUID]
) -> MonthPlan:
    """Each member's fate for ``period``: already paid, owing their assessed amount, or not collected
    (exempt, no salary, joined later, not active) with the reason."""
    plan = MonthPlan()
    for member in members:
        assessment = assess(member, period, policy)
        if member.id in paid:
            plan.already_paid.append(member)
        elif assessment.outcome != "due" or not assessment.amount_fen:
            plan.not_collected.append((member, assessment))
        else:
            plan.due.append((member, assessment.amount_fen))
    return plan


def chunks(due: Sequence[tuple[MemberDues, int]], size: int = DUES_CHUNK) -> list[list[tuple[MemberDues, int]]]:
    """The due members cut into chunks of at most ``size`` members of one organization each, in order."""
    if size < 1:
        raise Invalid("dues_chunk_size_invalid", zh="每批会员数须为正整数", en="a chunk holds at least one member")
    found: list[list[tuple[MemberDues, int]]] = []
    for item in due:
        last = found[-1] if found else None
        if last is None or len(last) >= size or last[0][0].organization_id != item[0].organization_id:
            found.append([item])
        else:
            last.append(item)
    return found
