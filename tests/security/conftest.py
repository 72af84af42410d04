"""The four services in this process on fresh databases, wired by an in-process event pump.

No service consumes from or publishes to the shared test broker: what one service commits to
its outbox is handed to every service's consumer by :class:`Pump` (as Kafka would deliver it),
so the seeded world is deterministic and other test sessions' events never reach it.
"""

import contextlib
import itertools
import uuid

import httpx
import pytest
from sqlalchemy import text

from tests.pytest_infra import _patched_environ, service_env

DEFINITIONS = {}


def _definitions():
    if not DEFINITIONS:
        from unionfed_events.entrypoints.app import definition as events
        from unionfed_finance.entrypoints.app import definition as finance
        from unionfed_membership.entrypoints.app import definition as membership
        from unionfed_welfare.entrypoints.app import definition as welfare

        DEFINITIONS.update(membership=membership, welfare=welfare, events=events, finance=finance)
    return DEFINITIONS


class Pump:
    """Moves committed outbox rows of every service to every service's consumer until quiet."""

    def __init__(self, runtimes: dict):
        self.runtimes = runtimes
        self._offsets = itertools.count(10**9)

    async def drain(self, rounds: int = 20) -> int:
        from unionfed_shared.messaging.consumer import IncomingMessage

        moved = 0
        for _ in range(rounds):
            batch = []
            for runtime in self.runtimes.values():
                async with runtime.session_factory() as session, session.begin():
                    rows = (
                        await session.execute(
                            text(
                                "SELECT id, topic, key, headers, payload FROM outbox WHERE published_at IS NULL ORDER BY id"
                            )
                        )
                    ).all()
                    if rows:
                        await session.execute(
                            text("UPDATE outbox SET published_at = now() WHERE id = ANY(:ids)"),
                            {"ids": [r.id for r in rows]},
                        )
                    batch.extend(rows)
            if not batch:
                return moved
            for row in batch:
                message = IncomingMessage(
                    row.topic,
                    0,
                    next(self._offsets),
                    bytes(row.key),
                    bytes(row.payload),
                    tuple((k, str(v).encode()) for k, v in dict(row.headers).items()),
                )
                for runtime in self.runtimes.values():
                    await runtime.consumer.handle(message, to_dlq_topic=False)
                moved += 1
        return moved


async def fingerprint(runtime) -> dict[str, str]:
    """A digest of every table of the service's database: equal digests, equal state.

    The audit log is left out: recording who tried what is its job, refused or not.
    """
    async with runtime.session_factory() as session:
        tables = (
            (
                await session.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                        " AND tablename NOT IN ('alembic_version', 'audit_log')"
                    )
                )
            )
            .scalars()
            .all()
        )
        digests = {}
        for table in sorted(tables):
            digests[table] = await session.scalar(
                text(f"SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{table}\" t")
            )
        return digests


@pytest.fixture(scope="module")
async def services(infra):
    """``{name: (runtime, client)}`` for the four services, not started (no broker traffic)."""
    from unionfed_shared.http import create_app
    from unionfed_shared.migrations import upgrade_database
    from unionfed_shared.runtime import Runtime

    built = {}
    async with contextlib.AsyncExitStack() as stack:
        for name, definition_factory in _definitions().items():
            definition = definition_factory()
            database = f"t_sec_{name}_{uuid.uuid4().hex[:8]}"
            with _patched_environ(service_env(infra, name, database)):
                settings = definition.settings_factory()
            await upgrade_database(settings.database_url, definition.migrations_dir)
            runtime = Runtime(definition, settings)
            stack.push_async_callback(runtime.engine.dispose)
            client = await stack.enter_async_context(
                httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(runtime)), base_url=f"http://{name}")
            )
            built[name] = (runtime, client)
        yield built
