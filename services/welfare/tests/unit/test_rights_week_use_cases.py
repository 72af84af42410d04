"""The monthly rights week (维权周) on the in-memory unit of work: welfare keeps only the activities of
kind rights_week it hears of, a case may name one open to its organization and not cancelled,
and the weeks are listed with the cases each opened, which the statistics count too."""

import datetime as dt
import uuid

import pytest

from services.welfare.tests.unit.fake_unit_of_work import FakeUnitOfWork
from services.welfare.tests.unit.test_rights_case_use_cases import ADMIN, AUDITOR, HANDLER, MEMBER, street
from unionfed_shared.contracts.envelope import Envelope
from unionfed_shared.contracts.events import ActivityCancelledV1, ActivityPublishedV1
from unionfed_shared.errors import Conflict, Forbidden, Invalid
from unionfed_shared.messaging.consumer import Delivery
from unionfed_welfare.service_layer import rights_cases, rights_weeks

# 16:30 UTC on 24 November is 00:30 on 25 November in Shanghai: the week's first business date.
STARTS = dt.datetime(2026, 11, 24, 16, 30, tzinfo=dt.UTC)


def delivery() -> Delivery:
    envelope = Envelope(
        id=str(uuid.uuid4()),
        type="unionfed.events.activity_cancelled.v1",
        source="events",
        time=dt.datetime(2026, 11, 26, 2, 0, tzinfo=dt.UTC),
        organization_id="street",
        federation_id="street",
        correlation_id="c",
        data=b"{}",
    )
    return Delivery(envelope=envelope, topic="unionfed.events", partition=0, offset=0)


def published(kind="rights_week", organizer="street", scope=("street",), title="十一月维权周") -> ActivityPublishedV1:
    return ActivityPublishedV1(
        organization_id=organizer,
        federation_id="street",
        activity_id=uuid.uuid4(),
        title=title,
        kind=kind,
        scope_organization_ids=list(scope),
        starts_at=STARTS,
        ends_at=STARTS + dt.timedelta(days=6),
        registration_deadline=STARTS - dt.timedelta(days=1),
        budget_fen=0,
    )


async def heard(uow: FakeUnitOfWork, event: ActivityPublishedV1) -> uuid.UUID:
    await rights_weeks.on_activity_published(uow, event, delivery())
    return event.activity_id


async def test_only_rights_weeks_are_kept_on_the_federations_calendar_and_a_replay_changes_nothing():
    uow, _ = street()
    week_id = await heard(uow, published())
    await heard(uow, published(kind="sport", title="羽毛球赛"))
    assert list(uow.rights_weeks.rows) == [week_id]
    week = uow.rights_weeks.rows[week_id]
    assert (week.starts_on, week.ends_on, week.month) == (dt.date(2026, 11, 25), dt.date(2026, 12, 1), "2026-11")
    # The same activity heard of again (another event id) keeps what was first heard.
    again = published(title="改过的标题").model_copy(update={"activity_id": week_id})
    await rights_weeks.on_activity_published(uow, again, delivery())
    assert uow.rights_weeks.rows[week_id].title == "十一月维权周"


async def test_a_case_opened_at_a_rights_week_is_counted_in_the_list_and_the_statistics():
    uow, opening = street()
    week_id = await heard(uow, published())
    at_week = opening.model_copy(update={"rights_week": None, "rights_week_id": week_id})
    case = await rights_cases.open_case(uow, HANDLER, "no1", at_week)
    assert (case["rights_week_id"], case["rights_week"]) == (week_id, "2026-11")  # the month from the week
    await rights_cases.open_case(uow, HANDLER, "no1", opening)  # a case not at the week

    [(week, count)] = await rights_weeks.weeks_of(uow, ADMIN, "street")
    assert (week.activity_id, count) == (week_id, 1)
    assert [(w.activity_id, n) for w, n in await rights_weeks.weeks_of(uow, HANDLER, "no1")] == [(week_id, 1)]
    listed = await rights_cases.cases_of(uow, AUDITOR, "street", rights_week_id=week_id)
    assert [c["id"] for c in listed] == [case["id"]]
    figures = await rights_cases.statistics(uow, AUDITOR, "street", dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert (figures["opened"], figures["opened_at_rights_weeks"], figures["by_rights_week"]) == (2, 1, {"2026-11": 2})
    with pytest.raises(Forbidden):
        await rights_weeks.weeks_of(uow, MEMBER, "no1")


async def test_an_unknown_foreign_or_cancelled_week_or_another_month_is_refused_and_nothing_is_written():
    uow, opening = street()
    own_union_week = await heard(uow, published(organizer="no2", scope=("no2",), title="二号工会维权周"))
    street_week = await heard(uow, published())
    for week_id, month, code in (
        (uuid.uuid4(), None, "rights_week_not_found"),
        (own_union_week, None, "rights_week_not_found"),  # no2's week is not open to no1
        (street_week, "2026-10", "rights_week_month_differs"),
    ):
        with pytest.raises(Invalid) as refused:
            await rights_cases.open_case(
                uow, HANDLER, "no1", opening.model_copy(update={"rights_week": month, "rights_week_id": week_id})
            )
        assert (refused.value.code, refused.value.pointer.startswith("#/rights_week")) == (code, True)
    cancellation = ActivityCancelledV1(
        organization_id="street", federation_id="street", activity_id=street_week, reason="台风"
    )
    await rights_weeks.on_activity_cancelled(uow, cancellation, delivery())
    with pytest.raises(Conflict) as refused:
        await rights_cases.open_case(
            uow, HANDLER, "no1", opening.model_copy(update={"rights_week": None, "rights_week_id": street_week})
        )
    assert refused.value.code == "rights_week_cancelled"
    assert not uow.rights_cases.rows
    # no1's list shows the street's week (cancelled) but not no2's; the street sees both.
    assert [(w.title, w.cancelled) for w, _ in await rights_weeks.weeks_of(uow, HANDLER, "no1")] == [
        ("十一月维权周", True)
    ]
    assert len(await rights_weeks.weeks_of(uow, ADMIN, "street")) == 2
