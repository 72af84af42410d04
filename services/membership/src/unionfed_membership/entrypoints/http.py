"""Membership HTTP API."""

import datetime as dt
import uuid
from typing import Literal

from fastapi import APIRouter, Query, status
from pydantic import BaseModel

from unionfed_membership.domain.model import DuesPayment, Member, Organization
from unionfed_membership.service_layer import commands, handlers
from unionfed_shared.errors import NotFound
from unionfed_shared.http import CurrentPrincipal, CurrentRuntime

router = APIRouter(prefix="/v1", tags=["membership"])


class OrganizationOut(BaseModel):
    id: str
    name: str
    kind: str
    parent_id: str | None
    path: list[str]

    @classmethod
    def of(cls, o: Organization) -> "OrganizationOut":
        return cls(id=o.id, name=o.name, kind=o.kind, parent_id=o.parent_id, path=list(o.path))


class MemberOut(BaseModel):
    id: uuid.UUID
    organization_id: str
    display_name: str
    gender: Literal["female", "male"]
    joined_on: dt.date
    status: str

    @classmethod
    def of(cls, m: Member) -> "MemberOut":
        return cls(
            id=m.id, organization_id=m.organization_id, display_name=m.display_name,
            gender=m.gender, joined_on=m.joined_on, status=m.status,
        )


class DuesPaymentOut(BaseModel):
    id: uuid.UUID
    member_id: uuid.UUID
    organization_id: str
    period: str
    amount_fen: int
    collected_at: dt.datetime

    @classmethod
    def of(cls, p: DuesPayment) -> "DuesPaymentOut":
        return cls(
            id=p.id, member_id=p.member_id, organization_id=p.organization_id,
            period=p.period, amount_fen=p.amount_fen, collected_at=p.collected_at,
        )


@router.post("/organizations", status_code=status.HTTP_201_CREATED, response_model=OrganizationOut)
async def register_organization(
    body: commands.RegisterOrganization, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> OrganizationOut:
    """Found a grassroots union, union group or sub-federation (建会) under an organization in scope."""
    async with runtime.uow() as uow:
        return OrganizationOut.of(await handlers.register_organization(uow, principal, body))


@router.get("/organizations/{organization_id}", response_model=OrganizationOut)
async def get_organization(organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime) -> OrganizationOut:
    async with runtime.uow() as uow:
        return OrganizationOut.of(await handlers.organization_in_scope(uow, principal, organization_id))


@router.get("/organizations/{organization_id}/subtree", response_model=list[OrganizationOut])
async def get_subtree(organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[OrganizationOut]:
    """The organization and everything under it, root first."""
    async with runtime.uow() as uow:
        root = await handlers.organization_in_scope(uow, principal, organization_id)
        return [OrganizationOut.of(o) for o in await uow.organizations.subtree(root)]


@router.post(
    "/organizations/{organization_id}/members", status_code=status.HTTP_201_CREATED, response_model=MemberOut
)
async def enrol_member(
    organization_id: str, body: commands.EnrolMember, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> MemberOut:
    """A member joins the union (入会)."""
    async with runtime.uow() as uow:
        return MemberOut.of(await handlers.enrol_member(uow, principal, organization_id, body))


@router.get("/organizations/{organization_id}/members", response_model=list[MemberOut])
async def list_members(organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[MemberOut]:
    async with runtime.uow() as uow:
        await handlers.organization_in_scope(uow, principal, organization_id)
        return [MemberOut.of(m) for m in await uow.members.in_organization(organization_id)]


@router.get("/members/{member_id}", response_model=MemberOut)
async def get_member(member_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> MemberOut:
    async with runtime.uow() as uow:
        member = await uow.members.get(member_id)
        organization = await uow.organizations.get(member.organization_id) if member else None
        if member is None or organization is None or not principal.can_see(organization.path):
            raise NotFound("member not found or outside your scope")
        return MemberOut.of(member)


@router.post(
    "/organizations/{organization_id}/dues-payments",
    status_code=status.HTTP_201_CREATED,
    response_model=DuesPaymentOut,
)
async def record_dues_payment(
    organization_id: str, body: commands.RecordDuesPayment, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> DuesPaymentOut:
    """Record a member's dues (会费) for one month, collected by the union."""
    async with runtime.uow() as uow:
        return DuesPaymentOut.of(await handlers.record_dues_payment(uow, principal, organization_id, body))


@router.get("/organizations/{organization_id}/dues-payments", response_model=list[DuesPaymentOut])
async def list_dues_payments(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    period: str | None = Query(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$"),
) -> list[DuesPaymentOut]:
    async with runtime.uow() as uow:
        await handlers.organization_in_scope(uow, principal, organization_id)
        return [DuesPaymentOut(**row) for row in await uow.dues.in_organization(organization_id, period)]
