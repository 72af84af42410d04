"""Each service's section of a statistics report: welfare, events and finance answer membership's
request alike (one use case each, on a fake unit of work), from the fields the contract builds."""

import datetime as dt
import importlib
import uuid

import pytest

from unionfed_shared.contracts.reporting import (
    SECTION_EVENTS,
    ReportFiguresRequestedV1,
    answer_fields,
    answer_id,
    owned_by,
)

SOURCES = ("welfare", "events", "finance")


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


def _use_case(source: str):
    return importlib.import_module(f"unionfed_{source}.service_layer.report_figures").answer_report_figures


@pytest.mark.parametrize("source", SOURCES)
async def test_a_service_answers_with_every_code_it_owns_for_the_covered_unions_and_the_period(source):
    figures = {code: n for n, code in enumerate(owned_by(source), start=1)}
    uow = FakeUnitOfWork(figures)
    request = _request()
    await _use_case(source)(uow, request, None)
    [(section, event_id)] = uow.staged
    assert isinstance(section, SECTION_EVENTS[source])
    assert (section.report_id, section.request_id) == (request.report_id, request.request_id)
    assert (section.organization_id, section.federation_id) == ("school-1", "county")
    assert list(section.figures) == list(owned_by(source)) and section.figures == figures
    assert uow.report_figures.asked == [
        ("school-1", ["school-1", "school-1-group-a"], dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    ]
    assert event_id == answer_id(source, request.request_id)


@pytest.mark.parametrize("source", SOURCES)
async def test_the_same_request_answered_twice_is_one_answer_and_a_new_request_another(source):
    request = _request()
    uow = FakeUnitOfWork(dict.fromkeys(owned_by(source), 0))
    for again in (request, request, _request(report_id=request.report_id)):
        await _use_case(source)(uow, again, None)
    ids = [event_id for _, event_id in uow.staged]
    assert ids[0] == ids[1] != ids[2]


def test_the_services_answers_to_one_request_have_distinct_ids():
    request_id = uuid.uuid4()
    assert len({answer_id(source, request_id) for source in SOURCES}) == 3


@pytest.mark.parametrize("source", SOURCES)
def test_a_figure_below_zero_answers_zero_another_services_code_is_dropped_and_a_missing_one_is_a_bug(source):
    figures = dict.fromkeys(owned_by(source), 5)
    first = owned_by(source)[0]
    section = answer_fields(source, _request(), {**figures, first: -3, "not_ours": 9})
    assert section["figures"] == {**figures, first: 0}
    del figures[first]
    with pytest.raises(RuntimeError, match=first):
        answer_fields(source, _request(), figures)
