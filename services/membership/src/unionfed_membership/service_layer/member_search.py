"""Members over an organization's whole subtree, filtered and paged by (display name, id)."""

import dataclasses
import uuid

from unionfed_membership.domain.member_search import MemberFilter
from unionfed_membership.domain.model import Member
from unionfed_membership.domain.personal_data import normalise_id_tail
from unionfed_membership.service_layer.permissions import OFFICERS
from unionfed_membership.service_layer.scope import organization_in_scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal
from unionfed_shared.paging import cursor_refusal, decode_cursor, page_of


async def search_members(
    uow: MembershipUnitOfWork,
    principal: Principal,
    organization_id: str,
    wanted: MemberFilter,
    cursor: str | None,
    limit: int,
) -> tuple[list[Member], str | None]:
    """One page of the members in the organization and everything below it, and the cursor after it.
    An organization outside the caller's scope answers like a missing one."""
    root = await organization_in_scope(uow, principal, organization_id)
    if wanted.staff_no is not None or wanted.id_tail is not None:
        # Staff numbers and ID numbers are shown to officers only; others must not be able to
        # probe for them (refused before the tail is even checked, so nothing is learnt).
        principal.require_role(*OFFICERS)
    if wanted.id_tail is not None:
        wanted = dataclasses.replace(wanted, id_tail=normalise_id_tail(wanted.id_tail))
    after = _after(cursor) if cursor else None
    rows = await uow.members.search(root, wanted, after, limit + 1)
    return page_of(rows, limit, key=lambda m: (m.display_name, m.id))


def _after(cursor: str) -> tuple[str, uuid.UUID]:
    name, member_id = decode_cursor(cursor, 2)
    try:
        return str(name), uuid.UUID(str(member_id))
    except ValueError:
        raise cursor_refusal() from None
