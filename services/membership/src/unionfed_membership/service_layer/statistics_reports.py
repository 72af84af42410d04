"""Statistics reports that roll up (工会月报 / 工会统计年报): forms, opening a report (membership's own
figures, and a request to welfare, events and finance for theirs), the sections' answers, manual
figures, submit / return / accept / correct, the status board and the roll-up.

Who does what:
- a federation's administrators define its forms (its officers and auditors read them);
- a union's own officers (``union_officer``, or ``federation_admin`` of a federation reporting for
  itself) open, fill, refresh, submit and correct its report;
- the officers of the organization directly above it return or accept it;
- officers and auditors in scope read reports, boards and roll-ups. Outside the subtree is 404, like missing.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from unionfed_membership.domain.model import Organization
from unionfed_membership.domain.statistics_reports import (
    KINDS,
    REPORTING_KINDS,
    BoardLine,
    ManualFigure,
    ManualIndicator,
    ReportForm,
    ReportKind,
    Rollup,
    StatisticsReport,
    board_line,
    latest_versions,
    period_bounds,
    rollup,
)
from unionfed_membership.service_layer import clock, commands, permissions, scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.reporting import ReportFiguresRequestedV1
from unionfed_shared.errors import Conflict, Forbidden, NotFound
from unionfed_shared.messaging.consumer import Delivery

READERS = (*permissions.OFFICERS, Role.AUDITOR)


def _not_found() -> NotFound:
    return NotFound(
        "statistics_report_not_found",
        zh="未找到该统计报表，或其不在您的管理范围内",
        en="statistics report not found or outside your scope",
    )


def _own_union(principal: Principal, organization: Organization) -> None:
    principal.require_role(*permissions.OFFICERS)
    if principal.organization_id != organization.id:
        raise Forbidden(
            "statistics_report_own_union_only",
            zh="统计报表由本工会填报，上级工会只能审核",
            en="a union's own officers fill in and submit its report; the level above reviews it",
        )


def _level_above(principal: Principal, organization: Organization) -> None:
    principal.require_role(*permissions.OFFICERS)
    if principal.organization_id != organization.parent_id:
        raise Forbidden(
            "statistics_report_reviewed_above",
            zh="统计报表由直接上级工会审核",
            en="a report is reviewed by the organization directly above the union",
        )


async def current_form(uow: MembershipUnitOfWork, federation_id: str, kind: ReportKind) -> ReportForm:
    versions = await uow.report_forms.versions(federation_id, kind)
    return versions[0] if versions else ReportForm.standard(federation_id, kind)


async def forms(uow: MembershipUnitOfWork, principal: Principal, federation_id: str) -> list[ReportForm]:
    """Every version of both kinds, newest first; the standard form stands for a kind never defined."""
    federation = await scope.organization_in_scope(uow, principal, federation_id)
    principal.require_role(*READERS)
    found: list[ReportForm] = []
    for kind in KINDS:
        found += await uow.report_forms.versions(federation.id, kind) or [ReportForm.standard(federation.id, kind)]
    return found


async def define_form(
    uow: MembershipUnitOfWork, principal: Principal, federation_id: str, command: commands.DefineReportForm
) -> ReportForm:
    federation = await scope.organization_in_scope(uow, principal, federation_id)
    principal.require_role(Role.FEDERATION_ADMIN)
    if federation.kind != "federation":
        raise Forbidden(
            "report_form_on_federation_only",
            zh="统计报表格式由工会联合会（总工会）制定",
            en="report forms are defined by a federation",
        )
    versions = await uow.report_forms.versions(federation.id, command.kind)
    form = ReportForm.define(
        federation.id,
        command.kind,
        (versions[0].version if versions else 0) + 1,
        command.indicators,
        [ManualIndicator(m.code, m.zh, m.en, m.unit) for m in command.manual],
        command.deadline_days,
    )
    await uow.report_forms.add(form, principal.subject)
    await uow.commit()
    return form


async def _covers(uow: MembershipUnitOfWork, union: Organization) -> list[str]:
    """The union and its groups: a union below reports on its own."""
    return [union.id] + [
        o.id for o in await uow.organizations.subtree(union) if o.kind == "union_group" and o.parent_id == union.id
    ]


async def _ask(uow: MembershipUnitOfWork, union: Organization, report: StatisticsReport, covers: list[str]) -> None:
    uow.emit(
        ReportFiguresRequestedV1(
            organization_id=union.id,
            federation_id=union.federation_id,
            report_id=report.id,
            request_id=report.request_id,
            covers=covers,
            period_start=report.period_start,
            period_end=report.period_end,
        )
    )


async def _own_figures(uow: MembershipUnitOfWork, union: Organization, covers: list[str], report_period) -> dict:
    first, last = report_period
    return await uow.statistics.membership_figures(covers, first, last, union.time_zone)


async def open_report(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, command: commands.OpenStatisticsReport
) -> StatisticsReport:
    union = await scope.organization_in_scope(uow, principal, organization_id)
    _own_union(principal, union)
    if union.kind not in REPORTING_KINDS:
        raise Forbidden(
            "statistics_report_not_on_group",
            zh="工会小组不单独填报，其数据计入所在基层工会的报表",
            en="a union group does not report: its union's report counts it",
        )
    if await uow.statistics_reports.versions([union.id], command.kind, command.period):
        raise Conflict(
            "statistics_report_exists",
            zh="本报告期的报表已建立；如需更正已审核的报表，请新建更正版本",
            en="the report for this period is already opened (an accepted one is corrected by a new version)",
        )
    form = await current_form(uow, union.federation_id, command.kind)
    bounds = period_bounds(command.kind, command.period)
    covers = await _covers(uow, union)
    own = await _own_figures(uow, union, covers, bounds)
    report = StatisticsReport.open(
        union.id, union.federation_id, form, command.period, own, clock.today(union.zone), principal.subject
    )
    await uow.statistics_reports.add(report)
    await _ask(uow, union, report, covers)
    await uow.commit()
    return report


async def _report_in_scope(
    uow: MembershipUnitOfWork, principal: Principal, report_id: uuid.UUID, *, for_update: bool = False
) -> tuple[StatisticsReport, Organization]:
    report = await uow.statistics_reports.get(report_id, for_update=for_update)
    union = await uow.organizations.get(report.organization_id) if report else None
    if report is None or union is None or not principal.can_see(union.path):
        raise _not_found()
    return report, union


async def report(uow: MembershipUnitOfWork, principal: Principal, report_id: uuid.UUID) -> StatisticsReport:
    found, _ = await _report_in_scope(uow, principal, report_id)
    principal.require_role(*READERS)
    return found


async def reports_of(uow: MembershipUnitOfWork, principal: Principal, organization_id: str) -> list[StatisticsReport]:
    union = await scope.organization_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    return await uow.statistics_reports.of_organization(union.id)


async def fill(
    uow: MembershipUnitOfWork, principal: Principal, report_id: uuid.UUID, command: commands.FillStatisticsReport
) -> StatisticsReport:
    found, union = await _report_in_scope(uow, principal, report_id, for_update=True)
    _own_union(principal, union)
    filled = found.filled({c: ManualFigure(f.value, f.note) for c, f in command.figures.items()})
    await uow.statistics_reports.save(filled)
    await uow.commit()
    return filled


async def refresh(uow: MembershipUnitOfWork, principal: Principal, report_id: uuid.UUID) -> StatisticsReport:
    """Compute the report again: membership's figures anew and the sections asked again (a new request)."""
    found, union = await _report_in_scope(uow, principal, report_id, for_update=True)
    _own_union(principal, union)
    covers = await _covers(uow, union)
    own = await _own_figures(uow, union, covers, (found.period_start, found.period_end))
    refreshed = found.refreshed(uuid.uuid4(), own)
    await uow.statistics_reports.save(refreshed)
    await _ask(uow, union, refreshed, covers)
    await uow.commit()
    return refreshed


