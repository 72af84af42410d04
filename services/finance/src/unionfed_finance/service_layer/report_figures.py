"""Finance's section of a statistics report (工会统计报表): membership asks, finance answers.

Membership publishes :class:`ReportFiguresRequestedV1` for one report; finance sums every
indicator it owns (``owned_by("finance")``) from its ledgers, for the organizations the request
``covers`` (the reporting union and its groups: groups keep no books, so in practice the union's
ledger) and the business days ``period_start`` .. ``period_end`` inclusive, and answers with
:class:`FinanceReportFiguresV1` through the outbox, naming the same ``report_id`` and
``request_id``. The consumer applies a request once (inbox); its answer's event id is derived from
the request, so the same request never yields two answers.

What each figure sums: the ledger postings whose effective (business) date falls in the period,
on the accounts of each category, net — credits less debits on an income account, debits less
credits on an expense account, so a reversal booked in the period takes back what it reverses; a
category whose net is below zero (more reversed than booked) answers 0. Sub-accounts
(``5101/…``) count with their parent. The mapping from the chart of accounts
(:data:`unionfed_finance.domain.ledger.STANDARD_CHART`) to the report's categories is
:data:`unionfed_finance.domain.report_figures.CATEGORY_ACCOUNTS`:

- ``income_dues_fen`` (会费收入): 4101 dues income.
- ``income_employer_funds_fen`` (拨缴经费收入): 4102 employer union funds (the 2% 拨缴).
- ``income_subsidy_fen`` (上级补助收入): 4103 allocations received from the upper union.
- ``income_other_fen`` (其他收入): every other income account — 4104 remittances from member
  unions (a federation's 下级上缴) and any income account the chart gains later.
- ``spending_staff_activities_fen`` (职工活动支出): 5102 activity expense (文体活动).
- ``spending_welfare_fen`` (维权及帮扶支出): 5101 welfare expense (慰问, 帮扶, 送温暖 …).
- ``spending_business_fen`` (业务支出): 5104 union business expense — training officers and
  activists, meetings, publicity (an expense of category ``business``). The chart gained 5104 for
  it (migration 0014_report_figures opened it in every ledger): no other account is union business,
  and a guess taken from another line would make two figures wrong.
- ``spending_capital_fen`` (资本性支出): 5103 equipment (a school's musical instruments, a
  table-tennis table).
- ``spending_allocations_fen`` (补助下级支出): 5201 allocations paid to unions below.
- ``spending_other_fen`` (其他支出): every other expense account — 5202 remittance to the upper
  union (上缴上级) and any expense account the chart gains later.

The spending categories add up to the period's expense postings, each account in exactly one.
A 行政支出 (administration) line is not in the catalogue: no account of the chart records it.

Assets, liabilities, the fund balances and the mutual-aid fund (1002, 1141, 3101) are no income
or spending: lending a member money or holding donations moves no figure.
"""

from unionfed_finance.service_layer.unit_of_work import FinanceUnitOfWork
from unionfed_shared.contracts import reporting
from unionfed_shared.contracts.reporting import FinanceReportFiguresV1, ReportFiguresRequestedV1
from unionfed_shared.messaging.consumer import Delivery


async def answer_report_figures(uow: FinanceUnitOfWork, event: ReportFiguresRequestedV1, _delivery: Delivery) -> None:
    figures = await uow.report_figures.figures(
        event.organization_id, event.covers, event.period_start, event.period_end
    )
    uow.emit(
        FinanceReportFiguresV1(**reporting.answer_fields("finance", event, figures)),
        event_id=reporting.answer_id("finance", event.request_id),
    )


HANDLERS: dict = {ReportFiguresRequestedV1: answer_report_figures}
