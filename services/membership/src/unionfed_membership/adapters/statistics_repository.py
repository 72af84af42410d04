"""Loading and saving report forms and statistics reports, and the SQL behind membership's own figures."""

import datetime as dt
import uuid
from collections.abc import Sequence

from sqlalchemy import Date, Row, and_, cast, func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_membership.adapters.dues_tables import staff_counts
from unionfed_membership.adapters.enterprise_tables import collective_contracts, enterprises
from unionfed_membership.adapters.mobile_worker_tables import member_worker_categories
from unionfed_membership.adapters.record_chains import chain_report
from unionfed_membership.adapters.statistics_tables import report_forms, statistics_reports
from unionfed_membership.adapters.tables import member_history, members, organizations
from unionfed_membership.domain import lifecycle
from unionfed_membership.domain.statistics_reports import (
    ManualFigure,
    ManualIndicator,
    ReportForm,
    ReportKind,
    StatisticsReport,
)


def _manual_of(raw: list) -> tuple[ManualIndicator, ...]:
    return tuple(ManualIndicator(m["code"], m["zh"], m["en"], m["unit"]) for m in raw)


def _manual_json(manual: Sequence[ManualIndicator]) -> list[dict]:
    return [{"code": m.code, "zh": m.zh, "en": m.en, "unit": m.unit} for m in manual]


def _form_of(row: Row) -> ReportForm:
    return ReportForm(
        federation_id=row.federation_id,
        kind=row.kind,
        version=row.version,
        indicators=tuple(row.indicators),
        manual=_manual_of(row.manual),
        deadline_days=row.deadline_days,
        id=row.id,
    )


def _report_of(row: Row) -> StatisticsReport:
    form = ReportForm(
        federation_id=row.federation_id,
        kind=row.kind,
        version=row.form_version,
        indicators=tuple(row.form_indicators),
        manual=_manual_of(row.form_manual),
        deadline_days=row.deadline_days,
    )
    return StatisticsReport(
        id=row.id,
        organization_id=row.organization_id,
        federation_id=row.federation_id,
        kind=row.kind,
        period=row.period,
        version=row.version,
        form=form,
        period_start=row.period_start,
        period_end=row.period_end,
        request_id=row.request_id,
        figures=dict(row.figures),
        sections=frozenset(row.sections),
        manual={c: ManualFigure(m["value"], m["note"]) for c, m in row.manual.items()},
        state=row.state,
        return_reason=row.return_reason,
        opened_by=row.opened_by,
        submitted_by=row.submitted_by,
        submitted_at=row.submitted_at,
        reviewed_by=row.reviewed_by,
        reviewed_at=row.reviewed_at,
    )


def _mutable(report: StatisticsReport) -> dict:
    return {
        "request_id": report.request_id,
        "figures": dict(report.figures),
        "sections": sorted(report.sections),
        "manual": {c: {"value": m.value, "note": m.note} for c, m in report.manual.items()},
        "state": report.state,
        "return_reason": report.return_reason,
        "submitted_by": report.submitted_by,
        "submitted_at": report.submitted_at,
        "reviewed_by": report.reviewed_by,
        "reviewed_at": report.reviewed_at,
    }


class ReportFormRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def versions(self, federation_id: str, kind: ReportKind) -> list[ReportForm]:
        """Every version, newest first."""
        query = (
            select(report_forms)
            .where(report_forms.c.federation_id == federation_id, report_forms.c.kind == kind)
            .order_by(report_forms.c.version.desc())
        )
        return [_form_of(r) for r in await self._session.execute(query)]

    async def add(self, form: ReportForm, by: str) -> None:
        await self._session.execute(
            insert(report_forms).values(
                id=form.id,
                federation_id=form.federation_id,
                kind=form.kind,
                version=form.version,
                indicators=list(form.indicators),
                manual=_manual_json(form.manual),
                deadline_days=form.deadline_days,
                defined_by=by,
            )
        )


class StatisticsReportRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def get(self, report_id: uuid.UUID, *, for_update: bool = False) -> StatisticsReport | None:
        query = select(statistics_reports).where(statistics_reports.c.id == report_id)
        row = (await self._session.execute(query.with_for_update() if for_update else query)).first()
        return _report_of(row) if row else None

    async def add(self, report: StatisticsReport) -> None:
        await self._session.execute(
            insert(statistics_reports).values(
                id=report.id,
                organization_id=report.organization_id,
                federation_id=report.federation_id,
                kind=report.kind,
                period=report.period,
                version=report.version,
                form_version=report.form.version,
                form_indicators=list(report.form.indicators),
                form_manual=_manual_json(report.form.manual),
                deadline_days=report.form.deadline_days,
                period_start=report.period_start,
                period_end=report.period_end,
                opened_by=report.opened_by,
                **_mutable(report),
            )
        )

    async def save(self, report: StatisticsReport) -> None:
        await self._session.execute(
            update(statistics_reports).where(statistics_reports.c.id == report.id).values(**_mutable(report))
        )
        await chain_report(self._session, report.id)  # submitted, returned, accepted: chained

    async def versions(self, organization_ids: Sequence[str], kind: ReportKind, period: str) -> list[StatisticsReport]:
        """Every version of the period's reports of these unions."""
        query = (
            select(statistics_reports)
            .where(
                statistics_reports.c.organization_id.in_(organization_ids),
                statistics_reports.c.kind == kind,
                statistics_reports.c.period == period,
            )
            .order_by(statistics_reports.c.organization_id, statistics_reports.c.version)
        )
        return [_report_of(r) for r in await self._session.execute(query)]

    async def of_organization(self, organization_id: str) -> list[StatisticsReport]:
        """The union's reports, newest period first, every version (newest first)."""
        query = (
            select(statistics_reports)
            .where(statistics_reports.c.organization_id == organization_id)
            .order_by(
                statistics_reports.c.period.desc(), statistics_reports.c.kind, statistics_reports.c.version.desc()
            )
        )
        return [_report_of(r) for r in await self._session.execute(query)]


