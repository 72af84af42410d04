"""HTTP for safety supervision (安全生产监督) in the register's enterprises: inspectors (群监员),
inspections, hazards and the period's roll-up."""

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from unionfed_membership.domain.roster import mask_phone
from unionfed_membership.domain.safety import Hazard, Inspection, SafetyInspector, SafetyRollup, Severity
from unionfed_membership.entrypoints.dependencies import CurrentRuntime
from unionfed_membership.service_layer import commands, safety, safety_sheets
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.documents import spreadsheet
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.problems import language_of
from unionfed_shared.wire_values import Day

router = APIRouter(prefix="/v1", tags=["membership safety supervision"], route_class=IdempotentRoute)


class SafetyInspectorOut(BaseModel):
    id: uuid.UUID
    enterprise_id: uuid.UUID
    name: str
    member_id: uuid.UUID | None = Field(description="the union member serving, when the enterprise has a union")
    phone_masked: str | None = Field(description="a named worker's mobile, masked (138****5678)")
    appointed_on: dt.date
    retired_on: dt.date | None

    @classmethod
    def of(cls, i: SafetyInspector) -> "SafetyInspectorOut":
        return cls(
            id=i.id,
            enterprise_id=i.enterprise_id,
            name=i.name,
            member_id=i.member_id,
            phone_masked=mask_phone(i.phone) if i.phone else None,
            appointed_on=i.appointed_on,
            retired_on=i.retired_on,
        )


class HazardOut(BaseModel):
    id: uuid.UUID
    inspection_id: uuid.UUID
    enterprise_id: uuid.UUID
    description: str
    severity: Severity = Field(description="general 一般隐患, major 重大隐患")
    found_on: dt.date
    deadline: dt.date
    fixed_on: dt.date | None
    fixed_in_time: bool = Field(description="fixed on or before its deadline")

    @classmethod
    def of(cls, h: Hazard) -> "HazardOut":
        return cls(
            id=h.id,
            inspection_id=h.inspection_id,
            enterprise_id=h.enterprise_id,
            description=h.description,
            severity=h.severity,
            found_on=h.found_on,
            deadline=h.deadline,
            fixed_on=h.fixed_on,
            fixed_in_time=h.fixed_in_time,
        )


class InspectionOut(BaseModel):
    id: uuid.UUID
    enterprise_id: uuid.UUID
    inspector_id: uuid.UUID
    inspected_on: dt.date
    findings: str
    hazards: list[HazardOut]

    @classmethod
    def of(cls, i: Inspection) -> "InspectionOut":
        return cls(
            id=i.id,
            enterprise_id=i.enterprise_id,
            inspector_id=i.inspector_id,
            inspected_on=i.inspected_on,
            findings=i.findings,
            hazards=[HazardOut.of(h) for h in i.hazards],
        )


