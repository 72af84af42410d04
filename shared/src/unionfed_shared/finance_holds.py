"""The client side of finance's holds, for every service that spends through them.

Welfare (grants, festival greetings, health checks and insurance) and events (an activity's
budget lines) ask finance to reserve money (a hold), to capture it (pay) or to void it (release),
each with its own events (``contracts/spending.py``). Finance answers each instruction once with
``MoneyRequestSettledV1``. This module is what both make of those answers: one set of states,
named after finance's operations, and one rule for moving between them.

Answers may be redelivered or arrive late; a final state never changes again, and a stale answer
never takes a hold back to an earlier one. The one step back is a refused capture: the money is
still reserved in finance, so the hold is reserved again (with finance's reason) and may be paid
once more.
"""

from typing import Literal

from sqlalchemy import Table
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.errors import Conflict

HoldStatus = Literal["requested", "reserved", "refused", "capture_requested", "captured", "void_requested", "voided"]
REQUESTED, RESERVED, REFUSED = "requested", "reserved", "refused"
CAPTURE_REQUESTED, CAPTURED = "capture_requested", "captured"
VOID_REQUESTED, VOIDED = "void_requested", "voided"
# Money held, or about to be: cancelling the spending releases it.
OPEN = (REQUESTED, RESERVED)
# Nothing is held any more, nor will be paid: finance refused the money or released it.
RELEASED = (REFUSED, VOIDED)
# Nothing finance says later changes these.
FINAL = (CAPTURED, VOIDED, REFUSED)
# A hold's status as the staff read it.
STATUS_ZH = {
    REQUESTED: "待财务预留",
    RESERVED: "已预留",
    REFUSED: "被财务拒绝",
    CAPTURE_REQUESTED: "支付中",
    CAPTURED: "已支付",
    VOID_REQUESTED: "取消中",
    VOIDED: "已作废",
}


def after_answer(status: str, operation: str, outcome: str) -> str:
    """The hold's status once finance has answered ``operation`` with ``outcome``."""
    if status in FINAL:
        return status
    if operation == "reserve":
        if outcome == RESERVED:
            return RESERVED if status == REQUESTED else status
        # Nothing was reserved, so nothing is left to pay or release; a late refusal of a hold
        # already reserved (a stale answer) changes nothing.
        if outcome == REFUSED and status in (REQUESTED, VOID_REQUESTED):
            return REFUSED
        return status
    if operation == "capture":
        if outcome == CAPTURED:
            return CAPTURED
        # A refused capture leaves the reservation standing: the hold may be paid again.
        return RESERVED if status == CAPTURE_REQUESTED else status
    if operation == "void":
        if outcome == VOIDED:
            return VOIDED
        return REFUSED if status == VOID_REQUESTED else status
    return status


def require_reserved(what: str, status: str, reason: str | None) -> None:
    """Only reserved money is paid: anything else is refused with the hold's state and finance's reason."""
    if status != RESERVED:
        why = f": {reason}" if reason else ""
        why_zh = f"（{reason}）" if reason else ""
        raise Conflict(
            "money_not_reserved",
            zh=f"{what}的款项{STATUS_ZH.get(status, '状态为 ' + status)}，不是已预留状态，无法支付{why_zh}",
            en=f"the money for {what} is {status}, not reserved{why}",
        )


async def answer_is_new(session: AsyncSession, answers: Table, settled: MoneyRequestSettledV1, **hold_key) -> bool:
    """Keep finance's answer once, keyed by its journal event; False when it was kept before.

    The inbox already drops a redelivered event; this key also drops the same answer arriving
    under another event id. ``hold_key`` names the hold in the service's own answers table.
    """
    kept = await session.scalar(
        pg_insert(answers)
        .values(
            journal_event_id=settled.journal_event_id,
            operation=settled.operation,
            outcome=settled.outcome,
            reason=settled.reason,
            warnings=list(settled.warnings),
            **hold_key,
        )
        .on_conflict_do_nothing()
        .returning(answers.c.journal_event_id)
    )
    return kept is not None
