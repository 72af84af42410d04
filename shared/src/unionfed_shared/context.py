"""Who and what caused the work in progress, carried into every event it emits."""

import contextlib
import contextvars
import uuid
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Causation:
    correlation_id: str
    causation_id: str | None = None
    actor: str | None = None

    @classmethod
    def new_command(cls, actor: str | None, correlation_id: str | None = None) -> "Causation":
        command_id = f"cmd-{uuid.uuid4()}"
        return cls(correlation_id=correlation_id or command_id, causation_id=command_id, actor=actor)


_current: contextvars.ContextVar[Causation | None] = contextvars.ContextVar("causation", default=None)


def current_causation() -> Causation | None:
    return _current.get()


@contextlib.contextmanager
def caused_by(causation: Causation) -> Iterator[Causation]:
    token = _current.set(causation)
    try:
        yield causation
    finally:
        _current.reset(token)


def set_causation(causation: Causation) -> None:
    """For request scopes whose end resets the context anyway (ASGI middleware)."""
    _current.set(causation)
