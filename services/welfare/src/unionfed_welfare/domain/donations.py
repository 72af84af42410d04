"""Donation drives (爱心捐款): the rules, free of I/O.

A drive raises money for one named beneficiary. Public views show a pseudonym instead of the
name, and anonymous donors stay anonymous everywhere. Nothing is paid out beyond what was raised:
checked here on the locked drive row, and again by finance on the held account (2301/<code>).
"""

import datetime as dt
import uuid
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from unionfed_shared.amount_words import yuan
from unionfed_shared.contracts.donations import DriveCode
from unionfed_shared.errors import Conflict, field_refusal
from unionfed_shared.wire_values import PositiveRequestFen

ANONYMOUS = "anonymous"


class CreateDrive(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: DriveCode
    title: Annotated[str, Field(min_length=1, max_length=120)]
    beneficiary_member_id: uuid.UUID
    pseudonym: Annotated[str, Field(min_length=1, max_length=60)] | None = None


class RecordDonation(BaseModel):
    model_config = ConfigDict(extra="forbid")

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
        return ANONYMOUS if self.anonymous or self.donor is None else self.donor.strip()


class Disburse(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount_fen: PositiveRequestFen
    paid_on: dt.date


# Whom a drive helps, in the words of the kind of organization that runs it: a school's staff are
# 教职工 (teachers and staff), an enterprise's 职工; a union of no known sector gets the general word.
_BENEFICIARY = {
    "zh-CN": ({"education": "受助教职工"}, "受助职工", "{label}（{code}）"),
    "en": ({"education": "Assisted school staff member"}, "Assisted worker", "{label} ({code})"),
}


def default_pseudonym(code: str, language: str = "zh-CN", sector: str | None = None) -> str:
    """A label that says whom the drive is for without naming them, in the federation's language."""
    by_sector, general, pattern = _BENEFICIARY.get(language, _BENEFICIARY["zh-CN"])
    return pattern.format(label=by_sector.get(sector or "", general), code=code)


def check_disbursement(amount_fen: int, raised_fen: int, disbursed_fen: int) -> None:
    available = raised_fen - disbursed_fen
    if amount_fen > available:
        raise Conflict(
            "disbursement_over_balance",
            zh=f"拨付 {yuan(amount_fen)} 超过本次捐款尚余的 {yuan(available)}（已募集 {yuan(raised_fen)}，已拨付 {yuan(disbursed_fen)}）",
            en=f"disbursing {amount_fen} fen exceeds what the drive still holds: "
            f"{available} fen ({raised_fen} raised, {disbursed_fen} already paid out)",
        )
