"""Safety supervision (安全生产监督) in the register's enterprises: appointing and retiring workers'
safety inspectors (群监员), recording inspections and the hazards found, marking hazards fixed, the
list of overdue hazards and the period's roll-up over an organization's subtree.

Kept, like the register, by federation-level organizations: their administrators write, their
administrators and auditors read; the unions below see none of it.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from unionfed_membership.domain.enterprises import Enterprise
from unionfed_membership.domain.model import Organization
from unionfed_membership.domain.personal_data import normalise_phone
from unionfed_membership.domain.safety import (
    FoundHazard,
    Hazard,
    Inspection,
    SafetyInspector,
    SafetyRollup,
    safety_rollup,
)
from unionfed_membership.service_layer import clock, commands
from unionfed_membership.service_layer.enterprises import READERS, enterprise_in_scope, registrar_in_scope
from unionfed_membership.service_layer.scope import member_in_scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Invalid, NotFound


def _phone(raw: str | None) -> str | None:
    if raw is None or not raw.strip():
        return None
    try:
        return normalise_phone(raw)
    except Invalid as refusal:
        raise Invalid(refusal.code, zh=refusal.zh, en=refusal.en, pointer="#/phone") from None


async def appoint(
    uow: MembershipUnitOfWork,
    principal: Principal,
    enterprise_id: uuid.UUID,
    command: commands.AppointSafetyInspector,
) -> SafetyInspector:
    enterprise, registrar = await enterprise_in_scope(uow, principal, enterprise_id)
    principal.require_role(Role.FEDERATION_ADMIN)
    member, in_union = None, False
    if command.member_id is not None:
        member = await member_in_scope(uow, principal, command.member_id)
        organization = await uow.organizations.get(member.organization_id)
        in_union = (
            enterprise.union_id is not None and organization is not None and enterprise.union_id in organization.path
        )
    if member is not None and (command.name or command.phone):
        raise Invalid(
            "inspector_named_twice",
            zh="选聘会员时不填写姓名和手机号（以会员档案为准）",
            en="name either a member or a worker (with name and phone), not both",
            pointer="#/name",
        )
    inspector = SafetyInspector.appoint(
        enterprise,
        command.appointed_on,
        clock.today(registrar.zone),
        member=member,
        member_in_union=in_union,
        name=command.name,
        phone=_phone(command.phone),
    )
    await uow.safety_inspectors.add(inspector, principal.subject)
    await uow.commit()
    return inspector


async def _inspector_in_scope(
    uow: MembershipUnitOfWork, principal: Principal, inspector_id: uuid.UUID, *, for_update: bool = False
) -> tuple[SafetyInspector, Enterprise, Organization]:
    """The inspector, the enterprise and its registrar; outside the caller's subtree answers as missing."""
    inspector = await uow.safety_inspectors.get(inspector_id, for_update=for_update)
    found = None
    if inspector is not None:
        try:
            found = await enterprise_in_scope(uow, principal, inspector.enterprise_id)
        except NotFound:
            found = None
    if inspector is None or found is None:
        raise NotFound(
            "safety_inspector_not_found",
            zh="未找到该群监员，或其不在您的管理范围内",
            en="safety inspector not found or outside your scope",
        )
    return inspector, *found


async def retire(
    uow: MembershipUnitOfWork,
    principal: Principal,
    inspector_id: uuid.UUID,
    command: commands.RetireSafetyInspector,
) -> SafetyInspector:
    inspector, _, registrar = await _inspector_in_scope(uow, principal, inspector_id, for_update=True)
    principal.require_role(Role.FEDERATION_ADMIN)
    retired = inspector.retired(command.retired_on, clock.today(registrar.zone))
    await uow.safety_inspectors.save_retirement(retired)
    await uow.commit()
    return retired


async def inspectors(
    uow: MembershipUnitOfWork, principal: Principal, enterprise_id: uuid.UUID
) -> list[SafetyInspector]:
    """The enterprise's inspectors, serving and retired."""
    enterprise, _ = await enterprise_in_scope(uow, principal, enterprise_id)
    principal.require_role(*READERS)
    return await uow.safety_inspectors.of_enterprise(enterprise.id)


