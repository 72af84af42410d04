"""Spot checks (督查): an upper union checks a union under it. Rules only.

An officer of a union above records a spot check of a union under it — the day, what was checked
(the staff congress, 校务公开, or something else, with a line saying what), the findings, and
whether follow-up (整改) is required and by which day. The checked union records its follow-up
(what it rectified, on which day); the checking union closes the check: at once when no follow-up
was required, after the follow-up when one was. A check still waiting for its follow-up after the
day it was due is overdue. Dates are business dates in the federation's zone.
"""

import datetime as dt
import enum
import uuid
from dataclasses import dataclass, replace

from unionfed_events.domain.congress import clean_text
from unionfed_shared.errors import Conflict, Invalid


class Subject(enum.StrEnum):
    CONGRESS = "congress"  # 教（职）代会
    DISCLOSURE = "disclosure"  # 校务公开
    OTHER = "other"


SUBJECT_ZH = {Subject.CONGRESS: "教（职）代会", Subject.DISCLOSURE: "校务公开", Subject.OTHER: "其他"}
OPEN, FOLLOWED_UP, CLOSED = "open", "followed_up", "closed"
STATUS_ZH = {OPEN: "待整改", FOLLOWED_UP: "已整改待销号", CLOSED: "已销号"}
DAY_ZH = {
    "checked_on": "督查日期",
    "follow_up_due_on": "整改期限",
    "followed_up_on": "整改日期",
    "closed_on": "销号日期",
}


@dataclass(frozen=True)
class SpotCheck:
    id: uuid.UUID
    organization_id: str  # the union checked
    federation_id: str
    checked_by_organization_id: str  # the union above that checked it
    checked_on: dt.date
    subject: str
    subject_detail: str  # what was checked, in a line
    findings: str
    follow_up_required: bool
    follow_up_due_on: dt.date | None
    recorded_by: str
    status: str = OPEN
    created_at: dt.datetime | None = None  # stamped by the store
    follow_up: str | None = None  # what the checked union rectified (整改情况)
    followed_up_on: dt.date | None = None
    followed_up_by: str | None = None
    closed_on: dt.date | None = None
    closed_by: str | None = None
    closing_note: str | None = None

    def followed_up(self, text: str, on: dt.date, by: str, today: dt.date) -> "SpotCheck":
        """The checked union's rectification; written again while the check is not closed."""
        if not self.follow_up_required:
            raise Conflict(
                "spot_check_needs_no_follow_up",
                zh="该督查未要求整改，无需填报整改情况",
                en="this spot check required no follow-up",
            )
        if self.status == CLOSED:
            raise Conflict("spot_check_closed", zh="该督查已销号，不能再修改", en="the spot check is closed")
        check_day(on, "followed_up_on", not_before=self.checked_on, today=today)
        return replace(
            self,
            status=FOLLOWED_UP,
            follow_up=clean_text(text, "the follow-up", 5000),
            followed_up_on=on,
            followed_up_by=by,
        )

    def closed(self, on: dt.date, by: str, note: str | None, today: dt.date) -> "SpotCheck":
        if self.status == CLOSED:
            raise Conflict("spot_check_closed", zh="该督查已销号，不能再修改", en="the spot check is closed")
        if self.follow_up_required and self.status != FOLLOWED_UP:
            raise Conflict(
                "spot_check_awaits_follow_up",
                zh="被督查单位尚未填报整改情况，不能销号",
                en="the checked union has not recorded its follow-up yet",
            )
        check_day(on, "closed_on", not_before=self.followed_up_on or self.checked_on, today=today)
        return replace(
            self,
            status=CLOSED,
            closed_on=on,
            closed_by=by,
            closing_note=clean_text(note, "the closing note", 2000) if note else None,
        )

    def taking_files(self) -> None:
        """Files (photos, rectification proof) are attached until the check is closed."""
        if self.status == CLOSED:
            raise Conflict("spot_check_closed", zh="该督查已销号，不能再修改", en="the spot check is closed")

    def overdue(self, today: dt.date) -> bool:
        """Follow-up required, none recorded, and the day it was due has passed."""
        return (
            self.follow_up_required
            and self.status == OPEN
            and self.follow_up_due_on is not None
            and today > self.follow_up_due_on
        )


def recorded(
    *,
    checked_path: list[str],
    checker_id: str,
    checked_on: dt.date,
    follow_up_required: bool,
    follow_up_due_on: dt.date | None,
    today: dt.date,
) -> None:
    """A spot check is of a union strictly under the checking one, on a past day; a follow-up
    required has the day it is due, not before the check."""
    if checker_id not in checked_path[:-1]:
        raise Invalid(
            "spot_check_not_below",
            zh="只能督查本单位下级的工会",
            en="a spot check is of a union under the checking union",
        )
    check_day(checked_on, "checked_on", not_before=None, today=today)
    if follow_up_required and follow_up_due_on is None:
        raise Invalid(
            "spot_check_due_day_missing", zh="要求整改的督查须写明整改期限", en="a follow-up required needs its due day"
        )
    if not follow_up_required and follow_up_due_on is not None:
        raise Invalid(
            "spot_check_due_day_without_follow_up",
            zh="未要求整改时不填整改期限",
            en="a due day is given only when follow-up is required",
        )
    if follow_up_due_on is not None and follow_up_due_on < checked_on:
        raise Invalid(
            "spot_check_due_before_check", zh="整改期限不能早于督查日期", en="the due day cannot precede the check"
        )


def check_day(day: dt.date, name: str, *, not_before: dt.date | None, today: dt.date) -> None:
    if day > today:
        raise Invalid("spot_check_date_in_future", zh=f"{DAY_ZH[name]}不能晚于今天", en=f"{name} is in the future")
    if not_before is not None and day < not_before:
        raise Invalid(
            "spot_check_date_out_of_order",
            zh=f"{DAY_ZH[name]}（{day}）不能早于{not_before}",
            en=f"{name} ({day}) cannot precede {not_before}",
        )


@dataclass(frozen=True)
class SpotCheckFilter:
    """What a list of spot checks is narrowed to; None: any."""

    subject: str | None = None
    status: str | None = None
    overdue_on: dt.date | None = None  # only those overdue on this day
    text: str | None = None  # in the union's name, what was checked, the findings or the follow-up
