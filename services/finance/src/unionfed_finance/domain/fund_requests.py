"""A union's request for funds from its upper union (经费申请), and the rules of deciding it."""

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Literal

from unionfed_shared.errors import Conflict, Invalid

FundRequestStatus = Literal["submitted", "approved", "refused"]


@dataclass(frozen=True)
class FundRequest:
    id: uuid.UUID
    organization_id: str
    approver_id: str
    federation_id: str
    amount_fen: int
    purpose: str
    status: FundRequestStatus
    requested_by: str | None
    decided_by: str | None = None
    decision_reason: str | None = None
    journal_event_id: str | None = None
    created_at: dt.datetime | None = None  # set by the database when the request is stored
    decided_at: dt.datetime | None = None


def require_decidable(request: FundRequest, *, approve: bool, reason: str | None) -> None:
    """A request is decided once; a refusal says why."""
    if request.status != "submitted":
        raise Conflict(
            "fund_request_already_decided",
            zh=f"经费申请 {request.id} 已{'批准' if request.status == 'approved' else '驳回'}，不能再次审批",
            en=f"fund request {request.id} was already {request.status}",
        )
    if not approve and not reason:
        raise Invalid("refusal_reason_missing", zh="驳回申请须说明理由", en="a refusal gives its reason")
