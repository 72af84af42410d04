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
# Awards, stages and steps as a refusal says them to Chinese staff.
AWARD_ZH = {
    "may_day_labour_medal": "五一劳动奖章",
    "model_worker": "劳动模范",
    "advanced_individual": "先进个人",
    "outstanding_union_officer": "优秀工会干部",
}
STATUS_ZH = {NOMINATED: "已推荐待审核", REVIEWED: "已审核待批准", APPROVED: "已批准", REJECTED: "未通过"}
STEP_ZH = {"review": "审核", "approve": "批准"}
# The stage each step starts from; anything else is out of order.
NEXT = {"review": NOMINATED, "approve": REVIEWED}
LONGEST_NOTICE = dt.timedelta(days=90)


def check_nominating_union(kind: str | None, has_upper_federation: bool) -> None:
    if kind != "grassroots_union" or not has_upper_federation:
        raise Invalid(
            "nomination_needs_grassroots_union",
            zh="推荐由基层工会提出，并由其上级联合会审核",
            en="nominations are made by a grassroots union, which its upper federation reviews",
        )


def check_year(year: int, today: dt.date) -> None:
    if not today.year - 1 <= year <= today.year + 1:
        raise Invalid(
            "nomination_year_out_of_range",
            zh=f"评选年度须在 {today.year} 年前后一年之内",
            en=f"the award year must be within a year of {today.year}",
        )


def check_step(step: str, status: str) -> None:
    if status != NEXT[step]:
        raise Conflict(
            "nomination_step_out_of_order",
            zh=f"该推荐{STATUS_ZH.get(status, status)}，只有{STATUS_ZH[NEXT[step]]}时才能{STEP_ZH[step]}",
            en=f"the nomination is {status}; it can be {_past(step)} only when {NEXT[step]}",
        )


def check_rejection(status: str, reason: str | None) -> str:
    if status not in (NOMINATED, REVIEWED):
        raise Conflict(
            "nomination_already_decided",
            zh=f"该推荐{STATUS_ZH.get(status, status)}，不能再作不予通过处理",
            en=f"the nomination is already {status}",
        )
    reason = (reason or "").strip()
    if not 1 <= len(reason) <= 500:
        raise Invalid(
            "nomination_rejection_needs_reason",
            zh="不予通过须说明理由（1 到 500 个字）",
            en="a rejection gives its reason (1 to 500 characters)",
        )
    return reason


def check_notice(starts_on: dt.date, ends_on: dt.date, approved_on: dt.date) -> None:
    if starts_on < approved_on:
        raise Invalid(
            "notice_starts_before_approval",
            zh="公示开始日期不能早于批准日期",
            en="the public notice starts on or after the day of approval",
        )
    if ends_on < starts_on:
        raise Invalid(
            "notice_ends_before_start",
            zh="公示结束日期不能早于开始日期",
            en="the public notice cannot end before it starts",
        )
    if ends_on - starts_on > LONGEST_NOTICE:
        raise Invalid("notice_too_long", zh="公示期最长 90 天", en="a public notice lasts at most 90 days")


def notice_state(status: str, starts_on: dt.date | None, ends_on: dt.date | None, today: dt.date) -> str | None:
    """Where the public notice of an approved nomination stands on a day (Beijing date)."""
    if status != APPROVED or starts_on is None or ends_on is None:
        return None
    if today < starts_on:
        return "scheduled"
    return "in_notice" if today <= ends_on else "ended"


def _past(step: str) -> str:
    return {"review": "reviewed", "approve": "approved"}[step]
