"""The one place that says how each topic is stored; ``ensure_topics`` applies it to new and existing topics.

Domain topics are the platform's history: finance's rebuild replays its input topics and the
journal from offset 0, and a new read model (a new consumer group) starts from the first event.
A record that expires breaks both silently, so domain topics keep every record, whatever age or
size (``-1``). Dead-letter topics are a feed for operators: the ``dead_letters`` table holds what
is replayed, and the original record stays on its domain topic, so they keep 90 days.
"""

from unionfed_shared.contracts.topics import is_dead_letter_topic
from unionfed_shared.settings import KafkaTopicSettings

FOREVER = "-1"
DEAD_LETTER_RETENTION_MS = str(90 * 24 * 60 * 60 * 1000)


def declared_configs(topic: str, settings: KafkaTopicSettings) -> dict[str, str]:
    """Every topic-level setting ``topic`` must have: applied whole, so nothing else is left over."""
    durable = {
        "min.insync.replicas": str(settings.min_insync_replicas),
        # A replica that missed acknowledged writes never becomes leader: it would drop them.
        "unclean.leader.election.enable": "false",
        # Events are not keyed by entity, so compaction would drop history; only time and size delete.
        "cleanup.policy": "delete",
    }
    if is_dead_letter_topic(topic):
        return durable | {"retention.ms": DEAD_LETTER_RETENTION_MS, "retention.bytes": FOREVER}
    # Any other topic is history someone may replay: kept, unless declared otherwise here.
    return durable | {"retention.ms": FOREVER, "retention.bytes": FOREVER}
