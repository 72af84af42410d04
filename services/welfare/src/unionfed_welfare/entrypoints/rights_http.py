"""Workers' rights cases (维权) over HTTP: open, move forward, hand over, read, list, count.

Money is integer fen. Business dates are the federation's; timestamps are answered in
Asia/Shanghai (+08:00).
"""

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, ConfigDict, Field

from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.documents import spreadsheet
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.openapi_examples import example
from unionfed_shared.problems import language_of
from unionfed_shared.wire_values import Day
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.entrypoints.dependencies import CurrentRuntime
from unionfed_welfare.entrypoints.grants_http import SheetFormat, local
from unionfed_welfare.service_layer import rights_cases, rights_sheets, rights_weeks
from unionfed_welfare.service_layer.commands import (
    HandRightsCase,
    MoveRightsCase,
    OpenRightsCase,
    RightsWeek,
)

router = APIRouter(prefix="/v1", tags=["workers' rights cases"], route_class=IdempotentRoute)


class CaseWorkerOut(BaseModel):
    """A worker of the case; name, phone and member id only for those who may read details."""

    pseudonym: str
    is_member: bool
    member_id: uuid.UUID | None = None
    name: str | None = None
    phone: str | None = None


class CaseStageOut(BaseModel):
    id: uuid.UUID
    stage: str
    entered_on: dt.date
    deadline_on: dt.date | None
    moved_by: str
    note: str
    created_at: dt.datetime | None


class RightsCaseOut(BaseModel):
    id: uuid.UUID
    organization_id: str
    federation_id: str
    employer_name: str
    employer_credit_code: str | None
    claim_kind: str
    claim_kind_label: str
    claimed_fen: int
    recovered_fen: int
    stage: str
    stage_label: str
    accepted_on: dt.date
    deadline_on: dt.date
    closed_on: dt.date | None
    referred_on: dt.date | None
    closed_in_time: bool
    overdue: bool  # still accepted or in mediation after the deadline
    outcome: str
    rights_week: str | None
    rights_week_id: uuid.UUID | None = Field(description="the rights week activity it was opened at")
    opened_by: str
    handled_by: str
    workers: list[CaseWorkerOut]
    details_visible: bool  # whether names and phones are shown to this caller
    created_at: dt.datetime | None
    updated_at: dt.datetime | None
    stages: list[CaseStageOut] | None = None  # on a single case's answer


class RightsCaseStatistics(BaseModel):
    """The cases the subtree accepted in the period, each counted with its acceptance."""

    model_config = ConfigDict(populate_by_name=True)

    organization_id: str
    start: dt.date = Field(alias="from")
    end: dt.date = Field(alias="to")
    opened: int
    by_claim_kind: dict[str, int]
    closed: int
    closed_in_time: int
    referred: int
    claimed_fen: int
    recovered_fen: int
    workers_helped: int  # distinct: a member by id, a non-member by phone
    by_rights_week: dict[str, int]  # YYYY-MM → cases that rights week opened
    opened_at_rights_weeks: int = Field(description="cases naming the rights week activity they were opened at")


@router.post(
    "/organizations/{organization_id}/rights-cases",
    status_code=status.HTTP_201_CREATED,
    response_model=RightsCaseOut,
    summary="Accept a workers' rights case (受理)",
)
async def open_case(
    organization_id: str,
    body: Annotated[
        OpenRightsCase,
        example(
            "Wage arrears of two workers, one not a member",
            {
                "employer_name": "某某建材有限公司",
                "employer_credit_code": "91310000MA1FL0XX4X",
                "workers": [
                    {"member_id": "0b6f3c5e-5d0a-4c1e-9a57-2f1f4a9b8c11"},
                    {"name": "李四", "phone": "13800000000"},
                ],
                "claim_kind": "wage_arrears",
                "claimed_fen": 1260000,
                "accepted_on": "2026-11-10",
                "rights_week_id": "5d3c1a2b-7e4f-4a6b-9c8d-0e1f2a3b4c5d",
            },
        ),
    ],
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
):
    async with runtime.uow() as uow:
        return local(await rights_cases.open_case(uow, principal, organization_id, body))


@router.get(
    "/organizations/{organization_id}/rights-cases",
    response_model=list[RightsCaseOut],
    summary="The rights cases of the organization's subtree, by acceptance",
)
async def cases(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    rights_week: Annotated[RightsWeek | None, Query()] = None,
    rights_week_id: Annotated[uuid.UUID | None, Query(description="only cases opened at this rights week")] = None,
):
    async with runtime.uow() as uow:
        return local(
            await rights_cases.cases_of(
                uow, principal, organization_id, rights_week=rights_week, rights_week_id=rights_week_id
            )
        )


@router.get(
    "/organizations/{organization_id}/rights-cases/statistics",
    response_model=RightsCaseStatistics,
    summary="Cases accepted in a period: by claim kind, closed, in time, referred, recovered, workers helped",
    responses=spreadsheet.openapi_responses("The statistics as JSON, or with `format=xlsx` as an Excel sheet"),
)
async def statistics(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    start: Annotated[Day, Query(alias="from")],
    end: Annotated[Day, Query(alias="to")],
    output: SheetFormat = "json",
) -> dict | Response:
    """The sheet (`format=xlsx`) has a line a figure, in the caller's language."""
    async with runtime.uow() as uow:
        found = await rights_cases.statistics(uow, principal, organization_id, start, end)
        if output == "json":
            return found
        name = (await directory.names_of(uow.session, {organization_id})).get(organization_id, organization_id)
    language = language_of(request)
    return spreadsheet.xlsx_download(
        rights_sheets.filename(language, name, start, end),
        rights_sheets.TITLE[language],
        rights_sheets.HEADERS[language],
        rights_sheets.statistics_rows(found, language),
    )


@router.get("/rights-cases/{case_id}", response_model=RightsCaseOut)
async def case(case_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await rights_cases.read(uow, principal, case_id))


@router.post(
    "/rights-cases/{case_id}/stages",
    response_model=RightsCaseOut,
    summary="Move the case forward: mediation, closed, arbitration or litigation",
)
async def move_case(case_id: uuid.UUID, body: MoveRightsCase, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await rights_cases.move(uow, principal, case_id, body))


@router.post(
    "/rights-cases/{case_id}/handler",
    response_model=RightsCaseOut,
    summary="Give the case to another officer (federation admins)",
)
async def hand_over(case_id: uuid.UUID, body: HandRightsCase, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await rights_cases.hand_over(uow, principal, case_id, body))


class RightsWeekOut(BaseModel):
    """A rights week (维权周) activity the events service published, with the cases opened at it."""

    activity_id: uuid.UUID
    organization_id: str = Field(description="the organizer")
    title: str
    month: str = Field(description="YYYY-MM, the month its cases are counted under")
    starts_on: dt.date
    ends_on: dt.date
    cancelled: bool
    cases_opened: int = Field(description="cases of the organization's subtree opened at it")


@router.get(
    "/organizations/{organization_id}/rights-weeks",
    response_model=list[RightsWeekOut],
    summary="Rights weeks open to the organization or held in its subtree, with the cases each opened",
)
async def rights_weeks_of(organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        found = await rights_weeks.weeks_of(uow, principal, organization_id)
    return [
        RightsWeekOut(
            activity_id=w.activity_id,
            organization_id=w.organization_id,
            title=w.title,
            month=w.month,
            starts_on=w.starts_on,
            ends_on=w.ends_on,
            cancelled=w.cancelled,
            cases_opened=cases,
        )
        for w, cases in found
    ]
