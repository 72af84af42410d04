"""Finding what the caller may see: outside their subtree answers exactly like missing."""

import uuid

from unionfed_membership.domain.model import Member, Organization
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal
from unionfed_shared.errors import NotFound


async def organization_in_scope(uow: MembershipUnitOfWork, principal: Principal, organization_id: str) -> Organization:
    organization = await uow.organizations.get(organization_id)
    principal.require_scope(organization.path if organization else None)
    assert organization is not None  # require_scope refused a missing one
    return organization


async def member_in_scope(
    uow: MembershipUnitOfWork, principal: Principal, member_id: uuid.UUID, *, for_update: bool = False
) -> Member:
    member = await (uow.members.get_for_update(member_id) if for_update else uow.members.get(member_id))
    organization = await uow.organizations.get(member.organization_id) if member else None
    if member is None or organization is None or not principal.can_see(organization.path):
        raise NotFound(
            "member_not_found",
            zh="未找到该会员，或该会员不在您的管理范围内",
            en="member not found or outside your scope",
        )
    return member
