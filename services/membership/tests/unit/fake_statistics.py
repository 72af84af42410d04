"""In-memory report forms, statistics reports and membership's figures for the use cases' unit tests."""

import datetime as dt
import uuid
from collections.abc import Sequence

from unionfed_membership.domain.statistics_reports import ReportForm, ReportKind, StatisticsReport
from unionfed_shared.contracts.reporting import owned_by


class FakeReportForms:
    def __init__(self) -> None:
        self.rows: list[ReportForm] = []

    async def versions(self, federation_id: str, kind: ReportKind) -> list[ReportForm]:
        found = [f for f in self.rows if f.federation_id == federation_id and f.kind == kind]
        return sorted(found, key=lambda f: f.version, reverse=True)

    async def add(self, form: ReportForm, by: str) -> None:
        self.rows.append(form)


class FakeStatisticsReports:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, StatisticsReport] = {}

    async def get(self, report_id: uuid.UUID, *, for_update: bool = False) -> StatisticsReport | None:
        return self.rows.get(report_id)

    async def add(self, report: StatisticsReport) -> None:
        self.rows[report.id] = report

    async def save(self, report: StatisticsReport) -> None:
        assert self.rows[report.id].state != "accepted", "an accepted report is locked"
        self.rows[report.id] = report

    async def versions(self, organization_ids: Sequence[str], kind: ReportKind, period: str) -> list[StatisticsReport]:
        found = [
            r
            for r in self.rows.values()
            if r.organization_id in organization_ids and (r.kind, r.period) == (kind, period)
        ]
        return sorted(found, key=lambda r: (r.organization_id, r.version))

    async def of_organization(self, organization_id: str) -> list[StatisticsReport]:
        return sorted(
            (r for r in self.rows.values() if r.organization_id == organization_id),
            key=lambda r: (r.period, r.version),
            reverse=True,
        )


class FakeStatistics:
    """Membership's figures per organization, set by the test; a report's are the sum over what it covers."""

    def __init__(self) -> None:
        self.by_organization: dict[str, dict[str, int]] = {}
        self.asked: list[tuple[list[str], dt.date, dt.date]] = []

    async def membership_figures(
        self, covers: Sequence[str], first: dt.date, last: dt.date, time_zone: str
    ) -> dict[str, int | None]:
        """Every membership code, 0 unless set, but ``staff``: None unless an organization covered has
        one (as the adapter answers for unions that registered no staff count)."""
        self.asked.append((list(covers), first, last))
        total: dict[str, int | None] = dict.fromkeys(owned_by("membership"), 0)
        total["staff"] = None
        for org in covers:
            for code, value in self.by_organization.get(org, {}).items():
                total[code] = (total.get(code) or 0) + value
        return total
