"""Festival greetings, health checks, insurance and donation drives over HTTP.

Times are answered in Asia/Shanghai (+08:00); they are stored and compared in UTC. Money is
integer fen.
"""

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Annotated, Literal

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel, PlainSerializer

from unionfed_shared import business_time
from unionfed_shared.auth import Role
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.documents import downloads, pdf, printed_form
from unionfed_shared.idempotent_routes import IdempotentRoute, exempt
from unionfed_shared.paging import DEFAULT_LIMIT, Cursor, Limit, Page
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.domain import greetings as greeting_rules
from unionfed_welfare.entrypoints.dependencies import CurrentRuntime
from unionfed_welfare.service_layer import campaigns, donations, greeting_sheet, greetings
from unionfed_welfare.service_layer.commands import (
    CancelCampaign,
    CreateCampaign,
    CreateDrive,
    CreateGreeting,
    DecideClaim,
    Disburse,
    FileClaim,
    PayCampaign,
    RecordDonation,
)

router = APIRouter(prefix="/v1", tags=["greetings and campaigns"], route_class=IdempotentRoute)

# Timestamps in answers carry Beijing's offset (the same instant whatever the zone); business
# dates are computed in the federation's zone (unionfed_shared.business_time).
SHANGHAI = business_time.DEFAULT_ZONE
LocalTime = Annotated[
    dt.datetime, PlainSerializer(lambda v: v.astimezone(SHANGHAI).isoformat(), return_type=str, when_used="json")
]


# Festival greetings


class Accepted(BaseModel):
    id: uuid.UUID
    status_url: str
    total: int


class NotPaid(BaseModel):
    member_id: uuid.UUID
    display_name: str
    status: str  # skipped or refused
    reason: str | None


class GreetingOut(BaseModel):
    id: uuid.UUID
    organization_id: str
    festival: str
    festival_name: str
    amount_fen: int
    eligible_gender: str | None
    eligible_statuses: list[str]
    paid_on: dt.date
    status: str  # running (recipients still pending) or processed
    total: int
    processed: int
    pending: int
    waiting_for_finance: int
    paid: int
    paid_fen: int
    skipped: int
    refused: int
    done: bool  # every recipient paid, skipped or refused
    not_paid: list[NotPaid]
    created_by: str
    created_at: LocalTime
    processed_at: LocalTime | None


class GreetingPreview(BaseModel):
    recipients: int  # the members a greeting created now would reach
    amount_fen: int
    total_fen: int  # recipients × amount


class Recipient(BaseModel):
    member_id: uuid.UUID
    display_name: str
    organization_id: str
    status: str  # pending, requested, pay_requested, paid, skipped or refused
    reason: str | None
    settled_at: LocalTime | None


if TYPE_CHECKING:  # a type checker cannot evaluate a Literal built from the rule's tuple
    RecipientStatus = str
else:
    RecipientStatus = Literal[tuple(greeting_rules.STATUSES)]


def _greeting_url(organization_id: str, batch_id: uuid.UUID) -> str:
    return f"/v1/organizations/{organization_id}/festival-greetings/{batch_id}"


