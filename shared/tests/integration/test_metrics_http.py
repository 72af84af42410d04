"""/metrics on real Kafka and PostgreSQL: finance's running consumer applies a school's dues, a
duplicate and a poison message; an HTTP request and a reconcile are answered; the scrape then
names the route template (not the path), each outcome with its topic, the group's lag back to 0
on every partition, the outbox emptied, the dead letter pending, the postings, and reconcile's verdict."""

import time

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.factories import dues, school_events
from tests.kafka_tools import envelope_for, producer, send_envelope, send_raw
from tests.pytest_infra import bearer, eventually, unique
from unionfed_finance.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.contracts import topics
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration

BALANCES = "/v1/organizations/{organization_id}/ledger/balances"


def samples(exposition: str) -> dict[str, list[tuple[dict[str, str], float]]]:
    """Every sample of the exposition by its name (``_total``, ``_count`` … included)."""
    found: dict[str, list[tuple[dict[str, str], float]]] = {}
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            found.setdefault(sample.name, []).append((sample.labels, sample.value))
    return found


def value(found, name: str, **labels: str) -> float | None:
    matching = [v for got, v in found.get(name, []) if all(got.get(k) == w for k, w in labels.items())]
    assert len(matching) <= 1, f"{name}{labels} names {len(matching)} series"
    return matching[0] if matching else None


async def test_the_scrape_shows_requests_outcomes_lag_outbox_dead_letters_postings_and_checks(build_service, infra):
    started = time.time()
    finance = await build_service(definition)
    federation, school = unique("fed"), unique("school")
    member_id, setup = school_events(federation, school)
    paid = envelope_for(dues(federation, school, member_id, 2150))
    async with producer(infra.kafka_bootstrap) as client:
        for event in setup:
            await send_envelope(client, topics.MEMBERSHIP, envelope_for(event))
        await send_envelope(client, topics.MEMBERSHIP, paid)
        await send_envelope(client, topics.MEMBERSHIP, paid)  # delivered twice: the inbox skips the second
        await send_raw(client, topics.MEMBERSHIP, school.encode(), b"not an event", [("ce_type", b"x")])

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(finance)), base_url="http://f") as api:

        async def scraped():
            answer = await api.get("/metrics")
            assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
            found = samples(answer.text)
            membership = {"consumer": "finance", "topic": topics.MEMBERSHIP}
            settled = (
                value(found, "unionfed_consumer_messages_total", **membership, outcome="duplicate") == 1
                and value(found, "unionfed_consumer_messages_total", **membership, outcome="dead_lettered") == 1
                and value(found, "unionfed_finance_postings_total", operation="post") == 1
                and value(found, "unionfed_outbox_unpublished_rows") == 0
                and all(v == 0 for _, v in found.get("unionfed_consumer_lag", [("", 1)]))
            )
            return found if settled else None

        found = await eventually(scraped)
        group = finance.settings.consumer_group

        # The consumer: each outcome with its topic, the batches, the lag of every partition of its topics.
        membership = {"consumer": "finance", "topic": topics.MEMBERSHIP}
        assert value(found, "unionfed_consumer_messages_total", **membership, outcome="processed") == 4
        # The dues became a journal entry (through the outbox) that finance applied in turn.
        assert (
            value(
                found,
                "unionfed_consumer_messages_total",
                consumer="finance",
                topic=topics.FINANCE_JOURNAL,
                outcome="processed",
            )
            == 1
        )
        assert value(found, "unionfed_consumer_batch_size_count", consumer="finance") >= 2
        assert value(found, "unionfed_consumer_batch_size_sum", consumer="finance") >= 7  # 6 + the journal entry
        assert value(found, "unionfed_consumer_batch_duration_seconds_count", consumer="finance") >= 2
        lags = {(labels["topic"], labels["partition"]) for labels, _ in found["unionfed_consumer_lag"]}
        assert {labels["group"] for labels, _ in found["unionfed_consumer_lag"]} == {group}
        assert {(topics.MEMBERSHIP, "0"), (topics.FINANCE_JOURNAL, "0")} <= lags

        # The outbox emptied; the dead letter waits; what the journal came to.
        assert value(found, "unionfed_outbox_oldest_unpublished_age_seconds") == 0
        assert value(found, "unionfed_dead_letters", consumer="finance", status="pending") == 1
        assert value(found, "unionfed_dead_letters", consumer="finance", status="replayed") == 0
        assert value(found, "unionfed_finance_money_instructions_total", operation="post", outcome="posted") == 1
        assert value(found, "unionfed_finance_refusals_total", operation="post") == 0

        # An HTTP request is counted by its route template, never by the path it was asked with.
        auditor = bearer(Role.AUDITOR, federation, federation)
        balances = await api.get(f"/v1/organizations/{school}/ledger/balances", headers=auditor)
        assert balances.status_code == 200, balances.text
        assert (await api.get("/v1/no-such-route")).status_code == 404
        reconciled = await api.get("/v1/reconcile", headers=auditor)
        assert reconciled.status_code == 200, reconciled.text
        scrape = (await api.get("/metrics")).text
        found = samples(scrape)
        assert value(found, "unionfed_http_requests_total", method="GET", route=BALANCES, status="200") == 1
        assert value(found, "unionfed_http_request_duration_seconds_count", method="GET", route=BALANCES) == 1
        assert value(found, "unionfed_http_requests_total", method="GET", route="<unmatched>", status="404") == 1
        assert school not in scrape and "no-such-route" not in scrape

        # Reconcile ran here: its verdict, each check's, and when.
        assert value(found, "unionfed_check_ok", check="reconcile", subject="") == 1
        assert value(found, "unionfed_check_failures", check="reconcile", subject="") == 0
        assert value(found, "unionfed_check_last_run_timestamp_seconds", check="reconcile", subject="") >= started
        assert len([s for s in found["unionfed_check_ok"] if s[0]["check"] == "reconcile"]) > 2
        assert value(found, "unionfed_metrics_probe_errors_total") is None  # every read succeeded

        # A ledger's chain verified here: the verdict names the ledger.
        chain = await api.get(f"/v1/organizations/{school}/ledger/chain", headers=auditor)
        assert chain.status_code == 200 and chain.json()["intact"], chain.text
        found = samples((await api.get("/metrics")).text)
        assert value(found, "unionfed_check_ok", check="ledger_chain", subject=school) == 1
        assert (
            value(found, "unionfed_check_last_run_timestamp_seconds", check="ledger_chain", subject=school) >= started
        )
