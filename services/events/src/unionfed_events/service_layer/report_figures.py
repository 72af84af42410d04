"""Events' section of a statistics report (工会统计报表): membership asks, events answers.

Membership publishes :class:`ReportFiguresRequestedV1` for one report; events counts every
indicator it owns (``owned_by("events")``) from its own tables, for the organizations the request
``covers`` (the reporting union and its groups) and the business days ``period_start`` ..
``period_end`` inclusive (in the federation's time zone), and answers with
:class:`EventsReportFiguresV1` through the outbox, naming the same ``report_id`` and
``request_id``. The consumer applies a request once (inbox); its answer's event id is derived from
the request, so the same request never yields two answers.

What each figure counts:

- ``congresses_held`` (召开教（职）代会次数): congress sessions of the covered unions whose first
  day falls in the period — a session of several days counts once, in the period it opens in (as
  the congress roll-up counts a session in the year it starts).
- ``proposals_received`` (收到提案数): proposals that stood (提案成立: enough seconders, so they
  must be answered) at a moment in the period; proposals still collecting seconders are not.
- ``proposals_answered`` (已答复提案数): proposals answered at a moment in the period, whenever
  they were received.
- ``proposals_overdue`` (逾期未答复提案数): proposals standing at the period's end without an
  answer (unanswered, or answered only after the period) whose session's answer deadline had
  passed by then — the roll-up's "overdue", as it stood on the period's last day.
- ``activities_held`` (开展活动次数): activities the covered organizations organised, published
  and not cancelled (a draft was never held), that start on a day in the period.
- ``activity_participants`` (活动参与人次): the confirmed registrations of those activities, less
  those marked absent where attendance was taken — attendance where it is recorded, registrations
  where it is not. The wait list and cancelled registrations never count.
"""

from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared.contracts import reporting
from unionfed_shared.contracts.reporting import EventsReportFiguresV1, ReportFiguresRequestedV1
from unionfed_shared.messaging.consumer import Delivery


async def answer_report_figures(uow: EventsUnitOfWork, event: ReportFiguresRequestedV1, _delivery: Delivery) -> None:
    figures = await uow.report_figures.figures(
        event.organization_id, event.covers, event.period_start, event.period_end
    )
    uow.emit(
        EventsReportFiguresV1(**reporting.answer_fields("events", event, figures)),
        event_id=reporting.answer_id("events", event.request_id),
    )


HANDLERS: dict = {ReportFiguresRequestedV1: answer_report_figures}
