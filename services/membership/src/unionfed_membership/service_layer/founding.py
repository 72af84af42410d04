"""Founding a federation and registering the organizations below it: each one transaction, its
``organization_registered`` event in the outbox."""

from unionfed_membership.domain.model import Organization
from unionfed_membership.service_layer import commands
from unionfed_membership.service_layer.scope import organization_in_scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.membership import OrganizationRegisteredV1
from unionfed_shared.errors import Conflict


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
    organization = await stage_organization(uow, principal, command)
    await uow.commit()
    return organization


async def stage_organization(
    uow: MembershipUnitOfWork, principal: Principal, command: commands.RegisterOrganization
) -> Organization:
    """Register an organization and stage its event, without committing: the caller's transaction
    (registering it, or founding an enterprise's union) commits both."""
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
    return organization


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
