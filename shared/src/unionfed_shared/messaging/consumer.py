"""Applying events exactly once: inbox, bounded retries, dead letters, offset commit last.

Every message gets exactly one outcome. A message that cannot be parsed, conflicts with an
earlier delivery of the same event id, or keeps failing after bounded retries is written to
``<topic>.dlq`` and to the ``dead_letters`` table, and the partition moves on. A passing outage
(database or broker unreachable) is retried until it heals, since dead-lettering every message
of an outage would only move the problem.
"""

import asyncio
import enum
import logging
import re
import time
import traceback
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from opentelemetry import trace
from sqlalchemy import Table, func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from unionfed_shared.context import Causation, caused_by
from unionfed_shared.contracts.base import IntegrationEvent
from unionfed_shared.contracts.envelope import Envelope, EnvelopeError, decode_headers
from unionfed_shared.contracts.topics import dead_letter_topic
from unionfed_shared.failpoints import failpoint
from unionfed_shared.messaging import inbox
from unionfed_shared.messaging.errors import is_transient
from unionfed_shared.messaging.unit_of_work import UnitOfWork
from unionfed_shared.metrics import ServiceMetrics
from unionfed_shared.observability import extract_trace_context, tracer

log = logging.getLogger(__name__)
_VERSION_SUFFIX = re.compile(r"\.v\d+$")

# Each handler takes its service's unit of work and its own event class, which a mapping from event
# class to handler cannot express: to the type checker, both are Any.
Handler = Callable[[Any, Any, "Delivery"], Awaitable[None]]
# Reads ahead, in a few statements, what a batch's handlers will need (rows they would read one by one).
Prefetch = Callable[[Any, list[IntegrationEvent]], Awaitable[None]]
PublishRaw = Callable[[str, bytes | None, bytes, dict[str, str]], Awaitable[object]]


class Outcome(enum.Enum):
    PROCESSED = "processed"
    DUPLICATE = "duplicate"
    IGNORED = "ignored"
    DEAD_LETTERED = "dead_lettered"


@dataclass(frozen=True)
class IncomingMessage:
    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes
    headers: tuple[tuple[str, bytes], ...]

    @classmethod
    def from_record(cls, record) -> "IncomingMessage":
        return cls(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            key=record.key,
            value=record.value or b"",
            headers=tuple(record.headers or ()),
        )


_UNATTRIBUTED = object()


@dataclass(frozen=True)
class Delivery:
    """An event as it was delivered: what it says and where in Kafka it came from."""

    envelope: Envelope
    topic: str
    partition: int
    offset: int


@dataclass(frozen=True)
class _Ready:
    """A message parsed into the event its handler applies."""

    message: IncomingMessage
    envelope: Envelope
    event: IntegrationEvent
    handler: Handler


