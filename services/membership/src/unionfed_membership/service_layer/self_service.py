"""A member's own data, for the member signed in (``/v1/me``): who they are, their dues.

The member is the one the token names (``Principal.own_member_id``), never a parameter: a member
reaches no one else's data here. A member of another federation than the token's answers as
missing, like an unknown id.
"""

import uuid
from dataclasses import dataclass

from unionfed_membership.domain.dues import Arrears, check_period
from unionfed_membership.domain.model import Member, Organization
from unionfed_membership.service_layer import dues
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal
from unionfed_shared.errors import NotFound


@dataclass(frozen=True)
class Me:
    member: Member
    organization: Organization
    union: Organization  # the grassroots union: the organization itself, or the union above its group


@dataclass(frozen=True)
class MyDues:
    through: str  # the last month counted
    payments: list[dict]  # rows of dues_payments, by month
    arrears: Arrears


async def me(uow: MembershipUnitOfWork, principal: Principal) -> Me:
    member_id: uuid.UUID = principal.own_member_id()
    member = await uow.members.get(member_id)
    organization = await uow.organizations.get(member.organization_id) if member else None
    if member is None or organization is None or member.federation_id != principal.federation_id:
        raise NotFound(
            "member_not_found",
            zh="未找到与您账号关联的会员档案，请联系工会干部",
            en="the member this account is linked to is not found; ask a union officer",
        )
    union = organization
    if organization.kind == "union_group" and organization.parent_id is not None:
        union = await uow.organizations.get(organization.parent_id) or organization
    return Me(member, organization, union)


async def my_dues(uow: MembershipUnitOfWork, principal: Principal, through: str | None) -> MyDues:
    found = await me(uow, principal)
    through = check_period(through) if through else dues.current_period(found.organization.zone)
    payments = await uow.dues.of_member(found.member.id)
    return MyDues(through, payments, await dues.arrears_of(uow, found.member, found.organization, through))
