"""What callers ask of the welfare service: the command models the use cases take."""

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from unionfed_shared.commands import Command
from unionfed_shared.contracts.donations import DriveCode
from unionfed_shared.errors import field_refusal
from unionfed_shared.wire_values import PositiveRequestFen
from unionfed_welfare.domain.campaigns import CampaignKind
from unionfed_welfare.domain.donations import ANONYMOUS, donor_label
from unionfed_welfare.domain.greetings import Eligibility

# --- campaigns and drives ---


class CreateCampaign(Command):
    kind: CampaignKind
    title: Annotated[str, Field(min_length=1, max_length=120)]
    provider: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    cost_per_member_fen: PositiveRequestFen
    eligibility: Eligibility = Eligibility()
    # Named members instead of everyone eligible in the subtree (e.g. the 44 women who signed up).
    member_ids: Annotated[list[uuid.UUID], Field(max_length=10_000)] | None = None


class PayCampaign(Command):
    amount_fen: PositiveRequestFen
    paid_on: dt.date
    description: Annotated[str, Field(min_length=1, max_length=200)]


class CancelCampaign(Command):
    reason: Annotated[str, Field(min_length=1, max_length=200)]


class FileClaim(Command):
    member_id: uuid.UUID
    claimed_fen: PositiveRequestFen
    description: Annotated[str, Field(min_length=1, max_length=500)]


class DecideClaim(Command):
    action: Literal["review", "pay", "reject"]
    paid_fen: PositiveRequestFen | None = None
    reason: Annotated[str, Field(min_length=1, max_length=300)] | None = None


class CreateDrive(Command):
    code: DriveCode
    title: Annotated[str, Field(min_length=1, max_length=120)]
    beneficiary_member_id: uuid.UUID
    pseudonym: Annotated[str, Field(min_length=1, max_length=60)] | None = None


class RecordDonation(Command):
    amount_fen: PositiveRequestFen
    received_on: dt.date
    # ``anonymous`` comes first so the donor's rule sees it; checked even when no donor is sent,
    # and the refusal points at ``#/donor``, the field to fill in or leave out.
    anonymous: bool = False
    donor: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(default=None, validate_default=True)

    @field_validator("donor")
    @classmethod
    def _named_or_anonymous(cls, donor: str | None, info: ValidationInfo) -> str | None:
        if "anonymous" not in info.data:  # anonymous itself was refused; that error says enough
            return donor
        anonymous = info.data["anonymous"]
        if not anonymous and not donor:
            raise field_refusal("donor_missing", zh="请填写捐款人，或选择匿名", en="name the donor or set anonymous")
        if anonymous and donor:
            raise field_refusal(
                "anonymous_donation_names_donor", zh="匿名捐款不填写捐款人", en="an anonymous donation names no donor"
            )
        if donor and donor.strip().lower() == ANONYMOUS:
            raise field_refusal(
                "anonymous_donation_names_donor",
                zh="匿名捐款请选择匿名（anonymous=true），不要把捐款人写作 anonymous",
                en="use anonymous=true for an anonymous donation",
            )
        return donor

    def donor_label(self) -> str:
        return donor_label(self.donor, self.anonymous)


class Disburse(Command):
    amount_fen: PositiveRequestFen
    paid_on: dt.date
