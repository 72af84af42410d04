"""HTTP for the street federation's register of enterprises, founding unions in them (建会) and
their collective contracts (集体合同)."""

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from unionfed_membership.domain.collective_contracts import (
    CollectiveContract,
    ContractFilter,
    ContractKind,
    ContractState,
    KindFigures,
    Rate,
    Rollup,
    RollupKind,
)
from unionfed_membership.domain.enterprises import SHOULD_FOUND_THRESHOLD, Enterprise
from unionfed_membership.entrypoints.dependencies import CurrentRuntime
from unionfed_membership.service_layer import collective_contracts, commands, contract_sheets, enterprises
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.documents import spreadsheet
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.paging import DEFAULT_LIMIT, Cursor, Limit, Page
from unionfed_shared.problems import language_of
from unionfed_shared.wire_values import Day

router = APIRouter(prefix="/v1", tags=["membership enterprises and collective contracts"], route_class=IdempotentRoute)


class EnterpriseOut(BaseModel):
    id: uuid.UUID
    organization_id: str = Field(description="the federation-level organization that registers it")
    name: str
    credit_code: str
    workers: int
    union_id: str | None
    union_founded_on: dt.date | None

    @classmethod
    def of(cls, e: Enterprise) -> "EnterpriseOut":
        return cls(
            id=e.id,
            organization_id=e.organization_id,
            name=e.name,
            credit_code=e.credit_code,
            workers=e.workers,
            union_id=e.union_id,
            union_founded_on=e.union_founded_on,
        )


