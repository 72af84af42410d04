"""Rationalization proposals and technical innovations (合理化建议, 技术革新). Rules only.

Workers' participation in running the enterprise, kept apart from the staff congress's proposals
(提案, ``domain.congress``): a grassroots union files one for its members (the proposers), the
enterprise decides it (adopted or not), an adopted one is implemented, and the economic value it
created (经济效益, fen) is recorded by an officer as an estimate with a note — once adopted or
implemented, and revised later as the figures come in; every figure is kept in ``value_history``.
Dates are business dates in the federation's zone.
"""

import datetime as dt
import enum
import uuid
from dataclasses import dataclass, field, replace

from unionfed_events.domain.congress import clean_text
from unionfed_events.domain.union_directory import GRASSROOTS_UNION
from unionfed_shared.errors import Conflict, Invalid


class ImprovementKind(enum.StrEnum):
    RATIONALIZATION = "rationalization"  # 合理化建议
    INNOVATION = "innovation"  # 技术革新


SUBMITTED, ADOPTED, NOT_ADOPTED, IMPLEMENTED = "submitted", "adopted", "not_adopted", "implemented"
STATUS_ZH = {SUBMITTED: "已提交待采纳", ADOPTED: "已采纳", NOT_ADOPTED: "未采纳", IMPLEMENTED: "已实施"}
# A value is recorded for what the enterprise took up; one not adopted created nothing.
VALUED = (ADOPTED, IMPLEMENTED)
MOST_PROPOSERS = 20


@dataclass(frozen=True)
class ValueRecord:
    """One figure of the economic value created: the first estimate or a revision."""

    value_fen: int
    note: str
    recorded_by: str
    recorded_at: dt.datetime


@dataclass(frozen=True)
class Improvement:
    id: uuid.UUID
    organization_id: str  # the grassroots union it is filed in
    federation_id: str
    kind: str
    title: str
    content: str
    department: str  # the department or workshop it concerns
    proposer_ids: tuple[uuid.UUID, ...]
    proposer_names: tuple[str, ...]  # as the directory named them when filed (printed lists)
    filed_on: dt.date
    filed_by: str
    status: str = SUBMITTED
    created_at: dt.datetime | None = None  # stamped by the store
    decided_on: dt.date | None = None
    decided_by: str | None = None
    decision_note: str | None = None
    implemented_on: dt.date | None = None
    implemented_by: str | None = None
    value_fen: int | None = None  # the latest figure of value_history
    value_history: tuple[ValueRecord, ...] = field(default=())

    def decided(self, adopted: bool, on: dt.date, by: str, note: str | None, today: dt.date) -> "Improvement":
        if self.status != SUBMITTED:
            raise Conflict(
                "improvement_already_decided",
                zh=f"该建议{STATUS_ZH.get(self.status, self.status)}，不能再作采纳决定",
                en=f"the proposal is already {self.status}",
            )
        check_day(on, "decided_on", not_before=self.filed_on, today=today)
        return replace(
            self,
            status=ADOPTED if adopted else NOT_ADOPTED,
            decided_on=on,
            decided_by=by,
            decision_note=clean_text(note, "the decision note", 2000) if note else None,
        )

    def implemented(self, on: dt.date, by: str, today: dt.date) -> "Improvement":
        if self.status != ADOPTED:
            raise Conflict(
                "improvement_not_adopted",
                zh=f"该建议{STATUS_ZH.get(self.status, self.status)}，只有已采纳的建议才能实施",
                en=f"the proposal is {self.status}; only an adopted one is implemented",
            )
        assert self.decided_on is not None  # adopted ones were decided
        check_day(on, "implemented_on", not_before=self.decided_on, today=today)
        return replace(self, status=IMPLEMENTED, implemented_on=on, implemented_by=by)

    def valued(self, value_fen: int, note: str, by: str, at: dt.datetime) -> "Improvement":
        """The value created, first recorded or revised; the earlier figures stay in the history."""
        if self.status not in VALUED:
            raise Conflict(
                "improvement_value_needs_adoption",
                zh=f"该建议{STATUS_ZH.get(self.status, self.status)}，只有已采纳或已实施的建议才能记录经济效益",
                en=f"the proposal is {self.status}; value is recorded only for an adopted or implemented one",
            )
        if value_fen < 0:
            raise Invalid(
                "improvement_value_negative", zh="经济效益不能为负数", en="the value created cannot be negative"
            )
        record = ValueRecord(value_fen, clean_text(note, "the value note", 500), by, at)
        return replace(self, value_fen=value_fen, value_history=(*self.value_history, record))

    @property
    def year(self) -> int:
        return self.filed_on.year


def check_filing_union(kind: str | None) -> None:
    if kind != GRASSROOTS_UNION:
        raise Invalid(
            "improvement_needs_grassroots_union",
            zh="合理化建议和技术革新在基层工会登记",
            en="rationalization proposals and innovations are filed in a grassroots union",
        )


def check_proposers(proposer_ids: list[uuid.UUID], found: set[uuid.UUID], union_id: str) -> None:
    if len(set(proposer_ids)) != len(proposer_ids):
        raise Invalid("improvement_proposer_repeated", zh="建议人不能重复", en="a proposer is named twice")
    missing = [str(i) for i in proposer_ids if i not in found]
    if missing:
        raise Invalid(
            "improvement_proposer_not_member",
            zh=f"建议人 {', '.join(missing)} 不是 {union_id} 的在职会员",
            en=f"proposers {', '.join(missing)} are not active members of {union_id}",
        )


DAY_ZH = {"filed_on": "提出日期", "decided_on": "采纳决定日期", "implemented_on": "实施日期"}


def check_day(day: dt.date, name: str, *, not_before: dt.date | None, today: dt.date) -> None:
    """A step's business date: not in the future, not before the step it follows."""
    if day > today:
        raise Invalid("improvement_date_in_future", zh=f"{DAY_ZH[name]}不能晚于今天", en=f"{name} is in the future")
    if not_before is not None and day < not_before:
        raise Invalid(
            "improvement_date_out_of_order",
            zh=f"{DAY_ZH[name]}不能早于上一步的日期 {not_before}",
            en=f"{name} cannot be before {not_before}, the date of the step before",
        )


@dataclass(frozen=True)
class ImprovementFilter:
    kind: str | None = None
    status: str | None = None
    year: int | None = None


@dataclass(frozen=True)
class ImprovementGroup:
    """A union's proposals of one kind in one status, counted, with the value they created."""

    organization_id: str
    kind: str
    status: str
    count: int
    value_fen: int


@dataclass
class ImprovementFigures:
    """A year's proposals of one kind or all kinds: filed, adopted (implemented ones included),
    implemented, and the economic value created (fen)."""

    filed: int = 0
    adopted: int = 0
    implemented: int = 0
    value_fen: int = 0

    def count(self, status: str, count: int, value_fen: int) -> None:
        self.filed += count
        if status in VALUED:
            self.adopted += count
            self.value_fen += value_fen
        if status == IMPLEMENTED:
            self.implemented += count

    def add(self, other: "ImprovementFigures") -> None:
        self.filed += other.filed
        self.adopted += other.adopted
        self.implemented += other.implemented
        self.value_fen += other.value_fen
