"""Events' section of a statistics report on real Kafka and PostgreSQL: a request published on the
membership topic is answered on the events topic with the same report and request, every events
figure counted over the covered organizations and the period's business days (Asia/Shanghai) only;
the same request sent again is answered once, a new request again."""

import datetime as dt
import uuid

import pytest
from sqlalchemy import insert

from tests.factories import school_events
from tests.kafka_tools import deliver
from tests.report_sections import answer, answers, ask, request
from unionfed_events.adapters.activity_tables import activities, activity_registrations
from unionfed_events.adapters.congress_tables import congress_proposals, congress_sessions
from unionfed_events.entrypoints.app import definition
from unionfed_shared.contracts.reporting import EventsReportFiguresV1, owned_by

pytestmark = pytest.mark.integration

FIRST, LAST = dt.date(2026, 1, 1), dt.date(2026, 6, 30)
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def at(*moment: int) -> dt.datetime:
    """A moment on the federation's wall clock (Asia/Shanghai)."""
    return dt.datetime(*moment, tzinfo=SHANGHAI)


async def test_a_request_on_the_membership_topic_is_answered_with_the_events_figures(build_service, infra):
    events = await build_service(definition)
    federation, school = f"county-{uuid.uuid4().hex[:10]}", f"school-{uuid.uuid4().hex[:10]}"
    group, below = f"{school}-grp", f"other-{uuid.uuid4().hex[:10]}"  # covered; a union not covered
    member, setup = school_events(federation, school)
    await deliver(events, setup)

    async with events.session_factory() as session, session.begin():
        numbers = iter(range(1, 100))

        async def congress(org: str, starts_on: dt.date, deadline: dt.datetime) -> uuid.UUID:
            session_id = uuid.uuid4()
            await session.execute(
                insert(congress_sessions).values(
                    id=session_id,
                    organization_id=org,
                    federation_id=federation,
                    kind="staff",
                    congress_number=1,
                    session_number=next(numbers),
                    starts_on=starts_on,
                    ends_on=starts_on + dt.timedelta(days=1),
                    answer_deadline=deadline,
                    min_seconders=2,
                    created_by="officer-li",
                )
            )
            return session_id

        async def proposal(session_id, submitted_at=None, answered_at=None):
            status = "answered" if answered_at else "submitted" if submitted_at else "awaiting_seconders"
            await session.execute(
                insert(congress_proposals).values(
                    id=uuid.uuid4(),
                    session_id=session_id,
                    number=next(numbers),
                    title="提案",
                    body="建议",
                    proposer_id=member,
                    status=status,
                    submitted_at=submitted_at,
                    answered_at=answered_at,
                    answer="accepted" if answered_at else None,
                )
            )

        spring = await congress(school, dt.date(2026, 3, 10), at(2026, 4, 10))
        await proposal(spring, at(2026, 3, 10, 10), at(2026, 3, 20, 10))  # received, answered
        await proposal(spring, at(2026, 3, 10, 10))  # received, overdue
        await proposal(spring, at(2026, 3, 10, 10), at(2026, 7, 5, 10))  # received, overdue at the period's end
        await proposal(spring)  # still collecting seconders: nothing
        winter = await congress(school, dt.date(2025, 12, 20), at(2026, 1, 20))  # held before the period
        await proposal(winter, at(2025, 12, 21, 10), at(2026, 1, 5, 10))  # answered in the period only
        await proposal(winter, at(2025, 12, 31, 23, 30))  # overdue, received before
        await proposal(winter, at(2026, 1, 1, 0, 30))  # received on the first day, overdue
        summer = await congress(school, dt.date(2026, 7, 1), at(2026, 8, 1))  # held after
        await proposal(summer, at(2026, 6, 30, 23, 0))  # received on the last day, not due yet
        other = await congress(below, dt.date(2026, 3, 10), at(2026, 4, 10))  # not covered
        await proposal(other, at(2026, 3, 10, 10), at(2026, 3, 20, 10))
        await proposal(other, at(2026, 3, 10, 10))

        async def activity(org: str, starts_at: dt.datetime, status="published", *registrations) -> None:
            activity_id = uuid.uuid4()
            await session.execute(
                insert(activities).values(
                    id=activity_id,
                    organization_id=org,
                    federation_id=federation,
                    title="羽毛球赛",
                    kind="sport",
                    scope_organization_ids=[org],
                    starts_at=starts_at,
                    ends_at=starts_at + dt.timedelta(hours=3),
                    registration_deadline=starts_at - dt.timedelta(days=1),
                    eligible_statuses=["active"],
                    status=status,
                )
            )
            for sequence, (registration, attended) in enumerate(registrations, start=1):
                await session.execute(
                    insert(activity_registrations).values(
                        id=uuid.uuid4(),
                        activity_id=activity_id,
                        member_id=uuid.uuid4(),
                        sequence=sequence,
                        status=registration,
                        attended=attended,
                    )
                )

        await activity(
            school,
            at(2026, 5, 1, 10),
            "published",
            ("confirmed", True),
            ("confirmed", False),  # marked absent
            ("confirmed", None),  # attendance not taken
            ("waitlisted", None),
            ("cancelled", None),
        )
        await activity(school, at(2026, 6, 30, 23, 30))  # the last day's evening, nobody came
        await activity(school, at(2026, 5, 2, 10), "cancelled", ("confirmed", None))
        await activity(school, at(2026, 5, 3, 10), "draft")
        await activity(school, at(2026, 7, 1, 0, 30), "published", ("confirmed", True))  # after
        await activity(group, at(2026, 1, 1, 0, 30), "published", ("confirmed", None))
        await activity(below, at(2026, 5, 1, 10), "published", ("confirmed", True))

    asked = request(federation, school, [school, group], FIRST, LAST)
    sent = await ask(infra.kafka_bootstrap, asked)
    figures = await answer(infra.kafka_bootstrap, EventsReportFiguresV1, asked)
    assert list(figures) == list(owned_by("events"))
    assert figures == {
        "congresses_held": 1,
        "proposals_received": 5,
        "proposals_answered": 2,
        "proposals_overdue": 4,
        "activities_held": 3,
        "activity_participants": 3,
    }

    # The same request delivered again is applied once; a new request of the report is answered anew.
    await ask(infra.kafka_bootstrap, asked, sent)
    spring_only = request(federation, school, [school], dt.date(2026, 3, 1), dt.date(2026, 3, 31), asked.report_id)
    await ask(infra.kafka_bootstrap, spring_only)
    figures = await answer(infra.kafka_bootstrap, EventsReportFiguresV1, spring_only)
    assert figures == {
        "congresses_held": 1,
        "proposals_received": 3,
        "proposals_answered": 1,
        "proposals_overdue": 2,  # winter's two unanswered; spring's are not due before 10 April
        "activities_held": 0,
        "activity_participants": 0,
    }
    assert len(await answers(infra.kafka_bootstrap, EventsReportFiguresV1, asked)) == 1
