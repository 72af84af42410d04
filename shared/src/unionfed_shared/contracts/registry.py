"""Every integration event type, by its versioned name."""

from unionfed_shared.contracts.base import IntegrationEvent
from unionfed_shared.contracts.membership import (
    DuesCollectedV1,
    MemberJoinedV1,
    OrganizationRegisteredV1,
)

EVENT_TYPES: dict[str, type[IntegrationEvent]] = {
    cls.event_type: cls
    for cls in (OrganizationRegisteredV1, MemberJoinedV1, DuesCollectedV1)
}


def event_class(event_type: str) -> type[IntegrationEvent] | None:
    return EVENT_TYPES.get(event_type)
