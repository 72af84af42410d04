"""Health checks (体检) and group insurance: the rules, free of I/O.

A campaign enrolls the eligible members of a subtree (or those named) at a cost per member; the
whole cost is reserved in finance when the campaign is created and posted when the provider is
paid. Insurance claims go filed → under review → paid or rejected (with the reason).
"""

import dataclasses
import datetime as dt
import uuid
from typing import Literal, Protocol

from unionfed_shared.amount_words import yuan
from unionfed_shared.errors import Conflict, Invalid
from unionfed_welfare.domain.greetings import Eligibility, Ineligible, MemberStanding

CampaignKind = Literal["health_check", "insurance"]
KIND_NAMES = {"health_check": "体检", "insurance": "团体保险"}
REFERENCE_PREFIX = "campaign/"

# A campaign's statuses; its money's are finance_holds'.
OPEN, CAMPAIGN_PAID, CANCELLED, REFUSED = "open", "paid", "cancelled", "refused"
# A claim's.

FILED, UNDER_REVIEW, PAID, REJECTED = "filed", "under_review", "paid", "rejected"
# Statuses and decisions as a refusal says them to Chinese staff.
CAMPAIGN_STATUS_ZH = {OPEN: "进行中", CAMPAIGN_PAID: "已付款", CANCELLED: "已取消", REFUSED: "被财务拒绝"}
CLAIM_STATUS_ZH = {FILED: "已提交", UNDER_REVIEW: "审核中", PAID: "已赔付", REJECTED: "已驳回"}
ACTION_ZH = {"review": "审核", "pay": "赔付", "reject": "驳回"}
# Which decision may follow which status.
CLAIM_FLOW: dict[str, dict[str, str]] = {
    FILED: {"review": UNDER_REVIEW, "reject": REJECTED},
    UNDER_REVIEW: {"pay": PAID, "reject": REJECTED},
}


MAX_TOTAL_FEN = 10**15  # PositiveRequestFen's bound on the hold finance reserves


@dataclasses.dataclass(frozen=True)
class Candidate:
    """A member of the organization's subtree as the directory knows them, with what eligibility looks at."""

    id: uuid.UUID
    display_name: str
    organization_id: str
    gender: str | None
    status: str
    path: list[str]

    def standing(self) -> MemberStanding:
        return MemberStanding(self.id, self.organization_id, self.status, self.gender, self.path)


@dataclasses.dataclass(frozen=True)
class Enrollee:
    """A member enrolled in a campaign, with their name and union as they were when it was created."""

    member_id: uuid.UUID
    display_name: str
    organization_id: str


@dataclasses.dataclass
class Campaign:
    """A health check or group insurance: its whole cost reserved, then paid, through one hold in finance."""

    id: uuid.UUID
    organization_id: str
    federation_id: str
    kind: str
    title: str
    provider: str | None
    cost_per_member_fen: int
    eligible_gender: str | None
    eligible_statuses: list[str]
    hold_id: uuid.UUID
    created_by: str
    status: str = OPEN
    paid_fen: int | None = None
    cancel_reason: str | None = None
    created_at: dt.datetime | None = None  # set by the database when stored

    def cost_of(self, enrolled: int) -> int:
        return self.cost_per_member_fen * enrolled

    def pay(self, amount_fen: int, reserved_fen: int) -> None:
        check_payment(amount_fen, reserved_fen, self.status)
        self.status, self.paid_fen = CAMPAIGN_PAID, amount_fen

    def cancel(self, reason: str) -> None:
        if self.status != OPEN:
            raise Conflict(
                "campaign_not_open",
                zh=f"该项目{status_zh(self.status)}，只有进行中的项目可以取消",
                en=f"the campaign is {self.status}; only an open campaign is cancelled",
            )
        self.status, self.cancel_reason = CANCELLED, reason

    def hear(self, operation: str, outcome: str) -> bool:
        """Follow finance's answer about the campaign's hold; whether the campaign changed.

        A refused reservation ends the campaign (nothing was reserved, nothing can be paid); a refused
        payment reopens it (the cost is still reserved) so it can be paid again, e.g. on another date.
        """
        if operation == "reserve" and outcome == "refused" and self.status == OPEN:
            self.status = REFUSED
            return True
        if operation == "capture" and outcome == "refused" and self.status == CAMPAIGN_PAID:
            self.status, self.paid_fen = OPEN, None
            return True
        return False


def check_named_members(
    named: list[uuid.UUID], found: dict[uuid.UUID, Candidate], eligibility: Eligibility, organization_id: str
) -> None:
    """Refuse the campaign when any member named for it is outside the subtree or not eligible, naming them."""
    refusals = []
    for member_id in named:
        member = found.get(member_id)
        why: Ineligible | None
        if member is None:
            why = Ineligible("不是本单位及下属单位的会员", "not a member of this organization's subtree")
        else:
            why = eligibility.refusal_of(member.standing(), organization_id)
        if why:
            refusals.append((member_id, why))
    if refusals:
        raise Invalid(
            "members_not_eligible",
            zh="以下会员不能纳入本项目：" + "；".join(f"{member_id}：{why.zh}" for member_id, why in refusals[:20]),
            en="these members cannot be enrolled: "
            + "; ".join(f"{member_id}: {why.en}" for member_id, why in refusals[:20]),
        )


