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
import traceback
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

from opentelemetry import trace
from sqlalchemy import Table
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
from unionfed_shared.observability import extract_trace_context, tracer

log = logging.getLogger(__name__)
_VERSION_SUFFIX = re.compile(r"\.v\d+$")

Handler = Callable[[UnitOfWork, IntegrationEvent, "Delivery"], Awaitable[None]]
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


@dataclass(frozen=True)
class Delivery:
    """An event as it was delivered: what it says and where in Kafka it came from."""

    envelope: Envelope
    topic: str
    partition: int
    offset: int


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
        """Give the message its one outcome. Raises only on cancellation."""
        outcome = await self._outcome_of(message, to_dlq_topic)
        log.debug(
            "%s/%d@%d %s for %s", message.topic, message.partition, message.offset, outcome.value, self.name
        )
        return outcome

    async def _outcome_of(self, message: IncomingMessage, to_dlq_topic: bool) -> Outcome:
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
            event = envelope.parse(event_cls)
        except EnvelopeError as exc:
            return await self._dead_letter(message, envelope, exc, 1, to_dlq_topic)

        failures = 0
        outage_waits = 0
        while True:
            try:
                return await self._apply(message, envelope, event, handler)
            except asyncio.CancelledError:
                raise
            except inbox.ConflictingDuplicate as exc:
                return await self._dead_letter(message, envelope, exc, failures + 1, to_dlq_topic)
            except Exception as exc:
                if is_transient(exc):
                    outage_waits += 1
                    delay = min(self._max_outage_backoff_s, self._retry_backoff_s * 2**outage_waits)
                    log.warning(
                        "transient failure applying %s (%s); retrying in %.1fs",
                        envelope.id, exc.__class__.__name__, delay,
                    )
                    await asyncio.sleep(delay)
                    continue
                failures += 1
                if failures >= self._max_attempts:
                    return await self._dead_letter(message, envelope, exc, failures, to_dlq_topic)
                log.warning("attempt %d applying %s failed: %s", failures, envelope.id, exc)
                await asyncio.sleep(self._retry_backoff_s * failures)

    def _other_versions(self, event_type: str) -> list[str]:
        family = _VERSION_SUFFIX.sub("", event_type)
        return sorted(t for t in self._handlers if _VERSION_SUFFIX.sub("", t) == family)

    async def _apply(
        self, message: IncomingMessage, envelope: Envelope, event: IntegrationEvent, handler: Handler
    ) -> Outcome:
        parent = extract_trace_context(envelope.trace_headers)
        with (
            self._tracer.start_as_current_span(
                f"{envelope.type} process",
                context=parent,
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
                Causation(
                    correlation_id=envelope.correlation_id,
                    causation_id=envelope.id,
                    actor=envelope.actor,
                )
            ),
        ):
            async with self._uow_factory() as uow:
                claim = await inbox.claim(
                    uow.session, self.name, envelope, message.topic, message.partition, message.offset
                )
                if claim is inbox.Claim.DUPLICATE:
                    return Outcome.DUPLICATE
                if claim is inbox.Claim.CONFLICT:
                    raise inbox.ConflictingDuplicate(
                        f"event {envelope.id} was already applied with a different payload"
                    )
                await handler(uow, event, Delivery(envelope, message.topic, message.partition, message.offset))
                failpoint("consumer.before_db_commit")
                await uow.commit()
        failpoint("consumer.after_db_commit")
        return Outcome.PROCESSED

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
            message.topic, message.partition, message.offset, self.name, reason,
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
                lambda: self._publish_raw(
                    dead_letter_topic(message.topic), message.key, message.value, dlq_headers
                )
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
