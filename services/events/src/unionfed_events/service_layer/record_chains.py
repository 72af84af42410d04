"""The record chains (信息报送, evaluation results, 师德 lists, see ``adapters/record_chains.py``)
verified for a reader: officers and auditors in scope verify the chains of an organization and
every organization below it; outside the subtree is 404, like missing. The CLI verifies every chain."""

from unionfed_events.service_layer.union_scope import OFFICERS, organization_in_scope
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.record_chain.rules import Verification

READERS = (*OFFICERS, Role.AUDITOR)


async def verification(uow: EventsUnitOfWork, principal: Principal, organization_id: str) -> Verification:
    organization = await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    below = await uow.unions.organization_ids_under(organization.id)
    return await uow.record_chains.verify(sorted({organization.id, *below}))
