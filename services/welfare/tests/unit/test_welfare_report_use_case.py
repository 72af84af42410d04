"""The welfare report's use case on an in-memory unit of work: how the database's sums per union are
put together into lines and totals. The sums themselves are proved against PostgreSQL in integration."""

import dataclasses
import datetime as dt

import pytest

from services.welfare.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Forbidden, Invalid
from unionfed_welfare.domain.welfare_report import GrantsPaid, HardshipTally, VisitsMade
from unionfed_welfare.service_layer import welfare_reports

AUDITOR = Principal("auditor-he", Role.AUDITOR, "county", "county")
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


@dataclasses.dataclass
class FakeReportSums:
    visits: list[VisitsMade] = dataclasses.field(default_factory=list)
    paid: list[GrantsPaid] = dataclasses.field(default_factory=list)
    hardship_files: list[HardshipTally] = dataclasses.field(default_factory=list)
    welfare_paid: int = 0
    asked: list[tuple] = dataclasses.field(default_factory=list)

    async def visits_made(self, organization_id: str, start: dt.date, end: dt.date) -> list[VisitsMade]:
        self.asked.append((organization_id, start, end))
        return self.visits

    async def grants_paid(self, organization_id: str, start: dt.date, end: dt.date) -> list[GrantsPaid]:
        return self.paid

    async def welfare_paid_fen(self, organization_id: str, start: dt.date, end: dt.date) -> int:
        return self.welfare_paid

    async def hardship(self, organization_id: str, start: dt.date, end: dt.date) -> list[HardshipTally]:
        return self.hardship_files


@dataclasses.dataclass
class ReportUnitOfWork(FakeUnitOfWork):
    welfare_report: FakeReportSums = dataclasses.field(default_factory=FakeReportSums)


def county() -> ReportUnitOfWork:
    uow = ReportUnitOfWork()
    uow.directory.paths.update({"county": ["county"], "no1": ["county", "no1"], "no2": ["county", "no2"]})
    return uow


async def test_visits_made_and_paid_meet_on_one_line_per_union_and_visit_type_in_the_domains_order():
    uow = county()
    uow.welfare_report.visits = [
        VisitsMade("no2", "hospitalised", 1, 500_00),
        VisitsMade("no1", "wedding", 2, 800_00),
        VisitsMade("no1", "hospitalised", 3, 1500_00),
    ]
    # Paid in the period for a visit made in the one before: a line of its own, with no visits.
    uow.welfare_report.paid = [
        GrantsPaid("no1", "hospitalised", 2, 1000_00, 800_00, 200_00),
        GrantsPaid("no2", "funeral", 1, 300_00, 300_00, 0),
    ]
    uow.welfare_report.hardship_files = [HardshipTally("no1", "special_hardship", 1, 1, 0)]
    uow.welfare_report.welfare_paid = 1900_00  # greetings too

    report = await welfare_reports.report(uow, AUDITOR, "county", *YEAR)

    assert uow.welfare_report.asked == [("county", *YEAR)]
    assert [(g["organization_id"], g["visit_type"], g["visits"], g["paid"]) for g in report["grants"]] == [
        ("no1", "hospitalised", 3, 2),
        ("no1", "wedding", 2, 0),
        ("no2", "hospitalised", 1, 0),
        ("no2", "funeral", 0, 1),
    ]
    assert report["grants"][0] == {
        "organization_id": "no1",
        "visit_type": "hospitalised",
        "visit_label": "住院慰问",
        "visits": 3,
        "granted_fen": 1500_00,
        "paid": 2,
        "paid_fen": 1000_00,
        "paid_money_fen": 800_00,
        "paid_goods_fen": 200_00,
    }
    assert report["hardship_files"] == [
        {
            "organization_id": "no1",
            "level": "special_hardship",
            "level_label": "特困",
            "open": 1,
            "opened": 1,
            "closed": 0,
        }
    ]
    assert report["totals"] == {
        "visits": 6,
        "granted_fen": 2800_00,
        "grants_paid": 3,
        "grants_paid_fen": 1300_00,
        "welfare_paid_fen": 1900_00,
        "ledger_account": "5101",
    }
    assert (report["from"], report["to"]) == YEAR


async def test_a_reversed_period_is_refused_and_the_report_is_for_readers_only():
    uow = county()

    with pytest.raises(Invalid) as reversed_:
        await welfare_reports.report(uow, AUDITOR, "county", dt.date(2026, 12, 31), dt.date(2026, 1, 1))
    assert reversed_.value.code == "period_reversed"

    with pytest.raises(Forbidden):
        await welfare_reports.report(uow, Principal("teacher", Role.MEMBER, "no1", "county"), "no1", *YEAR)
    assert uow.welfare_report.asked == []
