"""Collective contracts (集体合同) of registered enterprises: signing, renewal, the expiry reminder
and the roll-up of the reports' indicators over an organization's subtree."""

import datetime as dt
import uuid
from dataclasses import dataclass

from unionfed_membership.domain.collective_contracts import CollectiveContract, Negotiation, Rollup, rollup
from unionfed_membership.domain.enterprises import Enterprise
from unionfed_membership.domain.model import Organization
from unionfed_membership.service_layer import clock, commands
from unionfed_membership.service_layer.enterprises import READERS, enterprise_in_scope, registrar_in_scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import NotFound


def _contract(
    enterprise: Enterprise,
    command: commands.SignCollectiveContract,
    today: dt.date,
    replaces_id: uuid.UUID | None = None,
) -> CollectiveContract:
    negotiation = command.negotiation
    return CollectiveContract.sign(
        enterprise,
        kind=command.kind,
        employer_party=command.employer_party,
        union_party=command.union_party,
        signed_on=command.signed_on,
        valid_from=command.valid_from,
        valid_until=command.valid_until,
        workers_covered=command.workers_covered,
        negotiation=Negotiation(negotiation.rounds, negotiation.wage_increase_per_mille) if negotiation else None,
        filed_on=command.filed_on,
        today=today,
        replaces_id=replaces_id,
    )


async def sign(
    uow: MembershipUnitOfWork, principal: Principal, enterprise_id: uuid.UUID, command: commands.SignCollectiveContract
) -> CollectiveContract:
    enterprise, registrar = await enterprise_in_scope(uow, principal, enterprise_id)
    principal.require_role(Role.FEDERATION_ADMIN)
    contract = _contract(enterprise, command, clock.today(registrar.zone))
    await uow.collective_contracts.add(contract, principal.subject)
    await uow.commit()
    return contract


async def _contract_in_scope(
    uow: MembershipUnitOfWork, principal: Principal, contract_id: uuid.UUID, *, for_update: bool = False
) -> tuple[CollectiveContract, Enterprise, Organization]:
    """The contract, its enterprise and the organization registering it; outside the caller's
    subtree answers as missing."""
    contract = await uow.collective_contracts.get(contract_id, for_update=for_update)
    found = None
    if contract is not None:
        try:
            found = await enterprise_in_scope(uow, principal, contract.enterprise_id)
        except NotFound:
            found = None
    if contract is None or found is None:
        raise NotFound(
            "collective_contract_not_found",
            zh="未找到该集体合同，或其不在您的管理范围内",
            en="collective contract not found or outside your scope",
        )
    return contract, *found


async def renew(
    uow: MembershipUnitOfWork, principal: Principal, contract_id: uuid.UUID, command: commands.SignCollectiveContract
) -> CollectiveContract:
    """A new contract replacing ``contract_id``: the old one stays on record, in force until the
    day before the renewal starts, and the two are linked both ways."""
    old, enterprise, registrar = await _contract_in_scope(uow, principal, contract_id, for_update=True)
    principal.require_role(Role.FEDERATION_ADMIN)
    old.check_renewable_by(command.valid_from, command.kind)
    renewal = _contract(enterprise, command, clock.today(registrar.zone), replaces_id=old.id)
    await uow.collective_contracts.add(renewal, principal.subject)
    await uow.collective_contracts.save_replacement(old.replaced_by(renewal))
    await uow.commit()
    return renewal


async def of_enterprise(
    uow: MembershipUnitOfWork, principal: Principal, enterprise_id: uuid.UUID
) -> list[CollectiveContract]:
    enterprise, _ = await enterprise_in_scope(uow, principal, enterprise_id)
    principal.require_role(*READERS)
    return await uow.collective_contracts.of_enterprise(enterprise.id)


@dataclass(frozen=True)
class Expiring:
    today: dt.date
    within_days: int
    contracts: list[tuple[CollectiveContract, Enterprise]]


async def expiring(uow: MembershipUnitOfWork, principal: Principal, organization_id: str, within_days: int) -> Expiring:
    """The reminder list: contracts of the subtree in force today (the federation's today), not
    renewed, whose term ends within ``within_days`` days."""
    registrar = await registrar_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    today = clock.today(registrar.zone)
    enterprises = {e.id: e for e in await uow.enterprises.in_subtree(registrar.id)}
    contracts = await uow.collective_contracts.in_subtree(registrar.id)
    due = [(c, enterprises[c.enterprise_id]) for c in contracts if c.expires_within(today, within_days)]
    return Expiring(today, within_days, due)


async def subtree_rollup(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, on: dt.date | None = None
) -> Rollup:
    registrar = await registrar_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    day = on or clock.today(registrar.zone)
    return rollup(
        await uow.enterprises.in_subtree(registrar.id), await uow.collective_contracts.in_subtree(registrar.id), day
    )
