"""Every integration event type, by its versioned name.

Each module of this package that defines events is imported here, so a new contract module is
registered by existing: no list to keep in step.
"""

import importlib
import pkgutil

import unionfed_shared.contracts as _package
from unionfed_shared.contracts.base import IntegrationEvent


def _concrete_events(cls: type[IntegrationEvent]):
    for sub in cls.__subclasses__():
        if "event_type" in sub.__dict__:
            yield sub
        yield from _concrete_events(sub)


for _module in pkgutil.iter_modules(_package.__path__):
    importlib.import_module(f"{_package.__name__}.{_module.name}")

EVENT_TYPES: dict[str, type[IntegrationEvent]] = {cls.event_type: cls for cls in _concrete_events(IntegrationEvent)}


def event_class(event_type: str) -> type[IntegrationEvent] | None:
    return EVENT_TYPES.get(event_type)


def published_by(service: str) -> tuple[type[IntegrationEvent], ...]:
    """The events a service publishes: those named ``unionfed.<service>.…``."""
    return tuple(cls for name, cls in sorted(EVENT_TYPES.items()) if name.startswith(f"unionfed.{service}."))
