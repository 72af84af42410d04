"""One database transaction: the state change and the events it emits commit together."""

from typing import Self

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from unionfed_shared.context import Causation, current_causation
from unionfed_shared.db import copy_rows
from unionfed_shared.contracts.base import IntegrationEvent
from unionfed_shared.contracts.envelope import Envelope
from unionfed_shared.observability import inject_trace_headers


class UnitOfWork:
    """Subclass per service to attach repositories in :meth:`_open`."""

    session: AsyncSession

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], outbox: Table, source: str):
        self._session_factory = session_factory
        self._outbox = outbox
        self._source = source
        self._staged: list[tuple[str, Envelope]] = []

    async def __aenter__(self) -> Self:
        self.session = self._session_factory()
        await self.session.begin()
        self._staged = []
        self._open()
        return self

    def _open(self) -> None:
        """Hook for repositories bound to ``self.session``."""

    async def __aexit__(self, *exc_info) -> None:
        try:
            if self.session.in_transaction():
                await self.session.rollback()
        finally:
            await self.session.close()

    def emit(self, event: IntegrationEvent, *, event_id: str | None = None) -> Envelope:
        """Stage an event; it is written to the outbox in this transaction, at commit.

        ``event_id`` makes the id deterministic (derived from the event's cause), so doing the
        same work twice produces the same event, which consumers recognise as a duplicate.
        """
        causation = current_causation() or Causation.new_command(actor=None)
        envelope = Envelope.wrap(
            event,
            source=self._source,
            correlation_id=causation.correlation_id,
            causation_id=causation.causation_id,
            actor=causation.actor,
            trace_headers=inject_trace_headers(),
            event_id=event_id,
        )
        self._staged.append((event.topic, envelope))
        return envelope

    async def commit(self) -> None:
        await self.flush()
        await self.session.commit()

    async def flush(self) -> None:
        """Write staged events to the outbox without committing."""
        if self._staged:
            await copy_rows(
                self.session,
                self._outbox,
                [
                    {
                        "event_id": e.id,
                        "event_type": e.type,
                        "topic": topic,
                        "key": e.key,
                        "headers": e.headers(),
                        "payload": e.data,
                    }
                    for topic, e in self._staged
                ],
            )
            self._staged = []

