"""The failure suite's own PostgreSQL and Kafka, the platform as real processes, and the seed.

Everything here runs on a private PostgreSQL (port 25632) and Kafka (29292) in ``.run/chaos``,
so killing or restarting them never disturbs the other tests. Every fault schedule derives from
one seed, printed at the start and at the end: ``UNIONFED_CHAOS_SEED=N`` replays a run exactly
(``UNIONFED_CHAOS_ROUNDS`` repeats each fault with further schedules, for ``make soak``).
"""

import asyncio
import os
import random
import uuid
from pathlib import Path

import pytest

from tests.chaos.platform import Platform
from tests.infra import Infra, start_infra, stop_infra

REPO = Path(__file__).resolve().parents[2]
CHAOS_STATE = REPO / ".run" / "chaos"
CHAOS_PG_PORT = 25632
CHAOS_KAFKA_PORT = 29292

# Drawn once per session and kept in the environment, so every import of this module agrees.
if not os.environ.get("UNIONFED_CHAOS_SEED", "").strip():
    os.environ["UNIONFED_CHAOS_SEED"] = str(random.randrange(10**9))
SEED = int(os.environ["UNIONFED_CHAOS_SEED"])
ROUNDS = max(1, int(os.environ.get("UNIONFED_CHAOS_ROUNDS", "1")))


def seed_line() -> str:
    return f"chaos seed: {SEED} — rerun with UNIONFED_CHAOS_SEED={SEED}"


def pytest_report_header(config):
    return seed_line()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if any(
        "tests/chaos" in str(item)
        for item in getattr(terminalreporter, "stats", {}).get("passed", [])
        + getattr(terminalreporter, "stats", {}).get("failed", [])
    ):
        terminalreporter.write_line(seed_line())


@pytest.fixture(scope="session")
def chaos_seed() -> int:
    print(f"\n{seed_line()}", flush=True)
    return SEED


@pytest.fixture
def rng(request, chaos_seed) -> random.Random:
    """This test's own generator: its schedule does not depend on which other tests ran."""
    return random.Random(f"{chaos_seed}:{request.node.name}")


@pytest.fixture(scope="session")
def infra(chaos_seed) -> Infra:
    """Overrides the suite-wide ``infra``: the chaos suite's private servers."""
    running = start_infra(CHAOS_STATE, pg_port=CHAOS_PG_PORT, kafka_port=CHAOS_KAFKA_PORT)
    # Topics from an earlier session would be replayed by the "from offset 0" fault: start empty.
    asyncio.run(_fresh_topics(running.kafka_bootstrap))
    yield running
    if os.environ.get("UNIONFED_KEEP_TEST_INFRA") != "1":
        stop_infra(running)


async def _fresh_topics(bootstrap: str) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    from unionfed_shared.contracts.topics import ALL_TOPICS
    from unionfed_shared.messaging.kafka import ensure_topics

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = [t for t in await admin.list_topics() if t in ALL_TOPICS]
        if existing:
            await admin.delete_topics(existing)
        for _ in range(120):
            if not set(await admin.list_topics()) & set(ALL_TOPICS):
                break
            await asyncio.sleep(0.5)
    finally:
        await admin.close()
    for attempt in range(60):
        try:
            await ensure_topics(bootstrap)
            return
        except Exception:  # deletion still settling on the broker
            if attempt == 59:
                raise
            await asyncio.sleep(0.5)


@pytest.fixture(scope="session")
async def platform(infra):
    """All four services as ``unionfed NAME serve`` processes, shared by the chaos tests.

    Each test seeds its own federation and adds what it expects to ``platform.expected``; every
    check covers every federation of the session, so a fault that damaged an earlier test's
    books is caught too.
    """
    run = uuid.uuid4().hex[:8]
    log_dir = CHAOS_STATE / "logs" / run
    log_dir.mkdir(parents=True, exist_ok=True)
    print(f"chaos platform {run}: service logs in {log_dir}", flush=True)
    running = Platform(infra, run, log_dir)
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def healthy(platform):
    """The platform with every service up (a fault in the previous test may have left one down)."""
    await platform.ensure_running()
    yield platform
    await platform.ensure_running()
