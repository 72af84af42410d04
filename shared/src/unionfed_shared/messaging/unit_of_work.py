"""One database transaction: the state change and the events it emits commit together."""

from typing import Self

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction, async_sessionmaker

from unionfed_shared import idempotency
from unionfed_shared.context import Causation, current_causation
from unionfed_shared.contracts.base import IntegrationEvent
from unionfed_shared.contracts.envelope import Envelope
from unionfed_shared.db import copy_rows
from unionfed_shared.observability import inject_trace_headers


class UnitOfWork:
    """Subclass per service to attach repositories in :meth:`_open`."""

    session: AsyncSession
    _savepoint: AsyncSessionTransaction | None = None  # set when joining a keyed request's transaction

    def __init__(self, session_factory: async_sessionmaker[AsyncSession], outbox: Table, source: str):
        self._session_factory = session_factory
        self._outbox = outbox
        self._source = source
        self._staged: list[tuple[str, Envelope]] = []

    async def __aenter__(self) -> Self:
        self._staged = []
        self._savepoint = None
        keyed = idempotency.active_request()
        if keyed is not None and keyed.holds_transaction:
            # A keyed request commits once, with its key: later units of work join that transaction,
            # each in a savepoint so that leaving one without commit still undoes only its own work.
            assert keyed.session is not None  # what holds_transaction means
            self.session = keyed.session
            self._savepoint = await self.session.begin_nested()
        else:
            self.session = self._session_factory()
            await self.session.begin()
            if keyed is not None:
                try:
                    await keyed.guard(self.session)
                except BaseException:
                    await self.session.close()
                    raise
        self._open()
        return self

    def _open(self) -> None:
        """Hook for repositories bound to ``self.session``."""

    async def __aexit__(self, *exc_info) -> None:
        keyed = idempotency.active_request()
        if self._savepoint is not None:
            if self._savepoint.is_active:
                await self._savepoint.rollback()
            return
        if keyed is not None and keyed.owns(self.session):
            return  # committed (or rolled back) with the key once the answer is known
        try:
            if self.session.in_transaction():
                await self.session.rollback()
        finally:
            await self.session.close()

    async def read_snapshot(self) -> None:
        """Let every read that follows see one snapshot (repeatable read); call before the first.

        A row and its neighbour read by two statements under read committed can straddle a commit
        that changed both (a campaign read before finance's answer, its hold after).
        """
        if self._savepoint is None:  # a joined transaction keeps the isolation it began with
            await self.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})

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
        keyed = idempotency.active_request()
        if self._savepoint is not None:
            await self._savepoint.commit()
            self._savepoint = await self.session.begin_nested()
        elif keyed is not None:
            # Not yet: the key and the answer are written into this transaction, then it commits.
            keyed.bind(self.session)
        else:
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
