"""Student aid (金秋助学 / 寒窗助学) over HTTP: schemes, applications, review and the year's roll-up.

Money is integer fen; a level's amount is paid through finance like a grant. Business dates are the
federation's; timestamps are answered in Asia/Shanghai (+08:00).
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
from unionfed_welfare.entrypoints.dependencies import CurrentRuntime
from unionfed_welfare.entrypoints.grants_http import local
from unionfed_welfare.service_layer import student_aid, student_aid_sheets
from unionfed_welfare.service_layer.commands import (
    ApplyStudentAid,
    CreateStudentAidScheme,
    ReviewStudentAid,
)

# A year in a query (text): an integer of the schemes' range (a body's year is a strict JSON integer).
QueryYear = Annotated[int, Query(ge=2000, le=2100)]

router = APIRouter(prefix="/v1", tags=["student aid"], route_class=IdempotentRoute)


class AidLevelOut(BaseModel):
    name: str
    amount_fen: int


class StudentAidSchemeOut(BaseModel):
    id: uuid.UUID
    federation_id: str
    year: int
    name: str
    criteria: str
    levels: list[AidLevelOut]
    created_by: str
    created_at: dt.datetime | None


class StudentAidApplicationOut(BaseModel):
    """An application; the student's name and ID number only to who may read them (else a pseudonym)."""

    id: uuid.UUID
    scheme_id: uuid.UUID
    organization_id: str
    federation_id: str
    year: int
    student_kind: Literal["member_child", "non_member"]
    student_kind_label: str
    member_id: uuid.UUID | None
    member_name: str | None
    student_name: str
    id_number: str | None
    details_visible: bool
    school: str
    level: str
    amount_fen: int
    applied_on: dt.date
    note: str
    status: Literal["applied", "approved", "refused"]
    state: str  # the application and its money together
    hold_id: uuid.UUID
    hold_status: str
    finance_reason: str | None
    paid_fen: int | None
    paid_on: dt.date | None
    recorded_by: str
    recorded_at: dt.datetime | None
    reviewed_by: str | None
    reviewed_at: dt.datetime | None
    refuse_reason: str | None


class AidTally(BaseModel):
    applications: int
    approved: int
    refused: int
    pending: int
    approved_fen: int
    paid_fen: int


class AidLevelTally(AidTally):
    level: str


class AidStudentKindTally(AidTally):
    student_kind: Literal["member_child", "non_member"]
    label: str


class StudentAidRollup(AidTally):
    """The year's applications of the subtree (all its schemes), each counted once."""

    organization_id: str
    year: int
    by_level: list[AidLevelTally]
    by_student_kind: list[AidStudentKindTally]


@router.post(
    "/federations/{federation_id}/student-aid-schemes",
    status_code=status.HTTP_201_CREATED,
    response_model=StudentAidSchemeOut,
    summary="Set a student aid scheme of a year: criteria and an amount per level (federation admins)",
)
async def create_scheme(
    federation_id: str,
    body: Annotated[
        CreateStudentAidScheme,
        example(
            "金秋助学 of 2026",
            {
                "year": 2026,
                "name": "金秋助学",
                "criteria": "会员子女及建档立卡贫困家庭学生，当年考入高中、大专或大学本科",
                "levels": [
                    {"name": "大学本科", "amount_fen": 300000},
                    {"name": "大专", "amount_fen": 200000},
                    {"name": "高中", "amount_fen": 100000},
                ],
            },
        ),
    ],
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
):
    async with runtime.uow() as uow:
        return local(await student_aid.create_scheme(uow, principal, federation_id, body))


@router.get(
    "/federations/{federation_id}/student-aid-schemes",
    response_model=list[StudentAidSchemeOut],
    summary="The federation's student aid schemes (of a year), for its unions to apply under",
)
async def schemes(
    federation_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
):
    async with runtime.uow() as uow:
        return local(await student_aid.schemes_of(uow, principal, federation_id, year))


@router.get("/student-aid-schemes/{scheme_id}", response_model=StudentAidSchemeOut)
async def scheme(scheme_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await student_aid.scheme_of(uow, principal, scheme_id))


@router.post(
    "/organizations/{organization_id}/student-aid-applications",
    status_code=status.HTTP_201_CREATED,
    response_model=StudentAidApplicationOut,
    summary="Apply for a member's child or a non-member poor student; the level's amount is reserved in finance",
)
async def apply(
    organization_id: str,
    body: Annotated[
        ApplyStudentAid,
        example(
            "A registered poor student, not a member's child, entering university",
            {
                "scheme_id": "6d1f7a0e-3a52-4f0e-9f0b-2b8a1c9d4e21",
                "student_name": "王小明",
                "id_number": "51010120080101001X",
                "school": "四川大学",
                "level": "大学本科",
                "applied_on": "2026-09-01",
            },
        ),
    ],
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
):
    async with runtime.uow() as uow:
        return local(await student_aid.apply(uow, principal, organization_id, body))


@router.get(
    "/organizations/{organization_id}/student-aid-applications",
    response_model=list[StudentAidApplicationOut],
    summary="The student aid applications of the organization's subtree, by date",
)
async def applications(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    scheme_id: Annotated[uuid.UUID | None, Query()] = None,
):
    async with runtime.uow() as uow:
        return local(await student_aid.applications_of(uow, principal, organization_id, year=year, scheme_id=scheme_id))


@router.get(
    "/organizations/{organization_id}/student-aid/rollup",
    response_model=StudentAidRollup,
    summary="A year's student aid over the subtree: applications, approved, amounts, by level and by kind of student",
    responses=spreadsheet.openapi_responses("The roll-up as JSON, or with `format=xlsx` as an Excel sheet"),
)
async def rollup(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    year: QueryYear,
    output: Literal["json", "xlsx"] = Query(default="json", alias="format", description="`xlsx` for an Excel sheet"),
) -> StudentAidRollup | Response:
    if output == "xlsx":
        language = language_of(request)
        async with runtime.uow() as uow:
            filename, rows = await student_aid_sheets.rollup_sheet(uow, principal, organization_id, year, language)
        return spreadsheet.xlsx_download(
            filename, student_aid_sheets.SHEET_TITLE[language], student_aid_sheets.SHEET_HEADERS[language], rows
        )
    async with runtime.uow() as uow:
        return StudentAidRollup.model_validate(await student_aid.rollup(uow, principal, organization_id, year))


@router.get("/student-aid-applications/{application_id}", response_model=StudentAidApplicationOut)
async def application(application_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime):
    async with runtime.uow() as uow:
        return local(await student_aid.read(uow, principal, application_id))


@router.post(
    "/student-aid-applications/{application_id}/review",
    response_model=StudentAidApplicationOut,
    summary="Approve (paid through finance) or refuse with a reason (the hold is released)",
)
async def review(
    application_id: uuid.UUID, body: ReviewStudentAid, principal: CurrentPrincipal, runtime: CurrentRuntime
):
    async with runtime.uow() as uow:
        return local(await student_aid.review(uow, principal, application_id, body))