class EventConsumer:
    def __init__(
        self,
        name: str,
        uow_factory: Callable[[], UnitOfWork],
        session_factory: async_sessionmaker[AsyncSession],
        dead_letters: Table,
        publish_raw: PublishRaw,
        *,
        max_attempts: int = 3,
        retry_backoff_s: float = 0.2,
        max_outage_backoff_s: float = 5.0,
        prefetch: Prefetch | None = None,
        metrics: ServiceMetrics | None = None,
    ):
        self.name = name
        self._uow_factory = uow_factory
        self._session_factory = session_factory
        self._dead_letters = dead_letters
        self._publish_raw = publish_raw
        self._handlers: dict[str, tuple[type[IntegrationEvent], Handler]] = {}
        self._max_attempts = max_attempts
        self._retry_backoff_s = retry_backoff_s
        self._max_outage_backoff_s = max_outage_backoff_s
        self._prefetch = prefetch
        self._metrics = metrics
        self._tracer = tracer(f"unionfed.consumer.{name}")

    def register(self, event_cls: type[IntegrationEvent], handler: Handler) -> None:
        self._handlers[event_cls.event_type] = (event_cls, handler)

    def register_all(self, handlers: Mapping[type[IntegrationEvent], Handler]) -> None:
        for event_cls, handler in handlers.items():
            self.register(event_cls, handler)

    @property
    def topics(self) -> list[str]:
        return sorted({cls.topic for cls, _ in self._handlers.values()})

    async def handle(self, message: IncomingMessage, *, to_dlq_topic: bool = True) -> Outcome:
        """Give the message its one outcome, in a transaction of its own. Raises only on cancellation."""
        prepared = await self._prepare(message, to_dlq_topic)
        outcome = prepared if isinstance(prepared, Outcome) else await self._apply_with_retries(prepared, to_dlq_topic)
        self._count(message.topic, outcome)
        log.debug("%s/%d@%d %s for %s", message.topic, message.partition, message.offset, outcome.value, self.name)
        return outcome

    async def handle_batch(self, messages: Sequence[IncomingMessage]) -> None:
        """Give every message its one outcome, applying the batch in one transaction.

        One commit for many messages is what makes a consumer fast; the outcomes stay those of
        :meth:`handle`. When a message fails, the transaction is rolled back, the messages before
        it are applied again as a batch, it gets its own retries (and dead letter), and the batch
        goes on after it. Raises only on cancellation.
        """
        started = time.perf_counter()
        ready: list[_Ready] = []
        for message in messages:
            prepared = await self._prepare(message, to_dlq_topic=True)
            if isinstance(prepared, _Ready):
                ready.append(prepared)
            else:
                self._count(message.topic, prepared)
        await self._apply_in_batches(ready)
        if self._metrics is not None:
            self._metrics.batch(self.name, len(messages), time.perf_counter() - started)

    def _count(self, topic: str, outcome: Outcome, count: int = 1) -> None:
        """An outcome is counted once it is durable (committed, or dead-lettered)."""
        if self._metrics is not None:
            self._metrics.consumed(self.name, topic, outcome.value, count)

    async def _prepare(self, message: IncomingMessage, to_dlq_topic: bool) -> "_Ready | Outcome":
        """The parsed event and its handler, or the outcome of a message that has nothing to apply."""
        envelope: Envelope | None = None
        try:
            envelope = Envelope.from_headers(decode_headers(message.headers), message.value)
            registered = self._handlers.get(envelope.type)
            if registered is None:
                readable = self._other_versions(envelope.type)
                if readable:
                    # A version this consumer cannot read of an event it does handle: ignoring it
                    # would lose the fact; dead-lettered, it is replayed once the consumer can read it.
                    raise EnvelopeError(
                        f"unsupported schema version {envelope.type!r}; {self.name} reads {', '.join(readable)}"
                    )
                return Outcome.IGNORED
            event_cls, handler = registered
            return _Ready(message, envelope, envelope.parse(event_cls), handler)
        except EnvelopeError as exc:
            return await self._dead_letter(message, envelope, exc, 1, to_dlq_topic)

    async def _apply_with_retries(self, ready: "_Ready", to_dlq_topic: bool) -> Outcome:
        failures = 0
        outage_waits = 0
        while True:
            try:
                return await self._apply(ready)
            except asyncio.CancelledError:
                raise
            except inbox.ConflictingDuplicate as exc:
                return await self._dead_letter(ready.message, ready.envelope, exc, failures + 1, to_dlq_topic)
            except Exception as exc:
                if is_transient(exc):
                    outage_waits += 1
                    await self._outage_pause(ready.envelope.id, exc, outage_waits)
                    continue
                failures += 1
                if failures >= self._max_attempts:
                    return await self._dead_letter(ready.message, ready.envelope, exc, failures, to_dlq_topic)
                log.warning("attempt %d applying %s failed: %s", failures, ready.envelope.id, exc)
                await asyncio.sleep(self._retry_backoff_s * failures)

    async def _outage_pause(self, what: str, exc: BaseException, waits: int) -> None:
        delay = min(self._max_outage_backoff_s, self._retry_backoff_s * 2**waits)
        log.warning("transient failure applying %s (%s); retrying in %.1fs", what, exc.__class__.__name__, delay)
        await asyncio.sleep(delay)

    def _other_versions(self, event_type: str) -> list[str]:
        family = _VERSION_SUFFIX.sub("", event_type)
        return sorted(t for t in self._handlers if _VERSION_SUFFIX.sub("", t) == family)

    async def _apply(self, ready: "_Ready") -> Outcome:
        async with self._uow_factory() as uow:
            claim = await inbox.claim(
                uow.session,
                self.name,
                ready.envelope,
                ready.message.topic,
                ready.message.partition,
                ready.message.offset,
            )
            if claim is inbox.Claim.DUPLICATE:
                return Outcome.DUPLICATE
            if claim is inbox.Claim.CONFLICT:
                raise inbox.ConflictingDuplicate(
                    f"event {ready.envelope.id} was already applied with a different payload"
                )
            await self._run_handler(uow, ready)
            failpoint("consumer.before_db_commit")
            await uow.commit()
        failpoint("consumer.after_db_commit")
        return Outcome.PROCESSED

    async def _run_handler(self, uow: UnitOfWork, ready: "_Ready") -> None:
        message, envelope = ready.message, ready.envelope
        with (
            self._tracer.start_as_current_span(
                f"{envelope.type} process",
                context=extract_trace_context(envelope.trace_headers),
                kind=trace.SpanKind.CONSUMER,
                attributes={
                    "messaging.system": "kafka",
                    "messaging.destination.name": message.topic,
                    "messaging.kafka.destination.partition": message.partition,
                    "messaging.kafka.message.offset": message.offset,
                    "messaging.message.id": envelope.id,
                    "messaging.consumer.group.name": self.name,
                },
            ),
            caused_by(
                Causation(correlation_id=envelope.correlation_id, causation_id=envelope.id, actor=envelope.actor)
            ),
        ):
            await ready.handler(uow, ready.event, Delivery(envelope, message.topic, message.partition, message.offset))

    async def _apply_in_batches(self, batch: "list[_Ready]") -> None:
        while batch:
            failed = await self._try_batch(batch)
            if failed is None:
                return
            if failed is _UNATTRIBUTED:
                if len(batch) == 1:
                    self._count(batch[0].message.topic, await self._apply_with_retries(batch[0], to_dlq_topic=True))
                    return
                # The commit itself failed: halve the batch until the message behind it is alone.
                middle = len(batch) // 2
                await self._apply_in_batches(batch[:middle])
                batch = batch[middle:]
                continue
            assert isinstance(failed, int)
            await self._apply_in_batches(batch[:failed])
            self._count(batch[failed].message.topic, await self._apply_with_retries(batch[failed], to_dlq_topic=True))
            batch = batch[failed + 1 :]

    async def _try_batch(self, batch: "list[_Ready]") -> "int | object | None":
        """Apply the whole batch and commit: None; or, rolled back, the index of the failing message."""
        outage_waits = 0
        while True:
            at: int | None = None
            try:
                async with self._uow_factory() as uow:
                    claims = await inbox.claim_many(
                        uow.session,
                        self.name,
                        [(r.envelope, r.message.topic, r.message.partition, r.message.offset) for r in batch],
                    )
                    if self._prefetch is not None:
                        await self._prefetch(uow, [r.event for r, c in zip(batch, claims) if c is inbox.Claim.NEW])
                    for at, (ready, claim) in enumerate(zip(batch, claims, strict=True)):
                        if claim is inbox.Claim.CONFLICT:
                            return at
                        if claim is inbox.Claim.NEW:
                            await self._run_handler(uow, ready)
                    at = None
                    failpoint("consumer.before_db_commit", hits=len(batch))
                    await uow.commit()
                failpoint("consumer.after_db_commit", hits=len(batch))
                for ready, claim in zip(batch, claims, strict=True):
                    self._count(
                        ready.message.topic, Outcome.PROCESSED if claim is inbox.Claim.NEW else Outcome.DUPLICATE
                    )
                return None
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if is_transient(exc):
                    outage_waits += 1
                    await self._outage_pause(f"a batch of {len(batch)}", exc, outage_waits)
                    continue
                if at is None:
                    log.warning("a batch of %d failed at commit (%s); splitting it", len(batch), exc)
                    return _UNATTRIBUTED
                log.info("batch rolled back at %s: %s", batch[at].envelope.id, exc)
                return at

    async def _dead_letter(
        self,
        message: IncomingMessage,
        envelope: Envelope | None,
        error: BaseException,
        attempts: int,
        to_dlq_topic: bool,
    ) -> Outcome:
        reason = f"{error.__class__.__name__}: {error}"
        log.error(
            "dead-lettering %s/%d@%d for %s: %s",
            message.topic,
            message.partition,
            message.offset,
            self.name,
            reason,
        )
        headers = _printable_headers(message.headers)
        if to_dlq_topic:
            dlq_headers = {
                **headers,
                "dlq_consumer": self.name,
                "dlq_error": reason[:2000],
                "dlq_original_topic": message.topic,
                "dlq_original_partition": str(message.partition),
                "dlq_original_offset": str(message.offset),
            }
            await self._retry_outage(
                lambda: self._publish_raw(dead_letter_topic(message.topic), message.key, message.value, dlq_headers)
            )
        row = {
            "consumer": self.name,
            "topic": message.topic,
            "partition": message.partition,
            "offset": message.offset,
            "event_id": _storable(envelope.id) if envelope else None,
            "event_type": _storable(envelope.type) if envelope else None,
            "key": message.key,
            "headers": headers,
            "payload": message.value,
            "error": _storable("".join(traceback.format_exception_only(error)).strip()[:8000]),
            "attempts": attempts,
        }
        await self._retry_outage(lambda: self._record_dead_letter(row))
        return Outcome.DEAD_LETTERED

    async def _record_dead_letter(self, row: dict) -> None:
        statement = pg_insert(self._dead_letters).values(**row)
        statement = statement.on_conflict_do_update(
            constraint="uq_dead_letters_message",
            set_={
                "error": statement.excluded.error,
                "attempts": self._dead_letters.c.attempts + statement.excluded.attempts,
                "status": "pending",
                "last_failed_at": func.now(),
                "resolved_at": None,
            },
        )
        async with self._session_factory() as session, session.begin():
            await session.execute(statement)

    async def _retry_outage(self, operation: Callable[[], Awaitable[object]]) -> None:
        waits = 0
        while True:
            try:
                await operation()
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                waits += 1
                delay = min(self._max_outage_backoff_s, self._retry_backoff_s * 2**waits)
                log.warning("dead-letter write failed (%s); retrying in %.1fs", exc, delay)
                await asyncio.sleep(delay)


def _printable_headers(raw: tuple[tuple[str, bytes], ...]) -> dict[str, str]:
    return {_storable(name): _storable((value or b"").decode("utf-8", errors="replace")) for name, value in raw}


def _storable(text: str) -> str:
    # PostgreSQL text and JSONB cannot hold NUL: a dead letter that cannot be written would stall
    # the partition forever (the write is retried as an outage).
    return text.replace("\x00", "\ufffd")
