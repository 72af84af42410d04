"""Everything one service process runs: database, broker, consumer, outbox relay, HTTP API."""

import asyncio
import contextlib
import functools
import gc
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Generic, TypeVar

from aiokafka.coordinator.assignors.abstract import AbstractPartitionAssignor
from aiokafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
from aiokafka.errors import KafkaConnectionError
from fastapi import APIRouter, FastAPI
from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from unionfed_shared import business_time
from unionfed_shared.auth import TokenService
from unionfed_shared.contracts.base import IntegrationEvent
from unionfed_shared.db import make_engine, make_session_factory
from unionfed_shared.messaging.asyncapi import asyncapi_document
from unionfed_shared.messaging.consumer import EventConsumer, Handler, Prefetch
from unionfed_shared.messaging.dead_letters import DeadLetterAdmin
from unionfed_shared.messaging.kafka import (
    GroupMembership,
    KafkaUnreachable,
    committed_offsets,
    end_offsets,
    kafka_client_options,
    make_broker,
    outbox_sender,
    raw_publisher,
    subscribe,
)
from unionfed_shared.messaging.outbox_relay import OutboxRelay
from unionfed_shared.messaging.unit_of_work import UnitOfWork
from unionfed_shared.metrics import Probe, ServiceMetrics, consumer_lag
from unionfed_shared.observability import configure_logging, configure_tracing
from unionfed_shared.schedules import DailyJob, DailyScheduler
from unionfed_shared.settings import ServiceSettings

if TYPE_CHECKING:
    from unionfed_shared.attachments.store import BlobStorage

log = logging.getLogger(__name__)
# The service's own unit of work (its repositories) and settings, so that its routes and CLIs are typed with them.
U = TypeVar("U", bound=UnitOfWork)
S = TypeVar("S", bound=ServiceSettings)


@dataclass
class ServiceDefinition(Generic[U, S]):
    """What a service tells the kit about itself."""

    name: str
    title: str
    settings_factory: type[S]
    messaging_tables: tuple[Table, Table, Table]  # outbox, inbox, dead_letters
    uow_class: type[U]
    handlers: Mapping[type[IntegrationEvent], Handler]
    routers: Sequence[APIRouter]
    migrations_dir: Path
    emits: Sequence[type[IntegrationEvent]] = ()
    description: str = ""
    prefetch: Prefetch | None = None
    # Where Idempotency-Key answers are kept (add_idempotency_table); None: the service takes no keys.
    idempotency_keys: Table | None = None
    # The jobs this service runs once per business day (unionfed_shared.schedules), built from the
    # runtime (its unit of work, settings); their runs are kept in ``schedule_runs``.
    daily_jobs: "Callable[[Runtime[U, S]], Sequence[DailyJob]] | None" = None
    schedule_runs: Table | None = None
    # Where attachments' bytes are kept (unionfed_shared.attachments.object_store.blob_storage): called
    # once when the runtime is assembled; None: the service keeps no files.
    blob_storage: "Callable[[], BlobStorage] | None" = None
    # The service's own series on /metrics, read from its database when scraped (unionfed_shared.metrics).
    metrics: Sequence[Probe] = ()


@dataclass(frozen=True)
class RuntimeParts:
    """Which loops a serving process runs besides HTTP."""

    consume: bool = True
    relay: bool = True
    schedule: bool = True

    @classmethod
    def of_mode(cls, mode: str) -> "RuntimeParts":
        """``all`` (one machine), ``api`` (HTTP pods: no consumer) or ``consumer`` (scaled on lag: no daily jobs)."""
        return {"all": cls(), "api": cls(consume=False), "consumer": cls(schedule=False)}[mode]


