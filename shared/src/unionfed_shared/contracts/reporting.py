"""Statistics reports that roll up (工会月报 / 工会统计年报): the figures each service owns.

Membership owns the report — its form, its workflow (submit, return, accept, lock) and the figures
it knows itself. The figures other services know are asked for over Kafka, never typed in:

1. Membership publishes :class:`ReportFiguresRequestedV1` for one report: the reporting union, the
   organizations whose records count (the union and its groups, never a union below it — that one
   reports on its own and is rolled up) and the period's first and last business day, inclusive.
2. Welfare, events and finance each answer with their section (:class:`WelfareReportFiguresV1`,
   :class:`EventsReportFiguresV1`, :class:`FinanceReportFiguresV1`): every indicator of
   :data:`INDICATORS` they own, computed from their own tables for those organizations and days.
3. A report can be submitted once every section it needs has arrived. A request asked again (a
   correction, a report re-opened) carries a new ``request_id``; a section answers the request it
   names, so a late answer to an old request is recognised and ignored.

The indicator codes are the contract: a form lists codes from :data:`INDICATORS`, a service answers
exactly the codes whose ``source`` is its name, and a roll-up sums each code over the accepted reports
(a ratio such as 入会率 is recomputed from its summed parts, never averaged).
"""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any, ClassVar, Literal
from uuid import UUID

from pydantic import Field

from unionfed_shared.contracts import topics
from unionfed_shared.contracts.base import IntegrationEvent, OrgId

Source = Literal["membership", "welfare", "events", "finance"]
Unit = Literal["count", "fen"]


@dataclass(frozen=True)
class Indicator:
    code: str
    source: Source
    unit: Unit
    zh: str
    en: str


def _indicators(*rows: Indicator) -> dict[str, Indicator]:
    return {row.code: row for row in rows}


# The standard indicators a service can compute. A federation's form picks from these and adds
# figures of its own that the platform cannot know (typed in by the union, with a note).
INDICATORS: dict[str, Indicator] = _indicators(
    # membership
    Indicator("members", "membership", "count", "会员人数", "Members"),
    Indicator("members_women", "membership", "count", "女会员人数", "Women members"),
    Indicator("members_retired", "membership", "count", "离退休会员人数", "Retired members"),
    Indicator("members_migrant", "membership", "count", "农民工会员人数", "Migrant-worker members"),
    Indicator("members_new_form", "membership", "count", "新就业形态会员人数", "New-form workers"),
    Indicator("members_joined", "membership", "count", "本期新入会人数", "Joined in the period"),
    Indicator("staff", "membership", "count", "职工人数", "Staff"),
    Indicator("unions_founded", "membership", "count", "本期新建工会数", "Unions founded in the period"),
    Indicator("contracts_signed", "membership", "count", "本期签订集体合同数", "Collective contracts signed"),
    # events
    Indicator("congresses_held", "events", "count", "召开教（职）代会次数", "Staff congresses held"),
    Indicator("proposals_received", "events", "count", "收到提案数", "Proposals received"),
    Indicator("proposals_answered", "events", "count", "已答复提案数", "Proposals answered"),
    Indicator("proposals_overdue", "events", "count", "逾期未答复提案数", "Proposals overdue"),
    Indicator("activities_held", "events", "count", "开展活动次数", "Activities held"),
    Indicator("activity_participants", "events", "count", "活动参与人次", "Activity participants"),
    # welfare
    # Every grant paid in the period (the kinds below add up to it), then each kind with its amount.
    Indicator("grants", "welfare", "count", "慰问帮扶人次", "Grants"),
    Indicator("grants_fen", "welfare", "fen", "慰问帮扶金额", "Grants, amount"),
    Indicator("grants_visits", "welfare", "count", "五必访及困难帮扶慰问人次", "Grants: must-visits and hardship"),
    Indicator("grants_visits_fen", "welfare", "fen", "五必访及困难帮扶慰问金额", "Grants: must-visits, amount"),
    Indicator("grants_greetings", "welfare", "count", "节日慰问人次", "Grants: festival greetings"),
    Indicator("grants_greetings_fen", "welfare", "fen", "节日慰问金额", "Grants: festival greetings, amount"),
    Indicator("grants_outside", "welfare", "count", "送温暖（会外帮扶）人次", "Grants: help beyond the members"),
    Indicator("grants_outside_fen", "welfare", "fen", "送温暖（会外帮扶）金额", "Grants: help beyond, amount"),
    Indicator("grants_student_aid", "welfare", "count", "金秋助学人次", "Grants: student aid (金秋助学)"),
    Indicator("grants_student_aid_fen", "welfare", "fen", "金秋助学金额", "Grants: student aid, amount"),
    Indicator("hardship_files_open", "welfare", "count", "在档困难职工数", "Hardship files open"),
    Indicator("rights_cases_closed", "welfare", "count", "结案维权案件数", "Rights cases closed"),
    # finance
    Indicator("income_dues_fen", "finance", "fen", "会费收入", "Income: dues"),
    Indicator("income_employer_funds_fen", "finance", "fen", "拨缴经费收入", "Income: employer funds"),
    Indicator("income_subsidy_fen", "finance", "fen", "上级补助收入", "Income: subsidies from above"),
    Indicator("income_other_fen", "finance", "fen", "其他收入", "Income: other"),
    Indicator("spending_staff_activities_fen", "finance", "fen", "职工活动支出", "Spending: staff activities"),
    Indicator("spending_welfare_fen", "finance", "fen", "维权及帮扶支出", "Spending: rights and welfare"),
    Indicator("spending_business_fen", "finance", "fen", "业务支出", "Spending: union business"),
    Indicator("spending_capital_fen", "finance", "fen", "资本性支出", "Spending: capital (equipment)"),
    Indicator("spending_allocations_fen", "finance", "fen", "补助下级支出", "Spending: allocations to unions below"),
    Indicator("spending_other_fen", "finance", "fen", "其他支出", "Spending: other"),
)


