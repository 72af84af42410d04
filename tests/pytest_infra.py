"""Pytest plugin: real PostgreSQL and Kafka for the session, and services built on them.

Unit tests never touch these fixtures. Integration and end-to-end tests get one PostgreSQL
server and one Kafka broker per session (native processes here, testcontainers where a Docker
engine answers), a fresh database per service they build, and a consumer group of their own.
"""

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from tests.infra import Infra, start_infra, stop_infra
from tests.keycloak import keycloak  # noqa: F401  (a session fixture: started only for the tests that ask for it)
from tests.s3 import s3, s3_bucket  # noqa: F401  (the object store, likewise started only when asked for)

REPO = Path(__file__).resolve().parents[1]
JWT_SECRET = "test-secret-for-the-unionfed-suite-only"


@pytest.fixture(scope="session")
def infra() -> Infra:
    state_dir = Path(os.environ.get("UNIONFED_TEST_STATE_DIR", REPO / ".run" / "test"))
    running = start_infra(state_dir)
    from unionfed_shared.messaging.kafka import ensure_topics

    asyncio.run(ensure_topics(running.kafka_bootstrap))
    yield running
    if os.environ.get("UNIONFED_KEEP_TEST_INFRA") != "1":
        stop_infra(running)


def bearer(role, organization_id: str, federation_id: str, subject: str | None = None) -> dict[str, str]:
    """An Authorization header for a signed token of ``role`` acting for ``organization_id``."""
    from unionfed_shared.auth import TokenService

    tokens = TokenService(JWT_SECRET, "unionfed", "unionfed-local")
    return {
        "Authorization": f"Bearer {tokens.issue(subject or f'{role.value}-1', role, organization_id, federation_id)}"
    }


def unique(prefix: str) -> str:
    """An id no other test uses, valid as an organization id."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def service_env(infra: Infra, name: str, database: str, **overrides: str | None) -> dict[str, str]:
    """Environment for a service process or settings object on the test infrastructure.

    An override of None leaves the setting out (``jwt_secret=None``: a service that takes only
    the OIDC issuer's tokens)."""
    prefix = name.upper() + "_"
    env = {
        f"{prefix}DATABASE_URL": infra.pg_dsn(database),
        f"{prefix}KAFKA_BOOTSTRAP_SERVERS": infra.kafka_bootstrap,
        f"{prefix}JWT_SECRET": JWT_SECRET,
        f"{prefix}CONSUMER_GROUP_ID": f"test-{database}",
        f"{prefix}CONSUMER_RETRY_BACKOFF_S": "0.05",
        # The daily jobs would run at once on a fresh database, beside what a test does; the
        # scheduler's tests build their schedulers themselves (schedules_enabled="true" to override).
        f"{prefix}SCHEDULES_ENABLED": "false",
    }
    for key, value in overrides.items():
        if value is None:
            env.pop(prefix + key.upper(), None)
        else:
            env[prefix + key.upper()] = value
    return env


@pytest.fixture
async def build_service(infra: Infra) -> AsyncIterator[Callable]:
    """Build and start a service in this process on a fresh database: ``await build_service(definition)``."""
    from unionfed_shared.migrations import upgrade_database
    from unionfed_shared.runtime import Runtime

    started: list[Runtime] = []

    async def build(definition_factory, *, start: bool = True, database: str | None = None, **overrides) -> Runtime:
        definition = definition_factory()
        database = database or f"t_{definition.name}_{uuid.uuid4().hex[:8]}"
        env = service_env(infra, definition.name, database, **overrides)
        with _patched_environ(env):
            settings = definition.settings_factory()
        await upgrade_database(settings.database_url, definition.migrations_dir)
        runtime = Runtime(definition, settings)
        if start:
            from tests.kafka_tools import skip_history

            await skip_history(infra.kafka_bootstrap, settings.consumer_group)
            await runtime.start()
        started.append(runtime)
        return runtime

    yield build
    for runtime in reversed(started):
        with contextlib.suppress(Exception):
            await runtime.stop()


@contextlib.contextmanager
def _patched_environ(values: dict[str, str]):
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


async def eventually(check: Callable, timeout: float = 30.0, interval: float = 0.1):
    """Await ``check()`` until it returns a truthy value; fail with its last result or error."""
    deadline = asyncio.get_running_loop().time() + timeout
    last = None
    while True:
        try:
            last = await check()
            if last:
                return last
        except AssertionError as exc:
            last = exc
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s; last: {last!r}")
        await asyncio.sleep(interval)
