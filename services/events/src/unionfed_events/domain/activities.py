"""Activities and competitions: who may take part, when, and who gets a place. Rules only, no I/O."""

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from unionfed_shared import business_time
from unionfed_shared.errors import Conflict, Invalid

# Deadlines are stored and compared in UTC; people read them in the federation's local time.
# Answers over HTTP still show Beijing's offset (the same instant either way).
SHANGHAI = business_time.DEFAULT_ZONE

GENDER_NAMES = {"female": "women", "male": "men"}
# The same words as a refusal says them to Chinese staff.
GENDER_ZH = {"female": "女", "male": "男"}
MEMBER_STATUS_ZH = {"active": "在职", "retired": "退休", "left": "已离会", "deceased": "已故"}
ACTIVITY_STATUS_ZH = {"draft": "尚在草稿", "published": "已发布", "cancelled": "已取消"}


def status_zh(status: str) -> str:
    return ACTIVITY_STATUS_ZH.get(status, f"状态为 {status}")


def local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(SHANGHAI)


def shown(moment: dt.datetime, zone: ZoneInfo = SHANGHAI) -> str:
    """The moment on the wall clock of ``zone`` (the federation's), naming the zone."""
    return moment.astimezone(zone).strftime(f"%Y-%m-%d %H:%M ({zone.key})")


def check_schedule(starts_at: dt.datetime, ends_at: dt.datetime, registration_deadline: dt.datetime) -> None:
    for name, moment in (
        ("starts_at", starts_at),
        ("ends_at", ends_at),
        ("registration_deadline", registration_deadline),
    ):
        if moment.tzinfo is None:
            raise Invalid("time_zone_missing", zh=f"{name} 须带时区", en=f"{name} needs a time zone")
    check_end(starts_at, ends_at)
    check_deadline(starts_at, registration_deadline)


