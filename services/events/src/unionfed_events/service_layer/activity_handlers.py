"""How the events service answers other services' events about activities.

Finance answers every hold instruction with MoneyRequestSettledV1 on ``unionfed.finance``. The
topic carries every answer finance gives (welfare's, treasurers' commands …); an answer is ours
when its hold is one of our budget lines.
"""

from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.messaging.consumer import Delivery


async def on_money_request_settled(uow: EventsUnitOfWork, event: MoneyRequestSettledV1, delivery: Delivery) -> None:
    if event.hold_id is None:
        return
    line = await uow.budget.with_hold(event.hold_id)
    if line is None or not await uow.budget.keep_answer(event, line):
        return
    line.answered(event.operation, event.outcome, event.reason)
    await uow.budget.save_hold(line)


HANDLERS: dict = {MoneyRequestSettledV1: on_money_request_settled}
