"""Welfare's section of a statistics report (工会统计报表): membership asks, welfare answers.

Membership publishes :class:`ReportFiguresRequestedV1` for one report; welfare counts every
indicator it owns (``owned_by("welfare")``) from its own tables, for the organizations the request
``covers`` (the reporting union and its groups) and the business days ``period_start`` ..
``period_end`` inclusive, and answers with :class:`WelfareReportFiguresV1` through the outbox,
naming the same ``report_id`` and ``request_id``. The consumer applies a request once (inbox); its
answer's event id is derived from the request, so the same request never yields two answers.

What each figure counts:

- ``grants`` (慰问帮扶人次): every grant the covered unions paid in the period — paid, as the
  ledger's welfare spending counts it: its finance hold ordered paid (``capture_requested`` or
  ``captured``) with a payment day (``paid_on``) in the period, whatever the day of the occasion;
  a grant recorded but not paid yet, refused or cancelled is not. One per person reached: a
  member's must-visit grant, each member of a festival greeting, a student's aid, a person helped
  beyond the members; help to an organization (a village school, a group of migrant workers)
  counts the people it reached. The sum of the four kinds below
  (:data:`unionfed_welfare.domain.report_figures.KIND_PREFIXES`).
- ``grants_fen`` (慰问帮扶金额): what those holds paid (money and goods at value), in fen.
- ``grants_visits`` / ``grants_visits_fen``: the five must-visits and hardship grants (慰问单).
- ``grants_greetings`` / ``grants_greetings_fen``: festival greetings (节日慰问), per recipient.
- ``grants_outside`` / ``grants_outside_fen``: help beyond the members (送温暖 to a person or an
  organization).
- ``grants_student_aid`` / ``grants_student_aid_fen``: 金秋助学 paid to approved applications.

Health checks and group insurance (campaigns) are services bought for the members from a
provider, and donation drives pay out donors' money held for a beneficiary: neither is a grant of
the union's funds, so neither is counted here.
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