async def submit(uow: MembershipUnitOfWork, principal: Principal, report_id: uuid.UUID) -> StatisticsReport:
    found, union = await _report_in_scope(uow, principal, report_id, for_update=True)
    _own_union(principal, union)
    submitted = found.submitted(principal.subject, clock.now())
    await uow.statistics_reports.save(submitted)
    await uow.commit()
    return submitted


async def return_report(
    uow: MembershipUnitOfWork, principal: Principal, report_id: uuid.UUID, command: commands.ReturnWithReason
) -> StatisticsReport:
    found, union = await _report_in_scope(uow, principal, report_id, for_update=True)
    _level_above(principal, union)
    returned = found.returned(command.reason, principal.subject, clock.now())
    await uow.statistics_reports.save(returned)
    await uow.commit()
    return returned


async def accept(uow: MembershipUnitOfWork, principal: Principal, report_id: uuid.UUID) -> StatisticsReport:
    found, union = await _report_in_scope(uow, principal, report_id, for_update=True)
    _level_above(principal, union)
    accepted = found.accepted(principal.subject, clock.now())
    await uow.statistics_reports.save(accepted)
    await uow.commit()
    return accepted


async def correct(uow: MembershipUnitOfWork, principal: Principal, report_id: uuid.UUID) -> StatisticsReport:
    """Version n+1 of an accepted report (the latest version), computed anew and asked again."""
    found, union = await _report_in_scope(uow, principal, report_id, for_update=True)
    _own_union(principal, union)
    versions = await uow.statistics_reports.versions([union.id], found.kind, found.period)
    if max(v.version for v in versions) != found.version:
        raise Conflict(
            "statistics_report_superseded",
            zh="该报表已有更新的版本，请在最新版本上更正",
            en="a newer version of this report exists: correct the latest",
        )
    covers = await _covers(uow, union)
    own = await _own_figures(uow, union, covers, (found.period_start, found.period_end))
    corrected = found.correction(own, principal.subject)
    await uow.statistics_reports.add(corrected)
    await _ask(uow, union, corrected, covers)
    await uow.commit()
    return corrected


