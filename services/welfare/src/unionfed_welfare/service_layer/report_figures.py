"""Welfare's section of a statistics report (工会统计报表): membership asks, welfare answers.

Membership publishes :class:`ReportFiguresRequestedV1` for one report; welfare counts every
indicator it owns (``owned_by("welfare")``) from its own tables, for the organizations the request
``covers`` (the reporting union and its groups) and the business days ``period_start`` ..
``period_end`` inclusive, and answers with :class:`WelfareReportFiguresV1` through the outbox,
naming the same ``report_id`` and ``request_id``. The consumer applies a request once (inbox); its
answer's event id is derived from the request, so the same request never yields two answers.

What each figure counts:

- ``grants`` (慰问帮扶人次): the grants (慰问单 of the five must-visits) whose occasion date falls
  in the period — the day of the visit, as the welfare report counts visits made, so a visit of
  30 June entered on 2 July is June's — not cancelled by the union, and whose money was not
  refused or voided by finance (a grant still awaiting finance counts: it was made).
- ``grants_fen`` (慰问帮扶金额): those grants' amounts, money and goods at value, in fen.
- ``hardship_files_open`` (在档困难职工数): hardship files opened on or before the period's last
  day and not closed by then (closed after it, or still open).
- ``rights_cases_closed`` (结案维权案件数): rights cases whose closing date falls in the period.
"""

from unionfed_shared.contracts import reporting
from unionfed_shared.contracts.reporting import ReportFiguresRequestedV1, WelfareReportFiguresV1
from unionfed_shared.messaging.consumer import Delivery
from unionfed_welfare.service_layer.unit_of_work import WelfareUnitOfWork


async def answer_report_figures(uow: WelfareUnitOfWork, event: ReportFiguresRequestedV1, _delivery: Delivery) -> None:
    figures = await uow.report_figures.figures(
        event.organization_id, event.covers, event.period_start, event.period_end
    )
    uow.emit(
        WelfareReportFiguresV1(**reporting.answer_fields("welfare", event, figures)),
        event_id=reporting.answer_id("welfare", event.request_id),
    )


HANDLERS: dict = {ReportFiguresRequestedV1: answer_report_figures}
