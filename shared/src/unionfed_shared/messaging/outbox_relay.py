"""Publishes committed outbox rows to Kafka, in commit-safe order, at least once.

Rows are read in transaction-id order and only from transactions older than the oldest one
still running (the snapshot's xmin). A transaction that began earlier but commits later would
otherwise have its rows published after — or, with an ``id > last_id`` cursor, never — so the
relay waits for it instead. Consumers deduplicate by event id, so a crash between the Kafka
acknowledgement and the ``published_at`` update only causes a harmless re-publish.
"""

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

log = logging.getLogger(__name__)

# Any constant shared by the relays of one database: only one of them publishes at a time,
# which keeps per-key order when a service runs several instances.
_RELAY_LOCK_KEY = 0x756E696F6E666564  # "unionfed"

_READY_ROWS = text(
    """
    SELECT id, topic, key, headers, payload
    FROM outbox
    WHERE published_at IS NULL
      AND txid < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY txid, id
    LIMIT :limit
    """
)


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    topic: str
    key: bytes
    headers: dict[str, str]
    payload: bytes


# Sends one message and returns an awaitable that resolves when the broker acknowledged it.
Send = Callable[[OutboxMessage], Awaitable[Awaitable[object]]]


class OutboxRelay:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        send: Send,
        *,
        batch_size: int = 500,
        poll_interval_s: float = 0.05,
    ):
        self._session_factory = session_factory
        self._send = send
        self._batch_size = batch_size
        self._poll_interval_s = poll_interval_s

    async def publish_ready(self) -> int:
        """Publish one batch of ready rows; returns how many were published."""
        async with self._session_factory() as session, session.begin():
            got_lock = await session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _RELAY_LOCK_KEY})
            if not got_lock:
                return 0
            rows = (await session.execute(_READY_ROWS, {"limit": self._batch_size})).all()
            if not rows:
                return 0
            messages = [OutboxMessage(r.id, r.topic, bytes(r.key), dict(r.headers), bytes(r.payload)) for r in rows]
            await self._publish_in_order(messages)
            await session.execute(
                text("UPDATE outbox SET published_at = now() WHERE id = ANY(:ids)"),
                {"ids": [m.id for m in messages]},
            )
        return len(messages)

    async def _publish_in_order(self, messages: Sequence[OutboxMessage]) -> None:
        # Sends are queued in order on the idempotent producer (one in-flight sequence per
        # partition), then all acknowledgements are awaited together.
        acknowledgements = [await self._send(m) for m in messages]
        await asyncio.gather(*acknowledgements)

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                published = await self.publish_ready()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox relay failed; retrying")
                published = 0
                await _sleep_or_stop(stop, 1.0)
            if published < self._batch_size:
                await _sleep_or_stop(stop, self._poll_interval_s)


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        pass
