"""Statistics reports that roll up, on the in-memory unit of work: forms per federation and their
versions, opening a report (membership's figures for the union and its groups, and the request to
the other services), sections for the current request only, manual figures with notes, submit /
return / accept / lock, corrections as new versions, the status board with late unions, the roll-up
(own + accepted below, recursively; 入会率 recomputed) and a figure's trace."""

import datetime as dt
import uuid

import pytest

from services.membership.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_membership.domain.model import Organization
from unionfed_membership.domain.statistics_reports import (
    ManualIndicator,
    ReportForm,
    membership_rate_per_mille,
    period_bounds,
)
from unionfed_membership.service_layer import clock, commands
from unionfed_membership.service_layer import statistics_reports as reports
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.reporting import (
    INDICATORS,
    EventsReportFiguresV1,
    FinanceReportFiguresV1,
    ReportFiguresRequestedV1,
    WelfareReportFiguresV1,
    owned_by,
)
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound

ADMIN = Principal("admin", Role.FEDERATION_ADMIN, "county", "county")
AUDITOR = Principal("auditor", Role.AUDITOR, "county", "county")


def officer(org: str) -> Principal:
    return Principal(f"officer-{org}", Role.UNION_OFFICER, org, "county")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    # 16:30 UTC on 10 December is 00:30 on 11 December in Shanghai: the federation's today is 11 December.
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 12, 10, 16, 30, tzinfo=dt.UTC))


async def county() -> FakeUnitOfWork:
    """county → school-a (with a group), school-b, district (a federation) → school-c."""
    uow = FakeUnitOfWork()
    root = Organization.found_federation("county", "某县教育工会", "Asia/Shanghai")
    await uow.organizations.add(root)
    a = root.found_child("school-a", "第一小学", "grassroots_union")
    b = root.found_child("school-b", "实验中学", "grassroots_union")
    district = root.found_child("district", "城区教育工会", "federation")
    c = district.found_child("school-c", "城区小学", "grassroots_union")
    group = a.found_child("school-a-g1", "语文组", "union_group")
    for o in (a, b, district, c, group):
        await uow.organizations.add(o)
    figures = uow.statistics.by_organization
    figures["school-a"] = {"members": 40, "members_women": 30, "members_retired": 2, "staff": 42}
    figures["school-a-g1"] = {"members": 10, "members_women": 8}
    figures["school-b"] = {"members": 60, "members_women": 35, "members_retired": 5, "staff": 80}
    figures["school-c"] = {"members": 20, "members_women": 12, "staff": 20}
    return uow


def sections(report, *, welfare=None, events=None, finance=None, request_id=None):
    request_id = request_id or report.request_id
    base = dict(
        organization_id=report.organization_id, federation_id="county", report_id=report.id, request_id=request_id
    )
    return [
        WelfareReportFiguresV1(**base, figures=welfare or dict.fromkeys(owned_by("welfare"), 1)),
        EventsReportFiguresV1(**base, figures=events or dict.fromkeys(owned_by("events"), 2)),
        FinanceReportFiguresV1(**base, figures=finance or dict.fromkeys(owned_by("finance"), 100)),
    ]


async def answered(uow, report, **kw):
    for event in sections(report, **kw):
        await reports.on_section(uow, event, None)
    return await uow.statistics_reports.get(report.id)


async def open_month(uow, org="school-a", period="2026-11"):
    return await reports.open_report(
        uow, officer(org), org, commands.OpenStatisticsReport(kind="monthly", period=period)
    )


async def accepted(uow, org, reviewer, period="2026-11"):
    report = await answered(uow, await open_month(uow, org, period))
    await reports.submit(uow, officer(org), report.id)
    return await reports.accept(uow, reviewer, report.id)


def test_periods_and_the_standard_form():
    assert period_bounds("monthly", "2026-02") == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert period_bounds("annual", "2026") == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    for kind, period in (("monthly", "2026-13"), ("monthly", "2026"), ("annual", "2026-01")):
        with pytest.raises(Invalid) as refused:
            period_bounds(kind, period)
        assert refused.value.code == "report_period_invalid"
    form = ReportForm.standard("county", "monthly")
    assert form.indicators == tuple(INDICATORS) and form.version == 0
    assert form.sections == {"welfare", "events", "finance"}
    assert form.deadline(dt.date(2026, 11, 30)) == dt.date(2026, 12, 10)


def test_a_form_lists_known_indicators_and_manual_ones_of_its_own():
    with pytest.raises(Invalid) as refused:
        ReportForm.define("county", "monthly", 1, ["members", "nonsense"], [], 10)
    assert (refused.value.code, refused.value.pointer) == ("indicator_unknown", "#/indicators/1")
    with pytest.raises(Invalid) as refused:
        ReportForm.define("county", "monthly", 1, ["members"], [ManualIndicator("members", "会员", "Members")], 10)
    assert refused.value.code == "manual_indicator_code_invalid"
    with pytest.raises(Invalid):
        ReportForm.define("county", "monthly", 1, [], [], 10)
    form = ReportForm.define(
        "county", "monthly", 1, ["members", "grants"], [ManualIndicator("trainings", " 培训 ", "T")], 5
    )
    assert form.sections == {"welfare"} and form.manual[0].zh == "培训"


