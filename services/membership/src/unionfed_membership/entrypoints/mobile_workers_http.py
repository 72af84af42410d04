"""HTTP for migrant and new-form workers: joint and trade unions (联合工会 / 行业工会), members' worker
categories and employers, 会籍接转 into an employer's union, and the counts over a subtree."""

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from unionfed_membership.domain.mobile_workers import (
    Employment,
    JointUnion,
    MobileWorkerCounts,
    NewForm,
    Tally,
    UnionForm,
    WorkerCategory,
)
from unionfed_membership.entrypoints.dependencies import CurrentRuntime
from unionfed_membership.entrypoints.http import MemberChangeOut, MemberChangeOutcomeOut, MemberOut
from unionfed_membership.service_layer import commands, mobile_workers, worker_sheets
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.documents import spreadsheet
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.problems import language_of
from unionfed_shared.wire_values import Day

router = APIRouter(prefix="/v1", tags=["membership migrant and new-form workers"], route_class=IdempotentRoute)


class JointUnionOut(BaseModel):
    organization_id: str
    form: UnionForm = Field(description="joint 联合工会, trade 行业工会")
    trade: str | None
    designated_on: dt.date

    @classmethod
    def of(cls, j: JointUnion) -> "JointUnionOut":
        return cls(organization_id=j.organization_id, form=j.form, trade=j.trade, designated_on=j.designated_on)