# Not …/festival-greetings/preview: that path is a greeting's own (`GET …/festival-greetings/{batch_id}`).
@router.post("/organizations/{organization_id}/festival-greeting-previews", response_model=GreetingPreview)
@exempt("a preview writes nothing")
async def preview_greeting(
    organization_id: str, command: CreateGreeting, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> dict:
    """How many members a greeting created now would reach and its total: creating selects the same members."""
    async with runtime.uow() as uow:
        return await greetings.preview(uow, principal, organization_id, command)


@router.get("/organizations/{organization_id}/festival-greetings", response_model=Page[GreetingOut])
async def list_greetings(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> dict:
    """The greetings of the organization's subtree with their progress, newest first (`not_paid` left
    empty here: read one greeting, or its recipients, for that)."""
    async with runtime.uow() as uow:
        found, next_cursor = await greetings.batches_of(uow, principal, organization_id, cursor, limit)
    return {"items": found, "next_cursor": next_cursor}


@router.post(
    "/organizations/{organization_id}/festival-greetings", status_code=status.HTTP_202_ACCEPTED, response_model=Accepted
)
async def create_greeting(
    organization_id: str, command: CreateGreeting, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> Accepted:
    """Freeze the eligible members of the subtree; `…/run` (or `unionfed welfare greet`) pays them."""
    async with runtime.uow() as uow:
        batch_id = await greetings.create(uow, principal, organization_id, command)
    async with runtime.uow() as uow:
        batch = await greetings.require_visible(uow, principal, batch_id)
    return Accepted(id=batch_id, status_url=_greeting_url(organization_id, batch_id), total=batch.total)


async def _greeting(runtime, principal, organization_id: str, batch_id: uuid.UUID, roles=greetings.READERS) -> dict:
    async with runtime.uow() as uow:
        batch = await greetings.require_visible(uow, principal, batch_id, roles)
        if batch.organization_id != organization_id:
            raise greetings.hidden()
        return await greetings.report(uow, batch)


@router.post("/organizations/{organization_id}/festival-greetings/{batch_id}/run", response_model=GreetingOut)
@exempt("resumes the batch: running it again pays no one twice; it commits chunk by chunk on purpose")
async def run_greeting(
    organization_id: str, batch_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> dict:
    """Process every recipient still pending; running it again asks once more for those finance refused, never pays anyone twice."""
    await _greeting(runtime, principal, organization_id, batch_id, greetings.MANAGERS)
    await greetings.run(runtime.uow, batch_id)
    return await _greeting(runtime, principal, organization_id, batch_id)


@router.get("/organizations/{organization_id}/festival-greetings/{batch_id}", response_model=GreetingOut)
async def get_greeting(
    organization_id: str, batch_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> dict:
    return await _greeting(runtime, principal, organization_id, batch_id)


@router.get(
    "/organizations/{organization_id}/festival-greetings/{batch_id}/recipients",
    response_model=Page[Recipient],
    responses=pdf.openapi_responses(
        "A page of recipients (JSON), or with `format=pdf` the 签收单 to print: every recipient, "
        "with a column to sign in, the totals and the officer's and reviewer's signature lines"
    ),
)
async def greeting_recipients(
    organization_id: str,
    batch_id: uuid.UUID,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    status_: RecipientStatus | None = Query(default=None, alias="status"),
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    output: Annotated[pdf.JsonOrPdf, pdf.format_query("the whole 签收单 (paging and `status` do not apply)")] = "json",
) -> dict | Response:
    """Each recipient with their state, by name, a page at a time."""
    async with runtime.uow() as uow:
        batch = await greetings.require_visible(uow, principal, batch_id)
        if batch.organization_id != organization_id:
            raise greetings.hidden()
        if output == "pdf":
            return await _sign_sheet(uow, batch)
        found, next_cursor = await greetings.recipients_of(uow, batch, status_, cursor, limit)
    return {"items": found, "next_cursor": next_cursor}


async def _sign_sheet(uow, batch: greeting_rules.GreetingBatch) -> Response:
    head = await printed_form.letterhead(directory, uow.session, batch.organization_id)
    rows = await greetings.sign_sheet_rows(uow, batch)
    page = greeting_sheet.render_sign_sheet(batch, rows, head, printed_at=business_time.utc_now())
    return downloads.attachment(await pdf.render_pdf(page), pdf.MEDIA_TYPE, greeting_sheet.file_name(batch, head))


# Health checks and group insurance


class Enrolled(BaseModel):
    member_id: uuid.UUID
    display_name: str
    organization_id: str


class CampaignSummary(BaseModel):
    """A campaign as the organization's list shows it."""

    id: uuid.UUID
    kind: str
    title: str
    provider: str | None
    cost_per_member_fen: int
    enrolled: int
    total_cost_fen: int
    status: str  # open, refused (finance refused the reservation), paid, cancelled
    created_at: LocalTime


class CampaignOut(CampaignSummary):
    organization_id: str
    members: list[Enrolled]
    paid_fen: int | None
    cancel_reason: str | None
    money_status: (
        str | None
    )  # the hold in finance (finance_holds.HoldStatus): requested, reserved, refused, capture_requested, captured …
    finance_reason: str | None


class ClaimOut(BaseModel):
    id: uuid.UUID
    campaign_id: uuid.UUID
    member_id: uuid.UUID
    claimed_fen: int
    description: str
    status: str  # filed, under_review, paid, rejected
    paid_fen: int | None
    reason: str | None
    created_at: LocalTime
    updated_at: LocalTime


@router.post(
    "/organizations/{organization_id}/welfare-campaigns",
    status_code=status.HTTP_201_CREATED,
    response_model=CampaignOut,
)
async def create_campaign(
    organization_id: str, command: CreateCampaign, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> dict:
    async with runtime.uow() as uow:
        campaign_id = await campaigns.create(uow, principal, organization_id, command)
    return await _campaign(runtime, principal, campaign_id)


async def _campaign(runtime, principal, campaign_id: uuid.UUID) -> dict:
    async with runtime.uow() as uow:
        await uow.read_snapshot()  # the campaign, its enrolment and its hold as of one moment
        return await campaigns.read(uow, principal, campaign_id)


@router.get("/organizations/{organization_id}/welfare-campaigns", response_model=list[CampaignSummary])
async def list_campaigns(organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[dict]:
    """The health checks and insurance the organization runs, newest first."""
    async with runtime.uow() as uow:
        return await campaigns.of_organization(uow, principal, organization_id)


@router.get("/welfare-campaigns/{campaign_id}", response_model=CampaignOut)
async def get_campaign(campaign_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> dict:
    return await _campaign(runtime, principal, campaign_id)


@router.post("/welfare-campaigns/{campaign_id}/payment", response_model=CampaignOut)
async def pay_campaign(
    campaign_id: uuid.UUID, command: PayCampaign, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> dict:
    async with runtime.uow() as uow:
        return await campaigns.pay(uow, principal, campaign_id, command)


@router.post("/welfare-campaigns/{campaign_id}/cancellation", response_model=CampaignOut)
async def cancel_campaign(
    campaign_id: uuid.UUID, command: CancelCampaign, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> dict:
    async with runtime.uow() as uow:
        return await campaigns.cancel(uow, principal, campaign_id, command)


@router.post("/welfare-campaigns/{campaign_id}/claims", status_code=status.HTTP_201_CREATED, response_model=ClaimOut)
async def file_claim(
    campaign_id: uuid.UUID, command: FileClaim, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> dict:
    async with runtime.uow() as uow:
        return await campaigns.file_claim(uow, principal, campaign_id, command)


@router.get("/welfare-campaigns/{campaign_id}/claims", response_model=list[ClaimOut])
async def list_claims(campaign_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[dict]:
    async with runtime.uow() as uow:
        return await campaigns.claims_of(uow, principal, campaign_id)


@router.post("/insurance-claims/{claim_id}/decision", response_model=ClaimOut)
async def decide_claim(
    claim_id: uuid.UUID, decision: DecideClaim, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> dict:
    """review (filed → under_review), pay (under_review → paid), reject (with a reason)."""
    async with runtime.uow() as uow:
        return await campaigns.decide_claim(uow, principal, claim_id, decision)


# Donation drives


class DonationOut(BaseModel):
    id: uuid.UUID
    donor: str  # a name, or "anonymous"
    amount_fen: int
    received_on: dt.date


class DisbursementOut(BaseModel):
    id: uuid.UUID
    amount_fen: int
    paid_on: dt.date


class DriveSummary(BaseModel):
    """A drive as the organization's list shows it."""

    code: str
    title: str
    beneficiary: str  # the name for officers, the pseudonym for everyone else
    raised_fen: int
    disbursed_fen: int
    held_fen: int
    created_at: LocalTime


class DriveOut(DriveSummary):
    organization_id: str
    beneficiary_member_id: uuid.UUID | None
    pseudonym: str
    donations: list[DonationOut]
    disbursements: list[DisbursementOut]


@router.post(
    "/organizations/{organization_id}/donation-drives", status_code=status.HTTP_201_CREATED, response_model=DriveOut
)
async def create_drive(
    organization_id: str, command: CreateDrive, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> dict:
    async with runtime.uow() as uow:
        drive = await donations.create(uow, principal, organization_id, command)
        return await donations.view(uow, principal, drive)


@router.get("/organizations/{organization_id}/donation-drives", response_model=list[DriveSummary])
async def list_drives(organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[dict]:
    """The donation drives the organization runs, newest first, with what each raised and still holds."""
    async with runtime.uow() as uow:
        return await donations.of_organization(uow, principal, organization_id)


@router.get("/donation-drives/{code}", response_model=DriveOut)
async def get_drive(code: str, principal: CurrentPrincipal, runtime: CurrentRuntime) -> dict:
    async with runtime.uow() as uow:
        await uow.read_snapshot()  # the drive's totals, gifts and payments as of one moment
        return await donations.view(uow, principal, await donations.load(uow, principal, code, roles=tuple(Role)))


@router.post("/donation-drives/{code}/donations", status_code=status.HTTP_201_CREATED, response_model=DonationOut)
async def record_donation(
    code: str, command: RecordDonation, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> dict:
    async with runtime.uow() as uow:
        return await donations.record(uow, principal, code, command)


@router.post(
    "/donation-drives/{code}/disbursements", status_code=status.HTTP_201_CREATED, response_model=DisbursementOut
)
async def disburse(code: str, command: Disburse, principal: CurrentPrincipal, runtime: CurrentRuntime) -> dict:
    """Pay the beneficiary from what the drive raised; more than it still holds is refused (409)."""
    async with runtime.uow() as uow:
        return await donations.disburse(uow, principal, code, command)