async def record_inspection(
    uow: MembershipUnitOfWork,
    principal: Principal,
    enterprise_id: uuid.UUID,
    command: commands.RecordSafetyInspection,
) -> Inspection:
    enterprise, registrar = await enterprise_in_scope(uow, principal, enterprise_id)
    principal.require_role(Role.FEDERATION_ADMIN)
    inspector = await uow.safety_inspectors.get(command.inspector_id)
    if inspector is None or inspector.enterprise_id != enterprise.id:
        raise Invalid(
            "inspector_not_of_enterprise",
            zh=f"该群监员不是企业“{enterprise.name}”的群监员",
            en=f"the inspector named is not an inspector of {enterprise.name}",
            pointer="#/inspector_id",
        )
    inspection = Inspection.record(
        enterprise,
        inspector,
        command.inspected_on,
        command.findings,
        [FoundHazard(h.description, h.severity, h.deadline) for h in command.hazards],
        clock.today(registrar.zone),
    )
    await uow.safety_inspections.add(inspection, principal.subject)
    await uow.commit()
    return inspection


async def inspections(uow: MembershipUnitOfWork, principal: Principal, enterprise_id: uuid.UUID) -> list[Inspection]:
    """The enterprise's inspections, newest first, each with its hazards."""
    enterprise, _ = await enterprise_in_scope(uow, principal, enterprise_id)
    principal.require_role(*READERS)
    return await uow.safety_inspections.of_enterprise(enterprise.id)


async def fix_hazard(
    uow: MembershipUnitOfWork, principal: Principal, hazard_id: uuid.UUID, command: commands.FixHazard
) -> Hazard:
    hazard = await uow.safety_inspections.hazard(hazard_id, for_update=True)
    found = None
    if hazard is not None:
        try:
            found = await enterprise_in_scope(uow, principal, hazard.enterprise_id)
        except NotFound:
            found = None
    if hazard is None or found is None:
        raise NotFound(
            "hazard_not_found", zh="未找到该隐患，或其不在您的管理范围内", en="hazard not found or outside your scope"
        )
    principal.require_role(Role.FEDERATION_ADMIN)
    fixed = hazard.fixed_by(command.fixed_on, clock.today(found[1].zone))
    await uow.safety_inspections.save_fixed(fixed, principal.subject)
    await uow.commit()
    return fixed


@dataclass(frozen=True)
class Overdue:
    today: dt.date
    hazards: list[tuple[Hazard, Enterprise]]


async def overdue(uow: MembershipUnitOfWork, principal: Principal, organization_id: str) -> Overdue:
    """Hazards of the subtree still open after their deadline (the federation's today), oldest deadline first."""
    registrar = await registrar_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    today = clock.today(registrar.zone)
    enterprises = {e.id: e for e in await uow.enterprises.in_subtree(registrar.id)}
    late = [
        (h, enterprises[h.enterprise_id])
        for h in await uow.safety_inspections.open_hazards_in_subtree(registrar.id)
        if h.overdue_on(today)
    ]
    return Overdue(today, late)


async def held_inspections(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, first: dt.date, last: dt.date
) -> tuple[Organization, list[Inspection]]:
    """The registrar and its subtree's inspections held from ``first`` to ``last`` (both included)."""
    registrar = await registrar_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    if last < first:
        raise Invalid("period_reversed", zh="结束日期不能早于开始日期", en="the period ends on or after it starts")
    return registrar, await uow.safety_inspections.in_subtree_between(registrar.id, first, last)


async def rollup(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, first: dt.date, last: dt.date
) -> SafetyRollup:
    """Inspections of the subtree's enterprises held from ``first`` to ``last`` (both included) and
    the hazards they found: fixed, fixed in time, and the share fixed in time."""
    _, held = await held_inspections(uow, principal, organization_id, first, last)
    return safety_rollup(first, last, held)
