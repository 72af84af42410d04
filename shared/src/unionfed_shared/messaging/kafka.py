"""FastStream wiring: the broker, the subscriber that runs an EventConsumer, topics and their offsets."""

import dataclasses
import logging
import ssl
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType
from aiokafka.coordinator.assignors.abstract import AbstractPartitionAssignor
from aiokafka.coordinator.assignors.roundrobin import RoundRobinPartitionAssignor
from aiokafka.errors import (
    CommitFailedError,
    IllegalStateError,
    KafkaConnectionError,
    TopicAlreadyExistsError,
    for_code,
)
from aiokafka.helpers import create_ssl_context
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.middlewares import AckPolicy
from faststream.security import BaseSecurity, SASLScram256, SASLScram512
from pydantic import SecretStr

from unionfed_shared.contracts.topics import ALL_TOPICS, PARTITIONS
from unionfed_shared.failpoints import stall
from unionfed_shared.messaging.consumer import EventConsumer, IncomingMessage
from unionfed_shared.messaging.outbox_relay import OutboxMessage
from unionfed_shared.messaging.topic_settings import declared_configs
from unionfed_shared.metrics import ServiceMetrics
from unionfed_shared.settings import KafkaTopicSettings, ServiceSettings

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class KafkaClientOptions:
    """Where the brokers are and how to authenticate to them: every Kafka client is opened with these.

    Built once from the settings (``kafka_client_options``); ``aiokafka()`` gives the keyword
    arguments of an aiokafka producer, consumer or admin client, ``security()`` FastStream's object.
    """

    bootstrap_servers: str
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str = "SCRAM-SHA-512"
    sasl_username: str | None = None
    sasl_password: SecretStr | None = dataclasses.field(default=None, repr=False)
    ssl_cafile: str | None = None

    @property
    def sasl(self) -> bool:
        return self.security_protocol.startswith("SASL_")

    def ssl_context(self) -> ssl.SSLContext | None:
        if self.security_protocol != "SASL_SSL":
            return None
        return create_ssl_context(cafile=self.ssl_cafile)  # the system's CAs when no file is given

    def aiokafka(self) -> dict[str, Any]:
        options: dict[str, Any] = {"bootstrap_servers": self.bootstrap_servers}
        if self.sasl:
            assert self.sasl_username and self.sasl_password  # the settings refuse SASL without them
            options.update(
                security_protocol=self.security_protocol,
                sasl_mechanism=self.sasl_mechanism,
                sasl_plain_username=self.sasl_username,
                sasl_plain_password=self.sasl_password.get_secret_value(),
                ssl_context=self.ssl_context(),
            )
        return options

    def security(self) -> BaseSecurity | None:
        if not self.sasl:
            return None
        assert self.sasl_username and self.sasl_password
        scram = SASLScram512 if self.sasl_mechanism == "SCRAM-SHA-512" else SASLScram256
        context = self.ssl_context()
        return scram(
            self.sasl_username,
            self.sasl_password.get_secret_value(),
            ssl_context=context,
            use_ssl=context is not None,
        )


class KafkaUnreachable(KafkaConnectionError):
    """No broker answered at the bootstrap servers, or they refused the SASL credentials."""

    def __init__(self, options: KafkaClientOptions, cause: BaseException):
        if options.sasl:
            who = f" as {options.sasl_username} ({options.security_protocol}, {options.sasl_mechanism})"
            hint = "; if it runs, check the KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD it was given"
        else:
            who, hint = "", ""
        super().__init__(f"could not connect to Kafka at {options.bootstrap_servers}{who}: {cause}{hint}")


def kafka_client_options(settings: ServiceSettings) -> KafkaClientOptions:
    """The service's Kafka connection, from its ``KAFKA_*`` settings."""
    return KafkaClientOptions(
        settings.kafka_bootstrap_servers,
        settings.kafka_security_protocol,
        settings.kafka_sasl_mechanism,
        settings.kafka_sasl_username,
        settings.kafka_sasl_password,
        settings.kafka_ssl_cafile,
    )


def topic_client_options(bootstrap_servers: str, settings: KafkaTopicSettings) -> KafkaClientOptions:
    """``unionfed topics create``'s connection, from its ``UNIONFED_KAFKA_*`` settings."""
    return KafkaClientOptions(
        bootstrap_servers,
        settings.security_protocol,
        settings.sasl_mechanism,
        settings.sasl_username,
        settings.sasl_password,
        settings.ssl_cafile,
    )


Kafka = KafkaClientOptions | str  # a bare string: plain bootstrap servers (tests, bench)


