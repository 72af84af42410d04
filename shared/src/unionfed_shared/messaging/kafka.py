"""FastStream wiring: the broker, the subscriber that runs an EventConsumer, topic creation."""

import dataclasses
import logging

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import CommitFailedError, IllegalStateError, TopicAlreadyExistsError
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaMessage
from faststream.middlewares import AckPolicy

from unionfed_shared.contracts.topics import ALL_TOPICS, PARTITIONS
from unionfed_shared.failpoints import failpoint
from unionfed_shared.messaging.consumer import EventConsumer, IncomingMessage
from unionfed_shared.messaging.outbox_relay import OutboxMessage

log = logging.getLogger(__name__)


def make_broker(bootstrap_servers: str, client_id: str) -> KafkaBroker:
    # acks=all with idempotence: a broker retry never duplicates or reorders within a partition.
    # FastStream's per-message "Received/Processed" lines go through our JSON logging at DEBUG;
    # each outcome is logged by the EventConsumer instead.
    return KafkaBroker(
        bootstrap_servers,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=5,
        logger=logging.getLogger("unionfed.broker"),
        log_level=logging.DEBUG,
    )


def subscribe(
    broker: KafkaBroker, consumer: EventConsumer, group_id: str, *, max_records: int = 500, batch_timeout_ms: int = 100
) -> None:
    """Attach ``consumer`` to its topics. Offsets are committed only after the batch's outcomes are durable.

    AckPolicy.MANUAL turns off auto-commit (FastStream's default on Kafka acks before the handler
    runs); ``earliest`` lets a new consumer group start from the first event, not the next one.
    Records arrive in batches (what the fetch holds, up to ``max_records``), applied in one
    database transaction each.
    """

    @broker.subscriber(
        *consumer.topics,
        group_id=group_id,
        ack_policy=AckPolicy.MANUAL,
        auto_offset_reset="earliest",
        batch=True,
        max_records=max_records,
        batch_timeout_ms=batch_timeout_ms,
        title=f"{group_id}:{consumer.name}",
        description=f"Applies {', '.join(consumer.topics)} events once each for {consumer.name}",
        # The EventConsumer parses the bytes itself and dead-letters what it cannot read; FastStream's
        # own JSON decoding would raise on a malformed body before it, and the message would be lost.
        decoder=_undecoded,
        parser=_tolerant_parser,
    )
    async def on_batch(message: KafkaMessage) -> None:
        await consumer.handle_batch([IncomingMessage.from_record(record) for record in message.raw_message])
        failpoint("consumer.before_offset_commit", hits=len(message.raw_message))
        try:
            # The consumer's position is right after the batch it was handed, so committing it
            # commits exactly what was just applied.
            await message.ack()
        except (CommitFailedError, IllegalStateError) as exc:
            # The partition moved to another member during a rebalance; it will redeliver
            # from the last commit and the inbox will recognise what was already applied.
            log.warning("offset commit lost to a rebalance: %s", exc)


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


async def ensure_topics(bootstrap_servers: str, topics=ALL_TOPICS, partitions: int = PARTITIONS) -> list[str]:
    """Create the missing topics; returns the names created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t not in existing]
        if missing:
            try:
                await admin.create_topics(
                    [NewTopic(name=t, num_partitions=partitions, replication_factor=1) for t in missing]
                )
            except TopicAlreadyExistsError:
                pass
        return missing
    finally:
        await admin.close()


async def end_offsets(bootstrap_servers: str, topics: list[str]) -> dict[tuple[str, int], int]:
    """The offset after the last message of every partition of ``topics``, right now."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap_servers, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [
            TopicPartition(topic, partition)
            for topic in topics
            for partition in sorted(consumer.partitions_for_topic(topic) or await _partitions(consumer, topic))
        ]
        ends = await consumer.end_offsets(partitions)
        return {(tp.topic, tp.partition): offset for tp, offset in ends.items()}
    finally:
        await consumer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()  # noqa: SLF001 - aiokafka has no public refresh
    return consumer.partitions_for_topic(topic) or set()


async def committed_offsets(bootstrap_servers: str, group_id: str) -> dict[tuple[str, int], int]:
    """What a consumer group has committed, per partition."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        offsets = await admin.list_consumer_group_offsets(group_id)
        return {(tp.topic, tp.partition): meta.offset for tp, meta in offsets.items() if meta.offset >= 0}
    finally:
        await admin.close()