def test_rate_is_recomputed_from_summed_parts_never_averaged():
    # 38/42 and 55/80: the average of the rates is 796‰, the rate of the sums 760‰.
    assert membership_rate_per_mille({"members": 40, "members_retired": 2, "staff": 42}) == 905
    assert membership_rate_per_mille({"members": 100, "members_retired": 7, "staff": 122}) == 762
    assert membership_rate_per_mille({"members": 5, "staff": 0}) is None


async def test_opening_computes_membership_figures_for_the_union_and_its_groups_and_asks_the_others():
    uow = await county()
    report = await open_month(uow)
    assert report.figures["members"] == 50 and report.figures["members_women"] == 38  # with its group's
    assert uow.statistics.asked[0] == (["school-a", "school-a-g1"], dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    [asked] = uow.emitted
    assert isinstance(asked, ReportFiguresRequestedV1)
    assert (asked.report_id, asked.request_id, asked.covers) == (
        report.id,
        report.request_id,
        ["school-a", "school-a-g1"],
    )
    assert report.board_state == "collecting" and report.sections_missing == ["events", "finance", "welfare"]
    with pytest.raises(Conflict):
        await open_month(uow)
    with pytest.raises(Invalid) as refused:
        await open_month(uow, period="2027-01")
    assert refused.value.code == "report_period_not_started"


async def test_only_the_unions_own_officers_open_and_groups_do_not_report():
    uow = await county()
    with pytest.raises(Forbidden):
        await reports.open_report(
            uow, ADMIN, "school-a", commands.OpenStatisticsReport(kind="monthly", period="2026-11")
        )
    with pytest.raises(NotFound):
        await reports.open_report(
            uow, officer("school-b"), "school-a", commands.OpenStatisticsReport(kind="monthly", period="2026-11")
        )
    with pytest.raises(Forbidden) as refused:
        await open_month(uow, "school-a-g1")
    assert refused.value.code == "statistics_report_not_on_group"


async def test_sections_count_for_the_current_request_only_and_never_after_submission():
    uow = await county()
    report = await open_month(uow)
    stale = await answered(uow, report, request_id=uuid.uuid4())
    assert stale.sections == frozenset()
    report = await answered(uow, report, welfare={"grants": 3, "grants_fen": 90000, "members": 999})
    assert report.figures["grants_fen"] == 90000 and report.figures["members"] == 50  # a section answers its own codes
    again = await answered(uow, report, welfare={"grants": 7})
    assert again.figures["grants"] == 3  # applied once
    assert report.board_state == "ready"
    refreshed = await reports.refresh(uow, officer("school-a"), report.id)
    assert refreshed.request_id != report.request_id and refreshed.sections == frozenset()
    late = await answered(uow, refreshed, request_id=report.request_id)
    assert late.sections == frozenset()


async def test_manual_figures_need_a_note_and_submission_needs_everything():
    uow = await county()
    await reports.define_form(
        uow,
        ADMIN,
        "county",
        commands.DefineReportForm(
            kind="monthly",
            indicators=["members", "staff", "grants"],
            manual=[commands.ManualIndicatorIn(code="trainings", zh="培训人次", en="Trainings")],
            deadline_days=5,
        ),
    )
    report = await open_month(uow)
    assert report.form.version == 1 and report.deadline == dt.date(2026, 12, 5)
    with pytest.raises(Conflict) as refused:
        await reports.submit(uow, officer("school-a"), report.id)
    assert refused.value.code == "statistics_report_incomplete" and "福利数据" in refused.value.zh
    await answered(uow, report)
    with pytest.raises(Invalid) as refused:
        await reports.fill(
            uow,
            officer("school-a"),
            report.id,
            commands.FillStatisticsReport(figures={"trainings": commands.ManualFigureIn(value=12, note=" ")}),
        )
    assert refused.value.code == "manual_figure_note_blank"
    with pytest.raises(Invalid) as refused:
        await reports.fill(
            uow,
            officer("school-a"),
            report.id,
            commands.FillStatisticsReport(figures={"members": commands.ManualFigureIn(value=12, note="x")}),
        )
    assert refused.value.code == "manual_indicator_unknown"  # the platform knows it: never typed in
    filled = await reports.fill(
        uow,
        officer("school-a"),
        report.id,
        commands.FillStatisticsReport(figures={"trainings": commands.ManualFigureIn(value=12, note="县培训签到表")}),
    )
    assert filled.value("trainings") == 12 and filled.board_state == "ready"
    # A new version of the form leaves the opened report alone.
    await reports.define_form(
        uow, ADMIN, "county", commands.DefineReportForm(kind="monthly", indicators=["members"], deadline_days=20)
    )
    assert (await reports.report(uow, AUDITOR, report.id)).form.version == 1
    submitted = await reports.submit(uow, officer("school-a"), report.id)
    assert submitted.state == "submitted"


async def test_the_level_above_returns_with_a_reason_or_accepts_and_accepted_is_locked():
    uow = await county()
    report = await answered(uow, await open_month(uow))
    await reports.submit(uow, officer("school-a"), report.id)
    with pytest.raises(Forbidden):
        await reports.accept(uow, officer("school-a"), report.id)  # not its own reviewer
    with pytest.raises(Conflict):
        await reports.refresh(uow, officer("school-a"), report.id)  # under review
    returned = await reports.return_report(
        uow, officer("county"), report.id, commands.ReturnWithReason(reason="女会员人数有误")
    )
    assert (returned.state, returned.return_reason, returned.board_state) == ("returned", "女会员人数有误", "returned")
    await reports.submit(uow, officer("school-a"), report.id)
    # The reason body is the one a home assessment is returned with (up to 2000 characters), kept whole.
    long = await reports.return_report(
        uow, officer("county"), report.id, commands.ReturnWithReason(reason="有误" * 1000)
    )
    assert long.return_reason == "有误" * 1000
    await reports.submit(uow, officer("school-a"), report.id)
    done = await reports.accept(uow, ADMIN, report.id)
    assert done.state == "accepted"
    with pytest.raises(Conflict) as refused:
        await reports.submit(uow, officer("school-a"), report.id)
    assert refused.value.code == "statistics_report_locked"
    assert (await answered(uow, done, request_id=done.request_id)).sections == done.sections


async def test_a_correction_is_a_new_version_and_both_are_kept():
    uow = await county()
    first = await accepted(uow, "school-a", ADMIN)
    uow.statistics.by_organization["school-a"]["members"] = 41
    second = await reports.correct(uow, officer("school-a"), first.id)
    assert (second.version, second.figures["members"], second.state) == (2, 51, "open")
    assert isinstance(uow.emitted[-1], ReportFiguresRequestedV1) and uow.emitted[-1].request_id == second.request_id
    with pytest.raises(Conflict) as refused:
        await reports.correct(uow, officer("school-a"), first.id)
    assert refused.value.code == "statistics_report_superseded"
    _, rolled, _ = await reports.rollup_of(uow, ADMIN, "county", "monthly", "2026-11")
    assert rolled.totals["members"] == 50  # the accepted first version counts until its correction is accepted
    await answered(uow, second)
    await reports.submit(uow, officer("school-a"), second.id)
    await reports.accept(uow, ADMIN, second.id)
    _, rolled, _ = await reports.rollup_of(uow, ADMIN, "county", "monthly", "2026-11")
    assert rolled.totals["members"] == 51
    versions = await reports.reports_of(uow, AUDITOR, "school-a")
    assert [(r.version, r.state) for r in versions] == [(2, "accepted"), (1, "accepted")]


async def test_the_board_shows_each_union_directly_below_and_who_is_late():
    uow = await county()
    await accepted(uow, "school-a", ADMIN)
    await open_month(uow, "school-b")
    found = await reports.board(uow, AUDITOR, "county", "monthly", "2026-11")
    lines = {line.organization_id: (line.state, line.late) for line in found.lines}
    # Today (11 December) is past the standard deadline (10 December).
    assert lines == {
        "school-a": ("accepted", False),
        "school-b": ("collecting", True),
        "district": ("not_opened", True),
    }
    with pytest.raises(NotFound):
        await reports.board(uow, officer("school-b"), "county", "monthly", "2026-11")


async def test_the_rollup_is_its_own_plus_the_accepted_below_recursively_and_traces_a_figure():
    uow = await county()
    a = await accepted(uow, "school-a", ADMIN)
    b = await answered(uow, await open_month(uow, "school-b"))
    await reports.submit(uow, officer("school-b"), b.id)  # submitted, not accepted: not counted
    c = await accepted(uow, "school-c", officer("district"))  # accepted by the district
    _, rolled, names = await reports.rollup_of(uow, ADMIN, "county", "monthly", "2026-11")
    assert rolled.own is None and [r.organization_id for r in rolled.accepted] == ["school-a", "school-c"]
    assert rolled.totals["members"] == a.figures["members"] + c.figures["members"] == 70
    assert rolled.totals["grants_fen"] == 2  # 1 + 1 from the hand-built sections
    # 入会率 of the sums: (70 − 2) working members of 62 staff.
    assert rolled.membership_rate_per_mille == membership_rate_per_mille(
        {"members": 70, "members_retired": 2, "staff": 62}
    )
    trace = rolled.trace("members")
    assert [(t.organization_id, t.value) for t in trace] == [("school-a", 50), ("school-c", 20)]
    assert names["school-c"] == "城区小学"
    own = await answered(uow, await open_month(uow, "district"))
    _, district, _ = await reports.rollup_of(uow, officer("district"), "district", "monthly", "2026-11")
    assert district.own and district.own.id == own.id and [r.organization_id for r in district.accepted] == ["school-c"]
