"""Collective contracts (集体合同) of registered enterprises: signing, renewal, the lists, the
expiry reminder and the roll-up of the reports' indicators over an organization's subtree.

The registering federation's administrators and auditors read every contract of its register; the
officers of a union founded in an enterprise read that enterprise's (domain: contract_readers).
"""

import datetime as dt
import uuid
from dataclasses import dataclass, replace

from unionfed_membership.domain.collective_contracts import (
    CollectiveContract,
    ContractFilter,
    Negotiation,
    Rollup,
    contract_readers,
    rollup,
)
from unionfed_membership.domain.enterprises import Enterprise
from unionfed_membership.domain.model import Organization
from unionfed_membership.service_layer import clock, commands
from unionfed_membership.service_layer.enterprises import (
    READERS,
    enterprise_in_scope,
    enterprise_not_found,
    registrar_in_scope,
)
from unionfed_membership.service_layer.scope import organization_in_scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Invalid, NotFound
from unionfed_shared.paging import DEFAULT_LIMIT, cursor_refusal, decode_cursor, page_of


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


async def _readable(
    uow: MembershipUnitOfWork, principal: Principal, enterprise: Enterprise | None
) -> tuple[Enterprise, Organization]:
    """The enterprise and its registrar when the caller may read its contracts: out of their reach
    it answers as missing, in reach without a reading role it is refused."""
    registrar = await uow.organizations.get(enterprise.organization_id) if enterprise else None
    readers = contract_readers(principal, enterprise, registrar.path) if enterprise and registrar else None
    if readers is None:
        raise enterprise_not_found()
    assert enterprise is not None and registrar is not None  # contract_readers answered for both
    principal.require_role(*readers)
    return enterprise, registrar


async def of_enterprise(
    uow: MembershipUnitOfWork, principal: Principal, enterprise_id: uuid.UUID
) -> list[CollectiveContract]:
    enterprise, _ = await _readable(uow, principal, await uow.enterprises.get(enterprise_id))
    return await uow.collective_contracts.of_enterprise(enterprise.id)


@dataclass(frozen=True)
class Register:
    """Whose contracts an organization's list holds, and the day their state is told on."""

    organization: Organization
    registrar: Organization
    wanted: ContractFilter
    today: dt.date


async def register_of(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, wanted: ContractFilter
) -> Register:
    """A federation-level organization's list holds its register's contracts, for its readers; an
    enterprise's union's list holds that enterprise's, for its officers and the register's readers."""
    organization = await organization_in_scope(uow, principal, organization_id)
    if organization.kind == "federation":
        principal.require_role(*READERS)
        return Register(organization, organization, wanted, clock.today(organization.zone))
    enterprise = await uow.enterprises.of_union(organization.id)
    if enterprise is None:
        raise Invalid(
            "not_a_register",
            zh="集体合同名录按联合会（街道总工会等）或企业工会查询",
            en="collective contracts are listed for a federation-level organization or an enterprise's union",
        )
    enterprise, registrar = await _readable(uow, principal, enterprise)
    return Register(organization, registrar, replace(wanted, enterprise_id=enterprise.id), clock.today(registrar.zone))


async def page(
    uow: MembershipUnitOfWork, register: Register, cursor: str | None = None, limit: int = DEFAULT_LIMIT
) -> tuple[list[tuple[CollectiveContract, str]], str | None]:
    """A page of the register's contracts (each with its enterprise's name) by signing date, and the cursor after it."""
    found = await uow.collective_contracts.page_under(
        register.registrar.id, register.wanted, register.today, _after(cursor) if cursor else None, limit + 1
    )
    return page_of(found, limit, key=lambda row: (row[0].signed_on.isoformat(), row[0].id))


def _after(cursor: str) -> tuple[dt.date, uuid.UUID]:
    signed_on, contract_id = decode_cursor(cursor, 2)
    try:
        return dt.date.fromisoformat(signed_on), uuid.UUID(contract_id)
    except (TypeError, ValueError):
        raise cursor_refusal() from None


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