def client_kwargs(kafka: Kafka) -> dict[str, Any]:
    """Keyword arguments for an aiokafka client: bootstrap servers and, with SASL, its credentials."""
    return KafkaClientOptions(kafka).aiokafka() if isinstance(kafka, str) else kafka.aiokafka()


def make_broker(kafka: Kafka, client_id: str) -> KafkaBroker:
    options = KafkaClientOptions(kafka) if isinstance(kafka, str) else kafka
    # acks=all with idempotence: a broker retry never duplicates or reorders within a partition.
    # FastStream's per-message "Received/Processed" lines go through our JSON logging at DEBUG;
    # each outcome is logged by the EventConsumer instead.
    return KafkaBroker(
        options.bootstrap_servers,
        security=options.security(),
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        logger=logging.getLogger("unionfed.broker"),
        log_level=logging.DEBUG,
    )


class GroupMembership(ConsumerRebalanceListener):
    """Whether this instance is a settled member of its consumer group, for readiness.

    Kafka calls ``revoked`` when a rebalance begins and ``assigned`` when it ends, with this
    member's partitions (none when the group has more members than partitions: still a member).
    """

    def __init__(self) -> None:
        self.joined = False
        self.partitions = 0

    async def on_partitions_revoked(self, revoked) -> None:
        self.joined = False

    async def on_partitions_assigned(self, assigned) -> None:
        self.partitions = len(assigned)
        self.joined = True


def subscribe(
    broker: KafkaBroker,
    consumer: EventConsumer,
    group_id: str,
    *,
    max_records: int = 500,
    batch_timeout_ms: int = 100,
    max_poll_interval_ms: int = 300_000,
    session_timeout_ms: int = 10_000,
    instance_id: str | None = None,
    metrics: ServiceMetrics | None = None,
    membership: GroupMembership | None = None,
    assignor: type[AbstractPartitionAssignor] = RoundRobinPartitionAssignor,
) -> None:
    """Attach ``consumer`` to its topics. Offsets are committed only after the batch's outcomes are durable.

    AckPolicy.MANUAL turns off auto-commit (FastStream's default on Kafka acks before the handler
    runs); ``earliest`` lets a new consumer group start from the first event, not the next one.
    Records arrive in batches (what the fetch holds, up to ``max_records``), applied in one
    database transaction each.

    A batch held longer than ``max_poll_interval_ms`` (a slow handler) costs the member its place
    in the group: the partitions move to another member, the offset commit after the batch is
    refused (``CommitFailedError``), and the batch is redelivered to the new owner, whose inbox
    recognises every event of it. The refusal is counted in
    ``unionfed_consumer_offset_commits_lost_total``; the member rejoins on its next fetch.

    With an ``instance_id`` the member is static (KIP-345): the coordinator knows a restarted
    process by it and hands its partitions straight back, where a dynamic member's restart waits
    for the dead session to expire and then rebalances the whole group. A static member never
    leaves on stop (aiokafka sends no LeaveGroup), so its partitions wait for it up to
    ``session_timeout_ms``.

    ``assignor`` deals the partitions among the group's members (a rebuild's processes deal them by
    backlog: ``messaging/assignment``); every member of a group must use the same one.
    """

    @broker.subscriber(
        *consumer.topics,
        group_id=group_id,
        ack_policy=AckPolicy.MANUAL,
        auto_offset_reset="earliest",
        batch=True,
        max_records=max_records,
        batch_timeout_ms=batch_timeout_ms,
        max_poll_interval_ms=max_poll_interval_ms,
        session_timeout_ms=session_timeout_ms,
        group_instance_id=instance_id,
        partition_assignment_strategy=(assignor,),
        listener=membership,
        title=f"{group_id}:{consumer.name}",
        description=f"Applies {', '.join(consumer.topics)} events once each for {consumer.name}",
        # The EventConsumer parses the bytes itself and dead-letters what it cannot read; FastStream's
        # own JSON decoding would raise on a malformed body before it, and the message would be lost.
        decoder=_undecoded,
        parser=_tolerant_parser,
    )
    async def on_batch(message: KafkaMessage) -> None:
        await consumer.handle_batch([IncomingMessage.from_record(record) for record in message.raw_message])
        # A kill here (kill -9 before the offset commit), or a stall (a slow batch): tests' failpoints.
        await stall("consumer.before_offset_commit", hits=len(message.raw_message))
        await commit_offsets(message, group_id, metrics)


