"""0008_id_tail on a database written before it: members already holding an ID number become
findable by its last four characters."""

import uuid

import httpx
import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.pytest_infra import JWT_SECRET, bearer, service_env, unique
from unionfed_membership.adapters import pii
from unionfed_membership.domain.personal_data import id_check_character
from unionfed_membership.entrypoints.app import definition
from unionfed_shared.auth import Role
from unionfed_shared.db import ensure_database
from unionfed_shared.http import create_app
from unionfed_shared.migrations import alembic_config

pytestmark = pytest.mark.integration


async def migrate(url: str, revision: str) -> None:
    await ensure_database(url)
    engine = create_async_engine(url)
    config = alembic_config(definition().migrations_dir, url)

    def run(connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    try:
        async with engine.begin() as connection:
            await connection.run_sync(run)
    finally:
        await engine.dispose()


async def test_members_enrolled_before_the_tail_index_are_found_by_their_tail(infra, build_service):
    database = f"t_membership_{uuid.uuid4().hex[:8]}"
    url = service_env(infra, "membership", database)["MEMBERSHIP_DATABASE_URL"]
    await migrate(url, "0006_search")
    county, school, member_id = unique("county"), unique("school"), uuid.uuid4()
    first_17 = "33010219850615002"
    number = first_17 + id_check_character(first_17)
    keys = pii.PersonalDataKeys.from_secrets(None, JWT_SECRET)  # the service's keys in these tests
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:  # as the previous release wrote them
            for org, parent, path in ((county, None, [county]), (school, county, [county, school])):
                await conn.execute(
                    text(
                        "INSERT INTO organizations (id, name, kind, parent_id, path) VALUES (:id, :id, :k, :p, :path)"
                    ),
                    {"id": org, "k": "federation" if parent is None else "grassroots_union", "p": parent, "path": path},
                )
            await conn.execute(
                text(
                    "INSERT INTO members (id, organization_id, federation_id, display_name, gender, joined_on, status, "
                    "id_number_ciphertext, id_number_digest) VALUES (:id, :o, :f, '老会员', 'male', '2010-09-01', "
                    "'active', :c, :d)"
                ),
                {
                    "id": member_id,
                    "o": school,
                    "f": county,
                    "c": keys.encrypt(number),
                    "d": keys.id_number_digest(number),
                },
            )
            await conn.execute(
                text(
                    "INSERT INTO members (id, organization_id, federation_id, display_name, gender, joined_on, status) "
                    "VALUES (:id, :o, :f, '无证号', 'female', '2010-09-01', 'active')"
                ),
                {"id": uuid.uuid4(), "o": school, "f": county},
            )
    finally:
        await engine.dispose()

    membership = await build_service(definition, start=False, database=database)  # upgrades to the head

    admin = bearer(Role.FEDERATION_ADMIN, county, county, "admin-wang")
    transport = httpx.ASGITransport(app=create_app(membership))
    async with httpx.AsyncClient(transport=transport, base_url="http://membership", timeout=30) as api:
        found = await api.get(f"/v1/organizations/{county}/members", params={"id_tail": number[-4:]}, headers=admin)
    assert found.status_code == 200, found.text
    assert [m["id"] for m in found.json()["items"]] == [str(member_id)]
