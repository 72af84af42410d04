"""The record chains (统计报表 and 职工之家 reviews, see ``adapters/record_chains.py``) verified for a
reader: officers and auditors in scope verify the chains of an organization and every
organization below it; outside the subtree is 404, like missing. The CLI verifies every chain."""

from unionfed_membership.service_layer import permissions, scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.record_chain.rules import Verification

READERS = (*permissions.OFFICERS, Role.AUDITOR)


async def verification(uow: MembershipUnitOfWork, principal: Principal, organization_id: str) -> Verification:
    organization = await scope.organization_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    below = [o.id for o in await uow.organizations.subtree(organization)]
    return await uow.record_chains.verify(sorted({organization.id, *below}))
