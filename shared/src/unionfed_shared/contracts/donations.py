"""Donation drives run by welfare: money raised for a named beneficiary and paid out to them.

Finance holds a drive's money apart (account 2301/<drive>) so it can never be paid out beyond
what was raised for it, nor spent on anything else.
"""

import datetime as dt
from typing import Annotated, ClassVar
from uuid import UUID

from pydantic import Field

from unionfed_shared.contracts import topics
from unionfed_shared.contracts.base import IntegrationEvent, PositiveFen

DriveCode = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,62}$")]


class DonationReceivedV1(IntegrationEvent):
    event_type: ClassVar[str] = "unionfed.welfare.donation_received.v1"
    topic: ClassVar[str] = topics.WELFARE

    donation_id: UUID
    drive: DriveCode
    amount_fen: PositiveFen
    received_on: dt.date
    donor: str = Field(min_length=1, max_length=100)  # a name, or "anonymous"

    def subject(self) -> str:
        return f"drive/{self.drive}"


class DonationsDisbursedV1(IntegrationEvent):
    event_type: ClassVar[str] = "unionfed.welfare.donations_disbursed.v1"
    topic: ClassVar[str] = topics.WELFARE

    disbursement_id: UUID
    drive: DriveCode
    amount_fen: PositiveFen
    paid_on: dt.date
    beneficiary: str = Field(min_length=1, max_length=100)  # a pseudonym is fine: finance only records it

    def subject(self) -> str:
        return f"drive/{self.drive}"
