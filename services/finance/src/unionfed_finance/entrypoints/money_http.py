"""Finance HTTP commands: money in, money out, requests up, allocations down, corrections."""

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Path, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict

from unionfed_finance.adapters.tables import directory
from unionfed_finance.entrypoints.dependencies import CurrentRuntime
from unionfed_finance.service_layer import commands, fund_requests, treasury
from unionfed_finance.service_layer.permissions import BOOK_READERS
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.contracts.spending import SpendingCategory
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.openapi_examples import example

router = APIRouter(prefix="/v1", tags=["finance commands"], route_class=IdempotentRoute)


class Accepted(BaseModel):
    request_id: str
    status_url: str


class MoneyRequestOut(BaseModel):
    request_id: str
    status: str  # pending until applied, then the outcome: posted, reserved, captured, voided, refused
    operation: str | None = None
    reason: str | None = None
    warnings: list[str] = []
    reference: str | None = None
    hold_id: uuid.UUID | None = None
    posting_ids: list[uuid.UUID] = []
    settled_at: dt.datetime | None = None


class FundRequestOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organization_id: str
    approver_id: str
    amount_fen: int
    purpose: str
    status: str
    requested_by: str | None
    decided_by: str | None
    decision_reason: str | None
    journal_event_id: str | None
    created_at: dt.datetime
    decided_at: dt.datetime | None


class FundPolicyOut(BaseModel):
    federation_id: str
    employer_funds_remit_per_mille: int


def accepted(request_id: str) -> Accepted:
    return Accepted(request_id=request_id, status_url=f"/v1/money-requests/{request_id}")


def _money_command(path: str, command_type: type, handler, summary: str) -> None:
    async def endpoint(organization_id: str, body, principal: CurrentPrincipal, runtime: CurrentRuntime) -> Accepted:
        async with runtime.uow() as uow:
            return accepted(await handler(uow, principal, organization_id, body))

    endpoint.__annotations__["body"] = command_type
    router.post(
        f"/organizations/{{organization_id}}/{path}",
        status_code=status.HTTP_202_ACCEPTED,
        response_model=Accepted,
        summary=summary,
        name=path.replace("-", "_"),
    )(endpoint)


_money_command(
    "employer-funds",
    commands.RecordEmployerFunds,
    treasury.record_employer_funds,
    "Employer's union funds received (拨缴经费); the federation's share becomes payable upward",
)
_money_command(
    "remittances", commands.PayRemittance, treasury.pay_remittance, "Pay the remittance owed to the upper union (上解)"
)
_money_command(
    "expenses",
    commands.RecordExpense,
    treasury.record_expense,
    "An expense paid from the union's bank account, against its budget",
)
_money_command(
    "donations", commands.RecordDonation, treasury.record_donation, "A donation held for a drive's named beneficiary"
)
_money_command(
    "donation-disbursements",
    commands.DisburseDonations,
    treasury.disburse_donations,
    "Pay a drive's donations to its beneficiary",
)
_money_command(
    "closed-periods",
    commands.ClosePeriod,
    treasury.close_period,
    "Close a period: postings dated inside it are refused from now on",
)


@router.put(
    "/organizations/{organization_id}/budgets/{year}/{category}",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=Accepted,
)
async def set_budget(
    organization_id: str,
    category: SpendingCategory,
    body: commands.SetBudget,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    year: int = Path(ge=2000, le=2100),
) -> Accepted:
    """Set a category's budget for a fiscal year: ``stop`` refuses spending beyond it, ``warn`` flags it."""
    async with runtime.uow() as uow:
        return accepted(await treasury.set_budget(uow, principal, organization_id, year, category, body))


