"""The whole platform as real processes: ``unionfed NAME serve`` for each of the four services."""

import uuid

import pytest

from tests.processes import ServiceProcess
from unionfed_events.entrypoints.app import MIGRATIONS_DIR as EVENTS_MIGRATIONS
from unionfed_finance.entrypoints.app import MIGRATIONS_DIR as FINANCE_MIGRATIONS
from unionfed_membership.entrypoints.app import MIGRATIONS_DIR as MEMBERSHIP_MIGRATIONS
from unionfed_welfare.entrypoints.app import MIGRATIONS_DIR as WELFARE_MIGRATIONS

MIGRATIONS = {
    "membership": MEMBERSHIP_MIGRATIONS,
    "welfare": WELFARE_MIGRATIONS,
    "events": EVENTS_MIGRATIONS,
    "finance": FINANCE_MIGRATIONS,
}


@pytest.fixture
async def platform(infra, tmp_path):
    run = uuid.uuid4().hex[:8]
    services = {name: ServiceProcess(infra, name, f"e2e_{name}_{run}", tmp_path) for name in MIGRATIONS}
    for name, service in services.items():
        await service.migrate(MIGRATIONS[name])
        service.start()
    try:
        for service in services.values():
            await service.wait_ready()
        yield services
    finally:
        for service in services.values():
            service.stop()
