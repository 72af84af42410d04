"""`serve --mode` on real Kafka and PostgreSQL: what each kind of instance runs, and what its
/readyz waits for.

An API instance (`--mode api`) never joins the consumer group, so its readiness does not wait for
one; a consumer instance (`--mode consumer`) is ready only once it is a member of its group, and
not while its outbox relay has stopped.
"""

import httpx
import pytest

from tests.pytest_infra import eventually
from unionfed_finance.entrypoints.app import definition
from unionfed_shared.http import create_app
from unionfed_shared.runtime import RuntimeParts

pytestmark = pytest.mark.integration


def test_each_mode_names_what_its_instance_runs():
    assert RuntimeParts.of_mode("all") == RuntimeParts(consume=True, relay=True, schedule=True)
    assert RuntimeParts.of_mode("api") == RuntimeParts(consume=False, relay=True, schedule=True)
    assert RuntimeParts.of_mode("consumer") == RuntimeParts(consume=True, relay=True, schedule=False)


async def _ready(app) -> dict | None:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://f") as client:
        answer = await client.get("/readyz")
    body = answer.json()
    return body if answer.status_code == 200 else None


async def test_an_api_instance_is_ready_without_the_group_and_a_consumer_instance_only_as_a_member(
    build_service,
):
    api = await build_service(definition, start=False)
    api.parts = RuntimeParts.of_mode("api")
    await api.start(consume=api.parts.consume, relay=api.parts.relay, schedule=api.parts.schedule)
    body = await eventually(lambda: _ready(create_app(api)))
    assert body["checks"] == {"database": True, "broker": True, "outbox_relay": True}
    assert not api.consuming and not api.membership.joined

    consumer = await build_service(definition)  # every part started, as `serve` runs by default
    assert consumer.consuming
    body = await eventually(lambda: _ready(create_app(consumer)))
    assert body["checks"] == {"database": True, "broker": True, "consumer_group": True, "outbox_relay": True}
    assert consumer.membership.joined

    # A group mid-rebalance (its partitions revoked) is not ready until they are assigned again.
    await consumer.membership.on_partitions_revoked(set())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(consumer)), base_url="http://f") as c:
        answer = await c.get("/readyz")
    assert answer.status_code == 503 and answer.json()["checks"]["consumer_group"] is False


async def test_a_stopped_outbox_relay_makes_the_instance_not_ready(build_service):
    runtime = await build_service(definition)
    await eventually(lambda: _ready(create_app(runtime)))
    runtime._stop.set()  # the relay's loop ends as on shutdown, while HTTP still answers
    await runtime._relay_task
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(runtime)), base_url="http://f") as c:
        answer = await c.get("/readyz")
    assert answer.status_code == 503 and answer.json()["checks"]["outbox_relay"] is False