async def on_section(uow: MembershipUnitOfWork, event, delivery: Delivery) -> None:
    """A service's section of a report: kept when it answers the report's current request and the
    report is still being worked on; otherwise (an older request, a submitted or accepted report, a
    section already in, an unknown report) ignored. The inbox applies each message once."""
    source = type(event).event_type.split(".")[1]
    found = await uow.statistics_reports.get(event.report_id, for_update=True)
    if found is None:
        return
    updated = found.with_section(source, event.request_id, event.figures)
    if updated is not None:
        await uow.statistics_reports.save(updated)


@dataclass(frozen=True)
class Board:
    organization: Organization
    kind: ReportKind
    period: str
    today: dt.date
    lines: list[BoardLine]


async def _reporting_children(uow: MembershipUnitOfWork, upper: Organization) -> list[Organization]:
    return [o for o in await uow.organizations.subtree(upper) if o.parent_id == upper.id and o.kind in REPORTING_KINDS]


async def board(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, kind: ReportKind, period: str
) -> Board:
    """Each reporting union directly under ``organization_id``: its latest version's state, late when
    past its deadline and not submitted."""
    upper = await scope.organization_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    _, period_end = period_bounds(kind, period)
    children = await _reporting_children(uow, upper)
    latest = latest_versions(await uow.statistics_reports.versions([c.id for c in children], kind, period))
    form = await current_form(uow, upper.federation_id, kind)
    today = clock.today(upper.zone)
    lines = [board_line(c.id, c.name, latest.get(c.id), form, period_end, today) for c in children]
    return Board(upper, kind, period, today, lines)


async def rollup_of(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, kind: ReportKind, period: str
) -> tuple[Organization, Rollup, dict[str, str]]:
    """The roll-up and the names of the organizations it names."""
    upper = await scope.organization_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    period_bounds(kind, period)
    subtree = [o for o in await uow.organizations.subtree(upper) if o.kind in REPORTING_KINDS]
    reports = await uow.statistics_reports.versions([o.id for o in subtree], kind, period)
    below = [o.id for o in subtree if o.id != upper.id]
    return upper, rollup(upper.id, kind, period, reports, below), {o.id: o.name for o in subtree}
