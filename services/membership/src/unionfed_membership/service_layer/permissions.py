"""Who may act for a union: the token's role, narrowed by the union's elected committee.

A union without a committee trusts the token's role. Once it has elected one, its
``union_officer`` tokens are honoured only for subjects on the current roster, and only for
what their committee roles allow (domain/committee.py: ACTION_ROLES).
"""

from unionfed_membership.domain.committee import COMMITTEE_KINDS, check_action
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal, Role

OFFICERS = (Role.FEDERATION_ADMIN, Role.UNION_OFFICER)


async def require_officer(uow: MembershipUnitOfWork, principal: Principal, action: str) -> None:
    principal.require_role(*OFFICERS)
    if principal.role != Role.UNION_OFFICER:
        return
    committee_of = await committee_holder(uow, principal.organization_id)
    term = await uow.committees.current(committee_of) if committee_of else None
    if term is None:
        return
    refusal = check_action(term, principal.subject, action)
    if refusal:
        raise refusal


async def committee_holder(uow: MembershipUnitOfWork, organization_id: str) -> str | None:
    """The organization whose committee speaks for ``organization_id``: itself, or a group's union."""
    organization = await uow.organizations.get(organization_id)
    if organization is None:
        return None
    return organization.id if organization.kind in COMMITTEE_KINDS else organization.parent_id
