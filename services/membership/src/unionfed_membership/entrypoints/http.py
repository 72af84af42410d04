"""Membership HTTP API."""

import datetime as dt
import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response, status
from pydantic import BaseModel

from unionfed_membership.domain.committee import ROLES, Term
from unionfed_membership.domain.lifecycle import MemberChange
from unionfed_membership.domain.member_search import MemberFilter
from unionfed_membership.domain.model import DuesPayment, Member, MemberStatus, Organization, OrganizationKind
from unionfed_membership.entrypoints.dependencies import CurrentRuntime
from unionfed_membership.service_layer import application_form as application_form_html
from unionfed_membership.service_layer import (
    clock,
    commands,
    committees,
    dues,
    founding,
    member_changes,
    member_search,
    members,
    organization_moves,
    permissions,
    scope,
)
from unionfed_shared.auth import Principal
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.documents import downloads, pdf, printed_form
from unionfed_shared.idempotent_routes import IdempotentRoute
from unionfed_shared.openapi_examples import example
from unionfed_shared.paging import DEFAULT_LIMIT, Cursor, Limit, Page

router = APIRouter(prefix="/v1", tags=["membership"], route_class=IdempotentRoute)


class OrganizationOut(BaseModel):
    id: str
    name: str
    kind: OrganizationKind
    parent_id: str | None
    path: list[str]
    time_zone: str
    language: str
    sector: str | None

    @classmethod
    def of(cls, o: Organization) -> "OrganizationOut":
        return cls(
            id=o.id,
            name=o.name,
            kind=o.kind,
            parent_id=o.parent_id,
            path=list(o.path),
            time_zone=o.time_zone,
            language=o.language,
            sector=o.sector,
        )


class MemberOut(BaseModel):
    id: uuid.UUID
    organization_id: str
    display_name: str
    gender: Literal["female", "male"]
    joined_on: dt.date
    status: MemberStatus
    # Officers only (federation_admin, union_officer); null for every other role.
    id_number_masked: str | None = None
    staff_no: str | None = None

    @classmethod
    def of(cls, m: Member, principal: Principal | None = None) -> "MemberOut":
        officer = principal is not None and principal.role in permissions.OFFICERS
        return cls(
            id=m.id,
            organization_id=m.organization_id,
            display_name=m.display_name,
            gender=m.gender,
            joined_on=m.joined_on,
            status=m.status,
            id_number_masked=m.masked_id_number if officer else None,
            staff_no=m.staff_no if officer else None,
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
            id=p.id,
            member_id=p.member_id,
            organization_id=p.organization_id,
            period=p.period,
            amount_fen=p.amount_fen,
            collected_at=p.collected_at,
        )


