"""The mutual-aid fund (互助金) over HTTP: contributions, loans and their schedules, repayments,
overdue instalments and the fund's statement.

Money is integer fen. Business dates are the federation's; timestamps are answered in
Asia/Shanghai (+08:00). Every movement shows finance's answer to it: ``finance_status`` pending
(sent), posted or refused, with finance's ``finance_reason`` when refused.
"""

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel

from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.documents import spreadsheet
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.openapi_examples import example
from unionfed_shared.problems import language_of
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.entrypoints.dependencies import CurrentRuntime
from unionfed_welfare.entrypoints.grants_http import SheetFormat, local
from unionfed_welfare.service_layer import mutual_aid, mutual_aid_sheets
from unionfed_welfare.service_layer.commands import (
    ApplyForLoan,
    DecideLoan,
    LoanStatus,
    RecordContribution,
    RecordRepayment,
)

router = APIRouter(prefix="/v1", tags=["mutual-aid fund"], route_class=IdempotentRoute)

FinanceStatus = Literal["pending", "posted", "refused"]


class FinanceAnswerOut(BaseModel):
    finance_status: FinanceStatus  # pending: sent, finance has not answered yet
    finance_status_label: str
    finance_reason: str | None  # finance's reason, when it refused


class ContributionOut(FinanceAnswerOut):
    id: uuid.UUID
    organization_id: str
    contributor: str  # member or union
    contributor_label: str
    member_id: uuid.UUID | None
    amount_fen: int
    received_on: dt.date
    note: str
    recorded_by: str
    created_at: dt.datetime | None


class InstalmentOut(BaseModel):
    number: int
    due_on: dt.date
    amount_fen: int
    repaid_fen: int
    unpaid_fen: int
    overdue: bool  # due before today in the federation's zone and not fully repaid


class RepaymentOut(FinanceAnswerOut):
    id: uuid.UUID
    amount_fen: int
    repaid_on: dt.date
    recorded_by: str
    created_at: dt.datetime | None


class LoanOut(BaseModel):
    id: uuid.UUID
    organization_id: str
    federation_id: str
    member_id: uuid.UUID
    borrower: str | None
    amount_fen: int
    purpose: str
    months: int
    status: str  # applied, lent, repaid, rejected, or refused (by finance: void, nothing owed)
    status_label: str
    finance_status: FinanceStatus | None  # from approval on
    finance_status_label: str | None
    finance_reason: str | None
    applied_on: dt.date
    applied_by: str
    decided_on: dt.date | None
    decided_by: str | None
    decision_note: str
    repaid_fen: int
    outstanding_fen: int
    overdue_fen: int
    next_due_on: dt.date | None
    created_at: dt.datetime | None
    instalments: list[InstalmentOut] | None = None  # on a single loan's answer
    repayments: list[RepaymentOut] | None = None


class OverdueInstalmentOut(InstalmentOut):
    loan_id: uuid.UUID
    organization_id: str
    member_id: uuid.UUID
    borrower: str | None
    days_overdue: int


class FundFiguresOut(BaseModel):
    """Each total leaves out what finance refused; its ``_pending_fen`` part awaits finance's answer."""

    contributed_fen: int
    contributed_pending_fen: int
    lent_fen: int
    lent_pending_fen: int
    repaid_fen: int
    repaid_pending_fen: int
    outstanding_fen: int  # lent − repaid: what members owe the fund
    # What the fund may lend now: contributions and repayments finance has posted, less everything lent.
    available_fen: int
    overdue_fen: int
    loans_outstanding: int
    loans_overdue: int


class FundOfOrganization(FundFiguresOut):
    organization_id: str


class RefusedMovementOut(BaseModel):
    movement: Literal["contribution", "loan", "repayment"]
    id: uuid.UUID
    organization_id: str
    loan_id: uuid.UUID | None
    amount_fen: int
    on: dt.date  # received, lent or repaid on
    finance_reason: str | None


class FundStatement(BaseModel):
    organization_id: str
    as_of: dt.date
    own: FundFiguresOut  # the organization's own fund
    subtree: FundFiguresOut  # every fund of its subtree, itself included
    funds: list[FundOfOrganization]
    refused_by_finance: list[RefusedMovementOut]  # of the subtree, with finance's reasons


