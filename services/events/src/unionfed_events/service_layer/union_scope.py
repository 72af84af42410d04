"""What the staff congress, surveys and nominations check of every caller: the organization acted
on is in their scope, and a member acts with a token naming their member id."""

import datetime as dt
import uuid

from unionfed_events.domain.union_directory import Organization
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Forbidden

OFFICERS = (Role.FEDERATION_ADMIN, Role.UNION_OFFICER)


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def organization_in_scope(uow: EventsUnitOfWork, principal: Principal, organization_id: str) -> Organization:
    """The organization; unknown and out-of-scope ones get the same 404."""
    organization = await uow.unions.organization(organization_id)
    principal.require_scope(organization.path if organization else None)
    assert organization is not None  # require_scope refused a missing one
    return organization


def acting_member(principal: Principal) -> uuid.UUID:
    principal.require_role(Role.MEMBER)
    try:
        return uuid.UUID(principal.member_id or "")
    except ValueError:
        raise Forbidden(
            "member_token_subject_invalid",
            zh="您的账号尚未关联会员档案，请联系工会干部",
            en="a member acts with a token that names their member id",
        ) from None
