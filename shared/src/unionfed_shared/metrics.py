"""What a service is doing, in the Prometheus text format: ``GET /metrics`` on the service's own port.

One registry per runtime (never prometheus_client's global one, which registers on import and
would mix two apps of one process): the runtime builds its :class:`ServiceMetrics` when it is
assembled, and each app mounts ``metrics_router()`` explicitly in its ``entrypoints/app.py``.

Two kinds of series:

- counted as things happen, in this process: HTTP requests by route template, the consumer's
  messages by outcome (processed, duplicate, ignored, dead_lettered), its batches' sizes and
  apply times, offset commits lost to a rebalance, and the results of checks (reconcile, a ledger's chain) when they run here;
- read when scraped: the consumer group's lag per partition (from the broker), the outbox
  backlog and the age of its oldest unpublished row, dead letters by status, and each service's
  own probes (``ServiceDefinition.metrics``: async functions of a database session that return
  metric families, e.g. finance's postings and refusals, welfare's greetings in flight).

A probe that fails or times out leaves its series out of that scrape (an absent series is what
Prometheus alerts on with ``absent()``) and counts ``unionfed_metrics_probe_errors_total``.
Labels are route templates, topics, partitions, consumer names, organization and batch ids:
never a path as typed, a member or a payload.
"""

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

log = logging.getLogger(__name__)

# Prometheus 2 and 3 both read the classic text format.
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
UNMATCHED = "<unmatched>"  # the route label of a request no route matched (never the path typed)

# A service's own series, read from its database at scrape time.
Probe = Callable[[AsyncSession], Awaitable[Iterable[Metric]]]
# The consumer group's lag: (topic, partition) → messages not yet committed.
LagReader = Callable[[], Awaitable[Mapping[tuple[str, int], int]]]

_PROBE_TIMEOUT_S = 3.0

_OUTBOX_BACKLOG = text(
    """
    SELECT count(*) AS rows, coalesce(extract(epoch FROM now() - min(created_at)), 0) AS oldest_age_s
    FROM outbox WHERE published_at IS NULL
    """
)
_DEAD_LETTERS = text("SELECT consumer, status, count(*) AS n FROM dead_letters GROUP BY consumer, status")


async def outbox_backlog(session: AsyncSession) -> list[Metric]:
    """Unpublished outbox rows (the partial index ix_outbox_unpublished holds exactly them)."""
    row = (await session.execute(_OUTBOX_BACKLOG)).one()
    rows = GaugeMetricFamily("unionfed_outbox_unpublished_rows", "Outbox rows not yet published to Kafka")
    rows.add_metric([], row.rows)
    age = GaugeMetricFamily(
        "unionfed_outbox_oldest_unpublished_age_seconds",
        "Age of the oldest unpublished outbox row (0 when none is waiting)",
    )
    age.add_metric([], float(row.oldest_age_s))
    return [rows, age]


def dead_letters_of(service: str) -> Probe:
    """Dead letters by consumer and status; the service's own pending and replayed are there at 0 too."""

    async def dead_letters(session: AsyncSession) -> list[Metric]:
        counts = {(service, "pending"): 0, (service, "replayed"): 0}
        for row in await session.execute(_DEAD_LETTERS):
            counts[(row.consumer, row.status)] = row.n
        family = GaugeMetricFamily(
            "unionfed_dead_letters", "Dead letters in the dead_letters table, by status", labels=["consumer", "status"]
        )
        for (consumer, status), n in sorted(counts.items()):
            family.add_metric([consumer, status], n)
        return [family]

    return dead_letters


class _Scraped(Collector):
    """Hands the registry the families read at the start of the scrape being answered."""

    def __init__(self) -> None:
        self.families: list[Metric] = []

    def describe(self) -> list[Metric]:
        return []  # nothing to check at registration: the names are only known once read

    def collect(self) -> Iterable[Metric]:
        return list(self.families)