async def commit_offsets(message, group_id: str, metrics: ServiceMetrics | None) -> bool:
    """Commit the batch's offsets; False, counted and logged, when a rebalance took its partitions."""
    try:
        # The consumer's position is right after the batch it was handed, so committing it
        # commits exactly what was just applied.
        await message.ack()
    except (CommitFailedError, IllegalStateError) as exc:
        # The partition moved to another member during a rebalance; it will redeliver
        # from the last commit and the inbox will recognise what was already applied.
        log.warning("offset commit lost to a rebalance (%s): %s", exc.__class__.__name__, exc)
        if metrics is not None:
            metrics.offset_commit_lost(group_id, (record.topic for record in message.raw_message))
        return False
    return True


async def _undecoded(message) -> bytes:
    return message.body


async def _tolerant_parser(records, original_parser):
    """The batch as a FastStream message, without FastStream decoding every record's headers.

    The EventConsumer reads the records themselves, so FastStream's parse (headers decoded as
    UTF-8 into dicts, per record) is work thrown away — and it drops, without trace, a batch
    where one header is not UTF-8. Only the first record is parsed, with readable headers; the
    message then carries every record untouched, and the EventConsumer dead-letters what it
    cannot read.
    """
    first = records[0]
    readable = dataclasses.replace(
        first,
        headers=[(k, v if v is None else v.decode("utf-8", "replace").encode()) for k, v in first.headers or ()],
    )
    message = await original_parser((readable,))
    message.raw_message = records
    return message


def outbox_sender(broker: KafkaBroker):
    async def send(message: OutboxMessage):
        return await broker.publish(
            message.payload,
            topic=message.topic,
            key=message.key,
            headers=message.headers,
            no_confirm=True,
        )

    return send


def raw_publisher(broker: KafkaBroker):
    async def publish(topic: str, key: bytes | None, value: bytes, headers: dict[str, str]):
        return await broker.publish(value, topic=topic, key=key, headers=headers)

    return publish


@dataclasses.dataclass(frozen=True)
class EnsuredTopics:
    created: list[str]
    altered: list[str]  # existing topics whose settings differed from the declared ones


class TopicSettingsError(RuntimeError):
    """The broker refused the declared settings, or an existing topic cannot meet them."""


async def ensure_topics(
    kafka: Kafka,
    topics=ALL_TOPICS,
    partitions: int = PARTITIONS,
    settings: KafkaTopicSettings | None = None,
) -> EnsuredTopics:
    """Create the missing topics and bring existing ones to the declared settings (topic_settings).

    Run on every start (``unionfed topics create``), so a topic created before a setting changed
    — say with the broker's 7-day retention — is altered, not just new ones created right.
    """
    settings = settings or KafkaTopicSettings()
    admin = AIOKafkaAdminClient(**client_kwargs(kafka))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t not in existing]
        created = await _create(admin, missing, partitions, settings) if missing else []
        present = [t for t in topics if t not in created]
        altered = await _bring_to_declared(admin, present, settings) if present else []
        return EnsuredTopics(created, altered)
    finally:
        await admin.close()


async def _create(
    admin: AIOKafkaAdminClient, names: list[str], partitions: int, settings: KafkaTopicSettings
) -> list[str]:
    response = await admin.create_topics(
        [
            NewTopic(
                name=t,
                num_partitions=partitions,
                replication_factor=settings.replication_factor,
                topic_configs=declared_configs(t, settings),
            )
            for t in names
        ]
    )
    created, failures = [], []
    for topic, error_code, *message in response.topic_errors:
        if error_code == 0:
            created.append(topic)
        elif for_code(error_code) is not TopicAlreadyExistsError:  # another process just made it
            failures.append(f"{topic}: {for_code(error_code).__name__} {''.join(m or '' for m in message)}")
    if failures:
        raise TopicSettingsError("could not create topics: " + "; ".join(failures))
    return created


async def _bring_to_declared(admin: AIOKafkaAdminClient, names: list[str], settings: KafkaTopicSettings) -> list[str]:
    """Alter every topic whose settings differ from the declared ones; return their names."""
    thin = [
        f"{t['topic']} has {min(len(p['replicas']) for p in t['partitions'])} replica(s)"
        for t in sorted(await admin.describe_topics(names), key=lambda t: t["topic"])
        if t["partitions"] and min(len(p["replicas"]) for p in t["partitions"]) < settings.replication_factor
    ]
    if thin:
        # Kafka changes an existing topic's replicas only by partition reassignment, an operator's
        # decision (kafka-reassign-partitions.sh); applying min.insync.replicas without them would
        # refuse every acks=all write.
        raise TopicSettingsError(
            f"UNIONFED_KAFKA_REPLICATION_FACTOR is {settings.replication_factor} but {', '.join(thin)}; "
            "reassign their partitions to more brokers first"
        )
    current = await _topic_configs(admin, names)
    differing = [
        t for t in names if any(current[t].get(key) != value for key, value in declared_configs(t, settings).items())
    ]
    if differing:
        # AlterConfigs (aiokafka has no incremental variant) replaces a topic's whole set of
        # overrides: the declared set becomes all of it, and a setting made by hand is reset.
        responses = await admin.alter_configs(
            [ConfigResource(ConfigResourceType.TOPIC, t, declared_configs(t, settings)) for t in differing]
        )
        _raise_on_errors(responses, "could not alter topic settings")
    return differing