@router.post(
    "/organizations",
    status_code=status.HTTP_201_CREATED,
    response_model=OrganizationOut,
    summary="Found an organization under another",
)
async def register_organization(
    body: Annotated[
        commands.RegisterOrganization,
        example(
            "A primary school's union under the county federation",
            {
                "id": "county-edu-no1-primary",
                "name": "第一小学工会",
                "kind": "grassroots_union",
                "parent_id": "county-edu",
            },
        ),
    ],
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> OrganizationOut:
    """Found a grassroots union, union group or sub-federation (建会) under an organization in scope."""
    async with runtime.uow() as uow:
        return OrganizationOut.of(await founding.register_organization(uow, principal, body))


@router.post(
    "/federations",
    status_code=status.HTTP_201_CREATED,
    response_model=OrganizationOut,
    summary="Found a top-level federation (platform administrators only)",
)
async def found_federation(
    body: commands.FoundFederation, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> OrganizationOut:
    """Found the root of a new tree, e.g. a county education union. Only a `platform_admin` token
    (org and fed `platform`) may; the same use case as `unionfed membership found-federation`.
    Organizations under it are then founded by its federation administrators (`POST /v1/organizations`)."""
    async with runtime.uow() as uow:
        return OrganizationOut.of(await founding.found_federation(uow, principal, body))


@router.get("/organizations/{organization_id}", response_model=OrganizationOut, summary="An organization")
async def get_organization(
    organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> OrganizationOut:
    async with runtime.uow() as uow:
        return OrganizationOut.of(await scope.organization_in_scope(uow, principal, organization_id))


@router.get(
    "/organizations/{organization_id}/subtree",
    response_model=list[OrganizationOut],
    summary="An organization and everything under it",
)
async def get_subtree(
    organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[OrganizationOut]:
    """The organization and everything under it, root first."""
    async with runtime.uow() as uow:
        root = await scope.organization_in_scope(uow, principal, organization_id)
        return [OrganizationOut.of(o) for o in await uow.organizations.subtree(root)]


@router.post(
    "/organizations/{organization_id}/members",
    status_code=status.HTTP_201_CREATED,
    response_model=MemberOut,
    summary="Enrol a member (入会)",
)
async def enrol_member(
    organization_id: str,
    body: Annotated[
        commands.EnrolMember,
        example(
            "A teacher joins",
            {"display_name": "陈老师", "gender": "female", "joined_on": "2021-09-01", "staff_no": "T0042"},
        ),
    ],
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> MemberOut:
    """A member joins the union (入会). The optional ID number (GB 11643, check digit verified) and
    phone are stored encrypted and never returned here; an ID number already known in the
    federation is refused with 409 naming the existing member."""
    async with runtime.uow() as uow:
        return MemberOut.of(await members.enrol_member(uow, principal, organization_id, body), principal)


@router.get(
    "/organizations/{organization_id}/members",
    response_model=Page[MemberOut],
    summary="Members of an organization and everything under it, searchable, a page at a time",
)
async def list_members(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    name: str | None = Query(
        default=None,
        min_length=1,
        max_length=100,
        description="A part of the display name, e.g. 张 or 张三丰 (case-insensitive substring)",
    ),
    staff_no: str | None = Query(
        default=None,
        min_length=1,
        max_length=100,
        description="工号, exact; officers only (others 403)",
    ),
    id_tail: str | None = Query(
        default=None,
        max_length=20,
        description="The ID number's last 4 characters (as in the masked number, e.g. 123X); officers only (others 403)",
    ),
    union: str | None = Query(
        default=None,
        max_length=200,
        description="An organization in the subtree: only its members and those of the groups below it",
    ),
    status_: MemberStatus | None = Query(default=None, alias="status"),
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[MemberOut]:
    """Every member of the organization's whole subtree (a federation lists the members of all its
    unions), ordered by display name then id. Pass the answer's `next_cursor` as `cursor` for the
    next page; it is null on the last. Members enrolled while paging do not shift the pages."""
    wanted = MemberFilter(name=name, staff_no=staff_no, id_tail=id_tail, union_id=union, status=status_)
    async with runtime.uow() as uow:
        found, next_cursor = await member_search.search_members(uow, principal, organization_id, wanted, cursor, limit)
        return Page[MemberOut](items=[MemberOut.of(m, principal) for m in found], next_cursor=next_cursor)


@router.get("/members/{member_id}", response_model=MemberOut, summary="A member")
async def get_member(member_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> MemberOut:
    async with runtime.uow() as uow:
        return MemberOut.of(await scope.member_in_scope(uow, principal, member_id), principal)


@router.get(
    "/members/{member_id}/application-form",
    response_class=Response,
    responses=pdf.openapi_responses("The member's 入会申请书 on A4, filled in, to sign and seal"),
    summary="A member's membership application form (入会申请书) to print, filled in from the roster",
)
async def application_form(
    member_id: uuid.UUID,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    output: Literal["pdf"] = Query(default="pdf", alias="format", description="only `pdf`: the form is printed"),
) -> Response:
    """Whoever may read the member may print the form; as in GET /v1/members/{id}, the masked ID
    number and the staff number are filled in for officers only (blank, to write by hand, otherwise)."""
    async with runtime.uow() as uow:
        member = await scope.member_in_scope(uow, principal, member_id)
        organization = await uow.organizations.get(member.organization_id)
    assert organization is not None  # member_in_scope refused a member without one
    head = printed_form.Letterhead(organization.name, printed_form.lang_of(organization.language), organization.zone)
    officer = principal.role in permissions.OFFICERS
    page = application_form_html.render_application_form(
        member, head, show_personal_data=officer, printed_at=clock.now()
    )
    return downloads.attachment(
        await pdf.render_pdf(page), pdf.MEDIA_TYPE, application_form_html.file_name(member, head.lang)
    )


@router.post(
    "/organizations/{organization_id}/dues-payments",
    status_code=status.HTTP_201_CREATED,
    response_model=DuesPaymentOut,
    summary="Record a member's dues for a month",
)
async def record_dues_payment(
    organization_id: str,
    body: Annotated[
        commands.RecordDuesPayment,
        example(
            "November's dues, 21.50 yuan",
            {"member_id": "0b6f3c5e-5d0a-4c1e-9a57-2f1f4a9b8c11", "period": "2026-11", "amount_fen": 2150},
        ),
    ],
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> DuesPaymentOut:
    """Record a member's dues (会费) for one month, collected by the union."""
    async with runtime.uow() as uow:
        return DuesPaymentOut.of(await dues.record_dues_payment(uow, principal, organization_id, body))


@router.get(
    "/organizations/{organization_id}/dues-payments",
    response_model=list[DuesPaymentOut],
    summary="Dues collected by an organization",
)
async def list_dues_payments(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    period: str | None = Query(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$"),
) -> list[DuesPaymentOut]:
    async with runtime.uow() as uow:
        await scope.organization_in_scope(uow, principal, organization_id)
        return [DuesPaymentOut(**row) for row in await uow.dues.in_organization(organization_id, period)]


@router.get(
    "/members/{member_id}/dues-payments",
    response_model=list[DuesPaymentOut],
    summary="A member's dues, month by month",
)
async def member_dues_payments(
    member_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[DuesPaymentOut]:
    """Every month the member paid, oldest first, whichever union collected it (a transferred
    member's earlier months included). Whoever may see the member may see this."""
    async with runtime.uow() as uow:
        await scope.member_in_scope(uow, principal, member_id)
        return [DuesPaymentOut(**row) for row in await uow.dues.of_member(member_id)]


# Moving organizations


class OrganizationMoveOut(BaseModel):
    organization_id: str
    old_parent_id: str
    new_parent_id: str
    old_path: list[str]
    new_path: list[str]
    moved_on: dt.date
    moved_by: str
    recorded_at: dt.datetime


@router.post(
    "/organizations/{organization_id}/move",
    response_model=OrganizationOut,
    summary="Move an organization and its subtree under another parent",
)
async def move_organization(
    organization_id: str, body: commands.MoveOrganization, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> OrganizationOut:
    """Federation admins re-attach a union (or sub-federation, or union group) elsewhere in their
    tree; every path below it follows and the move is kept in the organization's history.
    Cycles, kind rules and moves out of the federation are refused with 422 and a reason."""
    async with runtime.uow() as uow:
        return OrganizationOut.of(await organization_moves.move_organization(uow, principal, organization_id, body))


@router.get(
    "/organizations/{organization_id}/moves",
    response_model=list[OrganizationMoveOut],
    summary="Where an organization was moved from and to",
)
async def list_moves(
    organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[OrganizationMoveOut]:
    async with runtime.uow() as uow:
        await scope.organization_in_scope(uow, principal, organization_id)
        return [OrganizationMoveOut(**row) for row in await uow.organizations.moves(organization_id)]


# Member lifecycle


class MemberChangeOut(BaseModel):
    id: uuid.UUID
    member_id: uuid.UUID
    change: str
    from_organization_id: str
    to_organization_id: str | None
    effective_on: dt.date
    status: Literal["scheduled", "applied", "cancelled"]
    recorded_at: dt.datetime
    recorded_by: str

    @classmethod
    def of(cls, c: MemberChange) -> "MemberChangeOut":
        return cls(
            id=c.id,
            member_id=c.member_id,
            change=c.change,
            from_organization_id=c.from_organization_id,
            to_organization_id=c.to_organization_id,
            effective_on=c.effective_on,
            status=c.status,
            recorded_at=c.recorded_at,
            recorded_by=c.recorded_by,
        )


class MemberChangeOutcomeOut(BaseModel):
    change: MemberChangeOut
    member: MemberOut


class HistoryEntryOut(BaseModel):
    id: int
    member_id: uuid.UUID
    organization_id: str
    change: str
    effective_on: dt.date
    recorded_at: dt.datetime
    recorded_by: str


def _outcome(outcome: member_changes.Outcome, principal: Principal) -> MemberChangeOutcomeOut:
    return MemberChangeOutcomeOut(
        change=MemberChangeOut.of(outcome.change), member=MemberOut.of(outcome.member, principal)
    )


@router.post(
    "/members/{member_id}/transfer",
    response_model=MemberChangeOutcomeOut,
    summary="Transfer a member to another union (教师交流), now or on a later date",
)
async def transfer_member(
    member_id: uuid.UUID,
    body: Annotated[
        commands.TransferMember,
        example(
            "Moves to another school at the start of term",
            {"to_organization_id": "county-edu-no2-middle", "effective_on": "2027-02-17"},
        ),
    ],
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
) -> MemberChangeOutcomeOut:
    """Both unions must be in the caller's scope. Effective today or earlier: applied now and
    ``member_transferred`` is emitted; later: recorded as scheduled and applied when due."""
    async with runtime.uow() as uow:
        return _outcome(await member_changes.transfer_member(uow, principal, member_id, body), principal)


@router.post(
    "/members/{member_id}/status",
    response_model=MemberChangeOutcomeOut,
    summary="Retire, leave, record a death, or rejoin, now or on a later date",
)
async def change_member_status(
    member_id: uuid.UUID, body: commands.ChangeMemberStatus, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> MemberChangeOutcomeOut:
    """Retired members stay in the union. A change effective later is scheduled;
    ``member_status_changed`` is emitted when it takes effect."""
    async with runtime.uow() as uow:
        return _outcome(await member_changes.change_member_status(uow, principal, member_id, body), principal)


@router.get(
    "/members/{member_id}/history",
    response_model=list[HistoryEntryOut],
    summary="A member's joining, transfers and status changes, in date order",
)
async def member_history(
    member_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> list[HistoryEntryOut]:
    async with runtime.uow() as uow:
        await scope.member_in_scope(uow, principal, member_id)
        return [HistoryEntryOut(**row) for row in await uow.history.of_member(member_id)]


@router.get(
    "/organizations/{organization_id}/scheduled-changes",
    response_model=list[MemberChangeOut],
    summary="Member changes leaving or reaching the organization's subtree",
)
async def scheduled_changes(
    organization_id: str,
    principal: CurrentPrincipal,
    runtime: CurrentRuntime,
    status_: Literal["scheduled", "applied", "cancelled"] | None = Query(
        default="scheduled", alias="status", description="Omit with status= for every change"
    ),
) -> list[MemberChangeOut]:
    """Scheduled by default: what will take effect, including transfers coming in from elsewhere."""
    async with runtime.uow() as uow:
        root = await scope.organization_in_scope(uow, principal, organization_id)
        ids = [o.id for o in await uow.organizations.subtree(root)]
        rows = await uow.scheduled_changes.touching(ids, status_)
        return [MemberChangeOut(**{k: row[k] for k in MemberChangeOut.model_fields}) for row in rows]


@router.delete(
    "/scheduled-changes/{change_id}", response_model=MemberChangeOut, summary="Cancel a change not yet in effect"
)
async def cancel_scheduled_change(
    change_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> MemberChangeOut:
    async with runtime.uow() as uow:
        return MemberChangeOut.of(await member_changes.cancel_scheduled_change(uow, principal, change_id))


# Personal data


class PersonalDataOut(BaseModel):
    member_id: uuid.UUID
    id_number: str | None
    phone: str | None
    staff_no: str | None
    base_salary_fen: int | None


@router.get(
    "/members/{member_id}/personal-data",
    response_model=PersonalDataOut,
    summary="A member's ID number, phone, staff number and salary (officers in scope)",
)
async def personal_data(member_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime) -> PersonalDataOut:
    """The only answer that carries the ID number and phone in clear. Federation admins and union
    officers in scope (and, once a committee is elected, its chair or vice chair); others 403."""
    async with runtime.uow() as uow:
        m = await members.read_personal_data(uow, principal, member_id)
        return PersonalDataOut(
            member_id=m.id, id_number=m.id_number, phone=m.phone, staff_no=m.staff_no, base_salary_fen=m.base_salary_fen
        )


# Committees


class SeatOut(BaseModel):
    role: str
    role_name: str
    subject: str
    display_name: str


class TermOut(BaseModel):
    id: uuid.UUID
    organization_id: str
    number: int
    elected_on: dt.date
    starts_on: dt.date
    ends_on: dt.date
    closed_on: dt.date | None
    current: bool
    roster: list[SeatOut]

    @classmethod
    def of(cls, t: Term) -> "TermOut":
        return cls(
            id=t.id,
            organization_id=t.organization_id,
            number=t.number,
            elected_on=t.elected_on,
            starts_on=t.starts_on,
            ends_on=t.ends_on,
            closed_on=t.closed_on,
            current=t.closed_on is None,
            roster=[
                SeatOut(role=s.role, role_name=ROLES[s.role], subject=s.subject, display_name=s.display_name)
                for s in t.roster
            ],
        )


@router.post(
    "/organizations/{organization_id}/committee-terms",
    status_code=status.HTTP_201_CREATED,
    response_model=TermOut,
    summary="Record an election (换届): the new committee's term and roster",
)
async def elect_committee(
    organization_id: str, body: commands.ElectCommittee, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> TermOut:
    """The new term closes the current one. From then on the union's officer tokens are honoured
    only for subjects on the new roster, for what their roles allow."""
    async with runtime.uow() as uow:
        return TermOut.of(await committees.elect_committee(uow, principal, organization_id, body))


@router.get(
    "/organizations/{organization_id}/committee-terms",
    response_model=list[TermOut],
    summary="Every term of the union's committee, oldest first",
)
async def committee_terms(organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime) -> list[TermOut]:
    async with runtime.uow() as uow:
        await scope.organization_in_scope(uow, principal, organization_id)
        return [TermOut.of(t) for t in await uow.committees.terms(organization_id)]


@router.get(
    "/organizations/{organization_id}/committee",
    response_model=TermOut | None,
    summary="The union's current committee (null before its first election)",
)
async def current_committee(
    organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime
) -> TermOut | None:
    async with runtime.uow() as uow:
        await scope.organization_in_scope(uow, principal, organization_id)
        term = await uow.committees.current(organization_id)
        return TermOut.of(term) if term else None
