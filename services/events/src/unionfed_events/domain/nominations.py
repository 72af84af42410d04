"""Award nominations (五一劳动奖章, 劳模, 先进个人, 优秀工会干部) and their selection stages. Rules only.

A union nominates one of its members; its upper federation reviews; the federation approves,
and the approval is posted for public notice (公示) for a period. A rejection, with its reason,
ends the nomination at the stage it reached.
"""

import datetime as dt
import enum
import uuid
from dataclasses import dataclass, replace

from unionfed_events.domain.congress import clean_text
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


@dataclass(frozen=True)
class Nomination:
    id: uuid.UUID
    organization_id: str  # the nominating union
    reviewer_id: str  # its upper federation
    federation_id: str  # approves
    member_id: uuid.UUID
    member_name: str
    award: str
    year: int
    citation: str  # 主要事迹
    status: str
    nominated_by: str
    created_at: dt.datetime | None = None  # stamped by the store
    reviewed_by: str | None = None
    reviewed_at: dt.datetime | None = None
    review_note: str | None = None
    approved_by: str | None = None
    approved_at: dt.datetime | None = None
    notice_starts_on: dt.date | None = None
    notice_ends_on: dt.date | None = None
    rejected_by: str | None = None
    rejected_at: dt.datetime | None = None
    rejected_at_stage: str | None = None
    rejection_reason: str | None = None

    def reviewed(self, by: str, at: dt.datetime, note: str | None) -> "Nomination":
        check_step("review", self.status)
        note = clean_text(note, "the review note", 2000) if note else None
        return replace(self, status=REVIEWED, reviewed_by=by, reviewed_at=at, review_note=note)

    def approved(
        self, by: str, at: dt.datetime, notice_starts_on: dt.date, notice_ends_on: dt.date, approved_on: dt.date
    ) -> "Nomination":
        check_step("approve", self.status)
        check_notice(notice_starts_on, notice_ends_on, approved_on)
        return replace(
            self,
            status=APPROVED,
            approved_by=by,
            approved_at=at,
            notice_starts_on=notice_starts_on,
            notice_ends_on=notice_ends_on,
        )

    def rejected(self, by: str, at: dt.datetime, reason: str | None) -> "Nomination":
        reason = check_rejection(self.status, reason)
        return replace(
            self,
            status=REJECTED,
            rejected_by=by,
            rejected_at=at,
            rejected_at_stage=self.status,
            rejection_reason=reason,
        )

    @property
    def deciding_body(self) -> str:
        """The body deciding the current stage: the reviewer before review, the federation after."""
        return self.reviewer_id if self.status == NOMINATED else self.federation_id

    def in_notice_on(self, day: dt.date) -> bool:
        return notice_state(self.status, self.notice_starts_on, self.notice_ends_on, day) == "in_notice"


def already_nominated(member_id: uuid.UUID, award: str, year: int) -> Conflict:
    return Conflict(
        "already_nominated",
        zh=f"会员 {member_id} 已被推荐参评 {year} 年度{AWARD_ZH.get(award, award)}",
        en=f"member {member_id} is already nominated for {award} {year}",
    )


def nominee_not_member(member_id: uuid.UUID, union_id: str) -> Invalid:
    return Invalid(
        "nominee_not_member",
        zh=f"会员 {member_id} 不是 {union_id} 的在职会员",
        en=f"member {member_id} is not an active member of {union_id}",
    )


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
