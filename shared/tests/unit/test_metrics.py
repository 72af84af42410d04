"""The rules of /metrics without infrastructure: lag, labels, failed reads, one registry per runtime."""

import contextlib

from prometheus_client.metrics_core import GaugeMetricFamily
from prometheus_client.parser import text_string_to_metric_families

from unionfed_shared.metrics import ServiceMetrics, consumer_lag


class _Session:
    """Enough of an AsyncSession for the scrape: statements succeed, probes ignore them."""

    async def execute(self, _statement):
        return None

    def begin(self):
        return _async_null()

    def begin_nested(self):
        return _async_null()

    async def __aenter__(self):
        return self

    async def __aexit__(self, *_exc):
        return False


@contextlib.asynccontextmanager
async def _async_null():
    yield


def _unreachable_database():
    raise ConnectionRefusedError("database down")


def _metrics(*probes, session_factory=_Session) -> ServiceMetrics:
    metrics = ServiceMetrics("finance", session_factory, probes=probes, consumer_group="unionfed-finance")
    metrics._probes = probes  # only the probes under test (the kit's own read the messaging tables)
    return metrics


def _samples(exposition: bytes) -> dict[str, list]:
    found: dict[str, list] = {}
    for family in text_string_to_metric_families(exposition.decode()):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((sample.labels, sample.value))
    return found


def test_lag_is_the_end_offset_minus_the_committed_one_and_all_of_it_when_nothing_is_committed():
    end = {("t", 0): 10, ("t", 1): 5, ("t", 2): 0}
    assert consumer_lag(end, {("t", 0): 7, ("t", 1): 5, ("other", 0): 99}) == {("t", 0): 3, ("t", 1): 0, ("t", 2): 0}
    assert consumer_lag({("t", 0): 4}, {}) == {("t", 0): 4}
    # A committed offset past the end (a topic recreated) is no negative lag.
    assert consumer_lag({("t", 0): 4}, {("t", 0): 9}) == {("t", 0): 0}


async def test_a_request_no_route_matched_is_counted_as_unmatched_never_by_its_path():
    metrics = _metrics()
    metrics.observe_request("GET", "/v1/organizations/{organization_id}", 200, 0.01)
    metrics.observe_request("GET", None, 404, 0.002)
    metrics.observe_request("GET", None, None, 0.002)  # the client went away before an answer
    found = _samples(await metrics.render())
    assert sorted((s["route"], s["status"], v) for s, v in found["unionfed_http_requests_total"]) == [
        ("/v1/organizations/{organization_id}", "200", 1.0),
        ("<unmatched>", "0", 1.0),
        ("<unmatched>", "404", 1.0),
    ]


async def test_a_probe_that_fails_leaves_its_series_out_and_is_counted_the_others_are_served():
    async def backlog(_session):
        family = GaugeMetricFamily("unionfed_outbox_unpublished_rows", "rows")
        family.add_metric([], 3)
        return [family]

    async def broken(_session):
        raise RuntimeError("relation does not exist")

    metrics = _metrics(broken, backlog)
    found = _samples(await metrics.render())
    assert found["unionfed_outbox_unpublished_rows"] == [({}, 3.0)]
    assert found["unionfed_metrics_probe_errors_total"] == [({"probe": "broken"}, 1.0)]
    # Read again at every scrape: a failure is counted each time.
    found = _samples(await metrics.render())
    assert found["unionfed_metrics_probe_errors_total"] == [({"probe": "broken"}, 2.0)]


async def test_with_the_database_unreachable_the_counters_are_still_served():
    metrics = _metrics(session_factory=_unreachable_database)
    metrics.consumed("finance", "unionfed.membership", "duplicate")
    found = _samples(await metrics.render())
    assert found["unionfed_consumer_messages_total"] == [
        ({"consumer": "finance", "topic": "unionfed.membership", "outcome": "duplicate"}, 1.0)
    ]
    assert found["unionfed_metrics_probe_errors_total"] == [({"probe": "database"}, 1.0)]


async def test_a_checks_verdict_is_kept_with_when_it_ran_and_the_last_run_wins():
    metrics = _metrics()
    metrics.record_check("ledger_chain", False, subject="no1-primary", failures=1)
    metrics.record_check("ledger_chain", True, subject="no1-primary")
    found = _samples(await metrics.render())
    labels = {"check": "ledger_chain", "subject": "no1-primary"}
    assert found["unionfed_check_ok"] == [(labels, 1.0)]
    assert found["unionfed_check_failures"] == [(labels, 0.0)]
    [(_, when)] = found["unionfed_check_last_run_timestamp_seconds"]
    assert when > 1.7e9


async def test_two_runtimes_in_one_process_count_apart():
    """One registry per runtime: two apps in one process (tests, a CLI beside a server) never mix."""
    first, second = _metrics(), _metrics()
    first.batch("finance", 3, 0.01)
    assert "unionfed_consumer_batch_size_count" in _samples(await first.render())
    assert "unionfed_consumer_batch_size_count" not in _samples(await second.render())
