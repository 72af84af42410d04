"""Paying many members at once (``PayMany``): which lines are paid and which refused, and why.

A pure rule over what the batch's state says: the bank money still available (balance above the
floor, net of pending holds), the room left under a ``stop`` budget, and the holds already known.
Lines are tried in their order (the recipients' order): a line is paid when what is left still
covers it after the lines before it, refused with the reason otherwise — so a budget that runs
out refuses the members beyond what fits and pays the ones before them. A hold already posted is
answered as paid again (a redelivered or re-sent request) and never posted twice; any other hold
already known is refused.
"""

from dataclasses import dataclass
from uuid import UUID

PAY, AGAIN, REFUSE = "pay", "again", "refuse"


@dataclass(frozen=True)
class LineRequest:
    hold_id: UUID
    reference: str
    amount_fen: int


@dataclass(frozen=True)
class LineDecision:
    line: LineRequest
    decision: str  # pay | again | refuse
    reason: str | None = None


def decide(
    lines: list[LineRequest],
    known_holds: dict[UUID, dict],
    *,
    bank_available_fen: int,
    budget_left_fen: int | None,
    organization_id: str,
    bank_account: str,
    budget_name: str,
) -> list[LineDecision]:
    """Each line's decision, in the lines' order; ``budget_left_fen`` is None without a stop budget."""
    decisions = []
    bank, budget = bank_available_fen, budget_left_fen
    for line in lines:
        hold = known_holds.get(line.hold_id)
        if hold is not None:
            if hold["status"] == "posted":
                decisions.append(LineDecision(line, AGAIN))
            else:
                decisions.append(LineDecision(line, REFUSE, f"hold {line.hold_id} already exists ({hold['status']})"))
            continue
        if line.amount_fen > bank:
            decisions.append(
                LineDecision(
                    line,
                    REFUSE,
                    f"account {bank_account} of {organization_id} would fall below its floor: "
                    f"{line.amount_fen} fen wanted, {max(bank, 0)} fen available",
                )
            )
            continue
        if budget is not None and line.amount_fen > budget:
            decisions.append(
                LineDecision(
                    line,
                    REFUSE,
                    f"budget {budget_name} of {organization_id} would be exceeded: "
                    f"{line.amount_fen} fen wanted, {max(budget, 0)} fen left",
                )
            )
            continue
        bank -= line.amount_fen
        if budget is not None:
            budget -= line.amount_fen
        decisions.append(LineDecision(line, PAY))
    return decisions
