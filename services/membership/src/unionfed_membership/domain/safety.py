"""Safety supervision (安全生产监督) in registered enterprises: workers' safety inspectors (群监员),
their inspections, the hazards found and fixed, and the share fixed in time. Rules only, no I/O.

Every date is a business date in the federation's zone; a hazard is fixed in time when it is
fixed on or before its deadline.
"""

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Literal, get_args

from unionfed_membership.domain import rates
from unionfed_membership.domain.enterprises import Enterprise
from unionfed_membership.domain.model import Member
from unionfed_shared.errors import Conflict, Invalid

# general 一般隐患, major 重大隐患
Severity = Literal["general", "major"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)


def _not_after_today(day: dt.date, today: dt.date, code: str, zh: str, en: str, pointer: str) -> None:
    if day > today:
        raise Invalid(code, zh=zh, en=en, pointer=pointer)


def _text(value: str, code: str, zh: str, en: str, pointer: str) -> str:
    value = value.strip()
    if not value:
        raise Invalid(code, zh=zh, en=en, pointer=pointer)
    return value


@dataclass(frozen=True)
class SafetyInspector:
    """A 群监员 of one enterprise: a member of the enterprise's union when it has one, else a named
    worker. A worker's phone is personal data: in clear only in memory, kept out of repr."""

    id: uuid.UUID
    enterprise_id: uuid.UUID
    name: str
    appointed_on: dt.date
    member_id: uuid.UUID | None = None
    phone: str | None = field(default=None, repr=False)
    retired_on: dt.date | None = None

    @classmethod
    def appoint(
        cls,
        enterprise: Enterprise,
        appointed_on: dt.date,
        today: dt.date,
        *,
        member: Member | None = None,
        member_in_union: bool = False,
        name: str | None = None,
        phone: str | None = None,
    ) -> "SafetyInspector":
        """``member_in_union``: the member belongs to the enterprise's union (or a group under it)."""
        _not_after_today(
            appointed_on,
            today,
            "appointment_date_in_future",
            "聘任日期不能晚于今天",
            "an inspector is appointed on a day not after today",
            "#/appointed_on",
        )
        if enterprise.has_union:
            if member is None:
                raise Invalid(
                    "inspector_member_required",
                    zh=f"企业“{enterprise.name}”已建立工会，群监员须从其工会会员中选聘",
                    en=f"{enterprise.name} has a union: name one of its members as the inspector",
                    pointer="#/member_id",
                )
            if not member_in_union or member.status != "active":
                raise Invalid(
                    "inspector_not_union_member",
                    zh=f"所选会员不是企业“{enterprise.name}”工会的在册会员",
                    en=f"the member named is not an active member of {enterprise.name}'s union",
                    pointer="#/member_id",
                )
            return cls(uuid.uuid4(), enterprise.id, member.display_name, appointed_on, member_id=member.id)
        if member is not None:
            raise Invalid(
                "inspector_member_without_union",
                zh=f"企业“{enterprise.name}”尚未建立工会，群监员请填写职工姓名",
                en=f"{enterprise.name} has no union yet: name the worker instead of a member",
                pointer="#/member_id",
            )
        worker = _text(
            name or "",
            "inspector_name_blank",
            "请填写群监员姓名",
            "name the worker appointed as inspector",
            "#/name",
        )
        return cls(uuid.uuid4(), enterprise.id, worker, appointed_on, phone=phone)

    @property
    def serving(self) -> bool:
        return self.retired_on is None

    def serves_on(self, day: dt.date) -> bool:
        """From the appointment to the retirement, both days included."""
        return self.appointed_on <= day and (self.retired_on is None or day <= self.retired_on)

    def retired(self, on: dt.date, today: dt.date) -> "SafetyInspector":
        if self.retired_on is not None:
            raise Conflict("inspector_already_retired", zh="该群监员已卸任", en="this inspector has already retired")
        _not_after_today(
            on,
            today,
            "retirement_date_in_future",
            "卸任日期不能晚于今天",
            "retired on a day not after today",
            "#/retired_on",
        )
        if on < self.appointed_on:
            raise Invalid(
                "retirement_before_appointment",
                zh="卸任日期不能早于聘任日期",
                en="an inspector retires on or after the appointment",
                pointer="#/retired_on",
            )
        return replace(self, retired_on=on)