class StatisticsQueries:
    """Membership's own figures for a report: the union and its groups (``covers``), over the period."""

    def __init__(self, session: AsyncSession):
        self._session = session

    async def membership_figures(
        self, covers: Sequence[str], first: dt.date, last: dt.date, time_zone: str
    ) -> dict[str, int | None]:
        """Members as they stood on the period's last day (``last``, a business day of the federation):
        active and retired, women, retired, migrant workers and new-form workers (each member's
        category in force that day), read from the dated history (:func:`lifecycle.standing_on`), so a
        member who joined, left or moved after the period is counted as they were in it; joined in the
        period (joins and rejoins); staff (the unions' registered staff counts — None when none of
        them registered one: the platform does not know it, the union types it in); grassroots unions
        founded in the period (created on a business day of it) and collective contracts signed in it
        (by the enterprises whose union it is, or, without a union, registered by it)."""
        covers = list(covers)
        history = member_history
        touched = select(history.c.member_id).where(history.c.organization_id.in_(covers))
        standing = (
            select(history.c.member_id, history.c.organization_id, history.c.change)
            .where(
                history.c.member_id.in_(touched),
                history.c.effective_on <= last,
                history.c.change.in_(tuple(lifecycle.STANDING_AFTER)),
            )
            .ext(distinct_on(history.c.member_id))
            .order_by(history.c.member_id, history.c.effective_on.desc(), history.c.id.desc())
            .subquery()
        )
        in_union = tuple(c for c, status in lifecycle.STANDING_AFTER.items() if status is not None)
        retired_change = tuple(c for c, status in lifecycle.STANDING_AFTER.items() if status == "retired")
        counted = and_(standing.c.organization_id.in_(covers), standing.c.change.in_(in_union))
        row = (
            await self._session.execute(
                select(
                    func.count(),
                    func.count().filter(members.c.gender == "female"),
                    func.count().filter(standing.c.change.in_(retired_change)),
                )
                .select_from(standing.join(members, members.c.id == standing.c.member_id))
                .where(counted)
            )
        ).one()
        latest = (
            select(
                member_worker_categories.c.member_id,
                member_worker_categories.c.migrant_worker,
                member_worker_categories.c.new_form,
            )
            .where(member_worker_categories.c.effective_on <= last)
            .ext(distinct_on(member_worker_categories.c.member_id))
            .order_by(
                member_worker_categories.c.member_id,
                member_worker_categories.c.effective_on.desc(),
                member_worker_categories.c.id.desc(),
            )
            .subquery()
        )
        categories = (
            await self._session.execute(
                select(
                    func.count().filter(latest.c.migrant_worker.is_(True)),
                    func.count().filter(latest.c.new_form.is_not(None)),
                )
                .select_from(latest.join(standing, standing.c.member_id == latest.c.member_id))
                .where(counted)
            )
        ).one()
        joined = (
            await self._session.execute(
                select(func.count()).where(
                    member_history.c.organization_id.in_(covers),
                    member_history.c.change.in_(("joined", "rejoined")),
                    member_history.c.effective_on.between(first, last),
                )
            )
        ).scalar_one()
        staff = (
            await self._session.execute(
                select(func.sum(staff_counts.c.staff_count)).where(staff_counts.c.organization_id.in_(covers))
            )
        ).scalar_one()  # NULL: no count registered, which is not 0 staff
        founded_on = cast(func.timezone(time_zone, organizations.c.created_at), Date)
        founded = (
            await self._session.execute(
                select(func.count()).where(
                    organizations.c.id.in_(covers),
                    organizations.c.kind == "grassroots_union",
                    founded_on.between(first, last),
                )
            )
        ).scalar_one()
        contracts = (
            await self._session.execute(
                select(func.count())
                .select_from(
                    collective_contracts.join(enterprises, enterprises.c.id == collective_contracts.c.enterprise_id)
                )
                .where(
                    or_(
                        enterprises.c.union_id.in_(covers),
                        and_(enterprises.c.union_id.is_(None), enterprises.c.organization_id.in_(covers)),
                    ),
                    collective_contracts.c.signed_on.between(first, last),
                )
            )
        ).scalar_one()
        return {
            "members": row[0],
            "members_women": row[1],
            "members_retired": row[2],
            "members_migrant": categories[0],
            "members_new_form": categories[1],
            "members_joined": joined,
            "staff": None if staff is None else int(staff),
            "unions_founded": founded,
            "contracts_signed": contracts,
        }
