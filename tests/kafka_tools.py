"""Talking to the test broker directly: publish hand-made events, read topics back."""

import contextlib
import dataclasses
import itertools

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment
from aiokafka.protocol.admin import DescribeGroupsRequest_v0, DescribeGroupsRequest_v1, DescribeGroupsRequest_v2
from aiokafka.protocol.api import Request

from unionfed_shared.contracts.base import IntegrationEvent
from unionfed_shared.contracts.envelope import Envelope
from unionfed_shared.contracts.topics import DOMAIN_TOPICS, PARTITIONS
from unionfed_shared.messaging.consumer import IncomingMessage


def envelope_for(event: IntegrationEvent, **overrides) -> Envelope:
    envelope = Envelope.wrap(event, source="/tests", correlation_id=None, causation_id=None, actor="tester")
    return dataclasses.replace(envelope, **overrides)


@contextlib.asynccontextmanager
async def producer(bootstrap: str):
    client = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await client.start()
    try:
        yield client
    finally:
        await client.stop()


async def send_envelope(client: AIOKafkaProducer, topic: str, envelope: Envelope, data: bytes | None = None):
    headers = [(k, v.encode()) for k, v in envelope.headers().items()]
    return await client.send_and_wait(
        topic, data if data is not None else envelope.data, key=envelope.key, headers=headers
    )


async def send_raw(client: AIOKafkaProducer, topic: str, key: bytes, value: bytes, headers: list[tuple[str, bytes]]):
    return await client.send_and_wait(topic, value, key=key, headers=headers)


async def partitions_of(_consumer: AIOKafkaConsumer, topic: str) -> list[TopicPartition]:
    # Every platform topic is created with PARTITIONS partitions (unionfed topics create).
    return [TopicPartition(topic, p) for p in range(PARTITIONS)]


async def read_topic(bootstrap: str, topic: str, predicate=lambda record: True, timeout_ms: int = 3000) -> list:
    """Every record of ``topic`` (from the beginning) that matches ``predicate``."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    try:
        partitions = await partitions_of(consumer, topic)
        consumer.assign(partitions)
        end = await consumer.end_offsets(partitions)
        await consumer.seek_to_beginning(*partitions)
        found = []
        while [tp for tp in partitions if await consumer.position(tp) < end[tp]]:
            batch = await consumer.getmany(timeout_ms=timeout_ms)
            if not batch:
                break
            for records in batch.values():
                found.extend(r for r in records if predicate(r))
        return found
    finally:
        await consumer.stop()


async def committed_offset(bootstrap: str, group_id: str, topic: str, partition: int) -> int | None:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group_id, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign([TopicPartition(topic, partition)])
        return await consumer.committed(TopicPartition(topic, partition))
    finally:
        await consumer.stop()


async def move_group_to_end(bootstrap: str, group_id: str, topic: str) -> None:
    """Start a new consumer group at the current end of ``topic`` instead of its beginning."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group_id, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = await partitions_of(consumer, topic)
        consumer.assign(partitions)
        end = await consumer.end_offsets(partitions)
        await consumer.commit(dict(end))
    finally:
        await consumer.stop()


async def skip_history(bootstrap: str, group_id: str, topics=DOMAIN_TOPICS) -> None:
    """Start a test's new consumer group after everything earlier tests published.

    A service's new group reads from the beginning (as production wants); in a test session that
    beginning is every earlier test's events, which the service would replay for nothing.
    """
    for topic in topics:
        await move_group_to_end(bootstrap, group_id, topic)


_delivered = itertools.count()


async def deliver(runtime, events, topic: str | None = None, *, to_dlq_topic: bool = True) -> list:
    """Hand each event to ``runtime``'s consumer as Kafka would deliver it, without a broker.

    Each travels on its contract's topic unless ``topic`` says otherwise; returns the outcomes.
    """
    outcomes = []
    for event in events:
        message = _incoming(event, topic)
        outcomes.append(await runtime.consumer.handle(message, to_dlq_topic=to_dlq_topic))
    return outcomes


async def deliver_batch(runtime, events) -> None:
    """Hand ``events`` to ``runtime``'s consumer as one fetched batch, as the live consumer does."""
    await runtime.consumer.handle_batch([_incoming(event) for event in events])


def _incoming(event: IntegrationEvent, topic: str | None = None) -> IncomingMessage:
    return incoming_message(envelope_for(event), topic or event.topic, next(_delivered))


def incoming_message(envelope: Envelope, topic: str, offset: int, partition: int = 0) -> IncomingMessage:
    """``envelope`` as a consumer receives it from ``topic`` at ``partition`` and ``offset``."""
    return IncomingMessage(
        topic=topic,
        partition=partition,
        offset=offset,
        key=envelope.key,
        value=envelope.data,
        headers=tuple((k, v.encode()) for k, v in envelope.headers().items()),
    )


class _DescribeGroups(Request[DescribeGroupsRequest_v0 | DescribeGroupsRequest_v1 | DescribeGroupsRequest_v2]):
    """DescribeGroups at version 2 at most: aiokafka 0.14 decodes a v3 answer with the v2 schema and fails."""

    API_KEY = 15

    def __init__(self, groups: list[str]):
        self._groups = groups

    def build(self, request_struct_class):
        return request_struct_class(self._groups)


async def describe_groups(bootstrap: str, group_ids: list[str]) -> dict[str, tuple[str, list[int]]]:
    """Each group's state (``Stable``, ``PreparingRebalance``…) and the number of partitions each member holds."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        responses = [
            await admin._send_request(_DescribeGroups([g]), await admin.find_coordinator(g)) for g in group_ids
        ]
    finally:
        await admin.close()
    found = {}
    for response in responses:
        for _error, group_id, state, _protocol_type, _protocol, members, *_ in response.groups:
            assigned = []
            for _member_id, _client_id, _host, _metadata, assignment, *_ in members:
                decoded = ConsumerProtocolMemberAssignment.decode(assignment) if assignment else None
                assigned.append(sum(len(p) for _t, p in decoded.assignment) if decoded else 0)
            found[group_id] = (state, assigned)
    return found
