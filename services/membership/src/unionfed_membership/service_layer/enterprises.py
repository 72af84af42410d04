"""The street federation's register of enterprises and founding unions in them (建会).

The register is the organization tree's data: it is kept by a federation-level organization, and
an enterprise's union is a grassroots union in the tree, registered as any other (its
``organization_registered`` event goes out through the outbox in the same transaction).
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from unionfed_membership.domain.enterprises import REGISTER_READERS, SHOULD_FOUND_THRESHOLD, TWENTY_PLUS, Enterprise
from unionfed_membership.domain.model import Organization
from unionfed_membership.service_layer import clock, commands
from unionfed_membership.service_layer.founding import stage_organization
from unionfed_membership.service_layer.scope import organization_in_scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Invalid, NotFound

READERS = REGISTER_READERS


async def registrar_in_scope(uow: MembershipUnitOfWork, principal: Principal, organization_id: str) -> Organization:
    """The federation-level organization whose register is asked for, in the caller's scope."""
    organization = await organization_in_scope(uow, principal, organization_id)
    if organization.kind != "federation":
        raise Invalid(
            "not_a_federation",
            zh="企业名录由联合会（街道总工会或其下级联合会）登记",
            en="enterprises are registered by a federation-level organization",
        )
    return organization


async def enterprise_in_scope(
    uow: MembershipUnitOfWork, principal: Principal, enterprise_id: uuid.UUID, *, for_update: bool = False
) -> tuple[Enterprise, Organization]:
    """The enterprise and the organization registering it; outside the caller's subtree answers as missing."""
    enterprise = await uow.enterprises.get(enterprise_id, for_update=for_update)
    registrar = await uow.organizations.get(enterprise.organization_id) if enterprise else None
    if enterprise is None or registrar is None or not principal.can_see(registrar.path):
        raise enterprise_not_found()
    return enterprise, registrar


def enterprise_not_found() -> NotFound:
    return NotFound(
        "enterprise_not_found",
        zh="未找到该企业，或该企业不在您的管理范围内",
        en="enterprise not found or outside your scope",
    )


async def register(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, command: commands.RegisterEnterprise
) -> Enterprise:
    registrar = await registrar_in_scope(uow, principal, organization_id)
    principal.require_role(Role.FEDERATION_ADMIN)
    enterprise = Enterprise.register(registrar.id, command.name, command.credit_code, command.workers)
    await uow.enterprises.add(enterprise, registrar.federation_id, principal.subject)
    await uow.commit()
    return enterprise


async def edit(
    uow: MembershipUnitOfWork, principal: Principal, enterprise_id: uuid.UUID, command: commands.EditEnterprise
) -> Enterprise:
    enterprise, _ = await enterprise_in_scope(uow, principal, enterprise_id, for_update=True)
    principal.require_role(Role.FEDERATION_ADMIN)
    enterprise = enterprise.with_workers(command.workers)
    await uow.enterprises.save(enterprise)
    await uow.commit()
    return enterprise


async def get(uow: MembershipUnitOfWork, principal: Principal, enterprise_id: uuid.UUID) -> Enterprise:
    enterprise, _ = await enterprise_in_scope(uow, principal, enterprise_id)
    principal.require_role(*READERS)
    return enterprise


async def listed(
    uow: MembershipUnitOfWork,
    principal: Principal,
    organization_id: str,
    *,
    has_union: bool | None = None,
    twenty_plus: bool = False,
) -> list[Enterprise]:
    """The register of the organization's subtree, optionally only with (or without) a union, or
    only enterprises with 20 or more workers."""
    registrar = await registrar_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    return await uow.enterprises.in_subtree(
        registrar.id, has_union=has_union, min_workers=TWENTY_PLUS if twenty_plus else None
    )


async def should_found(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, threshold: int = SHOULD_FOUND_THRESHOLD
) -> list[Enterprise]:
    """应建未建: enterprises of the subtree without a union and with ``threshold`` or more workers."""
    registrar = await registrar_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    return [e for e in await uow.enterprises.in_subtree(registrar.id, has_union=False) if e.should_found(threshold)]


async def found_union(
    uow: MembershipUnitOfWork, principal: Principal, enterprise_id: uuid.UUID, command: commands.FoundEnterpriseUnion
) -> Enterprise:
    """建会: the union is registered under the organization registering the enterprise, exactly as
    ``register_organization`` does, and linked to the enterprise in the same transaction."""
    enterprise, registrar = await enterprise_in_scope(uow, principal, enterprise_id, for_update=True)
    principal.require_role(Role.FEDERATION_ADMIN)
    founded = enterprise.union_founded(command.union_id, command.founded_on, clock.today(registrar.zone))
    await stage_organization(
        uow,
        principal,
        commands.RegisterOrganization(
            id=command.union_id,
            name=command.union_name,
            kind="grassroots_union",
            parent_id=registrar.id,
            sector="enterprise",
        ),
    )
    await uow.enterprises.save(founded)
    await uow.commit()
    return founded


@dataclass(frozen=True)
class Foundings:
    first: dt.date
    last: dt.date
    enterprises: list[Enterprise]


async def founded_between(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, first: dt.date, last: dt.date
) -> Foundings:
    """Unions founded in enterprises of the subtree from ``first`` to ``last`` (both included)."""
    registrar = await registrar_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    if last < first:
        raise Invalid("period_reversed", zh="结束日期不能早于开始日期", en="the period ends on or after it starts")
    return Foundings(first, last, await uow.enterprises.founded_between(registrar.id, first, last))
