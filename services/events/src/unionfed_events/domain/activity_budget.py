"""An activity's budget: one hold in finance per line (its states and finance's answers are
``unionfed_shared.finance_holds``), the prize money's description and its total's limit."""

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from unionfed_shared import finance_holds
from unionfed_shared.amount_words import yuan
from unionfed_shared.errors import Invalid

# A line's hold before the activity is published: nothing asked of finance yet.
NOT_REQUESTED = "not_requested"

# What finance writes into the books for an activity's prizes, in the federation's language.
_PRIZE_MONEY = {"zh-CN": "{title}：奖金", "en": "{title}: prize money"}


@dataclass
class BudgetLine:
    """One line of an activity's budget (``cost`` or ``prizes``) and the state of its hold in finance."""

    id: uuid.UUID
    activity_id: uuid.UUID
    kind: str  # cost, prizes
    label: str
    amount_fen: int
    hold_id: uuid.UUID
    hold_status: str = NOT_REQUESTED
    finance_reason: str | None = None  # finance's reason for its last refusal
    paid_fen: int | None = None
    paid_on: dt.date | None = None
    updated_at: dt.datetime | None = None

    @property
    def is_open(self) -> bool:
        """Money held, or about to be: cancelling releases it."""
        return self.hold_status in finance_holds.OPEN

    def request_hold(self) -> None:
        self.hold_status = finance_holds.REQUESTED

    def release(self) -> None:
        self.hold_status = finance_holds.VOID_REQUESTED

    def pay(self, amount_fen: int, paid_on: dt.date) -> None:
        """Pay from the reserved money, at most what was budgeted."""
        finance_holds.require_reserved(self.label, self.hold_status, self.finance_reason)
        if amount_fen > self.amount_fen:
            raise Invalid(
                "payment_over_reserved",
                zh=f"{self.label}的预算为 {yuan(self.amount_fen)}，支付 {yuan(amount_fen)} 超出预算",
                en=f"{self.label} was budgeted at {self.amount_fen} fen; {amount_fen} fen is more",
            )
        self.hold_status, self.paid_fen, self.paid_on = finance_holds.CAPTURE_REQUESTED, amount_fen, paid_on

    def answered(self, operation: str, outcome: str, reason: str | None) -> None:
        """Finance's answer to the line's last instruction; a refusal keeps finance's reason."""
        self.hold_status = finance_holds.after_answer(self.hold_status, operation, outcome)
        if outcome == finance_holds.REFUSED:
            self.finance_reason = reason


@dataclass(frozen=True)
class HoldAnswer:
    """An answer finance gave about a line's hold, kept once."""

    journal_event_id: str
    budget_item_id: uuid.UUID
    operation: str
    outcome: str
    reason: str | None
    warnings: tuple[str, ...]
    received_at: dt.datetime


def prizes_line(lines: Iterable[BudgetLine]) -> BudgetLine | None:
    """The budget's prize money (a budget has at most one such line)."""
    return next((line for line in lines if line.kind == "prizes"), None)


def check_one_prizes_line(kinds: Sequence[str]) -> None:
    if sum(1 for kind in kinds if kind == "prizes") > 1:
        raise Invalid(
            "budget_prizes_line_repeated", zh="预算中奖金只能列一项", en="a budget has at most one prizes line"
        )


def prize_description(title: str, language: str) -> str:
    return _PRIZE_MONEY.get(language, _PRIZE_MONEY["zh-CN"]).format(title=title)[:200]


def check_prize_total(total_fen: int, prize_budget_fen: int | None) -> None:
    if total_fen and prize_budget_fen is None:
        raise Invalid("prize_budget_missing", zh="该活动预算中没有奖金", en="the activity's budget has no prize money")
    if prize_budget_fen is not None and total_fen > prize_budget_fen:
        raise Invalid(
            "prizes_over_budget",
            zh=f"奖金合计 {yuan(total_fen)} 超过奖金预算 {yuan(prize_budget_fen)}",
            en=f"prizes of {total_fen} fen exceed the prize budget of {prize_budget_fen} fen",
        )
