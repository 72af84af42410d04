"""An offset commit lost to a rebalance: survived, logged and counted; the failpoint that forces it."""

import asyncio
import time
from types import SimpleNamespace

import pytest
from aiokafka.errors import CommitFailedError, IllegalStateError
from prometheus_client.exposition import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from unionfed_shared import failpoints
from unionfed_shared.messaging.kafka import commit_offsets
from unionfed_shared.metrics import ServiceMetrics


class _Batch:
    def __init__(self, topics: list[str], error: Exception | None = None):
        self.raw_message = tuple(SimpleNamespace(topic=t, partition=0, offset=n) for n, t in enumerate(topics))
        self._error = error
        self.acked = 0

    async def ack(self) -> None:
        self.acked += 1
        if self._error is not None:
            raise self._error


def _lost(metrics: ServiceMetrics) -> dict[tuple[str, str], float]:
    found = {}
    for family in text_string_to_metric_families(generate_latest(metrics.registry).decode()):
        for sample in family.samples:
            if sample.name == "unionfed_consumer_offset_commits_lost_total":
                found[(sample.labels["topic"], sample.labels["group"])] = sample.value
    return found


@pytest.fixture
def metrics() -> ServiceMetrics:
    return ServiceMetrics("finance", lambda: None, consumer_group="unionfed-finance")


@pytest.mark.parametrize(
    "error",
    [CommitFailedError("the group has already rebalanced"), IllegalStateError("No partitions assigned")],
    ids=["commit failed", "no partitions assigned"],
)
async def test_a_commit_refused_after_a_rebalance_is_survived_and_counted_once_per_topic_of_the_batch(metrics, error):
    batch = _Batch(["unionfed.membership", "unionfed.membership", "unionfed.welfare"], error)
    assert await commit_offsets(batch, "unionfed-finance", metrics) is False
    assert batch.acked == 1
    assert _lost(metrics) == {
        ("unionfed.membership", "unionfed-finance"): 1.0,
        ("unionfed.welfare", "unionfed-finance"): 1.0,
    }


async def test_a_commit_that_succeeds_counts_nothing(metrics):
    assert await commit_offsets(_Batch(["unionfed.membership"]), "unionfed-finance", metrics) is True
    assert _lost(metrics) == {}


async def test_any_other_commit_failure_is_not_taken_for_a_rebalance(metrics):
    with pytest.raises(ValueError):
        await commit_offsets(_Batch(["unionfed.membership"], ValueError("bad offsets")), "unionfed-finance", metrics)
    assert _lost(metrics) == {}


def test_a_stall_is_armed_apart_from_the_kills(monkeypatch):
    monkeypatch.setenv(
        "UNIONFED_FAILPOINTS", "consumer.after_db_commit:2,consumer.before_offset_commit:3:stall=1.5,plain"
    )
    assert failpoints._armed() == {"consumer.after_db_commit": 2, "plain": 1}
    assert failpoints._stalls() == {"consumer.before_offset_commit": (3, 1.5)}


async def test_a_stall_sleeps_once_when_its_hit_is_reached_and_never_kills(monkeypatch):
    monkeypatch.setattr(failpoints, "_STALLS", {"slow.point": (3, 0.2)})
    monkeypatch.setattr(failpoints, "_ARMED", {})
    monkeypatch.setattr(failpoints, "_hits", failpoints.Counter())
    timings = []
    for hits in (1, 5, 4):  # the second call crosses the third hit
        started = time.monotonic()
        await failpoints.stall("slow.point", hits)
        timings.append(time.monotonic() - started)
    assert timings[0] < 0.1 and timings[1] >= 0.2 and timings[2] < 0.1


async def test_a_stall_ends_early_once_its_release_file_exists(monkeypatch, tmp_path):
    release = tmp_path / "release"
    monkeypatch.setenv("UNIONFED_FAILPOINTS_RELEASE", str(release))
    monkeypatch.setattr(failpoints, "_STALLS", {"slow.point": (1, 30.0)})
    monkeypatch.setattr(failpoints, "_hits", failpoints.Counter())
    started = time.monotonic()
    stalled = asyncio.create_task(failpoints.stall("slow.point"))
    await asyncio.sleep(0.3)
    assert not stalled.done()
    release.touch()
    await asyncio.wait_for(stalled, 2)
    assert time.monotonic() - started < 3
