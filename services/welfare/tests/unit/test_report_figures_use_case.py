"""Welfare's section of a statistics report: membership's request is answered with welfare's section, every code it owns, once per request."""

import datetime as dt
import uuid

import pytest

from unionfed_shared.contracts.reporting import ReportFiguresRequestedV1, WelfareReportFiguresV1, owned_by
from unionfed_welfare.service_layer import report_figures


class FakeQueries:
    def __init__(self, figures: dict[str, int]):
        self.figures_given = figures
        self.asked: list[tuple] = []

    async def figures(self, organization_id, covers, first_day, last_day) -> dict[str, int]:
        self.asked.append((organization_id, list(covers), first_day, last_day))
        return dict(self.figures_given)


class FakeUnitOfWork:
    def __init__(self, figures: dict[str, int]):
        self.report_figures = FakeQueries(figures)
        self.staged: list[tuple[object, str | None]] = []

    def emit(self, event, *, event_id=None):
        self.staged.append((event, event_id))


def _request(**changes) -> ReportFiguresRequestedV1:
    fields = dict(
        organization_id="school-1",
        federation_id="county",
        report_id=uuid.uuid4(),
        request_id=uuid.uuid4(),
        covers=["school-1", "school-1-group-a"],
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 6, 30),
    )
    return ReportFiguresRequestedV1(**{**fields, **changes})


async def test_the_section_names_the_report_and_the_request_and_carries_every_code_the_service_owns():
    figures = {code: n for n, code in enumerate(owned_by("welfare"), start=1)}
    uow = FakeUnitOfWork(figures)
    request = _request()
    await report_figures.answer_report_figures(uow, request, None)
    [(answer, event_id)] = uow.staged
    assert isinstance(answer, WelfareReportFiguresV1)
    assert (answer.report_id, answer.request_id) == (request.report_id, request.request_id)
    assert (answer.organization_id, answer.federation_id) == ("school-1", "county")
    assert list(answer.figures) == list(owned_by("welfare")) and answer.figures == figures
    assert uow.report_figures.asked == [
        ("school-1", ["school-1", "school-1-group-a"], dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    ]
    assert event_id == report_figures.answer_id(request.request_id)


async def test_the_same_request_answered_twice_is_one_answer_and_a_new_request_another():
    request = _request()
    uow = FakeUnitOfWork(dict.fromkeys(owned_by("welfare"), 0))
    await report_figures.answer_report_figures(uow, request, None)
    await report_figures.answer_report_figures(uow, request, None)
    await report_figures.answer_report_figures(uow, _request(report_id=request.report_id), None)
    ids = [event_id for _, event_id in uow.staged]
    assert ids[0] == ids[1] != ids[2]


def test_a_figure_below_zero_answers_zero_and_a_missing_one_is_a_bug():
    figures = dict.fromkeys(owned_by("welfare"), 5)
    first = owned_by("welfare")[0]
    assert report_figures.section({**figures, first: -3, "not_ours": 9}) == {**figures, first: 0}
    del figures[first]
    with pytest.raises(RuntimeError):
        report_figures.section(figures)
