"""The mutual-aid fund (互助金) run by welfare: money paid into it, lent to members, repaid.

Finance keeps the fund apart from the union's general funds: its cash (1002), the loans owed
by members (1141, a receivable) and the fund itself (3101, restricted). A loan moves the fund's
cash to the receivable and a repayment moves it back: neither is income or expense.
Borrowers travel as a pseudonym: the ledger and its disclosure are public, the name stays in welfare.

Finance answers each movement with MoneyRequestSettledV1 (posted, or refused with a reason) under
the movement's ``reference``: ``mutual-aid/contribution/<id>``, ``mutual-aid/loan/<id>`` or
``mutual-aid/repayment/<id>``, built and read by the two functions below.
"""

import datetime as dt
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import Field

from unionfed_shared.contracts import topics
from unionfed_shared.contracts.base import IntegrationEvent, PositiveFen

REFERENCE_PREFIX = "mutual-aid/"
# The kinds of movement finance answers, as they appear in the reference.
Movement = Literal["contribution", "loan", "repayment"]
MOVEMENTS: tuple[Movement, ...] = ("contribution", "loan", "repayment")


def reference(movement: Movement, movement_id: UUID) -> str:
    """The reference finance answers a movement under."""
    return f"{REFERENCE_PREFIX}{movement}/{movement_id}"


def movement_of(reference: str | None) -> tuple[Movement, UUID] | None:
    """The movement a reference names, or None when it names none (another area's, or malformed)."""
    kind, _, raw_id = (reference or "").removeprefix(REFERENCE_PREFIX).partition("/")
    if not (reference or "").startswith(REFERENCE_PREFIX) or kind not in MOVEMENTS:
        return None
    try:
        return kind, UUID(raw_id)
    except ValueError:
        return None


# Who paid in: members (cash received into the fund) or the union itself (moved from its general funds).
Contributor = Literal["member", "union"]


class MutualAidContributedV1(IntegrationEvent):
    event_type: ClassVar[str] = "unionfed.welfare.mutual_aid_contributed.v1"
    topic: ClassVar[str] = topics.WELFARE

    contribution_id: UUID
    contributor: Contributor
    amount_fen: PositiveFen
    received_on: dt.date
    label: str = Field(min_length=1, max_length=100)  # what the books say paid in, e.g. "会员缴纳"

    def subject(self) -> str:
        return f"mutual-aid/{self.organization_id}"


class MutualAidLoanDisbursedV1(IntegrationEvent):
    event_type: ClassVar[str] = "unionfed.welfare.mutual_aid_loan_disbursed.v1"
    topic: ClassVar[str] = topics.WELFARE

    loan_id: UUID
    amount_fen: PositiveFen
    paid_on: dt.date
    borrower: str = Field(min_length=1, max_length=100)  # a pseudonym: finance only records it

    def subject(self) -> str:
        return f"mutual-aid-loan/{self.loan_id}"


class MutualAidRepaidV1(IntegrationEvent):
    event_type: ClassVar[str] = "unionfed.welfare.mutual_aid_repaid.v1"
    topic: ClassVar[str] = topics.WELFARE

    repayment_id: UUID
    loan_id: UUID
    amount_fen: PositiveFen
    repaid_on: dt.date
    borrower: str = Field(min_length=1, max_length=100)

    def subject(self) -> str:
        return f"mutual-aid-loan/{self.loan_id}"
