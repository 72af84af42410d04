"""How the events service answers other services' events about activities.

Finance answers every hold instruction with MoneyRequestSettledV1 on ``unionfed.finance``. The
topic carries every answer finance gives (welfare's, treasurers' commands …); an answer is ours
when its hold is one of our budget lines.
"""

from sqlalchemy import select, update

from unionfed_events.adapters.activity_tables import activity_budget_items, activity_hold_outcomes
from unionfed_shared import finance_holds
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.messaging.consumer import Delivery
from unionfed_shared.messaging.unit_of_work import UnitOfWork


async def on_money_request_settled(uow: UnitOfWork, event: MoneyRequestSettledV1, delivery: Delivery) -> None:
    if event.hold_id is None:
        return
    item = (
        (
            await uow.session.execute(
                select(activity_budget_items).where(activity_budget_items.c.hold_id == event.hold_id).with_for_update()
            )
        )
        .mappings()
        .first()
    )
    if item is None:
        return
    if not await finance_holds.answer_is_new(uow.session, activity_hold_outcomes, event, budget_item_id=item["id"]):
        return
    values: dict[str, str | None] = {
        "hold_status": finance_holds.after_answer(item["hold_status"], event.operation, event.outcome)
    }
    if event.outcome == "refused":
        values["finance_reason"] = event.reason
    await uow.session.execute(
        update(activity_budget_items).where(activity_budget_items.c.id == item["id"]).values(**values)
    )


HANDLERS: dict = {MoneyRequestSettledV1: on_money_request_settled}
