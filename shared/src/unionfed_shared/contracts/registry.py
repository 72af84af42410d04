"""Every integration event type, by its versioned name."""

from unionfed_shared.contracts.base import IntegrationEvent
from unionfed_shared.contracts.finance import JournalEntryV1, MoneyRequestSettledV1
from unionfed_shared.contracts.spending import HOLD_CANCELLED, HOLD_PAID, HOLD_REQUESTED
from unionfed_shared.contracts.membership import (
    DuesCollectedV1,
    MemberJoinedV1,
    OrganizationRegisteredV1,
)

EVENT_TYPES: dict[str, type[IntegrationEvent]] = {
    cls.event_type: cls
    for cls in (
        OrganizationRegisteredV1,
        MemberJoinedV1,
        DuesCollectedV1,
        JournalEntryV1,
        MoneyRequestSettledV1,
        *HOLD_REQUESTED,
        *HOLD_PAID,
        *HOLD_CANCELLED,
    )
}


def event_class(event_type: str) -> type[IntegrationEvent] | None:
    return EVENT_TYPES.get(event_type)
