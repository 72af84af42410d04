"""Money through finance: holds requested, paid, cancelled, and finance's answers.

Every welfare area that spends (grants, greetings, health checks …) goes through here, so each
hold has one row in ``welfare_holds`` and one set of rules. The functions stage their event with
``uow.emit`` and leave the commit to the caller: the caller's own change and the instruction to
finance commit together or not at all (the outbox), which is what keeps a grant and its hold
consistent across crashes.

Finance answers each instruction once with MoneyRequestSettledV1 (reserve → reserved|refused,
capture → captured|refused, void → voided|refused). Answers to pay and cancel carry finance's
reference ``hold/<id>``, not ours, so listeners are chosen by the reference stored here. Money
booked at once, without a hold (the mutual-aid fund's movements), is answered posted|refused under
the reference welfare sent, with no hold: those answers go to the listener of their reference's
prefix. Which area listens to which reference prefix is wired where the service is assembled
(``entrypoints/app.py``).
"""

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping
from uuid import UUID

from unionfed_shared import finance_holds
from unionfed_shared.amount_words import yuan
from unionfed_shared.contracts.finance import LineSettlement, MoneyRequestSettledV1, MoneyRequestsSettledV1
from unionfed_shared.contracts.spending import (
    PaymentLine,
    SpendingCategory,
    WelfareBatchPaymentRequestedV1,
    WelfareHoldCancelledV1,
    WelfareHoldPaidV1,
    WelfareHoldRequestedV1,
)
from unionfed_shared.errors import Conflict, Invalid, NotFound
from unionfed_shared.messaging.consumer import Delivery
from unionfed_welfare.service_layer.unit_of_work import WelfareUnitOfWork

Listener = Callable[[WelfareUnitOfWork, dict, MoneyRequestSettledV1], Awaitable[None]]
PostingListener = Callable[[WelfareUnitOfWork, MoneyRequestSettledV1], Awaitable[None]]
AnswerHandler = Callable[[WelfareUnitOfWork, MoneyRequestSettledV1, Delivery], Awaitable[None]]
# Hears the lines of a chunk's answer that moved its holds: (hold id, status, finance's reason).
BatchListener = Callable[[WelfareUnitOfWork, MoneyRequestsSettledV1, list[LineSettlement]], Awaitable[None]]
BatchAnswerHandler = Callable[[WelfareUnitOfWork, MoneyRequestsSettledV1, Delivery], Awaitable[None]]
# Lines of one batch payment event at most (the contract's limit); a larger chunk is sent in parts.
LINES_PER_REQUEST = 1000


async def reserve(
    uow: WelfareUnitOfWork,
    *,
    hold_id: UUID,
    organization_id: str,
    federation_id: str,
    category: SpendingCategory,
    amount_fen: int,
    purpose: str,
    reference: str,
) -> None:
    event = WelfareHoldRequestedV1(
        organization_id=organization_id,
        federation_id=federation_id,
        hold_id=hold_id,
        category=category,
        amount_fen=amount_fen,
        purpose=purpose[:200],
        reference=reference,
    )
    await uow.holds.add(
        {
            "hold_id": hold_id,
            "organization_id": organization_id,
            "federation_id": federation_id,
            "category": category,
            "amount_fen": amount_fen,
            "purpose": event.purpose,
            "reference": reference,
            "status": finance_holds.REQUESTED,
        }
    )
    uow.emit(event)


async def pay(
    uow: WelfareUnitOfWork, *, hold_id: UUID, amount_fen: int, paid_on: dt.date, description: str, goods_fen: int = 0
) -> None:
    """Ask finance to post the hold; ``goods_fen`` of the amount was given as goods at their value."""
    hold = await _locked(uow, hold_id)
    finance_holds.require_reserved(hold["reference"], hold["status"], hold["reason"])
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        raise Invalid(
            "payment_amount_invalid",
            zh="支付金额须为正整数（单位：分）",
            en="the amount paid must be a positive integer of fen",
        )
    if amount_fen > hold["amount_fen"]:
        raise Invalid(
            "payment_over_reserved",
            zh=f"支付 {yuan(amount_fen)} 超过已预留的 {yuan(hold['amount_fen'])}",
            en=f"paying {amount_fen} fen exceeds the {hold['amount_fen']} fen reserved",
        )
    uow.emit(
        WelfareHoldPaidV1(
            organization_id=hold["organization_id"],
            federation_id=hold["federation_id"],
            hold_id=hold_id,
            amount_fen=amount_fen,
            paid_on=paid_on,
            description=description[:200] or hold["purpose"],
            goods_fen=goods_fen,
        )
    )
    await _set(uow, hold_id, status=finance_holds.CAPTURE_REQUESTED, paid_fen=amount_fen, paid_on=paid_on)


async def pay_many(
    uow: WelfareUnitOfWork,
    *,
    batch_id: UUID,
    organization_id: str,
    federation_id: str,
    category: SpendingCategory,
    paid_on: dt.date,
    purpose: str,
    description: str,
    reference: str,
    lines: list[PaymentLine],
) -> None:
    """Ask finance to pay many holds at once (a greeting's chunk), approved by the command behind them.

    Each line keeps its own hold (``welfare_holds``, one row each, written in one statement) and
    is asked to be reserved and paid in one step (``capture_requested``); finance answers the
    whole request with one MoneyRequestsSettledV1 naming each line's outcome.
    """
    if not lines:
        return
    await uow.holds.add_many(
        [
            {
                "hold_id": line.hold_id,
                "organization_id": organization_id,
                "federation_id": federation_id,
                "category": category,
                "amount_fen": line.amount_fen,
                "purpose": purpose[:200],
                "reference": line.reference,
                "status": finance_holds.CAPTURE_REQUESTED,
                "paid_fen": line.amount_fen,
                "paid_on": paid_on,
            }
            for line in lines
        ]
    )
    for start in range(0, len(lines), LINES_PER_REQUEST):
        uow.emit(
            WelfareBatchPaymentRequestedV1(
                organization_id=organization_id,
                federation_id=federation_id,
                batch_id=batch_id,
                category=category,
                paid_on=paid_on,
                description=description[:200],
                reference=reference,
                lines=lines[start : start + LINES_PER_REQUEST],
            )
        )


