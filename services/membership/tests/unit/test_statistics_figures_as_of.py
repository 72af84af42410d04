"""The figures of a statistics report are true for its period: members as they stood on the period's
last day (from the dated history), a staff count the platform does not know typed in by the union
(with a note) instead of a silent 0, 入会率 never computed from an unknown staff count, and one
rounding rule for every rate (statistics reports, collective contracts, the older membership report)."""

import datetime as dt
import uuid

import pytest

from services.membership.tests.unit.test_statistics_reports import (
    ADMIN,
    answered,
    county,
    officer,
    open_month,
)
from unionfed_membership.domain import lifecycle, rates
from unionfed_membership.domain.collective_contracts import Rate
from unionfed_membership.domain.statistics_reports import membership_rate_per_mille
from unionfed_membership.service_layer import commands
from unionfed_membership.service_layer import statistics_reports as reports
from unionfed_membership.service_layer.membership_reports import rate_percent
from unionfed_shared.errors import Conflict

MEMBER = uuid.uuid4()
AT = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def entry(org: str, change: str, on: dt.date) -> lifecycle.HistoryEntry:
    return lifecycle.HistoryEntry(MEMBER, org, change, on, AT, "officer")  # type: ignore[arg-type]


def test_a_member_stands_where_the_last_change_up_to_the_day_left_them():
    history = [
        entry("school-a", "joined", dt.date(2020, 9, 1)),
        entry("school-a", "transferred_out", dt.date(2026, 11, 15)),
        entry("school-b", "transferred_in", dt.date(2026, 11, 15)),
        entry("school-b", "employer_changed", dt.date(2026, 11, 20)),  # no change of membership
        entry("school-b", "retired", dt.date(2026, 12, 3)),
        entry("school-b", "left", dt.date(2027, 1, 10)),
    ]
    assert lifecycle.standing_on(history, dt.date(2020, 8, 31)) is None  # not joined yet
    assert lifecycle.standing_on(history, dt.date(2026, 10, 31)) == ("school-a", "active")
    assert lifecycle.standing_on(history, dt.date(2026, 11, 15)) == ("school-b", "active")  # out, then in
    assert lifecycle.standing_on(history, dt.date(2026, 11, 30)) == ("school-b", "active")
    assert lifecycle.standing_on(history, dt.date(2026, 12, 31)) == ("school-b", "retired")
    assert lifecycle.standing_on(history, dt.date(2027, 1, 10)) is None  # left
    rejoined = [entry("school-a", "joined", dt.date(2020, 9, 1)), entry("school-a", "left", dt.date(2024, 1, 1))]
    rejoined.append(entry("school-a", "rejoined", dt.date(2026, 12, 2)))
    assert lifecycle.standing_on(rejoined, dt.date(2026, 11, 30)) is None  # a December rejoin is not November's
    assert lifecycle.standing_on(rejoined, dt.date(2026, 12, 2)) == ("school-a", "active")


def test_one_rounding_rule_serves_every_rate():
    assert rates.per_mille(2, 3) == 667 and rates.per_mille(1, 2000) == 1  # 0.5 ‰ goes up
    assert rates.per_mille(5, 0) is None and rates.per_mille(5, None) is None
    assert rates.percent_text(2, 3) == "66.67" and rates.percent_text(1, 8) == "12.50"
    assert rates.percent_text(1, 20000) == "0.01" and rates.percent_text(40, 40) == "100.00"
    # The three readings of 入会率 agree: the older report's percentage is the same rule at 10,000.
    for members, staff in ((68, 62), (905, 1000), (1182, 1245), (2, 3), (1, 8)):
        per_mille = membership_rate_per_mille({"members": members, "staff": staff})
        assert per_mille == Rate(members, staff).per_mille == rates.per_mille(members, staff)
        assert rate_percent(members, staff) == rates.percent_text(members, staff)
        assert abs(float(rate_percent(members, staff) or 0) * 10 - (per_mille or 0)) <= 0.5 + 1e-9
    assert rate_percent(5, None) is None and membership_rate_per_mille({"members": 5}) is None


async def test_a_staff_count_nobody_registered_is_typed_in_by_the_union_with_a_note():
    uow = await county()
    del uow.statistics.by_organization["school-a"]["staff"]  # school-a registered no staff count
    report = await answered(uow, await open_month(uow))
    assert "staff" not in report.figures and report.unknown == ["staff"]
    row = next(r for r in report.rows() if r.code == "staff")
    assert row.value is None and row.source == "manual" and "入会率" in row.note
    assert report.membership_rate_per_mille is None  # never from an unknown staff count
    assert report.manual_missing == ["staff"] and report.board_state == "collecting"
    with pytest.raises(Conflict) as refused:
        await reports.submit(uow, officer("school-a"), report.id)
    assert "职工人数" in refused.value.zh
    # school-a's own roll-up counts its open report: the staff row names whose count is unknown.
    _, rolled, _ = await reports.rollup_of(uow, officer("school-a"), "school-a", "monthly", "2026-11")
    assert rolled.staff_unknown == ("school-a",) and rolled.membership_rate_per_mille is None
    assert "school-a" in next(r for r in rolled.rows if r.code == "staff").note
    filled = await reports.fill(
        uow,
        officer("school-a"),
        report.id,
        commands.FillStatisticsReport(figures={"staff": commands.ManualFigureIn(value=55, note="人事科 11 月花名册")}),
    )
    row = next(r for r in filled.rows() if r.code == "staff")
    assert (row.value, row.source, row.note) == (55, "manual", "人事科 11 月花名册")
    assert filled.membership_rate_per_mille == rates.per_mille(50 - 2, 55)  # school-a and its group
    submitted = await reports.submit(uow, officer("school-a"), report.id)
    accepted = await reports.accept(uow, ADMIN, submitted.id)
    _, rolled, _ = await reports.rollup_of(uow, ADMIN, "county", "monthly", "2026-11")
    assert rolled.totals["staff"] == 55 and rolled.staff_unknown == ()
    assert [(t.organization_id, t.value) for t in rolled.trace("staff")] == [("school-a", 55)]
    assert accepted.value("staff") == 55


async def test_a_registered_staff_count_is_the_platforms_and_cannot_be_typed_over():
    uow = await county()
    report = await answered(uow, await open_month(uow))
    assert report.figures["staff"] == 42 and report.unknown == [] and report.board_state == "ready"
    with pytest.raises(Exception) as refused:
        await reports.fill(
            uow,
            officer("school-a"),
            report.id,
            commands.FillStatisticsReport(figures={"staff": commands.ManualFigureIn(value=1, note="x")}),
        )
    assert getattr(refused.value, "code", "") == "manual_indicator_unknown"
