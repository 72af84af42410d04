"""Donation drives (爱心捐款): the rules, free of I/O.

A drive raises money for one named beneficiary. Public views show a pseudonym instead of the
name, and anonymous donors stay anonymous everywhere. Nothing is paid out beyond what was raised:
checked here on the locked drive row, and again by finance on the held account (2301/<code>).
"""

import dataclasses
import datetime as dt
import uuid

from unionfed_shared.amount_words import yuan
from unionfed_shared.errors import Conflict

ANONYMOUS = "anonymous"


@dataclasses.dataclass
class Drive:
    """A donation drive for one beneficiary, with its running totals (kept on the locked drive row)."""

    id: uuid.UUID
    code: str
    organization_id: str
    federation_id: str
    title: str
    beneficiary_member_id: uuid.UUID
    beneficiary_name: str
    pseudonym: str
    created_by: str
    raised_fen: int = 0
    disbursed_fen: int = 0
    created_at: dt.datetime | None = None  # set by the database when stored

    @property
    def held_fen(self) -> int:
        return self.raised_fen - self.disbursed_fen

    def beneficiary_for(self, officer: bool) -> str:
        """Officers see whom the drive is for; everyone else sees the pseudonym."""
        return self.beneficiary_name if officer else self.pseudonym

    def receive(self, donation: "Donation") -> None:
        self.raised_fen += donation.amount_fen

    def pay_out(self, disbursement: "Disbursement") -> None:
        check_disbursement(disbursement.amount_fen, self.raised_fen, self.disbursed_fen)
        self.disbursed_fen += disbursement.amount_fen


@dataclasses.dataclass(frozen=True)
class Donation:
    id: uuid.UUID
    drive_id: uuid.UUID
    donor: str  # a name, or ANONYMOUS
    amount_fen: int
    received_on: dt.date
    recorded_by: str


@dataclasses.dataclass(frozen=True)
class Disbursement:
    """Money paid out of the drive to its beneficiary."""

    id: uuid.UUID
    drive_id: uuid.UUID
    amount_fen: int
    paid_on: dt.date
    recorded_by: str


class DriveCodeTaken(Exception):
    """Another drive took the code first (storing found it, not the check before)."""


def donor_label(donor: str | None, anonymous: bool) -> str:
    """How a gift names its donor: the name as typed, or ANONYMOUS."""
    return ANONYMOUS if anonymous or donor is None else donor.strip()


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