class ServiceMetrics:
    def __init__(
        self,
        service: str,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        probes: Sequence[Probe] = (),
        lag: LagReader | None = None,
        consumer_group: str = "",
    ):
        self.service = service
        self.registry = CollectorRegistry(auto_describe=True)
        self._session_factory = session_factory
        self._probes: tuple[Probe, ...] = (outbox_backlog, dead_letters_of(service), *probes)
        self._lag = lag
        self._consumer_group = consumer_group
        self._scraped = _Scraped()
        self._scrape_lock = asyncio.Lock()
        r = self.registry
        self.http_requests = Counter(
            "unionfed_http_requests", "HTTP requests answered", ["method", "route", "status"], registry=r
        )
        self.http_duration = Histogram(
            "unionfed_http_request_duration_seconds",
            "Time to answer an HTTP request",
            ["method", "route"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=r,
        )
        self.consumer_messages = Counter(
            "unionfed_consumer_messages",
            "Messages given their one outcome: processed, duplicate (already in the inbox), ignored "
            "(no handler), dead_lettered",
            ["consumer", "topic", "outcome"],
            registry=r,
        )
        self.consumer_batch_size = Histogram(
            "unionfed_consumer_batch_size",
            "Messages in a batch handed to the consumer",
            ["consumer"],
            buckets=(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000),
            registry=r,
        )
        self.consumer_batch_duration = Histogram(
            "unionfed_consumer_batch_duration_seconds",
            "Time to give every message of a batch its outcome (one transaction when nothing fails)",
            ["consumer"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
            registry=r,
        )
        self.offset_commits_lost = Counter(
            "unionfed_consumer_offset_commits_lost",
            "Offset commits refused after a batch was applied, because the group rebalanced meanwhile (the "
            "batch is redelivered to the partitions' new owner, and the inbox makes it a no-op)",
            ["topic", "group"],
            registry=r,
        )
        self.check_ok = Gauge(
            "unionfed_check_ok",
            "1 when the last run of the check passed, 0 when it failed",
            ["check", "subject"],
            registry=r,
        )
        self.check_failures = Gauge(
            "unionfed_check_failures",
            "What the last run of the check found wrong (failed checks, broken entries)",
            ["check", "subject"],
            registry=r,
        )
        self.check_last_run = Gauge(
            "unionfed_check_last_run_timestamp_seconds",
            "When the check last ran in this process (Unix time)",
            ["check", "subject"],
            registry=r,
        )
        self.probe_errors = Counter(
            "unionfed_metrics_probe_errors", "Scrape-time reads that failed or timed out", ["probe"], registry=r
        )
        r.register(self._scraped)

    # Counted as things happen.

    def observe_request(self, method: str, route: str | None, status: int | None, seconds: float) -> None:
        route = route or UNMATCHED
        self.http_requests.labels(method, route, str(status or 0)).inc()
        self.http_duration.labels(method, route).observe(seconds)

    def consumed(self, consumer: str, topic: str, outcome: str, count: int = 1) -> None:
        if count:
            self.consumer_messages.labels(consumer, topic, outcome).inc(count)

    def batch(self, consumer: str, size: int, seconds: float) -> None:
        self.consumer_batch_size.labels(consumer).observe(size)
        self.consumer_batch_duration.labels(consumer).observe(seconds)

    def offset_commit_lost(self, group: str, topics: Iterable[str]) -> None:
        for topic in sorted(set(topics)):
            self.offset_commits_lost.labels(topic, group).inc()

    def record_check(self, check: str, ok: bool, *, subject: str = "", failures: int = 0) -> None:
        """A check (reconcile, a ledger's hash chain …) ran here: its verdict, with when."""
        self.check_ok.labels(check, subject).set(1 if ok else 0)
        self.check_failures.labels(check, subject).set(failures)
        self.check_last_run.labels(check, subject).set(time.time())

    # Read when scraped.

    async def render(self) -> bytes:
        """The exposition: what was counted, and what the database and broker say right now."""
        async with self._scrape_lock:
            self._scraped.families = [*await self._read_database(), *await self._read_lag()]
            return generate_latest(self.registry)

    async def _read_database(self) -> list[Metric]:
        families: list[Metric] = []
        try:
            async with asyncio.timeout(2 * _PROBE_TIMEOUT_S), self._session_factory() as session, session.begin():
                await session.execute(text(f"SET LOCAL statement_timeout = {int(_PROBE_TIMEOUT_S * 1000)}"))
                for probe in self._probes:
                    try:
                        async with session.begin_nested():
                            families.extend(await probe(session))
                    except Exception as exc:
                        self._failed(probe.__name__, exc)
        except Exception as exc:  # the database is unreachable: the counters are still worth serving
            self._failed("database", exc)
        return families

    async def _read_lag(self) -> list[Metric]:
        if self._lag is None:
            return []
        try:
            async with asyncio.timeout(_PROBE_TIMEOUT_S):
                lags = await self._lag()
        except Exception as exc:
            self._failed("consumer_lag", exc)
            return []
        family = GaugeMetricFamily(
            "unionfed_consumer_lag",
            "Messages on a partition after the consumer group's committed offset",
            labels=["group", "topic", "partition"],
        )
        for (topic, partition), lag in sorted(lags.items()):
            family.add_metric([self._consumer_group, topic, str(partition)], lag)
        return [family]

    def _failed(self, probe: str, exc: BaseException) -> None:
        self.probe_errors.labels(probe).inc()
        log.warning("metrics probe %s failed: %s", probe, exc.__class__.__name__ + (f": {exc}" if str(exc) else ""))


def consumer_lag(
    end: Mapping[tuple[str, int], int], committed: Mapping[tuple[str, int], int]
) -> dict[tuple[str, int], int]:
    """Lag per partition: the end offset minus the group's committed one (all of it when nothing is committed)."""
    return {tp: max(0, offset - committed.get(tp, 0)) for tp, offset in end.items()}
