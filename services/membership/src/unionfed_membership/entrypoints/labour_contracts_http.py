"""HTTP for labour-contract signing checks in registered enterprises (春暖行动) and their roll-up."""

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from unionfed_membership.domain.labour_contracts import TARGET_PER_MILLE, LabourContractCheck, SigningRollup
from unionfed_membership.entrypoints.dependencies import CurrentRuntime
from unionfed_membership.entrypoints.enterprises_http import RateOut
from unionfed_membership.service_layer import commands, labour_contract_sheets, labour_contracts
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.documents import spreadsheet
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.problems import language_of
from unionfed_shared.wire_values import Day

router = APIRouter(prefix="/v1", tags=["membership labour-contract checks"], route_class=IdempotentRoute)


class LabourContractCheckOut(BaseModel):
    id: uuid.UUID
    enterprise_id: uuid.UUID
    checked_on: dt.date
    workers_checked: int
    workers_signed: int
    migrant_checked: int
    migrant_signed: int
    note: str | None
    rate: RateOut
    migrant_rate: RateOut

    @classmethod
    def of(cls, c: LabourContractCheck) -> "LabourContractCheckOut":
        return cls(
            id=c.id,
            enterprise_id=c.enterprise_id,
            checked_on=c.checked_on,
            workers_checked=c.workers_checked,
            workers_signed=c.workers_signed,
            migrant_checked=c.migrant_checked,
            migrant_signed=c.migrant_signed,
            note=c.note,
            rate=RateOut.of_rate(c.rate),
            migrant_rate=RateOut.of_rate(c.migrant_rate),
        )


@router.post(
    "/enterprises/{enterprise_id}/labour-contract-checks", response_model=LabourContractCheckOut, status_code=201
)
async def record_labour_contract_check(
    enterprise_id: uuid.UUID,
    body: commands.RecordLabourContractCheck,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> LabourContractCheckOut:
    """Record a labour-contract check in the enterprise (federation admins)."""
    async with runtime.uow() as uow:
        return LabourContractCheckOut.of(await labour_contracts.record_check(uow, principal, enterprise_id, body))


@router.get("/enterprises/{enterprise_id}/labour-contract-checks", response_model=list[LabourContractCheckOut])
async def enterprise_labour_contract_checks(
    enterprise_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[LabourContractCheckOut]:
    async with runtime.uow() as uow:
        return [LabourContractCheckOut.of(c) for c in await labour_contracts.checks_of(uow, principal, enterprise_id)]


class BelowOut(BaseModel):
    enterprise_id: uuid.UUID
    enterprise_name: str
    check: LabourContractCheckOut


class SigningRollupOut(BaseModel):
    from_: dt.date = Field(alias="from")
    to: dt.date
    enterprises_checked: int
    overall: RateOut = Field(description="workers with a signed labour contract of the workers checked")
    migrant: RateOut = Field(description="the same for migrant workers")
    below_per_mille: int
    below: list[BelowOut] = Field(
        description="enterprises whose latest check is below the rate, overall or for migrant workers; lowest first"
    )

    @classmethod
    def of(cls, r: SigningRollup) -> "SigningRollupOut":
        return cls.model_validate(
            {
                "from": r.first,
                "to": r.last,
                "enterprises_checked": r.enterprises_checked,
                "overall": RateOut.of_rate(r.overall),
                "migrant": RateOut.of_rate(r.migrant),
                "below_per_mille": r.below_per_mille,
                "below": [
                    BelowOut(enterprise_id=e.id, enterprise_name=e.name, check=LabourContractCheckOut.of(c))
                    for e, c in r.below
                ],
            }
        )


@router.get(
    "/organizations/{organization_id}/labour-contract-checks/rollup",
    response_model=SigningRollupOut,
    response_model_by_alias=True,
    responses=spreadsheet.openapi_responses(
        "The roll-up as JSON, or with `format=xlsx` as an Excel sheet (a line per enterprise checked and the total)"
    ),
)
async def labour_contract_rollup(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    first: Annotated[Day | None, Query(alias="from", description="default: 1 January of `to`'s year")] = None,
    last: Annotated[Day | None, Query(alias="to", description="default: today in the federation's zone")] = None,
    below_per_mille: Annotated[
        int, Query(ge=1, le=1000, description="list enterprises below this rate (‰); default 980, 春暖行动's 98 %")
    ] = TARGET_PER_MILLE,
    output: Literal["json", "xlsx"] = Query(default="json", alias="format", description="`xlsx` for an Excel sheet"),
) -> SigningRollupOut | Response:
    """春暖行动: the labour-contract signing rate over the subtree's enterprises checked in the period
    (each by its latest check), overall and for migrant workers, and the enterprises below the rate."""
    if output == "xlsx":
        language = language_of(request)
        async with runtime.uow() as uow:
            filename, rows = await labour_contract_sheets.rollup_sheet(
                uow, principal, organization_id, first, last, below_per_mille, language
            )
        return spreadsheet.xlsx_download(
            filename, labour_contract_sheets.SHEET_TITLE[language], labour_contract_sheets.SHEET_HEADERS[language], rows
        )
    async with runtime.uow() as uow:
        found = await labour_contracts.signing_rollup(uow, principal, organization_id, first, last, below_per_mille)
    return SigningRollupOut.of(found)
