"""Hardship files (困难教职工档案) and their dynamic management: rules with no I/O.

A file is opened at a level, reviewed on a schedule (special hardship more often, because it is
the most likely to change), moved between levels and closed. Its details are health and family
facts, so only the people who act on them read them; everyone else sees a pseudonym.
"""

import dataclasses
import datetime as dt
import hashlib
import uuid
from uuid import UUID

from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Invalid

LEVELS = {"hardship": "困难", "special_hardship": "特困"}
CAUSES = {
    "serious_illness": "大病",
    "family_accident": "意外灾祸",
    "heavy_family_burden": "家庭负担重",
    "child_schooling": "子女就学",
    "other": "其他",
}
FILE_STATUS_ZH = {"open": "在档", "closed": "已销档"}
# Months until the next review when none is given: 特困 quarterly, 困难 twice a year.
REVIEW_MONTHS = {"special_hardship": 3, "hardship": 6}
DETAIL_ROLES = (Role.WELFARE_OFFICER, Role.UNION_OFFICER, Role.AUDITOR)
KEEPERS = (Role.WELFARE_OFFICER, Role.UNION_OFFICER)


OPEN, CLOSED = "open", "closed"


@dataclasses.dataclass(frozen=True)
class HardshipReview:
    """One step of a file's history: opened, reviewed, level_changed or closed."""

    id: UUID
    file_id: UUID
    kind: str
    reviewed_on: dt.date
    reviewer: str
    level_before: str | None
    level_after: str | None
    notes: str
    next_review_on: dt.date | None
    created_at: dt.datetime | None = None  # set by the database when stored


@dataclasses.dataclass
class HardshipFile:
    """A member's hardship file, kept by the union of the member's organization when it was opened."""

    id: UUID
    organization_id: str
    federation_id: str
    member_id: UUID
    pseudonym: str
    level: str
    cause: str
    cause_detail: str
    family_situation: str
    documents: list[str]
    status: str
    opened_on: dt.date
    next_review_on: dt.date | None
    closed_on: dt.date | None
    close_reason: str | None
    opened_by: str
    created_at: dt.datetime | None = None  # set by the database when stored
    updated_at: dt.datetime | None = None

    @classmethod
    def opened(
        cls,
        member: dict,
        *,
        level: str,
        cause: str,
        cause_detail: str,
        family_situation: str,
        documents: list[str],
        opened_on: dt.date,
        next_review_on: dt.date | None,
        opened_by: str,
    ) -> tuple["HardshipFile", HardshipReview]:
        """A new file of ``member`` (their card from the directory) at ``level``, and its first history entry."""
        file_id = uuid.uuid4()
        next_on = next_review(level, opened_on, next_review_on)
        file = cls(
            id=file_id,
            organization_id=member["organization_id"],
            federation_id=member["federation_id"],
            member_id=member["id"],
            pseudonym=pseudonym(file_id),
            level=level,
            cause=cause,
            cause_detail=cause_detail,
            family_situation=family_situation,
            documents=list(dict.fromkeys(documents)),
            status=OPEN,
            opened_on=opened_on,
            next_review_on=next_on,
            closed_on=None,
            close_reason=None,
            opened_by=opened_by,
        )
        return file, file._entry("opened", opened_on, opened_by, None, level, cause_detail)

    def review(
        self,
        reviewer: str,
        reviewed_on: dt.date,
        *,
        level: str | None,
        notes: str,
        next_review_on: dt.date | None,
        documents: list[str],
        family_situation: str | None,
        at: dt.datetime,
    ) -> HardshipReview:
        """A periodic review, possibly moving the file to another level (upgraded or eased)."""
        require_open(self.status)
        require_not_before(reviewed_on, self.opened_on, "复核", "the review")
        before, after = self.level, level or self.level
        check_level(after)
        self.level, self.next_review_on, self.updated_at = after, next_review(after, reviewed_on, next_review_on), at
        if documents:
            self.documents = list(dict.fromkeys([*self.documents, *documents]))
        if family_situation is not None:
            self.family_situation = family_situation
        return self._entry(
            "level_changed" if after != before else "reviewed", reviewed_on, reviewer, before, after, notes
        )

    def close(self, closer: str, closed_on: dt.date, reason: str, at: dt.datetime) -> HardshipReview:
        require_open(self.status)
        require_not_before(closed_on, self.opened_on, "销档", "the closing")
        self.status, self.closed_on, self.close_reason, self.next_review_on, self.updated_at = (
            CLOSED,
            closed_on,
            reason,
            None,
            at,
        )
        return self._entry("closed", closed_on, closer, self.level, None, reason)

    def _entry(
        self, kind: str, on: dt.date, reviewer: str, before: str | None, after: str | None, notes: str | None
    ) -> HardshipReview:
        return HardshipReview(
            id=uuid.uuid4(),
            file_id=self.id,
            kind=kind,
            reviewed_on=on,
            reviewer=reviewer,
            level_before=before,
            level_after=after,
            notes=notes or "",
            next_review_on=self.next_review_on,
        )


