"""Use cases of the membership service: each one transaction, its events in the outbox."""

import datetime as dt

from unionfed_membership.domain.model import DuesPayment, Member, Organization
from unionfed_membership.service_layer import commands
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.membership import DuesCollectedV1, MemberJoinedV1, OrganizationRegisteredV1
from unionfed_shared.errors import Conflict, NotFound

OFFICERS = (Role.FEDERATION_ADMIN, Role.UNION_OFFICER)


async def found_federation(uow: MembershipUnitOfWork, command: commands.FoundFederation) -> Organization:
    """Found a root federation; an operator's act (CLI), not an API call."""
    if await uow.organizations.get(command.id):
        raise Conflict(f"organization {command.id} already exists")
    federation = Organization.found_federation(command.id, command.name)
    await uow.organizations.add(federation)
    uow.emit(_registered(federation))
    await uow.commit()
    return federation


async def register_organization(
    uow: MembershipUnitOfWork, principal: Principal, command: commands.RegisterOrganization
) -> Organization:
    parent = await organization_in_scope(uow, principal, command.parent_id)
    principal.require_role(Role.FEDERATION_ADMIN)
    if await uow.organizations.get(command.id):
        raise Conflict(f"organization {command.id} already exists")
    organization = parent.found_child(command.id, command.name, command.kind)
    await uow.organizations.add(organization)
    uow.emit(_registered(organization))
    await uow.commit()
    return organization


async def enrol_member(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, command: commands.EnrolMember
) -> Member:
    organization = await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*OFFICERS)
    member = Member.join(organization, command.display_name, command.gender, command.joined_on, dt.date.today())
    await uow.members.add(member)
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
    principal.require_role(*OFFICERS)
    member = await uow.members.get(command.member_id)
    if member is None or member.organization_id != organization.id:
        raise NotFound(f"member {command.member_id} not found in {organization.id}")
    payment = DuesPayment.collect(
        member,
        command.period,
        command.amount_fen,
        await uow.dues.paid_periods(member.id),
        dt.datetime.now(dt.UTC),
    )
    await uow.dues.add(payment)
    uow.emit(
        DuesCollectedV1(
            organization_id=payment.organization_id,
            federation_id=payment.federation_id,
            payment_id=payment.id,
            member_id=payment.member_id,
            period=payment.period,
            amount_fen=payment.amount_fen,
            collected_at=payment.collected_at,
        )
    )
    await uow.commit()
    return payment


async def organization_in_scope(uow: MembershipUnitOfWork, principal: Principal, organization_id: str) -> Organization:
    organization = await uow.organizations.get(organization_id)
    principal.require_scope(organization.path if organization else None)
    return organization


def _registered(organization: Organization) -> OrganizationRegisteredV1:
    return OrganizationRegisteredV1(
        organization_id=organization.id,
        federation_id=organization.federation_id,
        name=organization.name,
        kind=organization.kind,
        parent_id=organization.parent_id,
        path=list(organization.path),
    )
