"""Shared helpers for the bad-input suite: a seeded service, and a fingerprint of its whole database."""

import dataclasses
import datetime as dt
import uuid

import httpx
from sqlalchemy import text

from tests.factories import school_events
from tests.finance_tools import signing_key_file
from tests.kafka_tools import deliver
from tests.pytest_infra import bearer, unique
from unionfed_shared.auth import Role, platform_admin
from unionfed_shared.http import create_app
from unionfed_shared.messaging.consumer import Outcome

# Not service state: the migration tool's bookkeeping, and the audit log, which records every
# write attempt (refused ones included) by design — see unionfed_shared.audit.
_NOT_STATE = {"alembic_version", "audit_log"}


async def table_names(runtime) -> list[str]:
    async with runtime.engine.connect() as connection:
        rows = await connection.execute(
            text(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
            )
        )
        return [name for (name,) in rows if name not in _NOT_STATE]


async def db_fingerprint(runtime, tables: list[str] | None = None) -> dict[str, tuple[int, str]]:
    """Row count and a digest of every row of every table (outbox, inbox and dead letters included).

    The digest catches an UPDATE as well as an INSERT or DELETE: a refused call must leave all
    three alone. One round trip for the whole database.
    """
    tables = tables or await table_names(runtime)
    query = " UNION ALL ".join(
        f"SELECT '{name}', count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM \"{name}\" AS t"
        for name in tables
    )
    async with runtime.engine.connect() as connection:
        return {name: (count, digest) for name, count, digest in await connection.execute(text(query))}


def changed_tables(before: dict, after: dict) -> dict[str, tuple]:
    return {
        name: (before.get(name), after.get(name))
        for name in set(before) | set(after)
        if before.get(name) != after.get(name)
    }


@dataclasses.dataclass
class Seeded:
    """A running service with one federation, one union in it and one member, and its admin's token."""

    name: str
    runtime: object
    app: object
    federation: str
    school: str
    member_id: uuid.UUID
    admin: dict[str, str]

    def client(self) -> httpx.AsyncClient:
        # raise_app_exceptions=False: an unhandled exception becomes the 500 a real server sends.
        transport = httpx.ASGITransport(app=self.app, raise_app_exceptions=False)
        return httpx.AsyncClient(transport=transport, base_url="http://testserver", timeout=30)


def dependency_settings(keycloak, service: str, directory) -> dict[str, str]:
    """What a service needs to answer every route without a designed 503: membership manages accounts
    in the test Keycloak, finance signs ledger heads with a key."""
    if service == "membership":
        return {"keycloak_url": keycloak.url, "keycloak_client_secret": keycloak.membership_secret}
    if service == "finance":
        return {"head_signing_key_file": signing_key_file(directory)}
    return {}


async def seed_service(build_service, definition, **overrides: str) -> Seeded:
    """Build ``definition`` on a fresh database, without consumer or relay, and seed one federation.

    Nothing runs in the background, so every change to the database comes from the test's own calls.
    """
    runtime = await build_service(definition, start=False, **overrides)
    await runtime.broker.connect()  # /readyz pings the broker; the consumer stays off
    federation, school = unique("fed"), unique("school")
    admin = bearer(Role.FEDERATION_ADMIN, federation, federation, "admin-fuzz")
    app = create_app(runtime)
    name = runtime.definition.name
    if name == "membership":
        from unionfed_membership.service_layer import commands, founding

        async with runtime.uow() as uow:
            await founding.found_federation(
                uow, platform_admin("ops"), commands.FoundFederation(id=federation, name="County union")
            )
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://m") as api:
            body = {"id": school, "name": "No. 1 Primary", "kind": "grassroots_union", "parent_id": federation}
            response = await api.post("/v1/organizations", json=body, headers=admin)
            assert response.status_code == 201, response.text
            member = {"display_name": "Li Hua", "gender": "female", "joined_on": dt.date(2020, 9, 1).isoformat()}
            response = await api.post(f"/v1/organizations/{school}/members", json=member, headers=admin)
            assert response.status_code == 201, response.text
            member_id = uuid.UUID(response.json()["id"])
    else:
        member_id, events = school_events(federation, school)
        assert set(await deliver(runtime, events, to_dlq_topic=False)) == {Outcome.PROCESSED}
    return Seeded(name, runtime, app, federation, school, member_id, admin)