@router.post("/organizations/{organization_id}/enterprises", response_model=EnterpriseOut, status_code=201)
async def register_enterprise(
    organization_id: str, body: commands.RegisterEnterprise, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> EnterpriseOut:
    """Register an enterprise of the organization's area (federation admins of a federation-level organization)."""
    async with runtime.uow() as uow:
        return EnterpriseOut.of(await enterprises.register(uow, principal, organization_id, body))


@router.get("/organizations/{organization_id}/enterprises", response_model=list[EnterpriseOut])
async def list_enterprises(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    union: Annotated[Literal["with", "without"] | None, Query(description="only with, or without, a union")] = None,
    twenty_plus: Annotated[bool, Query(description="only enterprises with 20 or more workers")] = False,
) -> list[EnterpriseOut]:
    """The register of the organization's subtree."""
    has_union = None if union is None else union == "with"
    async with runtime.uow() as uow:
        found = await enterprises.listed(uow, principal, organization_id, has_union=has_union, twenty_plus=twenty_plus)
        return [EnterpriseOut.of(e) for e in found]


@router.get("/organizations/{organization_id}/enterprises/should-found", response_model=list[EnterpriseOut])
async def enterprises_to_found(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    threshold: Annotated[int, Query(ge=1, le=100_000, description="workers from which a union should exist")] = (
        SHOULD_FOUND_THRESHOLD
    ),
) -> list[EnterpriseOut]:
    """应建未建: enterprises of the subtree without a union and with ``threshold`` (default 25) or more workers."""
    async with runtime.uow() as uow:
        return [EnterpriseOut.of(e) for e in await enterprises.should_found(uow, principal, organization_id, threshold)]


@router.get("/enterprises/{enterprise_id}", response_model=EnterpriseOut)
async def get_enterprise(
    enterprise_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> EnterpriseOut:
    async with runtime.uow() as uow:
        return EnterpriseOut.of(await enterprises.get(uow, principal, enterprise_id))


@router.patch("/enterprises/{enterprise_id}", response_model=EnterpriseOut)
async def edit_enterprise(
    enterprise_id: uuid.UUID, body: commands.EditEnterprise, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> EnterpriseOut:
    """Correct the enterprise's workers count."""
    async with runtime.uow() as uow:
        return EnterpriseOut.of(await enterprises.edit(uow, principal, enterprise_id, body))


@router.post("/enterprises/{enterprise_id}/union", response_model=EnterpriseOut, status_code=201)
async def found_enterprise_union(
    enterprise_id: uuid.UUID, body: commands.FoundEnterpriseUnion, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> EnterpriseOut:
    """建会: register the enterprise's grassroots union in the tree (under the organization that
    registers the enterprise) and record its founding date."""
    async with runtime.uow() as uow:
        return EnterpriseOut.of(await enterprises.found_union(uow, principal, enterprise_id, body))


class FoundingsOut(BaseModel):
    from_: dt.date = Field(alias="from")
    to: dt.date
    founded: int
    enterprises: list[EnterpriseOut]


@router.get(
    "/organizations/{organization_id}/union-foundings", response_model=FoundingsOut, response_model_by_alias=True
)
async def union_foundings(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    first: Annotated[Day, Query(alias="from")],
    last: Annotated[Day, Query(alias="to")],
) -> FoundingsOut:
    """Unions founded in enterprises of the subtree in a period of business dates (both ends included)."""
    async with runtime.uow() as uow:
        f = await enterprises.founded_between(uow, principal, organization_id, first, last)
    return FoundingsOut.model_validate(
        {
            "from": f.first,
            "to": f.last,
            "founded": len(f.enterprises),
            "enterprises": [EnterpriseOut.of(e) for e in f.enterprises],
        }
    )


class NegotiationOut(BaseModel):
    rounds: int
    wage_increase_per_mille: int | None


class CollectiveContractOut(BaseModel):
    id: uuid.UUID
    enterprise_id: uuid.UUID
    kind: ContractKind
    employer_party: str
    union_party: str
    signed_on: dt.date
    valid_from: dt.date
    valid_until: dt.date
    workers_covered: int
    negotiation: NegotiationOut | None
    filed_on: dt.date | None
    replaces_id: uuid.UUID | None
    replaced_by_id: uuid.UUID | None
    replaced_from: dt.date | None

    @classmethod
    def of(cls, c: CollectiveContract) -> "CollectiveContractOut":
        n = c.negotiation
        return cls(
            id=c.id,
            enterprise_id=c.enterprise_id,
            kind=c.kind,
            employer_party=c.employer_party,
            union_party=c.union_party,
            signed_on=c.signed_on,
            valid_from=c.valid_from,
            valid_until=c.valid_until,
            workers_covered=c.workers_covered,
            negotiation=NegotiationOut(rounds=n.rounds, wage_increase_per_mille=n.wage_increase_per_mille)
            if n
            else None,
            filed_on=c.filed_on,
            replaces_id=c.replaces_id,
            replaced_by_id=c.replaced_by_id,
            replaced_from=c.replaced_from,
        )


@router.post("/enterprises/{enterprise_id}/collective-contracts", response_model=CollectiveContractOut, status_code=201)
async def sign_collective_contract(
    enterprise_id: uuid.UUID,
    body: commands.SignCollectiveContract,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> CollectiveContractOut:
    """Record a collective contract the enterprise's union signed."""
    async with runtime.uow() as uow:
        return CollectiveContractOut.of(await collective_contracts.sign(uow, principal, enterprise_id, body))


@router.get("/enterprises/{enterprise_id}/collective-contracts", response_model=list[CollectiveContractOut])
async def enterprise_collective_contracts(
    enterprise_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[CollectiveContractOut]:
    async with runtime.uow() as uow:
        return [
            CollectiveContractOut.of(c) for c in await collective_contracts.of_enterprise(uow, principal, enterprise_id)
        ]


@router.post("/collective-contracts/{contract_id}/renewal", response_model=CollectiveContractOut, status_code=201)
async def renew_collective_contract(
    contract_id: uuid.UUID,
    body: commands.SignCollectiveContract,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> CollectiveContractOut:
    """A new contract replacing this one (same kind, starting later); both stay on record, linked."""
    async with runtime.uow() as uow:
        return CollectiveContractOut.of(await collective_contracts.renew(uow, principal, contract_id, body))


class RegisteredContractOut(CollectiveContractOut):
    enterprise_name: str
    state: ContractState = Field(description="on the federation's today: pending, in_force, expired or superseded")


@router.get(
    "/organizations/{organization_id}/collective-contracts",
    response_model=Page[RegisteredContractOut],
    summary="Every collective contract of the organization's register, a page at a time",
    responses=spreadsheet.openapi_responses(
        "A page of contracts as JSON, or with `format=xlsx` every contract the filter finds as an Excel sheet"
    ),
)
async def organization_collective_contracts(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    kind: ContractKind | None = None,
    state: Annotated[ContractState | None, Query(description="on the federation's today")] = None,
    enterprise: Annotated[
        str | None, Query(min_length=1, max_length=100, description="a part of the enterprise's name")
    ] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
    output: Literal["json", "xlsx"] = Query(default="json", alias="format", description="`xlsx` for an Excel sheet"),
) -> Page[RegisteredContractOut] | Response:
    """By signing date. For a federation-level organization, the contracts of every enterprise its
    subtree registers (its administrators and auditors); for an enterprise's union, that enterprise's
    (its officers too). Pass the answer's `next_cursor` as `cursor` for the next page; null on the
    last. The sheet (`format=xlsx`) holds every contract the filter finds."""
    wanted = ContractFilter(kind=kind, state=state, enterprise_name=enterprise)
    if output == "xlsx":
        language = language_of(request)
        async with runtime.uow() as uow:
            filename, rows = await contract_sheets.list_sheet(uow, principal, organization_id, wanted, language)
        return spreadsheet.xlsx_download(
            filename, contract_sheets.LIST_TITLE[language], contract_sheets.LIST_HEADERS[language], rows
        )
    async with runtime.uow() as uow:
        register = await collective_contracts.register_of(uow, principal, organization_id, wanted)
        found, next_cursor = await collective_contracts.page(uow, register, cursor, limit)
    return Page[RegisteredContractOut](
        items=[
            RegisteredContractOut(
                **CollectiveContractOut.of(c).model_dump(),
                enterprise_name=enterprise_name,
                state=c.state_on(register.today),
            )
            for c, enterprise_name in found
        ],
        next_cursor=next_cursor,
    )


class ExpiringContractOut(CollectiveContractOut):
    enterprise_name: str
    days_left: int


class ExpiringOut(BaseModel):
    today: dt.date = Field(description="today in the federation's time zone")
    within_days: int
    contracts: list[ExpiringContractOut]


@router.get("/organizations/{organization_id}/collective-contracts/expiring", response_model=ExpiringOut)
async def expiring_collective_contracts(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    within_days: Annotated[int, Query(ge=0, le=366)] = 30,
) -> ExpiringOut:
    """The reminder list: contracts of the subtree in force and not renewed whose term ends within ``within_days``."""
    async with runtime.uow() as uow:
        found = await collective_contracts.expiring(uow, principal, organization_id, within_days)
    return ExpiringOut(
        today=found.today,
        within_days=found.within_days,
        contracts=[
            ExpiringContractOut(
                **CollectiveContractOut.of(c).model_dump(),
                enterprise_name=e.name,
                days_left=(c.valid_until - found.today).days,
            )
            for c, e in found.contracts
        ],
    )


class RateOut(BaseModel):
    signed: int
    of: int
    per_mille: int | None = Field(description="rounded; null when there is nothing to count")
    percent: float | None = Field(description="for display, one decimal")

    @classmethod
    def of_rate(cls, r: Rate) -> "RateOut":
        pm = r.per_mille
        return cls(signed=r.signed, of=r.of, per_mille=pm, percent=None if pm is None else pm / 10)


class KindFiguresOut(BaseModel):
    kind: RollupKind
    contracts: int
    enterprises: int
    workers_covered: int
    among_with_union: RateOut
    among_twenty_plus: RateOut

    @classmethod
    def of(cls, k: KindFigures) -> "KindFiguresOut":
        return cls(
            kind=k.kind,
            contracts=k.contracts,
            enterprises=k.enterprises,
            workers_covered=k.workers_covered,
            among_with_union=RateOut.of_rate(k.among_with_union),
            among_twenty_plus=RateOut.of_rate(k.among_twenty_plus),
        )


class RollupOut(BaseModel):
    on: dt.date
    enterprises: int
    with_union: int
    twenty_plus: int
    twenty_plus_with_union: int
    unions_founded_in_year: int = Field(description="unions founded from 1 January of `on`'s year to `on`")
    by_kind: list[KindFiguresOut]

    @classmethod
    def of(cls, r: Rollup) -> "RollupOut":
        return cls(
            on=r.on,
            enterprises=r.enterprises,
            with_union=r.with_union,
            twenty_plus=r.twenty_plus,
            twenty_plus_with_union=r.twenty_plus_with_union,
            unions_founded_in_year=r.unions_founded_in_year,
            by_kind=[KindFiguresOut.of(k) for k in r.by_kind],
        )


@router.get(
    "/organizations/{organization_id}/collective-contracts/rollup",
    response_model=RollupOut,
    responses=spreadsheet.openapi_responses("The roll-up as JSON, or with `format=xlsx` as an Excel sheet"),
)
async def collective_contracts_rollup(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    on: Annotated[Day | None, Query(description="the business date; default today in the federation's zone")] = None,
    output: Literal["json", "xlsx"] = Query(default="json", alias="format", description="`xlsx` for an Excel sheet"),
) -> RollupOut | Response:
    """The reports' indicators over the subtree on a day: contracts in force by kind, signing rates
    over enterprises with a union and over enterprises with 20 or more workers, workers covered."""
    if output == "xlsx":
        language = language_of(request)
        async with runtime.uow() as uow:
            filename, rows = await contract_sheets.rollup_sheet(uow, principal, organization_id, on, language)
        return spreadsheet.xlsx_download(
            filename, contract_sheets.SHEET_TITLE[language], contract_sheets.SHEET_HEADERS[language], rows
        )
    async with runtime.uow() as uow:
        return RollupOut.of(await collective_contracts.subtree_rollup(uow, principal, organization_id, on))
