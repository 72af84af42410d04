"""Assigning a consumer group's partitions by the records each still has to apply.

Kafka's round-robin deals partitions in name order, so a replay's processes get equal numbers of
partitions but not equal work: a topic keyed by federation has partitions of very different sizes
(eight bench federations on six partitions: one empty, one holding three of them), and one process
did three quarters of a rebuild while the other idled. A rebuild knows every partition's backlog
before it starts; dealt largest first to the least loaded member, the work comes out even, or as
even as the largest partition allows.
"""

from collections.abc import Iterable, Mapping

from aiokafka.cluster import ClusterMetadata
from aiokafka.coordinator.assignors.abstract import AbstractPartitionAssignor
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment, ConsumerProtocolMemberMetadata
from aiokafka.structs import TopicPartition

Backlog = Mapping[tuple[str, int], int]  # (topic, partition) → records to apply


def deal(
    partitions: Iterable[TopicPartition], subscriptions: Mapping[str, Iterable[str]], backlog: Backlog
) -> dict[str, list[TopicPartition]]:
    """Each member's partitions: the largest backlog first, each to the subscribed member with the
    least work so far (then the fewest partitions, then the first by id: the same answer on every leader)."""
    members = {member: set(topics) for member, topics in subscriptions.items()}
    dealt: dict[str, list[TopicPartition]] = {member: [] for member in members}
    load = dict.fromkeys(members, 0)
    for tp in sorted(partitions, key=lambda tp: (-backlog.get((tp.topic, tp.partition), 0), tp)):
        takers = [member for member, topics in members.items() if tp.topic in topics]
        if not takers:
            continue
        member = min(takers, key=lambda m: (load[m], len(dealt[m]), m))
        dealt[member].append(tp)
        load[member] += backlog.get((tp.topic, tp.partition), 0)
    return dealt


def by_backlog(backlog: Backlog) -> type[AbstractPartitionAssignor]:
    """An assignor dealing partitions by ``backlog`` (read when a rebalance assigns, so it may be
    filled after the consumer is built). Every member of the group must use it."""

    class ByBacklog(AbstractPartitionAssignor):
        name = "unionfed-by-backlog"
        version = 0

        @classmethod
        def assign(
            cls, cluster: ClusterMetadata, members: Mapping[str, ConsumerProtocolMemberMetadata]
        ) -> dict[str, ConsumerProtocolMemberAssignment]:
            topics = {topic for metadata in members.values() for topic in metadata.subscription}
            partitions = [
                TopicPartition(topic, partition)
                for topic in topics
                for partition in cluster.partitions_for_topic(topic) or ()
            ]
            dealt = deal(partitions, {m: metadata.subscription for m, metadata in members.items()}, backlog)
            return {
                member: ConsumerProtocolMemberAssignment(cls.version, _by_topic(dealt[member]), b"")
                for member in members
            }

        @classmethod
        def metadata(cls, topics: Iterable[str]) -> ConsumerProtocolMemberMetadata:
            return ConsumerProtocolMemberMetadata(cls.version, list(topics), b"")

        @classmethod
        def on_assignment(cls, assignment: ConsumerProtocolMemberAssignment) -> None:
            pass

    return ByBacklog


def _by_topic(partitions: list[TopicPartition]) -> list[tuple[str, list[int]]]:
    topics: dict[str, list[int]] = {}
    for tp in partitions:
        topics.setdefault(tp.topic, []).append(tp.partition)
    return sorted((topic, sorted(numbers)) for topic, numbers in topics.items())