async def _topic_configs(admin: AIOKafkaAdminClient, names: list[str]) -> dict[str, dict[str, str]]:
    responses = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, t) for t in names])
    _raise_on_errors(responses, "could not read topic settings")
    return {
        name: {entry[0]: entry[1] for entry in entries}
        for response in responses
        for _error, _message, _type, name, entries in response.resources
    }


def _raise_on_errors(responses, what: str) -> None:
    failures = [
        f"{name}: {for_code(error).__name__} {message or ''}".strip()
        for response in responses
        for error, message, _type, name, *_ in response.resources
        if error
    ]
    if failures:
        raise TopicSettingsError(f"{what}: " + "; ".join(failures))


async def end_offsets(kafka: Kafka, topics: list[str]) -> dict[tuple[str, int], int]:
    """The offset after the last message of every partition of ``topics``, right now."""
    return await _offsets(kafka, topics, AIOKafkaConsumer.end_offsets)


async def beginning_offsets(kafka: Kafka, topics: list[str]) -> dict[tuple[str, int], int]:
    """The offset of the first message still held by every partition of ``topics``, right now."""
    return await _offsets(kafka, topics, AIOKafkaConsumer.beginning_offsets)


@dataclasses.dataclass(frozen=True)
class LostRecords:
    """Records ``first``–``last`` of a partition are no longer on the broker."""

    topic: str
    partition: int
    first: int
    last: int

    def __str__(self) -> str:
        where = f"{self.topic} partition {self.partition}"
        return f"{where}: offsets {self.first}–{self.last} are gone (deleted or expired)"


async def lost_history(kafka: Kafka, topics: list[str]) -> list[LostRecords]:
    """Every partition of ``topics`` that no longer starts at offset 0, with what it lost.

    Offsets start at 0 and only ever grow, so a partition whose earliest offset is above 0 lost
    its first records (retention or delete-records); a replay from it would miss them.
    """
    starts = await beginning_offsets(kafka, topics)
    return [
        LostRecords(topic, partition, 0, start - 1) for (topic, partition), start in sorted(starts.items()) if start > 0
    ]


async def _offsets(kafka: Kafka, topics: list[str], which) -> dict[tuple[str, int], int]:
    consumer = AIOKafkaConsumer(**client_kwargs(kafka), enable_auto_commit=False)
    try:
        await consumer.start()
    except BaseException:
        await consumer.stop()  # a consumer that failed to start still holds its client
        raise
    try:
        partitions = [
            TopicPartition(topic, partition)
            for topic in topics
            for partition in sorted(consumer.partitions_for_topic(topic) or await _partitions(consumer, topic))
        ]
        offsets = await which(consumer, partitions)
        return {(tp.topic, tp.partition): offset for tp, offset in offsets.items()}
    finally:
        await consumer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()  # aiokafka has no public refresh
    return consumer.partitions_for_topic(topic) or set()


async def committed_offsets(kafka: Kafka, group_id: str) -> dict[tuple[str, int], int]:
    """What a consumer group has committed, per partition."""
    admin = AIOKafkaAdminClient(**client_kwargs(kafka))
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group_id)
        return {(tp.topic, tp.partition): meta.offset for tp, meta in offsets.items() if meta.offset >= 0}
    finally:
        await admin.close()


async def commit_group_offsets(kafka: Kafka, group_id: str, offsets: dict[tuple[str, int], int]) -> None:
    """Commit ``offsets`` for a consumer group no member has joined yet: where it will start reading.

    A rebuild from a snapshot starts its new group at the snapshot's offsets, so only the tail is read.
    """
    if not offsets:
        return
    consumer = AIOKafkaConsumer(**client_kwargs(kafka), group_id=group_id, enable_auto_commit=False)
    await consumer.start()
    try:
        positions = {TopicPartition(topic, partition): offset for (topic, partition), offset in offsets.items()}
        consumer.assign(list(positions))
        await consumer.commit(positions)
    finally:
        await consumer.stop()