async def cancel(uow: WelfareUnitOfWork, *, hold_id: UUID, reason: str) -> None:
    hold = await _locked(uow, hold_id)
    if hold["status"] not in finance_holds.OPEN:
        raise Conflict(
            "money_not_cancellable",
            zh=f"{hold['reference']} 的款项{_status(hold['status'])}；只有待预留或已预留的款项可以取消",
            en=f"the hold {hold['reference']} is {hold['status']}; only a requested or reserved hold is cancelled",
        )
    reason = (reason or "cancelled")[:200]
    uow.emit(
        WelfareHoldCancelledV1(
            organization_id=hold["organization_id"], federation_id=hold["federation_id"], hold_id=hold_id, reason=reason
        )
    )
    await _set(uow, hold_id, status=finance_holds.VOID_REQUESTED, cancel_reason=reason)


async def hold_of(uow: WelfareUnitOfWork, hold_id: UUID) -> dict:
    """The hold of a grant, help or application: stored before it (a foreign key), so always there."""
    hold = await uow.holds.get(hold_id)
    assert hold is not None
    return hold


def money_fields(hold: dict) -> dict:
    """What an answer shows of its money: finance's state and reason, and what was paid once it was."""
    paid = hold["status"] == finance_holds.CAPTURED
    return {
        "hold_status": hold["status"],
        "finance_reason": hold["reason"],
        "paid_fen": hold["paid_fen"] if paid else None,
        "paid_on": hold["paid_on"] if paid else None,
    }


def refused_payment(hold: dict, settled: MoneyRequestSettledV1, prefix: str) -> UUID | None:
    """The id of the record (its reference after ``prefix``) whose payment finance refused, its hold
    reserved again so that it may be approved once more; None for any other answer."""
    if settled.operation != "capture" or settled.outcome != "refused" or hold["status"] != finance_holds.RESERVED:
        return None
    return UUID(hold["reference"].removeprefix(prefix))


def answers_to(
    listeners: Mapping[str, Listener], postings: Mapping[str, PostingListener] | None = None
) -> AnswerHandler:
    """The handler of finance's answers: each is recorded on its hold once, then the listener of
    the hold's reference prefix (``grant/``, ``greeting/`` …) is called in the same transaction.
    An answer without a hold goes to the ``postings`` listener of its reference's prefix, which
    keeps it once itself."""
    postings = postings or {}
    if not all(listeners) or not all(postings):
        raise ValueError("a listener needs a non-empty reference prefix")

    async def on_money_request_settled(
        uow: WelfareUnitOfWork, event: MoneyRequestSettledV1, delivery: Delivery
    ) -> None:
        if event.hold_id is None:
            for prefix, posting_listener in postings.items():
                if (event.reference or "").startswith(prefix):
                    await posting_listener(uow, event)
            return
        hold = await uow.holds.get(event.hold_id, for_update=True)
        if hold is None:  # another service's hold, or a treasurer's command
            return
        if not await uow.holds.answer_is_new(event.hold_id, event):
            return
        values: dict = {"status": finance_holds.after_answer(hold["status"], event.operation, event.outcome)}
        if event.outcome == "refused":
            values["reason"] = event.reason
        await _set(uow, event.hold_id, **values)
        updated = {**hold, **values}
        for prefix, listener in listeners.items():
            if updated["reference"].startswith(prefix):
                await listener(uow, updated, event)

    return on_money_request_settled


def batch_answers_to(listeners: Mapping[str, BatchListener]) -> BatchAnswerHandler:
    """The handler of finance's answers to batch payments, set-based: every line's hold moves in
    one statement (only holds still ``capture_requested`` move, so a late or repeated answer
    changes nothing), then the listener of the request's reference prefix hears the lines that moved."""
    if not all(listeners):
        raise ValueError("a listener needs a non-empty reference prefix")

    async def on_money_requests_settled(
        uow: WelfareUnitOfWork, event: MoneyRequestsSettledV1, delivery: Delivery
    ) -> None:
        moved = await uow.holds.settle_many(
            [
                (
                    line.hold_id,
                    finance_holds.CAPTURED if line.outcome == "captured" else finance_holds.REFUSED,
                    line.reason,
                )
                for line in event.lines
            ]
        )
        if not moved:
            return
        lines = [line for line in event.lines if line.hold_id in moved]
        for prefix, listener in listeners.items():
            if (event.reference or "").startswith(prefix):
                await listener(uow, event, lines)

    return on_money_requests_settled


async def _locked(uow: WelfareUnitOfWork, hold_id: UUID) -> dict:
    hold = await uow.holds.get(hold_id, for_update=True)
    if hold is None:
        raise NotFound("hold_not_found", zh=f"未找到款项预留 {hold_id}", en=f"no hold {hold_id}")
    return hold


def _status(status: str) -> str:
    return finance_holds.STATUS_ZH.get(status, f"状态为 {status}")


async def _set(uow: WelfareUnitOfWork, hold_id: UUID, **values) -> None:
    await uow.holds.update(hold_id, **values)
