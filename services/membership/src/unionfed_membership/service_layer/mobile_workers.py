"""Migrant and new-form workers: joint and trade unions, worker categories, employers, 会籍接转 and
the counts over a federation's subtree.

Federation admins designate joint and trade unions; the officers who manage a member today (the
member's union's officers, federation admins above it) record the member's category and employer,
as they record the member's other changes; admins and auditors read the counts.
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from unionfed_membership.domain import mobile_workers
from unionfed_membership.domain.mobile_workers import (
    Employer,
    Employment,
    JointUnion,
    MobileWorkerCounts,
    WorkerCategory,
)
from unionfed_membership.domain.model import Member
from unionfed_membership.service_layer import clock, commands, member_changes
from unionfed_membership.service_layer.enterprises import READERS, registrar_in_scope
from unionfed_membership.service_layer.permissions import OFFICERS, require_officer
from unionfed_membership.service_layer.scope import member_in_scope, organization_in_scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Invalid, NotFound


async def designate_joint_union(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, command: commands.DesignateJointUnion
) -> JointUnion:
    """Designate (or re-designate) a grassroots union a joint or trade union."""
    union = await organization_in_scope(uow, principal, organization_id)
    principal.require_role(Role.FEDERATION_ADMIN)
    designated = JointUnion.designate(
        union,
        command.form,
        command.trade,
        command.designated_on,
        clock.today(union.zone),
        is_enterprise_union=await uow.joint_unions.is_enterprise_union(union.id),
    )
    await uow.joint_unions.save(designated, principal.subject)
    await uow.commit()
    return designated


async def joint_unions(uow: MembershipUnitOfWork, principal: Principal, organization_id: str) -> list[JointUnion]:
    """The joint and trade unions of the organization's subtree."""
    root = await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*OFFICERS, Role.AUDITOR)
    return await uow.joint_unions.in_subtree(root.id)


async def _member_for_record(
    uow: MembershipUnitOfWork, principal: Principal, member_id: uuid.UUID
) -> tuple[Member, dt.date]:
    """The member, locked and with any due scheduled change applied, and today in their federation."""
    member = await member_in_scope(uow, principal, member_id, for_update=True)
    await require_officer(uow, principal, "change_member")
    today = await clock.today_of(uow, member.organization_id)
    member = await member_changes.apply_due_change(uow, member, today, principal.subject)
    # A change that just took effect may have moved the member out of the caller's reach.
    return await member_in_scope(uow, principal, member_id), today


async def record_category(
    uow: MembershipUnitOfWork, principal: Principal, member_id: uuid.UUID, command: commands.RecordWorkerCategory
) -> WorkerCategory:
    member, today = await _member_for_record(uow, principal, member_id)
    category = WorkerCategory.record(
        member,
        command.migrant_worker,
        command.new_form,
        command.effective_on,
        today,
        await uow.worker_categories.current(member.id),
    )
    await uow.worker_categories.add(category, principal.subject, clock.now())
    await uow.commit()
    return category


async def _employer(uow: MembershipUnitOfWork, member: Member, command: commands.ChangeEmployer) -> Employer | None:
    if command.enterprise_id is not None and command.employer_name is not None:
        raise Invalid(
            "employer_ambiguous",
            zh="请只填写企业名录中的企业或用工单位名称之一",
            en="name the employer either by an enterprise of the register or by name, not both",
            pointer="#/employer_name",
        )
    if command.employer_name is not None:
        return Employer.by_name(command.employer_name)
    if command.enterprise_id is None:
        return None
    # Any enterprise of the member's federation: a joint union's officer employs no register of their own.
    enterprise = await uow.enterprises.get(command.enterprise_id)
    registrar = await uow.organizations.get(enterprise.organization_id) if enterprise else None
    if enterprise is None or registrar is None or registrar.federation_id != member.federation_id:
        raise NotFound(
            "enterprise_not_found",
            zh="未找到该企业，或该企业不在您的管理范围内",
            en="enterprise not found or outside your scope",
            pointer="#/enterprise_id",
        )
    return Employer(name=enterprise.name, enterprise_id=enterprise.id)


