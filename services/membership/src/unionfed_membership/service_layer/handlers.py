"""Use cases of the membership service: each one transaction, its events in the outbox."""

import uuid

from unionfed_membership.domain import lifecycle
from unionfed_membership.domain.model import DuesPayment, Member, Organization
from unionfed_membership.service_layer import clock, commands
from unionfed_membership.service_layer.member_changes import apply_due_change
from unionfed_membership.service_layer.permissions import OFFICERS, require_officer
from unionfed_membership.service_layer.scope import member_in_scope, organization_in_scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.membership import DuesCollectedV1, MemberJoinedV1, OrganizationRegisteredV1
from unionfed_shared.errors import Conflict, NotFound

__all__ = [
    "OFFICERS",
    "enrol_member",
    "found_federation",
    "member_in_scope",
    "organization_in_scope",
    "read_personal_data",
    "record_dues_payment",
    "register_organization",
]


async def found_federation(
    uow: MembershipUnitOfWork, principal: Principal, command: commands.FoundFederation
) -> Organization:
    """Found a top-level federation (the root of a tree): a platform administrator's act, over HTTP
    (``POST /v1/federations``) or at the command line (``unionfed membership found-federation``)."""
    principal.require_role(Role.PLATFORM_ADMIN)
    if await uow.organizations.get(command.id):
        raise Conflict(
            "organization_already_exists",
            zh=f"组织 {command.id} 已存在",
            en=f"organization {command.id} already exists",
            pointer="#/id",
        )
    federation = Organization.found_federation(
        command.id, command.name, time_zone=command.time_zone, language=command.language, sector=command.sector
    )
    await uow.organizations.add(federation)
    uow.emit(_registered(federation))
    await uow.commit()
    return federation


async def register_organization(
    uow: MembershipUnitOfWork, principal: Principal, command: commands.RegisterOrganization
) -> Organization:
    parent = await organization_in_scope(uow, principal, command.parent_id)
    principal.require_role(Role.FEDERATION_ADMIN)
    # A move rewriting the parent's path must not interleave with founding a child under it.
    await uow.organizations.lock_tree(parent.federation_id)
    parent = await organization_in_scope(uow, principal, command.parent_id)
    if await uow.organizations.get(command.id):
        raise Conflict(
            "organization_already_exists",
            zh=f"组织 {command.id} 已存在",
            en=f"organization {command.id} already exists",
        )
    organization = parent.found_child(command.id, command.name, command.kind, sector=command.sector)
    await uow.organizations.add(organization)
    uow.emit(_registered(organization))
    await uow.commit()
    return organization


async def enrol_member(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, command: commands.EnrolMember
) -> Member:
    organization = await organization_in_scope(uow, principal, organization_id)
    await require_officer(uow, principal, "enrol_member")
    member = Member.join(
        organization,
        command.display_name,
        command.gender,
        command.joined_on,
        clock.today(organization.zone),
        id_number=command.id_number,
        phone=command.phone,
        staff_no=command.staff_no,
        base_salary_fen=command.base_salary_fen,
    )
    if member.id_number:
        existing = await uow.members.find_by_id_number(member.federation_id, member.id_number)
        if existing is not None:
            raise Conflict(
                "already_a_member", zh=f"此人已是会员（会员 {existing.id}）", en=f"already a member: {existing.id}"
            )
    await uow.members.add(member)
    await uow.history.add([lifecycle.joined(member, principal.subject, clock.now())])
    # Personal data (ID number, phone, salary) never travels in events.
    uow.emit(
        MemberJoinedV1(
            organization_id=member.organization_id,
            federation_id=member.federation_id,
            member_id=member.id,
            display_name=member.display_name,
            gender=member.gender,
            joined_on=member.joined_on,
        )
    )
    await uow.commit()
    return member


async def record_dues_payment(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, command: commands.RecordDuesPayment
) -> DuesPayment:
    organization = await organization_in_scope(uow, principal, organization_id)
    await require_officer(uow, principal, "record_dues")
    member = await uow.members.get_for_update(command.member_id)
    if member is not None:
        # A transfer that fell due moves whose union collects these dues.
        member = await apply_due_change(uow, member, clock.today(organization.zone), principal.subject)
    if member is None or member.organization_id != organization.id:
        raise NotFound(
            "member_not_found",
            zh=f"在 {organization.id} 中未找到会员 {command.member_id}",
            en=f"member {command.member_id} not found in {organization.id}",
        )
    payment = DuesPayment.collect(
        member,
        command.period,
        command.amount_fen,
        await uow.dues.paid_periods(member.id),
        clock.now(),
    )
    await uow.dues.add(payment)
    uow.emit(dues_collected(payment))
    await uow.commit()
    return payment


async def read_personal_data(uow: MembershipUnitOfWork, principal: Principal, member_id: uuid.UUID) -> Member:
    """The member with their ID number and phone in clear: officers in scope only."""
    member = await member_in_scope(uow, principal, member_id)
    await require_officer(uow, principal, "read_personal_data")
    return member


def _registered(organization: Organization) -> OrganizationRegisteredV1:
    return OrganizationRegisteredV1(
        organization_id=organization.id,
        federation_id=organization.federation_id,
        name=organization.name,
        kind=organization.kind,
        parent_id=organization.parent_id,
        path=list(organization.path),
        time_zone=organization.time_zone,
        language=organization.language,
        sector=organization.sector,
    )


def dues_collected(payment: DuesPayment) -> DuesCollectedV1:
    """What finance hears of a payment: the same whether collected one by one or a month at once."""
    return DuesCollectedV1(
        organization_id=payment.organization_id,
        federation_id=payment.federation_id,
        payment_id=payment.id,
        member_id=payment.member_id,
        period=payment.period,
        amount_fen=payment.amount_fen,
        collected_at=payment.collected_at,
    )
