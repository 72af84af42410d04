"""Money that welfare and events spend through finance: reserve, then pay or cancel.

A grant or an activity cost first asks finance to reserve the amount (a hold against the
union's bank balance and budget). Finance answers with :class:`MoneyRequestSettledV1`
(reserved or refused, with the reason). Paying posts the hold, possibly for less; cancelling
voids it. Each producing service publishes these on its own topic, so each has its own types.
"""

import datetime as dt
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, model_validator

from unionfed_shared.contracts import topics
from unionfed_shared.contracts.base import IntegrationEvent, PositiveFen
from unionfed_shared.errors import field_refusal
from unionfed_shared.wire_values import Whole

# business: the union's own work (training, meetings, publicity: 业务支出).
SpendingCategory = Literal["welfare", "activity", "equipment", "business"]


class _HoldRequested(IntegrationEvent):
    hold_id: UUID
    category: SpendingCategory
    amount_fen: PositiveFen
    purpose: str = Field(min_length=1, max_length=200)
    # What the money is for in the requesting service, e.g. "grant/<id>"; echoed in the answer.
    reference: str = Field(min_length=1, max_length=200)

    def subject(self) -> str:
        return f"hold/{self.hold_id}"


class _HoldPaid(IntegrationEvent):
    hold_id: UUID
    amount_fen: PositiveFen  # at most the reserved amount
    paid_on: dt.date
    description: str = Field(min_length=1, max_length=200)
    # The part of the amount given as goods at their value rather than cash (a welfare grant of
    # rice and oil); 0, the default, is all cash, as every earlier event was.
    goods_fen: Whole = Field(default=0, ge=0, le=10**15)

    @model_validator(mode="after")
    def _goods_within_amount(self):
        if self.goods_fen > self.amount_fen:
            raise field_refusal(
                "goods_exceed_amount",
                zh="实物折价是支付金额的一部分，不得超过该金额",
                en="the goods are part of the amount paid, so at most the amount",
            )
        return self

    def subject(self) -> str:
        return f"hold/{self.hold_id}"


class _HoldCancelled(IntegrationEvent):
    hold_id: UUID
    reason: str = Field(min_length=1, max_length=200)

    def subject(self) -> str:
        return f"hold/{self.hold_id}"


class WelfareHoldRequestedV1(_HoldRequested):
    event_type: ClassVar[str] = "unionfed.welfare.hold_requested.v1"
    topic: ClassVar[str] = topics.WELFARE


class WelfareHoldPaidV1(_HoldPaid):
    event_type: ClassVar[str] = "unionfed.welfare.hold_paid.v1"
    topic: ClassVar[str] = topics.WELFARE


class WelfareHoldCancelledV1(_HoldCancelled):
    event_type: ClassVar[str] = "unionfed.welfare.hold_cancelled.v1"
    topic: ClassVar[str] = topics.WELFARE


class EventsHoldRequestedV1(_HoldRequested):
    event_type: ClassVar[str] = "unionfed.events.hold_requested.v1"
    topic: ClassVar[str] = topics.EVENTS


class EventsHoldPaidV1(_HoldPaid):
    event_type: ClassVar[str] = "unionfed.events.hold_paid.v1"
    topic: ClassVar[str] = topics.EVENTS


class EventsHoldCancelledV1(_HoldCancelled):
    event_type: ClassVar[str] = "unionfed.events.hold_cancelled.v1"
    topic: ClassVar[str] = topics.EVENTS


HOLD_REQUESTED = (WelfareHoldRequestedV1, EventsHoldRequestedV1)
HOLD_PAID = (WelfareHoldPaidV1, EventsHoldPaidV1)
HOLD_CANCELLED = (WelfareHoldCancelledV1, EventsHoldCancelledV1)


class PaymentLine(BaseModel):
    """One member's part of a batch payment: their own hold id, reference and amount."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    hold_id: UUID
    # What the money is for in the requesting service, e.g. "greeting/<batch>/<member>".
    reference: str = Field(min_length=1, max_length=200)
    amount_fen: PositiveFen


class WelfareBatchPaymentRequestedV1(IntegrationEvent):
    """Pay a chunk of members at once (a festival greeting's chunk), approved by the command that
    created the batch: finance reserves and posts each line in one step (no separate reserve
    round trip), refuses the lines that do not fit, and answers with one
    :class:`~unionfed_shared.contracts.finance.MoneyRequestsSettledV1` naming each line's outcome.
    Every line keeps its own hold id, so a line is paid at most once whatever is redelivered."""

    event_type: ClassVar[str] = "unionfed.welfare.batch_payment_requested.v1"
    topic: ClassVar[str] = topics.WELFARE

    batch_id: UUID
    category: SpendingCategory
    paid_on: dt.date
    # The journal entry's words, e.g. "中秋节慰问 2027-09-15"; each line's reference names its member.
    description: str = Field(min_length=1, max_length=200)
    # Echoed in the answer: what the whole request is for, e.g. "greeting/<batch>".
    reference: str = Field(min_length=1, max_length=200)
    lines: list[PaymentLine] = Field(min_length=1, max_length=1000)

    @model_validator(mode="after")
    def _holds_distinct(self):
        if len({line.hold_id for line in self.lines}) != len(self.lines):
            raise field_refusal(
                "batch_payment_hold_twice",
                zh="同一批支付中每个预留号只能出现一次",
                en="each hold appears at most once in a batch payment",
            )
        return self

    def subject(self) -> str:
        return self.reference