async def change_employer(
    uow: MembershipUnitOfWork, principal: Principal, member_id: uuid.UUID, command: commands.ChangeEmployer
) -> mobile_workers.EmployerChange:
    """The member changes employer (or leaves one) and keeps their membership; the member's history
    records it."""
    member, today = await _member_for_record(uow, principal, member_id)
    current = await uow.employments.current(member.id)
    change = mobile_workers.change_employer(
        member,
        current,
        await _employer(uow, member, command),
        command.effective_on,
        await uow.history.last_change_on(member),
        today,
        principal.subject,
        clock.now(),
    )
    if change.ended is not None:
        await uow.employments.end(change.ended)
    if change.started is not None:
        await uow.employments.add(change.started, principal.subject, clock.now())
    await uow.history.add([change.history])
    await uow.commit()
    return change


async def transfer_to_employer_union(
    uow: MembershipUnitOfWork, principal: Principal, member_id: uuid.UUID, command: commands.TransferToEmployerUnion
) -> member_changes.Outcome:
    """会籍接转: the member's transfer into their current employer's own union, as any transfer
    (both unions in the caller's scope; scheduled when effective later)."""
    member = await member_in_scope(uow, principal, member_id)
    await require_officer(uow, principal, "change_member")
    current = await uow.employments.current(member.id)
    enterprise = await uow.enterprises.get(current.enterprise_id) if current and current.enterprise_id else None
    if current is None or enterprise is None:
        raise Conflict(
            "employer_not_in_register",
            zh="该会员当前的用工单位不在企业名录中，无法转入其企业工会",
            en="the member's current employer is not an enterprise of the register",
        )
    if enterprise.union_id is None:
        raise Conflict(
            "employer_without_union",
            zh=f"“{enterprise.name}”尚未建立工会，会员可留在联合工会",
            en=f"{enterprise.name} has no union yet; the member can stay in their joint union",
        )
    return await member_changes.transfer_member(
        uow,
        principal,
        member_id,
        commands.TransferMember(to_organization_id=enterprise.union_id, effective_on=command.effective_on),
    )


@dataclass(frozen=True)
class WorkerRecord:
    member: Member
    joint_union: JointUnion | None  # the member's union, when it is a joint or trade union
    categories: list[WorkerCategory]  # oldest first; the last is the current one
    employments: list[Employment]  # oldest first


async def worker_record(uow: MembershipUnitOfWork, principal: Principal, member_id: uuid.UUID) -> WorkerRecord:
    """The member's categories and employers: officers in scope and auditors."""
    member = await member_in_scope(uow, principal, member_id)
    principal.require_role(*OFFICERS, Role.AUDITOR)
    # A member of a union group (工会小组) is a member of the group's union: that one is designated.
    organization = await uow.organizations.get(member.organization_id)
    union_id = member.organization_id
    if organization is not None and organization.kind == "union_group" and organization.parent_id:
        union_id = organization.parent_id
    return WorkerRecord(
        member=member,
        joint_union=await uow.joint_unions.get(union_id),
        categories=await uow.worker_categories.of_member(member.id),
        employments=await uow.employments.of_member(member.id),
    )


async def counts(
    uow: MembershipUnitOfWork,
    principal: Principal,
    organization_id: str,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> MobileWorkerCounts:
    """Active migrant and new-form members of the federation's subtree by form, on ``last`` (default
    today), and of them those who joined from ``first`` (default 1 January of ``last``'s year)."""
    registrar = await registrar_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    last = last or clock.today(registrar.zone)
    first = first or last.replace(month=1, day=1)
    if last < first:
        raise Invalid("period_reversed", zh="结束日期不能早于开始日期", en="the period ends on or after it starts")
    return mobile_workers.count(await uow.worker_categories.active_members_in_subtree(registrar.id, last), first, last)