class FileAlreadyOpen(Exception):
    """The member has an open hardship file already (the unique index of open files)."""


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    # The 31st reviewed three months on falls on the last day of a shorter month.
    for candidate in range(day.day, 27, -1):
        try:
            return dt.date(year, month, candidate)
        except ValueError:
            continue
    return dt.date(year, month, min(day.day, 28))


def next_review(level: str, reviewed_on: dt.date, asked: dt.date | None) -> dt.date:
    if asked is None:
        return add_months(reviewed_on, REVIEW_MONTHS[level])
    if asked <= reviewed_on:
        raise Invalid(
            "hardship_review_date_not_after",
            zh=f"下次复核日期（{asked}）须晚于 {reviewed_on}",
            en=f"the next review ({asked}) must come after {reviewed_on}",
        )
    return asked


def check_level(level: str) -> None:
    if level not in LEVELS:
        raise Invalid(
            "hardship_level_unknown",
            zh=f"未知的困难等级 {level!r}，可选：{_choices(LEVELS)}",
            en=f"unknown level {level!r}; one of: {', '.join(LEVELS)}",
        )


def check_cause(cause: str) -> None:
    if cause not in CAUSES:
        raise Invalid(
            "hardship_cause_unknown",
            zh=f"未知的致困原因 {cause!r}，可选：{_choices(CAUSES)}",
            en=f"unknown cause {cause!r}; one of: {', '.join(CAUSES)}",
        )


def require_open(status: str) -> None:
    if status != OPEN:
        raise Conflict(
            "hardship_file_not_open",
            zh=f"该困难职工档案{FILE_STATUS_ZH.get(status, '状态为 ' + status)}，不能再办理",
            en=f"the hardship file is {status}",
        )


def require_not_before(day: dt.date, opened_on: dt.date, what_zh: str, what_en: str) -> None:
    if day < opened_on:
        raise Invalid(
            "hardship_date_before_opening",
            zh=f"{what_zh}日期（{day}）不能早于建档日期（{opened_on}）",
            en=f"{what_en} ({day}) cannot precede the file's opening ({opened_on})",
        )


def _choices(words: dict[str, str]) -> str:
    return "、".join(f"{name}（{label}）" for name, label in words.items())


def pseudonym(file_id: UUID) -> str:
    """Stable and meaningless: the same file always reads the same, and says nothing of whom."""
    return "困难档案-" + hashlib.sha256(file_id.bytes).hexdigest()[:8].upper()


def may_read_details(principal: Principal, organization_path: list[str]) -> bool:
    return principal.role in DETAIL_ROLES and principal.can_see(organization_path)


def redacted(file: dict) -> dict:
    """What a caller without the right to details sees: that a file exists, by pseudonym."""
    return {
        "id": file["id"],
        "pseudonym": file["pseudonym"],
        "organization_id": file["organization_id"],
        "status": file["status"],
        "details_visible": False,
    }
