"""Who the ids on a printed form are: members by name and union, for the proposal sheet and the award notice."""

import uuid
from collections.abc import Iterable

from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork


async def member_names(uow: EventsUnitOfWork, member_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str]]:
    """``{id: (name, union's name)}`` for the members the directory knows; an unknown id is left out."""
    return await uow.directory.names_with_unions(member_ids)
