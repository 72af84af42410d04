"""Festival greetings (节日慰问): the rules, free of I/O.

A batch grants one amount to every eligible member of an organization's subtree. The list of
recipients is frozen when the batch is created; each recipient is checked again when their turn
comes, so someone who left since is skipped with the reason rather than paid.
"""

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Annotated, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

FESTIVALS = {
    "spring_festival": "春节慰问",
    "womens_day": "三八妇女节慰问",
    "teachers_day": "教师节慰问",
    "mid_autumn": "中秋节慰问",
    "dragon_boat": "端午节慰问",
}
# The same festivals in each language a federation may work in: the words of its books.
FESTIVAL_NAMES = {
    "zh-CN": FESTIVALS,
    "en": {
        "spring_festival": "Spring Festival greeting",
        "womens_day": "Women's Day greeting",
        "teachers_day": "Teachers' Day greeting",
        "mid_autumn": "Mid-Autumn greeting",
        "dragon_boat": "Dragon Boat Festival greeting",
    },
}


def festival_name(festival: str, language: str) -> str:
    return FESTIVAL_NAMES.get(language, FESTIVALS)[festival]


Festival = Literal["spring_festival", "womens_day", "teachers_day", "mid_autumn", "dragon_boat"]
MemberStatus = Literal["active", "retired"]

# A recipient's life: pending (frozen, not yet reached) → requested (hold asked of finance) →
# pay_requested (finance reserved; paying asked) → paid; or skipped / refused, with the reason.
# Running the batch again puts the recipients finance refused back to pending with a new hold
# (see ``retry_hold_id``): once the union is funded they are asked for again, once per run.
PENDING, REQUESTED, PAY_REQUESTED, PAID, SKIPPED, REFUSED = (
    "pending",
    "requested",
    "pay_requested",
    "paid",
    "skipped",
    "refused",
)
STATUSES = (PENDING, REQUESTED, PAY_REQUESTED, PAID, SKIPPED, REFUSED)
IN_FLIGHT = (REQUESTED, PAY_REQUESTED)
FINAL = (PAID, SKIPPED, REFUSED)
REFERENCE_PREFIX = "greeting/"
# A batch runs while recipients are pending and is processed once every one was reached.
RUNNING, PROCESSED = "running", "processed"


# Member statuses and genders as a refusal says them to Chinese staff.
STATUS_ZH = {"active": "在职", "retired": "退休", "left": "已离会", "deceased": "已故"}
GENDER_ZH = {"female": "女", "male": "男"}


class Ineligible(NamedTuple):
    """Why a member may not be greeted (or enrolled), in each language; ``en`` is also the stored reason."""

    zh: str
    en: str


@dataclass(frozen=True)
class MemberStanding:
    """A member as the directory has them now: what eligibility is checked against."""

    id: uuid.UUID
    organization_id: str
    status: str
    gender: str | None
    organization_path: list[str] | None  # None when their organization is unknown here


# A domain value rather than a caller's request: the batch stores it and each recipient is checked
# against it again when their turn comes (``refusal_of``); the command only carries it in.
class Eligibility(BaseModel):
    model_config = ConfigDict(extra="forbid")

    gender: Literal["female", "male"] | None = None
    statuses: Annotated[list[MemberStatus], Field(min_length=1)] = ["active"]

    def refusal_of(self, member: MemberStanding | None, scope_organization_id: str) -> Ineligible | None:
        """Why ``member`` may not be greeted or enrolled now; None when they may."""
        if member is None:
            return Ineligible("会员名册中已无此人", "no longer in the directory")
        if member.organization_path is None or scope_organization_id not in member.organization_path:
            return Ineligible(
                f"已不在 {scope_organization_id} 范围内（现属 {member.organization_id}）",
                f"no longer in the scope of {scope_organization_id} (now in {member.organization_id})",
            )
        if member.status not in self.statuses:
            wanted = "、".join(STATUS_ZH.get(status, status) for status in self.statuses)
            return Ineligible(
                f"会员状态为{STATUS_ZH.get(member.status, member.status)}，本次只面向{wanted}会员",
                f"status is {member.status}; the batch is for {', '.join(self.statuses)}",
            )
        if self.gender and member.gender != self.gender:
            return Ineligible(
                f"本次只面向{GENDER_ZH.get(self.gender, self.gender)}会员",
                f"the batch is for {self.gender} members only",
            )
        return None


@dataclass
class GreetingBatch:
    """A festival greeting: one amount to every eligible member of an organization's subtree."""

    id: uuid.UUID
    organization_id: str
    federation_id: str
    festival: str
    amount_fen: int
    eligible_gender: str | None
    eligible_statuses: list[str]
    paid_on: dt.date
    total: int
    created_by: str
    status: str = RUNNING
    created_at: dt.datetime | None = None  # set by the database when stored
    processed_at: dt.datetime | None = None

    @property
    def eligibility(self) -> Eligibility:
        return Eligibility.model_validate({"gender": self.eligible_gender, "statuses": self.eligible_statuses})

    def reopen(self) -> None:
        """Recipients are pending again (finance's refused, asked for once more): the batch runs again."""
        self.status, self.processed_at = RUNNING, None

    def finish(self, at: dt.datetime) -> None:
        """Every recipient was reached once; finance may still be answering."""
        self.status, self.processed_at = PROCESSED, at

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class EligibleMember:
    """A member a greeting reaches, as frozen into its list of recipients."""

    id: uuid.UUID
    display_name: str
    organization_id: str


