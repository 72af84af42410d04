"""A member's joining (入会) and their personal data read in clear: each one transaction."""

import uuid

from unionfed_membership.domain import lifecycle
from unionfed_membership.domain.model import Member
from unionfed_membership.service_layer import clock, commands
from unionfed_membership.service_layer.permissions import require_officer
from unionfed_membership.service_layer.scope import member_in_scope, organization_in_scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.membership import MemberJoinedV1
from unionfed_shared.errors import Conflict


async def enrol_member(
    uow: MembershipUnitOfWork, principal: Principal, organization_id: str, command: commands.EnrolMember
) -> Member:
    organization = await organization_in_scope(uow, principal, organization_id)
    await require_officer(uow, principal, "enrol_member")
    member = Member.join(
        organization,
        command.display_name,
        command.gender,
        command.joined_on,
        clock.today(organization.zone),
        id_number=command.id_number,
        phone=command.phone,
        staff_no=command.staff_no,
        base_salary_fen=command.base_salary_fen,
    )
    if member.id_number:
        existing = await uow.members.find_by_id_number(member.federation_id, member.id_number)
        if existing is not None:
            raise Conflict(
                "already_a_member", zh=f"此人已是会员（会员 {existing.id}）", en=f"already a member: {existing.id}"
            )
    await uow.members.add(member)
    await uow.history.add([lifecycle.joined(member, principal.subject, clock.now())])
    # Personal data (ID number, phone, salary) never travels in events.
    uow.emit(
        MemberJoinedV1(
            organization_id=member.organization_id,
            federation_id=member.federation_id,
            member_id=member.id,
            display_name=member.display_name,
            gender=member.gender,
            joined_on=member.joined_on,
        )
    )
    await uow.commit()
    return member


async def read_personal_data(uow: MembershipUnitOfWork, principal: Principal, member_id: uuid.UUID) -> Member:
    """The member with their ID number and phone in clear: officers in scope, and the audit committee (经审)
    in scope, which reads everything its scope holds."""
    member = await member_in_scope(uow, principal, member_id)
    if principal.role is not Role.AUDITOR:
        await require_officer(uow, principal, "read_personal_data")
    return member
