"""What the events routes are handed: the runtime, typed with the events unit of work and settings."""

from typing import Annotated

from fastapi import Depends

from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_events.settings import EventsSettings
from unionfed_shared.caller import runtime_of
from unionfed_shared.runtime import Runtime

CurrentRuntime = Annotated[Runtime[EventsUnitOfWork, EventsSettings], Depends(runtime_of)]
