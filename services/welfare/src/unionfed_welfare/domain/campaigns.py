"""Health checks (体检) and group insurance: the rules, free of I/O.

A campaign enrolls the eligible members of a subtree (or those named) at a cost per member; the
whole cost is reserved in finance when the campaign is created and posted when the provider is
paid. Insurance claims go filed → under review → paid or rejected (with the reason).
"""

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from unionfed_shared.amount_words import yuan
from unionfed_shared.errors import Conflict, Invalid
from unionfed_shared.wire_values import PositiveRequestFen
from unionfed_welfare.domain.greetings import Eligibility

CampaignKind = Literal["health_check", "insurance"]
REFERENCE_PREFIX = "campaign/"

FILED, UNDER_REVIEW, PAID, REJECTED = "filed", "under_review", "paid", "rejected"
# Statuses and decisions as a refusal says them to Chinese staff.
CAMPAIGN_STATUS_ZH = {"open": "进行中", "paid": "已付款", "cancelled": "已取消", "refused": "被财务拒绝"}
CLAIM_STATUS_ZH = {FILED: "已提交", UNDER_REVIEW: "审核中", PAID: "已赔付", REJECTED: "已驳回"}
ACTION_ZH = {"review": "审核", "pay": "赔付", "reject": "驳回"}
# Which decision may follow which status.
CLAIM_FLOW: dict[str, dict[str, str]] = {
    FILED: {"review": UNDER_REVIEW, "reject": REJECTED},
    UNDER_REVIEW: {"pay": PAID, "reject": REJECTED},
}


class CreateCampaign(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: CampaignKind
    title: Annotated[str, Field(min_length=1, max_length=120)]
    provider: Annotated[str, Field(min_length=1, max_length=120)] | None = None
    cost_per_member_fen: PositiveRequestFen
    eligibility: Eligibility = Eligibility()
    # Named members instead of everyone eligible in the subtree (e.g. the 44 women who signed up).
    member_ids: Annotated[list[uuid.UUID], Field(max_length=10_000)] | None = None


class PayCampaign(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount_fen: PositiveRequestFen
    paid_on: dt.date
    description: Annotated[str, Field(min_length=1, max_length=200)]


class CancelCampaign(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Field(min_length=1, max_length=200)]


class FileClaim(BaseModel):
    model_config = ConfigDict(extra="forbid")

    member_id: uuid.UUID
    claimed_fen: PositiveRequestFen
    description: Annotated[str, Field(min_length=1, max_length=500)]


class DecideClaim(BaseModel):
    model_config = ConfigDict(extra="forbid")

    action: Literal["review", "pay", "reject"]
    paid_fen: PositiveRequestFen | None = None
    reason: Annotated[str, Field(min_length=1, max_length=300)] | None = None


MAX_TOTAL_FEN = 10**15  # PositiveRequestFen's bound on the hold finance reserves


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
    if status != "open":
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


def after_answer(status: str, operation: str, outcome: str) -> dict | None:
    """The campaign's new columns once finance answered about its hold; None when nothing changes.

    A refused reservation ends the campaign (nothing was reserved, nothing can be paid); a refused
    payment reopens it (the cost is still reserved) so it can be paid again, e.g. on another date.
    """
    if operation == "reserve" and outcome == "refused" and status == "open":
        return {"status": "refused"}
    if operation == "capture" and outcome == "refused" and status == "paid":
        return {"status": "open", "paid_fen": None}
    return None


def next_claim(status: str, decision: DecideClaim, claimed_fen: int) -> dict:
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