def total_cost(cost_per_member_fen: int, enrolled: int) -> int:
    if enrolled == 0:
        raise Invalid(
            "no_eligible_members", zh="没有符合本项目条件的会员", en="no member is eligible for this campaign"
        )
    total = cost_per_member_fen * enrolled
    if total > MAX_TOTAL_FEN:
        # Reserved in finance as one amount, which the money contracts bound.
        raise Invalid(
            "campaign_total_too_large",
            zh=f"总费用（每人费用 × {enrolled} 人）超过单笔上限 {MAX_TOTAL_FEN} 分",
            en=f"the total cost (cost per member x {enrolled} members) exceeds the limit of {MAX_TOTAL_FEN} fen",
        )
    return total


def check_payment(amount_fen: int, reserved_fen: int, status: str) -> None:
    if status != OPEN:
        raise Conflict(
            "campaign_not_open",
            zh=f"该项目{status_zh(status)}，只有进行中的项目可以付款",
            en=f"the campaign is {status}; only an open campaign is paid",
        )
    if amount_fen > reserved_fen:
        raise Invalid(
            "payment_over_reserved",
            zh=f"付款 {yuan(amount_fen)} 超过本项目已预留的 {yuan(reserved_fen)}",
            en=f"paying {amount_fen} fen exceeds the {reserved_fen} fen reserved for the campaign",
        )


def status_zh(status: str) -> str:
    return CAMPAIGN_STATUS_ZH.get(status, f"状态为 {status}")


class ClaimDecision(Protocol):
    """What an officer decides about a claim (the DecideClaim command)."""

    @property
    def action(self) -> str: ...
    @property
    def paid_fen(self) -> int | None: ...
    @property
    def reason(self) -> str | None: ...


@dataclasses.dataclass
class Claim:
    """A member's claim against an insurance campaign, through its status flow."""

    id: uuid.UUID
    campaign_id: uuid.UUID
    member_id: uuid.UUID
    claimed_fen: int
    description: str
    filed_by: str
    status: str = FILED
    paid_fen: int | None = None
    reason: str | None = None
    created_at: dt.datetime | None = None  # set by the database when stored
    updated_at: dt.datetime | None = None

    def decide(self, decision: ClaimDecision, at: dt.datetime) -> None:
        changed = next_claim(self.status, decision, self.claimed_fen)
        self.status = changed["status"]
        self.paid_fen = changed.get("paid_fen", self.paid_fen)
        self.reason = changed.get("reason", self.reason)
        self.updated_at = at


def check_claimable(campaign: Campaign, member_enrolled: bool) -> None:
    """A claim is filed against an insurance campaign, for one of its insured members."""
    if campaign.kind != "insurance":
        raise Invalid(
            "claim_needs_insurance",
            zh="理赔只能针对团体保险项目申请",
            en="claims are filed against an insurance campaign",
        )
    if not member_enrolled:
        raise Invalid(
            "claim_member_not_insured", zh="该会员未参加此保险项目", en="the member is not insured by this campaign"
        )


def next_claim(status: str, decision: ClaimDecision, claimed_fen: int) -> dict:
    """The claim's new columns after ``decision``; refuses a decision its status does not allow."""
    allowed = CLAIM_FLOW.get(status, {})
    if decision.action not in allowed:
        raise Conflict(
            "claim_decision_not_allowed",
            zh=f"理赔申请{CLAIM_STATUS_ZH.get(status, status)}，不能再{ACTION_ZH.get(decision.action, decision.action)}",
            en=f"a claim that is {status} cannot be given '{decision.action}'",
        )
    if decision.action == "reject":
        if not decision.reason:
            raise Invalid("claim_rejection_needs_reason", zh="驳回理赔须说明理由", en="a rejected claim needs a reason")
        return {"status": REJECTED, "reason": decision.reason}
    if decision.action == "pay":
        if decision.paid_fen is None:
            raise Invalid(
                "claim_payment_amount_missing", zh="赔付须填写赔付金额（paid_fen）", en="paying a claim needs paid_fen"
            )
        if decision.paid_fen > claimed_fen:
            raise Invalid(
                "claim_payment_over_claimed",
                zh=f"赔付金额 {yuan(decision.paid_fen)} 超过申请的 {yuan(claimed_fen)}",
                en=f"paid_fen {decision.paid_fen} exceeds the {claimed_fen} fen claimed",
            )
        return {"status": PAID, "paid_fen": decision.paid_fen, "reason": decision.reason}
    return {"status": UNDER_REVIEW}