@dataclass(frozen=True)
class Hazard:
    """A hazard (隐患) found in an inspection, to be fixed by its deadline."""

    id: uuid.UUID
    inspection_id: uuid.UUID
    enterprise_id: uuid.UUID
    description: str
    severity: Severity
    found_on: dt.date
    deadline: dt.date
    fixed_on: dt.date | None = None

    @property
    def fixed(self) -> bool:
        return self.fixed_on is not None

    @property
    def fixed_in_time(self) -> bool:
        return self.fixed_on is not None and self.fixed_on <= self.deadline

    def overdue_on(self, day: dt.date) -> bool:
        """Open after its deadline: on the deadline itself it is still in time."""
        return self.fixed_on is None and self.deadline < day

    def fixed_by(self, on: dt.date, today: dt.date) -> "Hazard":
        if self.fixed_on is not None:
            raise Conflict("hazard_already_fixed", zh="该隐患已整改", en="this hazard is already fixed")
        _not_after_today(
            on, today, "fixing_date_in_future", "整改日期不能晚于今天", "fixed on a day not after today", "#/fixed_on"
        )
        if on < self.found_on:
            raise Invalid(
                "fixed_before_found",
                zh="整改日期不能早于发现日期",
                en="a hazard is fixed on or after the day it was found",
                pointer="#/fixed_on",
            )
        return replace(self, fixed_on=on)


@dataclass(frozen=True)
class FoundHazard:
    description: str
    severity: Severity
    deadline: dt.date


@dataclass(frozen=True)
class Inspection:
    id: uuid.UUID
    enterprise_id: uuid.UUID
    inspector_id: uuid.UUID
    inspected_on: dt.date
    findings: str
    hazards: tuple[Hazard, ...] = ()

    @classmethod
    def record(
        cls,
        enterprise: Enterprise,
        inspector: SafetyInspector,
        inspected_on: dt.date,
        findings: str,
        found: Iterable[FoundHazard],
        today: dt.date,
    ) -> "Inspection":
        _not_after_today(
            inspected_on,
            today,
            "inspection_date_in_future",
            "检查日期不能晚于今天",
            "an inspection is recorded on a day not after today",
            "#/inspected_on",
        )
        if inspector.enterprise_id != enterprise.id or not inspector.serves_on(inspected_on):
            raise Invalid(
                "inspector_not_serving",
                zh=f"该群监员在检查当日不是企业“{enterprise.name}”的在任群监员",
                en=f"the inspector did not serve {enterprise.name} on the day of the inspection",
                pointer="#/inspector_id",
            )
        findings = _text(
            findings, "findings_blank", "请填写检查情况", "describe what the inspection found", "#/findings"
        )
        inspection_id = uuid.uuid4()
        hazards = []
        for n, h in enumerate(found):
            pointer = f"#/hazards/{n}"
            if h.deadline < inspected_on:
                raise Invalid(
                    "hazard_deadline_before_inspection",
                    zh="整改期限不能早于检查日期",
                    en="a hazard's deadline is on or after the inspection",
                    pointer=f"{pointer}/deadline",
                )
            description = _text(
                h.description, "hazard_description_blank", "请描述隐患", "describe the hazard", f"{pointer}/description"
            )
            hazards.append(
                Hazard(uuid.uuid4(), inspection_id, enterprise.id, description, h.severity, inspected_on, h.deadline)
            )
        return cls(inspection_id, enterprise.id, inspector.id, inspected_on, findings, tuple(hazards))


@dataclass(frozen=True)
class Share:
    """A share as the fraction it is: ``part`` of ``of``."""

    part: int
    of: int

    @property
    def per_mille(self) -> int | None:
        return rates.per_mille(self.part, self.of)


@dataclass(frozen=True)
class SafetyRollup:
    first: dt.date
    last: dt.date
    inspections: int
    enterprises_inspected: int
    hazards_found: int
    major_found: int
    fixed: int
    fixed_in_time: int
    open: int
    in_time: Share  # fixed in time of found


def safety_rollup(first: dt.date, last: dt.date, inspections: Iterable[Inspection]) -> SafetyRollup:
    """The period's figures: inspections held from ``first`` to ``last`` (both included) and the
    hazards they found, fixed, and fixed in time (as they stand now)."""
    held = [i for i in inspections if first <= i.inspected_on <= last]
    hazards = [h for i in held for h in i.hazards]
    fixed_in_time = sum(1 for h in hazards if h.fixed_in_time)
    return SafetyRollup(
        first=first,
        last=last,
        inspections=len(held),
        enterprises_inspected=len({i.enterprise_id for i in held}),
        hazards_found=len(hazards),
        major_found=sum(1 for h in hazards if h.severity == "major"),
        fixed=sum(1 for h in hazards if h.fixed),
        fixed_in_time=fixed_in_time,
        open=sum(1 for h in hazards if not h.fixed),
        in_time=Share(fixed_in_time, len(hazards)),
    )
