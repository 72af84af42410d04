"""Integration-event contracts: the only code the services share about each other."""

from unionfed_shared.contracts.base import Fen, IntegrationEvent, PositiveFen
from unionfed_shared.contracts.registry import EVENT_TYPES, event_class

__all__ = ["EVENT_TYPES", "Fen", "IntegrationEvent", "PositiveFen", "event_class"]