def check_end(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if not starts_at < ends_at:
        raise Invalid(
            "activity_ends_before_start", zh="活动结束时间须晚于开始时间", en="an activity ends after it starts"
        )


def check_deadline(starts_at: dt.datetime, registration_deadline: dt.datetime) -> None:
    if registration_deadline > starts_at:
        raise Invalid(
            "registration_deadline_after_start",
            zh="报名截止时间不能晚于活动开始时间",
            en="registration closes no later than the activity starts",
        )


def check_scope(organizer_id: str, scope_paths: dict[str, Sequence[str] | None]) -> None:
    """Each organization an activity is open to is the organizer or one of its descendants."""
    for organization_id, path in scope_paths.items():
        if path is None or organizer_id not in path:
            raise Invalid(
                "activity_scope_outside_organizer",
                zh=f"{organization_id} 不是主办单位 {organizer_id} 或其下属单位",
                en=f"{organization_id} is not the organizer {organizer_id} or under it",
            )


@dataclass(frozen=True)
class Eligibility:
    scope_organization_ids: tuple[str, ...]
    gender: str | None  # None: everyone
    statuses: tuple[str, ...]  # member statuses admitted: active, retired

    def refusal(self, gender: str, status: str, member_path: Sequence[str]) -> Invalid | None:
        """Why a member may not take part (the refusal to raise), or None when they may."""
        if not set(self.scope_organization_ids) & set(member_path):
            scope = ", ".join(self.scope_organization_ids)
            return Invalid(
                "registration_outside_scope",
                zh=f"本活动只面向 {'、'.join(self.scope_organization_ids)} 的会员",
                en=f"the activity is open to members of {scope} only",
            )
        if self.gender is not None and gender != self.gender:
            return Invalid(
                "registration_gender_restricted",
                zh=f"本活动只面向{GENDER_ZH[self.gender]}职工",
                en=f"the activity is for {GENDER_NAMES[self.gender]} staff only",
            )
        if status not in self.statuses:
            wanted = "、".join(MEMBER_STATUS_ZH.get(s, s) for s in self.statuses)
            return Invalid(
                "registration_status_not_eligible",
                zh=f"本活动只面向{wanted}会员，该会员为{MEMBER_STATUS_ZH.get(status, status)}",
                en=f"the activity is open to {' and '.join(self.statuses)} members; this member is {status}",
            )
        return None


def require_open_for_registration(
    status: str, deadline: dt.datetime, now: dt.datetime, zone: ZoneInfo = SHANGHAI
) -> None:
    if status != "published":
        raise Conflict(
            "activity_not_open_for_registration",
            zh=f"该活动{status_zh(status)}，未开放报名",
            en=f"the activity is {status}, not open for registration",
        )
    if now.astimezone(dt.UTC) > deadline.astimezone(dt.UTC):
        raise Invalid(
            "registration_closed",
            zh=f"报名已于 {shown(deadline, zone)} 截止",
            en=f"registration closed at {shown(deadline, zone)}",
        )


def placement(confirmed: int, capacity: int | None) -> str:
    """A new registration takes a place while there is one, else joins the waitlist."""
    return "confirmed" if capacity is None or confirmed < capacity else "waitlisted"


def promotions(confirmed: int, capacity: int | None, waitlist_size: int) -> int:
    """How many from the head of the waitlist get the places now free."""
    free = waitlist_size if capacity is None else max(0, capacity - confirmed)
    return min(free, waitlist_size)


@dataclass(frozen=True)
class ActivityFilter:
    """Which activities a list shows."""

    status: str | None = None  # draft, published, cancelled
    kind: str | None = None
    starts_from: dt.datetime | None = None  # inclusive
    starts_before: dt.datetime | None = None  # exclusive
    title: str | None = None  # a part of the title, case-insensitive


@dataclass
class Activity:
    """An activity or competition: drafted, published (registration open, budget reserved) or
    cancelled; its awards are published once. ``next_sequence`` is taken under its row lock."""

    id: uuid.UUID
    organization_id: str  # the organizer
    federation_id: str
    title: str
    kind: str
    scope_organization_ids: tuple[str, ...]
    starts_at: dt.datetime
    ends_at: dt.datetime
    registration_deadline: dt.datetime
    capacity: int | None  # None: no limit
    eligible_gender: str | None  # None: everyone
    eligible_statuses: tuple[str, ...]
    description: str = ""
    status: str = "draft"  # draft, published, cancelled
    cancel_reason: str | None = None
    next_sequence: int = 1
    awards_published_on: dt.date | None = None
    created_by: str | None = None
    created_at: dt.datetime | None = None  # stamped by the store
    published_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None

    @property
    def eligibility(self) -> Eligibility:
        return Eligibility(self.scope_organization_ids, self.eligible_gender, self.eligible_statuses)

    def take_sequence(self) -> int:
        """The next number in the order people asked in."""
        sequence = self.next_sequence
        self.next_sequence += 1
        return sequence

    def publish(self, at: dt.datetime) -> None:
        if self.status != "draft":
            raise Conflict(
                "activity_not_draft",
                zh=f"该活动{status_zh(self.status)}，只有草稿状态的活动可以发布",
                en=f"the activity is {self.status}; only a draft is published",
            )
        self.status, self.published_at = "published", at

    def cancel(self, reason: str, at: dt.datetime) -> None:
        if self.status == "cancelled":
            raise Conflict("activity_already_cancelled", zh="该活动已取消", en="the activity is already cancelled")
        self.status, self.cancel_reason, self.cancelled_at = "cancelled", reason, at

    def require_published(self) -> None:
        """Attendance, teams, awards and payments come after the activity is published."""
        if self.status != "published":
            raise Conflict(
                "activity_not_published",
                zh=f"该活动{status_zh(self.status)}，须在活动发布后办理",
                en=f"the activity is {self.status}",
            )

    def require_awards_open(self) -> None:
        """Awards are recorded until they are published, once."""
        if self.awards_published_on is not None:
            raise Conflict(
                "awards_already_published",
                zh="该活动的获奖结果已公布",
                en="the awards of this activity are already published",
            )

    def publish_awards(self, paid_on: dt.date) -> None:
        self.require_awards_open()
        self.awards_published_on = paid_on