@router.get("/organizations/{organization_id}/budgets")
async def budgets(organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[dict]:
    async with runtime.uow() as uow:
        await directory.require_in_scope(uow.session, principal, organization_id)
        principal.require_role(*BOOK_READERS)
        return await uow.budgets.of(organization_id)


@router.post("/postings/{posting_id}/reversal", status_code=status.HTTP_202_ACCEPTED, response_model=Accepted)
async def reverse_posting(
    posting_id: uuid.UUID, body: commands.ReversePosting, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> Accepted:
    """Correct an entry with its reversing entry, dated in an open period. An entry is reversed once."""
    async with runtime.uow() as uow:
        return accepted(await treasury.reverse_posting(uow, principal, posting_id, body))


@router.get(
    "/money-requests/{request_id}",
    response_model=MoneyRequestOut,
    responses={
        202: {
            "model": MoneyRequestOut,
            "description": (
                "Pending: not applied yet. An unknown id, or one of another organization's requests, answers "
                "the same (deliberately: no way to learn that a request exists)"
            ),
        }
    },
)
async def money_request(request_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime) -> JSONResponse:
    """The outcome of a money command or event: 202 while pending, then posted/…/refused with the reason."""
    async with runtime.uow() as uow:
        outcome = await uow.outcomes.get(request_id)
        path = await directory.path_of(uow.session, outcome["requested_by"]) if outcome else None
        if outcome is None or path is None or not principal.can_see(path):
            # Not applied yet: pending if this request is on its way, else unknown (same answer).
            # Another tenant's request answers the same: no existence oracle.
            return JSONResponse(MoneyRequestOut(request_id=request_id, status="pending").model_dump(mode="json"), 202)
        return JSONResponse(
            MoneyRequestOut(
                request_id=request_id,
                status=outcome["outcome"],
                operation=outcome["operation"],
                reason=outcome["reason"],
                warnings=outcome["warnings"],
                reference=outcome["reference"],
                hold_id=outcome["hold_id"],
                posting_ids=outcome["posting_ids"],
                settled_at=outcome["settled_at"],
            ).model_dump(mode="json")
        )


@router.post(
    "/organizations/{organization_id}/fund-requests", status_code=status.HTTP_201_CREATED, response_model=FundRequestOut
)
async def request_funds(
    organization_id: str,
    body: Annotated[
        commands.RequestFunds,
        example(
            "Ask the federation for the sports day",
            {"amount_fen": 500000, "purpose": "教职工运动会经费"},
        ),
    ],
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> FundRequestOut:
    """Ask the upper union for funds (e.g. 2,000 yuan for a table-tennis table)."""
    async with runtime.uow() as uow:
        return FundRequestOut.model_validate(await fund_requests.request_funds(uow, principal, organization_id, body))


@router.get("/organizations/{organization_id}/fund-requests", response_model=list[FundRequestOut])
async def list_fund_requests(
    organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[FundRequestOut]:
    """Requests made by the organization or waiting for its decision."""
    async with runtime.uow() as uow:
        requests = await fund_requests.made_by_or_waiting_for(uow, principal, organization_id)
    return [FundRequestOut.model_validate(request) for request in requests]


@router.post("/fund-requests/{request_id}/decision", response_model=FundRequestOut)
async def decide_fund_request(
    request_id: uuid.UUID, body: commands.DecideFundRequest, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> FundRequestOut:
    """Approve (the allocation is posted in both ledgers) or refuse with a reason; decided once."""
    async with runtime.uow() as uow:
        return FundRequestOut.model_validate(await fund_requests.decide_fund_request(uow, principal, request_id, body))


@router.put("/federations/{federation_id}/fund-policy", response_model=FundPolicyOut)
async def set_fund_policy(
    federation_id: str, body: commands.SetFundPolicy, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> FundPolicyOut:
    """How the employer's union funds are split: the share remitted upward, in per mille (default 400)."""
    async with runtime.uow() as uow:
        policy = await treasury.set_fund_policy(uow, principal, federation_id, body)
    return FundPolicyOut(federation_id=federation_id, employer_funds_remit_per_mille=policy.remit_per_mille)


@router.get("/federations/{federation_id}/fund-policy", response_model=FundPolicyOut)
async def get_fund_policy(federation_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime) -> FundPolicyOut:
    async with runtime.uow() as uow:
        await directory.require_in_scope(uow.session, principal, federation_id)
        policy = await treasury.fund_policy(uow, federation_id)
    return FundPolicyOut(federation_id=federation_id, employer_funds_remit_per_mille=policy.remit_per_mille)
