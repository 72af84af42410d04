"""Award nominations (五一劳动奖章, 劳模, 先进个人, 优秀工会干部) and their selection stages. Rules only.

A union nominates one of its members; its upper federation reviews; the federation approves,
and the approval is posted for public notice (公示) for a period. A rejection, with its reason,
ends the nomination at the stage it reached.
"""

import datetime as dt
import enum

from unionfed_shared.errors import Conflict, Invalid


class Award(enum.StrEnum):
    MAY_DAY_LABOUR_MEDAL = "may_day_labour_medal"  # 五一劳动奖章
    MODEL_WORKER = "model_worker"  # 劳动模范
    ADVANCED_INDIVIDUAL = "advanced_individual"  # 先进个人
    OUTSTANDING_UNION_OFFICER = "outstanding_union_officer"  # 优秀工会干部


NOMINATED, REVIEWED, APPROVED, REJECTED = "nominated", "reviewed", "approved", "rejected"
# The stage each step starts from; anything else is out of order.
NEXT = {"review": NOMINATED, "approve": REVIEWED}
LONGEST_NOTICE = dt.timedelta(days=90)


def check_nominating_union(kind: str | None, has_upper_federation: bool) -> None:
    if kind != "grassroots_union" or not has_upper_federation:
        raise Invalid("nominations are made by a grassroots union, which its upper federation reviews")


def check_year(year: int, today: dt.date) -> None:
    if not today.year - 1 <= year <= today.year + 1:
        raise Invalid(f"the award year must be within a year of {today.year}")


def check_step(step: str, status: str) -> None:
    if status != NEXT[step]:
        raise Conflict(f"the nomination is {status}; it can be {_past(step)} only when {NEXT[step]}")


def check_rejection(status: str, reason: str | None) -> str:
    if status not in (NOMINATED, REVIEWED):
        raise Conflict(f"the nomination is already {status}")
    reason = (reason or "").strip()
    if not 1 <= len(reason) <= 500:
        raise Invalid("a rejection gives its reason (1 to 500 characters)")
    return reason


def check_notice(starts_on: dt.date, ends_on: dt.date, approved_on: dt.date) -> None:
    if starts_on < approved_on:
        raise Invalid("the public notice starts on or after the day of approval")
    if ends_on < starts_on:
        raise Invalid("the public notice cannot end before it starts")
    if ends_on - starts_on > LONGEST_NOTICE:
        raise Invalid("a public notice lasts at most 90 days")


def notice_state(status: str, starts_on: dt.date | None, ends_on: dt.date | None, today: dt.date) -> str | None:
    """Where the public notice of an approved nomination stands on a day (Beijing date)."""
    if status != APPROVED or starts_on is None or ends_on is None:
        return None
    if today < starts_on:
        return "scheduled"
    return "in_notice" if today <= ends_on else "ended"


def _past(step: str) -> str:
    return {"review": "reviewed", "approve": "approved"}[step]
