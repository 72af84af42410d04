"""Labour-contract signing checks in registered enterprises (春暖行动) and the campaign's roll-up over
a federation's subtree: federation admins record, admins and auditors read."""

import datetime as dt
import uuid
from dataclasses import dataclass

from unionfed_membership.domain.enterprises import Enterprise
from unionfed_membership.domain.labour_contracts import TARGET_PER_MILLE, LabourContractCheck, SigningRollup, rollup
from unionfed_membership.domain.model import Organization
from unionfed_membership.service_layer import clock, commands
from unionfed_membership.service_layer.enterprises import READERS, enterprise_in_scope, registrar_in_scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Invalid


async def record_check(
    uow: MembershipUnitOfWork,
    principal: Principal,
    enterprise_id: uuid.UUID,
    command: commands.RecordLabourContractCheck,
) -> LabourContractCheck:
    enterprise, registrar = await enterprise_in_scope(uow, principal, enterprise_id)
    principal.require_role(Role.FEDERATION_ADMIN)
    check = LabourContractCheck.record(
        enterprise,
        checked_on=command.checked_on,
        workers_checked=command.workers_checked,
        workers_signed=command.workers_signed,
        migrant_checked=command.migrant_checked,
        migrant_signed=command.migrant_signed,
        note=command.note,
        today=clock.today(registrar.zone),
    )
    await uow.labour_contract_checks.add(check, principal.subject, clock.now())
    await uow.commit()
    return check


async def checks_of(
    uow: MembershipUnitOfWork, principal: Principal, enterprise_id: uuid.UUID
) -> list[LabourContractCheck]:
    enterprise, _ = await enterprise_in_scope(uow, principal, enterprise_id)
    principal.require_role(*READERS)
    return await uow.labour_contract_checks.of_enterprise(enterprise.id)


@dataclass(frozen=True)
class PeriodChecks:
    """The checks of a subtree's enterprises in a period, as the roll-up and its sheet read them."""

    registrar: Organization
    enterprises: list[Enterprise]
    checks: list[LabourContractCheck]
    first: dt.date
    last: dt.date


async def period_checks(
    uow: MembershipUnitOfWork,
    principal: Principal,
    organization_id: str,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> PeriodChecks:
    """From ``first`` (default 1 January of ``last``'s year) to ``last`` (default today)."""
    registrar = await registrar_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    last = last or clock.today(registrar.zone)
    first = first or last.replace(month=1, day=1)
    if last < first:
        raise Invalid("period_reversed", zh="结束日期不能早于开始日期", en="the period ends on or after it starts")
    return PeriodChecks(
        registrar,
        await uow.enterprises.in_subtree(registrar.id),
        await uow.labour_contract_checks.in_subtree(registrar.id, first, last),
        first,
        last,
    )


async def signing_rollup(
    uow: MembershipUnitOfWork,
    principal: Principal,
    organization_id: str,
    first: dt.date | None = None,
    last: dt.date | None = None,
    below_per_mille: int = TARGET_PER_MILLE,
) -> SigningRollup:
    """The signing rate over the subtree's enterprises checked from ``first`` (default 1 January of
    ``last``'s year) to ``last`` (default today), overall and for migrant workers, and the
    enterprises below ``below_per_mille``."""
    found = await period_checks(uow, principal, organization_id, first, last)
    return rollup(found.enterprises, found.checks, found.first, found.last, below_per_mille)