@router.put("/organizations/{organization_id}/joint-union", response_model=JointUnionOut)
async def designate_joint_union(
    organization_id: str, body: commands.DesignateJointUnion, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> JointUnionOut:
    """Designate a grassroots union a joint union (联合工会) or trade union (行业工会): its members,
    migrant and new-form workers, have no fixed employer union (federation admins)."""
    async with runtime.uow() as uow:
        return JointUnionOut.of(await mobile_workers.designate_joint_union(uow, principal, organization_id, body))


@router.get("/organizations/{organization_id}/joint-unions", response_model=list[JointUnionOut])
async def list_joint_unions(
    organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[JointUnionOut]:
    """The joint and trade unions of the organization's subtree."""
    async with runtime.uow() as uow:
        return [JointUnionOut.of(j) for j in await mobile_workers.joint_unions(uow, principal, organization_id)]


class WorkerCategoryOut(BaseModel):
    migrant_worker: bool
    new_form: NewForm | None
    effective_on: dt.date

    @classmethod
    def of(cls, c: WorkerCategory) -> "WorkerCategoryOut":
        return cls(migrant_worker=c.migrant_worker, new_form=c.new_form, effective_on=c.effective_on)


class EmploymentOut(BaseModel):
    id: uuid.UUID
    employer_name: str
    enterprise_id: uuid.UUID | None = Field(description="the enterprise of the register; null for an employer by name")
    started_on: dt.date
    ended_on: dt.date | None

    @classmethod
    def of(cls, e: Employment) -> "EmploymentOut":
        return cls(
            id=e.id,
            employer_name=e.employer_name,
            enterprise_id=e.enterprise_id,
            started_on=e.started_on,
            ended_on=e.ended_on,
        )


class WorkerRecordOut(BaseModel):
    member: MemberOut
    joint_union: JointUnionOut | None = Field(description="the member's union, when a joint or trade union")
    category: WorkerCategoryOut | None = Field(description="the current one")
    employer: EmploymentOut | None = Field(description="the current one")
    categories: list[WorkerCategoryOut]
    employments: list[EmploymentOut]


async def _record(uow, principal, member_id: uuid.UUID) -> WorkerRecordOut:
    r = await mobile_workers.worker_record(uow, principal, member_id)
    current = [e for e in r.employments if e.ended_on is None]
    return WorkerRecordOut(
        member=MemberOut.of(r.member, principal),
        joint_union=JointUnionOut.of(r.joint_union) if r.joint_union else None,
        category=WorkerCategoryOut.of(r.categories[-1]) if r.categories else None,
        employer=EmploymentOut.of(current[0]) if current else None,
        categories=[WorkerCategoryOut.of(c) for c in r.categories],
        employments=[EmploymentOut.of(e) for e in r.employments],
    )


@router.get("/members/{member_id}/worker-record", response_model=WorkerRecordOut)
async def worker_record(member_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> WorkerRecordOut:
    """The member's worker category (农民工, new form of work) and employers, dated (officers in scope, auditors)."""
    async with runtime.uow() as uow:
        return await _record(uow, principal, member_id)


@router.put("/members/{member_id}/worker-category", response_model=WorkerRecordOut)
async def record_worker_category(
    member_id: uuid.UUID, body: commands.RecordWorkerCategory, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> WorkerRecordOut:
    """The member's category from ``effective_on``; earlier ones stay on record."""
    async with runtime.uow() as uow:
        await mobile_workers.record_category(uow, principal, member_id, body)
    async with runtime.uow() as uow:
        return await _record(uow, principal, member_id)


@router.post("/members/{member_id}/employer-changes", response_model=WorkerRecordOut, status_code=201)
async def change_employer(
    member_id: uuid.UUID, body: commands.ChangeEmployer, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> WorkerRecordOut:
    """The member works for another employer (an enterprise of the register, or one by name such as a
    platform company), or for none, from ``effective_on``. The membership stays; the member's
    history records ``employer_changed``."""
    async with runtime.uow() as uow:
        await mobile_workers.change_employer(uow, principal, member_id, body)
    async with runtime.uow() as uow:
        return await _record(uow, principal, member_id)


@router.post("/members/{member_id}/transfer-to-employer-union", response_model=MemberChangeOutcomeOut)
async def transfer_to_employer_union(
    member_id: uuid.UUID, body: commands.TransferToEmployerUnion, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> MemberChangeOutcomeOut:
    """会籍接转: transfer the member into the union of their current employer, exactly as
    ``POST /v1/members/{member_id}/transfer`` does (both unions in the caller's scope,
    ``member_transferred`` emitted when it takes effect)."""
    async with runtime.uow() as uow:
        outcome = await mobile_workers.transfer_to_employer_union(uow, principal, member_id, body)
    return MemberChangeOutcomeOut(
        change=MemberChangeOut.of(outcome.change), member=MemberOut.of(outcome.member, principal)
    )


class TallyOut(BaseModel):
    members: int = Field(description="active members")
    joined: int = Field(description="of them, joined in the period")

    @classmethod
    def of(cls, t: Tally) -> "TallyOut":
        return cls(members=t.members, joined=t.joined)


class FormTallyOut(TallyOut):
    form: NewForm


class MobileWorkerCountsOut(BaseModel):
    from_: dt.date = Field(alias="from")
    to: dt.date
    migrant_workers: TallyOut
    new_form_workers: TallyOut
    migrant_and_new_form: TallyOut = Field(description="counted in both of the above")
    by_form: list[FormTallyOut]

    @classmethod
    def of(cls, c: MobileWorkerCounts) -> "MobileWorkerCountsOut":
        return cls.model_validate(
            {
                "from": c.first,
                "to": c.last,
                "migrant_workers": TallyOut.of(c.migrant_workers),
                "new_form_workers": TallyOut.of(c.new_form_workers),
                "migrant_and_new_form": TallyOut.of(c.migrant_and_new_form),
                "by_form": [FormTallyOut(form=f, members=t.members, joined=t.joined) for f, t in c.by_form],
            }
        )


@router.get(
    "/organizations/{organization_id}/mobile-worker-counts",
    response_model=MobileWorkerCountsOut,
    response_model_by_alias=True,
    responses=spreadsheet.openapi_responses("The counts as JSON, or with `format=xlsx` as an Excel sheet"),
)
async def mobile_worker_counts(
    organization_id: str,
    request: Request,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    first: Annotated[Day | None, Query(alias="from", description="default: 1 January of `to`'s year")] = None,
    last: Annotated[Day | None, Query(alias="to", description="default: today in the federation's zone")] = None,
    output: Literal["json", "xlsx"] = Query(default="json", alias="format", description="`xlsx` for an Excel sheet"),
) -> MobileWorkerCountsOut | Response:
    """Active migrant and new-form members of the federation's subtree (category as on ``to``), by
    form, and of them those who joined in the period (federation admins and auditors)."""
    if output == "xlsx":
        language = language_of(request)
        async with runtime.uow() as uow:
            filename, rows = await worker_sheets.counts_sheet(uow, principal, organization_id, first, last, language)
        return spreadsheet.xlsx_download(
            filename, worker_sheets.SHEET_TITLE[language], worker_sheets.SHEET_HEADERS[language], rows
        )
    async with runtime.uow() as uow:
        return MobileWorkerCountsOut.of(await mobile_workers.counts(uow, principal, organization_id, first, last))
