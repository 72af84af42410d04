"""Dealing a group's partitions by backlog: equal work, not equal numbers of partitions."""

from aiokafka.cluster import ClusterMetadata
from aiokafka.coordinator.protocol import ConsumerProtocolMemberMetadata
from aiokafka.structs import TopicPartition

from unionfed_shared.messaging.assignment import by_backlog, deal

JOURNAL, MEMBERSHIP = "unionfed.finance.journal", "unionfed.membership"


def partitions(topic: str, count: int = 6) -> list[TopicPartition]:
    return [TopicPartition(topic, p) for p in range(count)]


def work(dealt: dict[str, list[TopicPartition]], backlog) -> dict[str, int]:
    return {member: sum(backlog.get((tp.topic, tp.partition), 0) for tp in tps) for member, tps in dealt.items()}


def test_eight_federations_on_six_partitions_split_evenly_where_round_robin_gave_three_to_one():
    # The bench journal: federations hash to partitions 0 (1), 1 (2), 2 (3) and 4 (2); round robin
    # gave one member partitions 0, 2 and 4 (six federations) and the other 1, 3 and 5 (two).
    backlog = {(JOURNAL, 0): 12_500, (JOURNAL, 1): 25_000, (JOURNAL, 2): 37_500, (JOURNAL, 4): 25_000}
    everything = partitions(JOURNAL) + partitions(MEMBERSHIP)

    dealt = deal(everything, {"a": [JOURNAL, MEMBERSHIP], "b": [JOURNAL, MEMBERSHIP]}, backlog)

    assert work(dealt, backlog) == {"a": 50_000, "b": 50_000}
    assert sorted(tp for tps in dealt.values() for tp in tps) == sorted(everything), "every partition dealt once"
    assert [len(tps) for tps in dealt.values()] == [6, 6], "the empty partitions spread by count"


def test_the_largest_partition_bounds_the_split_and_unsubscribed_members_get_none_of_a_topic():
    backlog = {(JOURNAL, 0): 90, (JOURNAL, 1): 5, (JOURNAL, 2): 5, (MEMBERSHIP, 0): 40}
    dealt = deal(
        partitions(JOURNAL, 3) + partitions(MEMBERSHIP, 1),
        {"a": [JOURNAL, MEMBERSHIP], "b": [JOURNAL, MEMBERSHIP], "c": [JOURNAL]},
        backlog,
    )

    assert work(dealt, backlog) == {"a": 90, "b": 40, "c": 10}
    assert all(tp.topic == JOURNAL for tp in dealt["c"])


def test_the_assignor_answers_the_group_protocol_with_each_members_partitions():
    backlog: dict[tuple[str, int], int] = {}
    assignor = by_backlog(backlog)
    backlog.update({(JOURNAL, 0): 10, (JOURNAL, 1): 30, (JOURNAL, 2): 20})  # filled after it was built
    cluster = ClusterMetadata()
    cluster.partitions_for_topic = lambda topic: {0, 1, 2} if topic == JOURNAL else None
    members = {m: ConsumerProtocolMemberMetadata(0, [JOURNAL], b"") for m in ("m1", "m2")}

    assignment = assignor.assign(cluster, members)

    assert {m: a.assignment for m, a in assignment.items()} == {"m1": [(JOURNAL, [1])], "m2": [(JOURNAL, [0, 2])]}
    assert assignor.metadata([JOURNAL]).subscription == [JOURNAL]
