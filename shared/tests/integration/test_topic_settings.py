"""Topic settings on the real broker: declared once, applied to new and existing topics; lost history is seen.

Every test works on topics of its own (``test.retention.<random>``): the broker is shared by the
whole suite, and deleting records from a platform topic would break every other test replaying it.
"""

import asyncio
import uuid

import pytest
from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic, RecordsToDelete
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from tests.kafka_tools import producer
from unionfed_shared.contracts.topics import dead_letter_topic
from unionfed_shared.messaging.kafka import LostRecords, TopicSettingsError, ensure_topics, lost_history
from unionfed_shared.settings import KafkaTopicSettings

pytestmark = pytest.mark.integration

SEVEN_DAYS_MS = "604800000"
LOCAL = KafkaTopicSettings(replication_factor=1, min_insync_replicas=1)


@pytest.fixture
async def own_topic(infra):
    """Names topics of this test alone, and deletes them afterwards."""
    names = []

    def name() -> str:
        names.append(f"test.retention.{uuid.uuid4().hex[:10]}")
        return names[-1]

    yield name
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap)
    await admin.start()
    try:
        await admin.delete_topics(names + [dead_letter_topic(n) for n in names])
    finally:
        await admin.close()


async def configs_of(bootstrap: str, topic: str) -> dict[str, str]:
    """The topic's configuration as the broker describes it.

    CreateTopics answers before the topic is known to every part of the broker, so a describe
    right after it can come back with an error and no entries: ask again, for a few seconds.
    """
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        for _attempt in range(50):
            [response] = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic)])
            [(error, _message, _type, _name, entries)] = response.resources
            if error == 0 and entries:
                return {entry[0]: entry[1] for entry in entries}
            await asyncio.sleep(0.2)
        raise AssertionError(f"the broker did not describe {topic}: error code {error}")
    finally:
        await admin.close()


async def test_a_new_topic_is_created_with_the_declared_settings(infra, own_topic):
    domain = own_topic()
    dlq = dead_letter_topic(domain)

    result = await ensure_topics(infra.kafka_bootstrap, [domain, dlq], partitions=2, settings=LOCAL)

    assert sorted(result.created) == sorted([domain, dlq]) and result.altered == []
    kept = await configs_of(infra.kafka_bootstrap, domain)
    assert (kept["retention.ms"], kept["retention.bytes"], kept["cleanup.policy"]) == ("-1", "-1", "delete")
    assert (kept["min.insync.replicas"], kept["unclean.leader.election.enable"]) == ("1", "false")
    assert (await configs_of(infra.kafka_bootstrap, dlq))["retention.ms"] == str(90 * 24 * 3600 * 1000)
    again = await ensure_topics(infra.kafka_bootstrap, [domain, dlq], partitions=2, settings=LOCAL)
    assert (again.created, again.altered) == ([], []), "a second start finds nothing to do"


async def test_a_topic_created_with_seven_day_retention_is_altered_to_keep_everything(infra, own_topic):
    topic = own_topic()
    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap)
    await admin.start()
    try:
        # What `unionfed topics create` made before: the broker's 7-day retention, written explicitly.
        await admin.create_topics(
            [
                NewTopic(
                    topic,
                    2,
                    1,
                    topic_configs={
                        "retention.ms": SEVEN_DAYS_MS,
                        "cleanup.policy": "delete",
                    },
                )
            ]
        )
    finally:
        await admin.close()
    assert (await configs_of(infra.kafka_bootstrap, topic))["retention.ms"] == SEVEN_DAYS_MS

    result = await ensure_topics(infra.kafka_bootstrap, [topic], partitions=2, settings=LOCAL)

    assert (result.created, result.altered) == ([], [topic])
    kept = await configs_of(infra.kafka_bootstrap, topic)
    assert (kept["retention.ms"], kept["retention.bytes"], kept["min.insync.replicas"]) == ("-1", "-1", "1")


async def test_an_existing_topic_with_fewer_replicas_than_declared_is_refused_not_half_applied(infra, own_topic):
    topic = own_topic()
    await ensure_topics(infra.kafka_bootstrap, [topic], partitions=1, settings=LOCAL)

    with pytest.raises(TopicSettingsError, match=f"UNIONFED_KAFKA_REPLICATION_FACTOR is 3 but {topic} has 1 replica"):
        await ensure_topics(
            infra.kafka_bootstrap,
            [topic],
            partitions=1,
            settings=KafkaTopicSettings(replication_factor=3, min_insync_replicas=2),
        )
    assert (await configs_of(infra.kafka_bootstrap, topic))["min.insync.replicas"] == "1"


async def test_records_deleted_from_the_start_of_a_partition_are_named_as_lost_history(infra, own_topic):
    topic, untouched = own_topic(), own_topic()
    await ensure_topics(infra.kafka_bootstrap, [topic, untouched], partitions=3, settings=LOCAL)
    async with producer(infra.kafka_bootstrap) as client:
        for n in range(5):
            await client.send_and_wait(topic, f"record {n}".encode(), partition=2)
            await client.send_and_wait(untouched, f"record {n}".encode(), partition=2)
    assert await lost_history(infra.kafka_bootstrap, [topic, untouched]) == []

    admin = AIOKafkaAdminClient(bootstrap_servers=infra.kafka_bootstrap)
    await admin.start()
    try:
        await admin.delete_records({TopicPartition(topic, 2): RecordsToDelete(before_offset=3)})
    finally:
        await admin.close()

    lost = await lost_history(infra.kafka_bootstrap, [topic, untouched])
    assert lost == [LostRecords(topic, 2, 0, 2)]
    assert str(lost[0]) == f"{topic} partition 2: offsets 0–2 are gone (deleted or expired)"


def test_min_insync_replicas_above_the_replication_factor_is_refused():
    with pytest.raises(ValueError, match="MIN_INSYNC_REPLICAS"):
        KafkaTopicSettings(replication_factor=1, min_insync_replicas=2)


def test_replication_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("UNIONFED_KAFKA_REPLICATION_FACTOR", "3")
    monkeypatch.setenv("UNIONFED_KAFKA_MIN_INSYNC_REPLICAS", "2")
    durability = KafkaTopicSettings().model_dump(include={"replication_factor", "min_insync_replicas"})
    assert durability == {"replication_factor": 3, "min_insync_replicas": 2}