class Runtime(Generic[U, S]):
    def __init__(
        self,
        definition: ServiceDefinition[U, S],
        settings: S | None = None,
        *,
        assignor: type[AbstractPartitionAssignor] = RoundRobinPartitionAssignor,
    ):
        self.definition = definition
        self.settings = settings or definition.settings_factory()
        self.engine = make_engine(self.settings.database_url)
        self.session_factory: async_sessionmaker[AsyncSession] = make_session_factory(self.engine)
        outbox, _inbox, dead_letters = definition.messaging_tables
        self.outbox = outbox
        # One set of Kafka client options (bootstrap and SASL) for the broker and every probe and admin call.
        self.kafka = kafka_client_options(self.settings)
        self.broker = make_broker(self.kafka, f"unionfed-{definition.name}")
        # The HS256 secret, or the OIDC issuer's JWKS when one is configured.
        self.tokens = TokenService.from_settings(self.settings)
        self.metrics = ServiceMetrics(
            definition.name,
            self.session_factory,
            probes=definition.metrics,
            lag=self._consumer_lag if definition.handlers else None,
            consumer_group=self.settings.consumer_group,
        )
        self.consumer = EventConsumer(
            definition.name,
            self.uow,
            self.session_factory,
            dead_letters,
            raw_publisher(self.broker),
            max_attempts=self.settings.consumer_max_attempts,
            retry_backoff_s=self.settings.consumer_retry_backoff_s,
            prefetch=definition.prefetch,
            metrics=self.metrics,
        )
        self.consumer.register_all(definition.handlers)
        self.membership = GroupMembership()
        if self.consumer.topics:
            subscribe(
                self.broker,
                self.consumer,
                self.settings.consumer_group,
                max_records=self.settings.consumer_batch_size,
                batch_timeout_ms=self.settings.consumer_batch_timeout_ms,
                max_poll_interval_ms=self.settings.consumer_max_poll_interval_ms,
                session_timeout_ms=self.settings.consumer_session_timeout_ms,
                instance_id=self.settings.consumer_instance_id,
                metrics=self.metrics,
                membership=self.membership,
                assignor=assignor,
            )
        self.relay = OutboxRelay(
            self.session_factory,
            outbox_sender(self.broker),
            batch_size=self.settings.outbox_batch_size,
            poll_interval_s=self.settings.outbox_poll_interval_s,
        )
        self.dead_letters = DeadLetterAdmin(self.session_factory, dead_letters, self.consumer)
        self.scheduler: DailyScheduler | None = None
        if definition.daily_jobs is not None and definition.schedule_runs is not None:
            self.scheduler = DailyScheduler(
                definition.name,
                self.engine,
                definition.schedule_runs,
                definition.daily_jobs(self),
                tz=business_time.zone(self.settings.schedule_time_zone),
                tick_s=self.settings.schedule_tick_s,
                max_attempts=self.settings.schedule_max_attempts,
            )
        self._stop = asyncio.Event()
        # What this process runs (`serve --mode`): an API instance consumes nothing, a consumer
        # instance runs no daily job; both relay their own outbox rows.
        self.parts = RuntimeParts()
        self.consuming = False
        self._relay_task: asyncio.Task | None = None
        self._scheduler_task: asyncio.Task | None = None
        self.blob_storage: BlobStorage | None = definition.blob_storage() if definition.blob_storage else None
        if self.blob_storage is not None:
            # Every session of the runtime (units of work, the auditors' checks, the CLIs) reads and
            # writes attachments' bytes in it: unionfed_shared.attachments.store.storage_of(session).
            self.session_factory.configure(info={"blob_storage": self.blob_storage})

    @functools.cached_property
    def asyncapi(self) -> dict:
        """This service's AsyncAPI document: what it sends, receives and dead-letters."""
        return asyncapi_document(
            service=self.definition.name,
            title=self.definition.title,
            emits=self.definition.emits,
            consumes=self.definition.handlers,
            consumer_group=self.settings.consumer_group,
            bootstrap_servers=self.settings.kafka_bootstrap_servers,
        )

    async def _consumer_lag(self) -> dict[tuple[str, int], int]:
        """How far the service's consumer group is behind on each partition of its topics."""
        servers, topics = self.kafka, self.consumer.topics
        end, committed = await asyncio.gather(
            end_offsets(servers, topics), committed_offsets(servers, self.settings.consumer_group)
        )
        return consumer_lag(end, committed)

    def uow(self) -> U:
        return self.definition.uow_class(self.session_factory, self.outbox, f"/unionfed/{self.definition.name}")

    async def start(self, *, consume: bool = True, relay: bool = True, schedule: bool = True) -> None:
        self.consuming = consume and bool(self.consumer.topics)
        try:
            if consume:
                await self.broker.start()
            else:
                await self.broker.connect()
        except KafkaConnectionError as exc:
            # aiokafka logs why (say SaslAuthenticationFailed) and raises "Unable to bootstrap": say where and as whom.
            with contextlib.suppress(Exception):
                await self.broker.stop()  # the producer it opened first
            raise KafkaUnreachable(self.kafka, exc) from exc
        self._stop.clear()
        if relay:
            self._relay_task = asyncio.create_task(self.relay.run(self._stop), name="outbox-relay")
        if schedule and self.scheduler is not None and self.settings.schedules_enabled:
            self._scheduler_task = asyncio.create_task(self.scheduler.run_forever(self._stop), name="scheduler")
        # Everything loaded so far (models, schemas, the app) lives as long as the process: a full
        # collection that walks it pauses every request for 80–170 ms (measured with gc.callbacks
        # under `make bench`); frozen, collections walk only what requests and batches create.
        gc.freeze()

    async def stop(self) -> None:
        self._stop.set()
        if self._relay_task:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._relay_task, timeout=10)
        if self._scheduler_task:
            # A job still running is cancelled after the wait; its run is found "running" and
            # marked interrupted (and retried) by the next instance that ticks.
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._scheduler_task, timeout=10)
        await self.broker.stop()
        if self.blob_storage is not None:
            await self.blob_storage.close()
        await self.engine.dispose()

    def relay_alive(self) -> bool | None:
        """Whether the outbox relay runs (None when this process does not run one)."""
        return None if self._relay_task is None else not self._relay_task.done()

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: FastAPI):
        await self.start(consume=self.parts.consume, relay=self.parts.relay, schedule=self.parts.schedule)
        try:
            yield
        finally:
            await self.stop()


def build_runtime(definition: ServiceDefinition[U, S], settings: S | None = None) -> Runtime[U, S]:
    runtime = Runtime(definition, settings)
    configure_logging(definition.name, runtime.settings.log_level)
    configure_tracing(f"unionfed-{definition.name}", runtime.settings.otlp_endpoint)
    return runtime