@router.post(
    "/organizations/{organization_id}/mutual-aid/contributions",
    status_code=status.HTTP_201_CREATED,
    response_model=ContributionOut,
    summary="Record money paid into the mutual-aid fund (by members or by the union)",
)
async def contribute(
    organization_id: str,
    body: Annotated[
        RecordContribution,
        example(
            "Members' contributions of the month",
            {"contributor": "member", "amount_fen": 300000, "received_on": "2026-03-02", "note": "三月会员缴纳"},
        ),
    ],
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
):
    async with runtime.uow() as uow:
        return local(await mutual_aid.contribute(uow, principal, organization_id, body))


@router.get(
    "/organizations/{organization_id}/mutual-aid/contributions",
    response_model=list[ContributionOut],
    summary="The money paid into the organization's own fund",
)
async def contributions(organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await mutual_aid.contributions(uow, principal, organization_id))


@router.post(
    "/organizations/{organization_id}/mutual-aid/loans",
    status_code=status.HTTP_201_CREATED,
    response_model=LoanOut,
    summary="Record a member's application for a mutual-aid loan",
)
async def apply(
    organization_id: str,
    body: Annotated[
        ApplyForLoan,
        example(
            "A teacher borrows for a family member's surgery, repaid in six months",
            {
                "member_id": "0b6f3c5e-5d0a-4c1e-9a57-2f1f4a9b8c11",
                "amount_fen": 1000000,
                "purpose": "家人手术",
                "months": 6,
                "applied_on": "2026-03-05",
            },
        ),
    ],
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
):
    async with runtime.uow() as uow:
        return local(await mutual_aid.apply(uow, principal, organization_id, body))


@router.get(
    "/organizations/{organization_id}/mutual-aid/loans",
    response_model=list[LoanOut],
    summary="The mutual-aid loans of the organization's subtree, by application date",
)
async def loans(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    loan_status: Annotated[LoanStatus | None, Query(alias="status")] = None,
):
    async with runtime.uow() as uow:
        return local(await mutual_aid.loans(uow, principal, organization_id, status=loan_status))


@router.get(
    "/organizations/{organization_id}/mutual-aid/overdue",
    response_model=list[OverdueInstalmentOut],
    summary="Instalments of the subtree due before today and not fully repaid",
)
async def overdue(organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await mutual_aid.overdue(uow, principal, organization_id))


@router.get(
    "/organizations/{organization_id}/mutual-aid/statement",
    response_model=FundStatement,
    summary="The fund's statement: contributed, lent, repaid, outstanding, overdue; own and subtree",
    responses=spreadsheet.openapi_responses("The statement as JSON, or with `format=xlsx` as an Excel sheet"),
)
async def statement(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    output: SheetFormat = "json",
) -> dict | Response:
    """The sheet (`format=xlsx`) has a line per fund of the subtree by union name, their total, and
    the movements finance refused with its reasons."""
    async with runtime.uow() as uow:
        found = await mutual_aid.statement(uow, principal, organization_id)
        if output == "json":
            return found
        names = await directory.names_of(uow.session, mutual_aid_sheets.organizations_named(found))
    language = language_of(request)
    return spreadsheet.xlsx_download(
        mutual_aid_sheets.filename(language, names.get(organization_id, organization_id), found["as_of"]),
        mutual_aid_sheets.TITLE[language],
        mutual_aid_sheets.HEADERS[language],
        mutual_aid_sheets.statement_rows(found, names, language),
    )


@router.get("/mutual-aid/loans/{loan_id}", response_model=LoanOut, summary="A loan with its schedule and repayments")
async def loan(loan_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await mutual_aid.read(uow, principal, loan_id))


@router.post(
    "/mutual-aid/loans/{loan_id}/approval",
    response_model=LoanOut,
    summary="Approve and lend: fixes the monthly schedule and pays the loan out of the fund",
)
async def approve(loan_id: uuid.UUID, body: DecideLoan, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await mutual_aid.approve(uow, principal, loan_id, body))


@router.post("/mutual-aid/loans/{loan_id}/rejection", response_model=LoanOut, summary="Turn the application down")
async def reject(loan_id: uuid.UUID, body: DecideLoan, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await mutual_aid.reject(uow, principal, loan_id, body))


@router.post(
    "/mutual-aid/loans/{loan_id}/repayments",
    response_model=LoanOut,
    status_code=status.HTTP_201_CREATED,
    summary="Record a repayment (in part or in full), paid against the oldest instalments first",
)
async def repay(loan_id: uuid.UUID, body: RecordRepayment, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await mutual_aid.repay(uow, principal, loan_id, body))