@dataclass(frozen=True)
class Recipient:
    """A member of a batch's frozen list and where their greeting stands."""

    batch_id: uuid.UUID
    member_id: uuid.UUID
    display_name: str
    organization_id: str
    hold_id: uuid.UUID
    status: str = PENDING
    reason: str | None = None
    processed_at: dt.datetime | None = None
    settled_at: dt.datetime | None = None

    def reached(self, refusal: Ineligible | None, at: dt.datetime) -> "Recipient":
        """Their turn came: asked for, or skipped with the (English, stored) reason."""
        if refusal is None:
            return dataclasses.replace(self, status=REQUESTED, reason=None, processed_at=at)
        return dataclasses.replace(
            self, status=SKIPPED, reason=f"not eligible at payment time: {refusal.en}", processed_at=at
        )

    def asked_to_pay(self, refusal: Ineligible | None, at: dt.datetime) -> "Recipient":
        """Their turn came in a chunk paid at once: payment asked (reserve and pay in one step), or skipped."""
        if refusal is None:
            return dataclasses.replace(self, status=PAY_REQUESTED, reason=None, processed_at=at)
        return self.reached(refusal, at)

    def retried(self) -> "Recipient":
        """Finance refused them: pending again with a new hold, to be asked for once more."""
        return dataclasses.replace(
            self, status=PENDING, hold_id=retry_hold_id(self.hold_id), reason=None, processed_at=None, settled_at=None
        )

    def answered(self, outcome: str, reason: str | None, at: dt.datetime) -> "Recipient | None":
        """The recipient once finance answered ``outcome``; None when the answer changes nothing."""
        status = status_after_answer(self.status, outcome)
        if status is None:
            return None
        return dataclasses.replace(
            self,
            status=status,
            reason=refusal_reason(reason, outcome) if status == REFUSED else self.reason,
            settled_at=at if status in FINAL else self.settled_at,
        )


@dataclass(frozen=True)
class SignSheetLine:
    """A recipient as the printed 签收单 lists them, with their union's name."""

    member_id: uuid.UUID
    display_name: str
    organization_id: str
    organization_name: str
    status: str


def hold_id(batch_id: uuid.UUID, member_id: uuid.UUID) -> uuid.UUID:
    """The same recipient of the same batch always gets the same hold: a resumed batch never asks twice."""
    return uuid.uuid5(batch_id, str(member_id))


def retry_hold_id(previous_hold_id: uuid.UUID) -> uuid.UUID:
    """The hold of a recipient asked for again after finance refused: derived, so a resumed retry asks for the same."""
    return uuid.uuid5(previous_hold_id, "retry")


def reference(batch_id: uuid.UUID, member_id: uuid.UUID, hold: uuid.UUID | None = None) -> str:
    """``greeting/<batch>/<member>`` for the first hold; a retried hold's own id is appended (references are unique)."""
    base = f"{REFERENCE_PREFIX}{batch_id}/{member_id}"
    return base if hold is None or hold == hold_id(batch_id, member_id) else f"{base}/{hold}"


def parse_reference(value: str) -> tuple[uuid.UUID, uuid.UUID]:
    prefix, batch, member, *retry = value.split("/")
    if prefix + "/" != REFERENCE_PREFIX or len(retry) > 1:
        raise ValueError(f"not a greeting reference: {value}")
    return uuid.UUID(batch), uuid.UUID(member)


def batch_reference(batch_id: uuid.UUID) -> str:
    """``greeting/<batch>``: what a chunk's payment is for; each line keeps its member's reference."""
    return f"{REFERENCE_PREFIX}{batch_id}"


def line_status(outcome: str) -> str:
    """A recipient's status once finance answered their line of a chunk's payment."""
    return PAID if outcome == "captured" else REFUSED


def refusal_reason(reason: str | None, outcome: str) -> str:
    """The stored reason of a recipient finance refused (the same words for a single hold or a chunk's line)."""
    return f"refused by finance: {reason or outcome}"


def status_after_answer(current: str, outcome: str) -> str | None:
    """A recipient's status once finance answered ``outcome``; None when the answer changes nothing.

    Answers can arrive again (redelivery) or late; a final status is never left.
    """
    if current in FINAL:
        return None
    return {"reserved": PAY_REQUESTED, "captured": PAID, "refused": REFUSED, "voided": REFUSED}.get(outcome)


@dataclass(frozen=True)
class Progress:
    total: int
    counts: dict[str, int]

    @property
    def processed(self) -> int:
        return self.total - self.counts.get(PENDING, 0)

    @property
    def settled(self) -> int:
        return sum(self.counts.get(s, 0) for s in FINAL)

    @property
    def done(self) -> bool:
        return self.settled == self.total

    def line(self) -> str:
        c = self.counts
        return (
            f"processed {self.processed}/{self.total}; paid {c.get(PAID, 0)}, "
            f"waiting for finance {sum(c.get(s, 0) for s in IN_FLIGHT)}, skipped {c.get(SKIPPED, 0)}, "
            f"refused {c.get(REFUSED, 0)}"
        )