@router.post("/enterprises/{enterprise_id}/safety-inspectors", response_model=SafetyInspectorOut, status_code=201)
async def appoint_safety_inspector(
    enterprise_id: uuid.UUID,
    body: commands.AppointSafetyInspector,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> SafetyInspectorOut:
    """Appoint a 群监员: a member of the enterprise's union (``member_id``) when it has one, else a
    named worker (``name``, optional ``phone``)."""
    async with runtime.uow() as uow:
        return SafetyInspectorOut.of(await safety.appoint(uow, principal, enterprise_id, body))


@router.get("/enterprises/{enterprise_id}/safety-inspectors", response_model=list[SafetyInspectorOut])
async def enterprise_safety_inspectors(
    enterprise_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[SafetyInspectorOut]:
    """The enterprise's inspectors, serving and retired."""
    async with runtime.uow() as uow:
        return [SafetyInspectorOut.of(i) for i in await safety.inspectors(uow, principal, enterprise_id)]


@router.post("/safety-inspectors/{inspector_id}/retirement", response_model=SafetyInspectorOut)
async def retire_safety_inspector(
    inspector_id: uuid.UUID,
    body: commands.RetireSafetyInspector,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> SafetyInspectorOut:
    async with runtime.uow() as uow:
        return SafetyInspectorOut.of(await safety.retire(uow, principal, inspector_id, body))


@router.post("/enterprises/{enterprise_id}/safety-inspections", response_model=InspectionOut, status_code=201)
async def record_safety_inspection(
    enterprise_id: uuid.UUID,
    body: commands.RecordSafetyInspection,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> InspectionOut:
    """Record an inspection by one of the enterprise's serving inspectors and the hazards it found."""
    async with runtime.uow() as uow:
        return InspectionOut.of(await safety.record_inspection(uow, principal, enterprise_id, body))


@router.get("/enterprises/{enterprise_id}/safety-inspections", response_model=list[InspectionOut])
async def enterprise_safety_inspections(
    enterprise_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[InspectionOut]:
    """The enterprise's inspections, newest first, each with its hazards."""
    async with runtime.uow() as uow:
        return [InspectionOut.of(i) for i in await safety.inspections(uow, principal, enterprise_id)]


@router.post("/safety-hazards/{hazard_id}/fix", response_model=HazardOut)
async def fix_safety_hazard(
    hazard_id: uuid.UUID, body: commands.FixHazard, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> HazardOut:
    """Mark a hazard fixed on a business date (not before it was found, not after today)."""
    async with runtime.uow() as uow:
        return HazardOut.of(await safety.fix_hazard(uow, principal, hazard_id, body))


class OverdueHazardOut(HazardOut):
    enterprise_name: str
    days_overdue: int


class OverdueOut(BaseModel):
    today: dt.date = Field(description="today in the federation's time zone")
    hazards: list[OverdueHazardOut]


@router.get("/organizations/{organization_id}/safety-hazards/overdue", response_model=OverdueOut)
async def overdue_safety_hazards(
    organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> OverdueOut:
    """Hazards of the subtree's enterprises still open after their deadline, oldest deadline first."""
    async with runtime.uow() as uow:
        found = await safety.overdue(uow, principal, organization_id)
    return OverdueOut(
        today=found.today,
        hazards=[
            OverdueHazardOut(
                **HazardOut.of(h).model_dump(), enterprise_name=e.name, days_overdue=(found.today - h.deadline).days
            )
            for h, e in found.hazards
        ],
    )


class InTimeShareOut(BaseModel):
    fixed_in_time: int
    found: int
    per_mille: int | None = Field(description="rounded; null when nothing was found")
    percent: float | None = Field(description="for display, one decimal")


class SafetyRollupOut(BaseModel):
    from_: dt.date = Field(alias="from")
    to: dt.date
    inspections: int
    enterprises_inspected: int
    hazards_found: int
    major_found: int = Field(description="重大隐患 among those found")
    fixed: int
    fixed_in_time: int
    open: int
    fixed_in_time_share: InTimeShareOut

    @classmethod
    def of(cls, r: SafetyRollup) -> "SafetyRollupOut":
        pm = r.in_time.per_mille
        return cls.model_validate(
            {
                "from": r.first,
                "to": r.last,
                "inspections": r.inspections,
                "enterprises_inspected": r.enterprises_inspected,
                "hazards_found": r.hazards_found,
                "major_found": r.major_found,
                "fixed": r.fixed,
                "fixed_in_time": r.fixed_in_time,
                "open": r.open,
                "fixed_in_time_share": InTimeShareOut(
                    fixed_in_time=r.in_time.part,
                    found=r.in_time.of,
                    per_mille=pm,
                    percent=None if pm is None else pm / 10,
                ),
            }
        )


@router.get(
    "/organizations/{organization_id}/safety-rollup",
    response_model=SafetyRollupOut,
    response_model_by_alias=True,
    responses=spreadsheet.openapi_responses(
        "The roll-up as JSON, or with `format=xlsx` as an Excel sheet (a line per enterprise inspected and the total)"
    ),
)
async def safety_supervision_rollup(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    first: Annotated[Day, Query(alias="from")],
    last: Annotated[Day, Query(alias="to")],
    output: Literal["json", "xlsx"] = Query(default="json", alias="format", description="`xlsx` for an Excel sheet"),
) -> SafetyRollupOut | Response:
    """The period's figures over the subtree: inspections held from ``from`` to ``to`` (business
    dates, both included), hazards they found, fixed, fixed in time, and the share fixed in time."""
    if output == "xlsx":
        language = language_of(request)
        async with runtime.uow() as uow:
            filename, rows = await safety_sheets.rollup_sheet(uow, principal, organization_id, first, last, language)
        return spreadsheet.xlsx_download(
            filename, safety_sheets.SHEET_TITLE[language], safety_sheets.SHEET_HEADERS[language], rows
        )
    async with runtime.uow() as uow:
        return SafetyRollupOut.of(await safety.rollup(uow, principal, organization_id, first, last))