def owned_by(source: Source) -> tuple[str, ...]:
    """The indicator codes a service answers, in catalogue order."""
    return tuple(code for code, row in INDICATORS.items() if row.source == source)


class ReportFiguresRequestedV1(IntegrationEvent):
    """Membership asks for the figures of one report (``organization_id`` is the reporting union)."""

    event_type: ClassVar[str] = "unionfed.membership.report_figures_requested.v1"
    topic: ClassVar[str] = topics.MEMBERSHIP

    report_id: UUID
    request_id: UUID
    covers: list[OrgId] = Field(min_length=1, max_length=500)  # the union and its groups
    period_start: dt.date
    period_end: dt.date  # inclusive, in the federation's business days

    def subject(self) -> str:
        return f"statistics-report/{self.report_id}"


class _ReportFigures(IntegrationEvent):
    """One service's section of a report: every indicator it owns, counts and fen (never negative)."""

    report_id: UUID
    request_id: UUID
    figures: dict[str, int]

    def subject(self) -> str:
        return f"statistics-report/{self.report_id}"


class WelfareReportFiguresV1(_ReportFigures):
    event_type: ClassVar[str] = "unionfed.welfare.report_figures.v1"
    topic: ClassVar[str] = topics.WELFARE


class EventsReportFiguresV1(_ReportFigures):
    event_type: ClassVar[str] = "unionfed.events.report_figures.v1"
    topic: ClassVar[str] = topics.EVENTS


class FinanceReportFiguresV1(_ReportFigures):
    event_type: ClassVar[str] = "unionfed.finance.report_figures.v1"
    topic: ClassVar[str] = topics.FINANCE


SECTION_EVENTS: dict[Source, type[_ReportFigures]] = {
    "welfare": WelfareReportFiguresV1,
    "events": EventsReportFiguresV1,
    "finance": FinanceReportFiguresV1,
}


# The namespace of the answers' event ids (below): fixed forever, or a redelivered request would be
# answered a second time under a new id.
_ANSWERS = UUID("5c4f3f0e-6a53-4a1e-9d0b-7f1f1b2d3a01")


def answer_id(source: Source, request_id: UUID) -> str:
    """The event id of ``source``'s answer to a request: one per request and service, however often
    it is computed, so the outbox and every consumer's inbox see a repeat as the same event."""
    return str(uuid.uuid5(_ANSWERS, f"{source}/{request_id}"))


def answer_fields(source: Source, request: ReportFiguresRequestedV1, figures: dict[str, int]) -> dict[str, Any]:
    """The fields of ``source``'s section for ``request`` (the service builds its own event class from
    them, so its source names what it emits): exactly the codes it owns, in catalogue order, none
    below zero. A code its queries did not compute is a bug, not a zero."""
    codes = owned_by(source)
    missing = set(codes) - set(figures)
    if missing:
        raise RuntimeError(f"{source} computes no figure for {sorted(missing)}")
    return {
        "organization_id": request.organization_id,
        "federation_id": request.federation_id,
        "report_id": request.report_id,
        "request_id": request.request_id,
        "figures": {code: max(0, figures[code]) for code in codes},
    }
