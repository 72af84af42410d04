"""Who the ids on a printed form are: members by name and union, for the proposal sheet and the award notice."""

import uuid
from collections.abc import Iterable

from sqlalchemy import func, select

from unionfed_events.adapters.tables import directory
from unionfed_shared.messaging.unit_of_work import UnitOfWork

members, organizations = directory.members, directory.organizations


async def member_names(uow: UnitOfWork, member_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str]]:
    """``{id: (name, union's name)}`` for the members the directory knows; an unknown id is left out."""
    wanted = set(member_ids)
    if not wanted:
        return {}
    query = (
        select(members.c.id, members.c.display_name, func.coalesce(organizations.c.name, members.c.organization_id))
        .join(organizations, organizations.c.id == members.c.organization_id, isouter=True)
        .where(members.c.id.in_(wanted))
    )
    return {row[0]: (row[1], row[2]) for row in await uow.session.execute(query)}
