"""Award nominations over HTTP (included by congress_http's router, under /v1)."""

import datetime as dt
import uuid

from fastapi import APIRouter, Query, status
from pydantic import BaseModel

from unionfed_events.domain.congress import shown
from unionfed_events.domain.nominations import notice_state
from unionfed_events.entrypoints.dependencies import CurrentRuntime
from unionfed_events.service_layer import nominations
from unionfed_events.service_layer.commands import Approve, Nominate, Reject, Review
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.wire_values import Day

router = APIRouter(tags=["awards and nominations"], route_class=IdempotentRoute)


class NominationOut(BaseModel):
    id: uuid.UUID
    organization_id: str
    reviewer_id: str
    federation_id: str
    member_id: uuid.UUID
    member_name: str
    award: str
    year: int
    citation: str
    status: str
    nominated_by: str
    created_at: dt.datetime
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    review_note: str | None
    approved_by: str | None
    approved_at: dt.datetime | None
    notice_starts_on: dt.date | None
    notice_ends_on: dt.date | None
    notice: str | None  # scheduled, in_notice, ended (by today's date in the federation's zone)
    rejected_by: str | None
    rejected_at: dt.datetime | None
    rejected_at_stage: str | None
    rejection_reason: str | None

    @classmethod
    def of(cls, n: dict, today: dt.date) -> "NominationOut":
        fields = {k: n[k] for k in cls.model_fields if k in n}
        times = {k: shown(n[k]) for k in ("created_at", "reviewed_at", "approved_at", "rejected_at")}
        state = notice_state(n["status"], n["notice_starts_on"], n["notice_ends_on"], today)
        return cls(**{**fields, **times, "notice": state})

    @classmethod
    async def read(cls, uow, n: dict) -> "NominationOut":
        return cls.of(n, await nominations.federation_today(uow, n["federation_id"]))


class PublicNoticeOut(BaseModel):
    """What a public notice (公示) shows: who, which award, on what record, until when."""

    nomination_id: uuid.UUID
    organization_id: str
    member_name: str
    award: str
    year: int
    citation: str
    notice_starts_on: dt.date
    notice_ends_on: dt.date


@router.post(
    "/organizations/{organization_id}/nominations", status_code=status.HTTP_201_CREATED, response_model=NominationOut
)
async def nominate(
    organization_id: str, body: Nominate, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> NominationOut:
    """The union nominates one of its members for an award; its upper federation reviews."""
    async with runtime.uow() as uow:
        return await NominationOut.read(uow, await nominations.nominate(uow, principal, organization_id, body))


@router.get("/organizations/{organization_id}/nominations", response_model=list[NominationOut])
async def list_nominations(
    organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[NominationOut]:
    async with runtime.uow() as uow:
        found = await nominations.nominations_under(uow, principal, organization_id)
        today = await nominations.federation_today(uow, organization_id)  # one federation: one today
        return [NominationOut.of(n, today) for n in found]


@router.get("/organizations/{organization_id}/public-notices", response_model=list[PublicNoticeOut])
async def public_notices(
    organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime, on: Day | None = Query(default=None)
) -> list[PublicNoticeOut]:
    """Approved awards in public notice on a day (default: today in the federation's zone); every
    role in scope reads them."""
    async with runtime.uow() as uow:
        rows = await nominations.nominations_under(
            uow, principal, organization_id, notices_on=on or await nominations.federation_today(uow, organization_id)
        )
    return [
        PublicNoticeOut(nomination_id=n["id"], **{k: n[k] for k in PublicNoticeOut.model_fields if k in n})
        for n in rows
    ]


@router.get("/nominations/{nomination_id}", response_model=NominationOut)
async def get_nomination(
    nomination_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> NominationOut:
    async with runtime.uow() as uow:
        return await NominationOut.read(uow, await nominations.get(uow, principal, nomination_id))


@router.post("/nominations/{nomination_id}/review", response_model=NominationOut)
async def review(
    nomination_id: uuid.UUID, body: Review, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> NominationOut:
    """The upper federation reviews the nomination (审核)."""
    async with runtime.uow() as uow:
        return await NominationOut.read(uow, await nominations.review(uow, principal, nomination_id, body.note))


@router.post("/nominations/{nomination_id}/approval", response_model=NominationOut)
async def approve(
    nomination_id: uuid.UUID, body: Approve, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> NominationOut:
    """The federation approves a reviewed nomination and sets its public notice; emits award_approved."""
    async with runtime.uow() as uow:
        return await NominationOut.read(uow, await nominations.approve(uow, principal, nomination_id, body))


@router.post("/nominations/{nomination_id}/rejection", response_model=NominationOut)
async def reject(
    nomination_id: uuid.UUID, body: Reject, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> NominationOut:
    """Reject a nomination not yet approved, with the reason."""
    async with runtime.uow() as uow:
        return await NominationOut.read(uow, await nominations.reject(uow, principal, nomination_id, body.reason))
