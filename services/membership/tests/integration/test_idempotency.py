"""Creations retried with Idempotency-Key on a real membership database: one organization, one member."""

import httpx
import pytest
from sqlalchemy import func, select

from tests.pytest_infra import bearer, unique
from unionfed_membership.adapters.tables import members, organizations
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import commands, founding
from unionfed_shared.auth import Role, platform_admin
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration


@pytest.fixture
async def county(build_service):
    membership = await build_service(definition, start=False)
    county_id = unique("county")
    async with membership.uow() as uow:
        await founding.found_federation(
            uow, platform_admin("ops"), commands.FoundFederation(id=county_id, name="某县教育工会")
        )
    transport = httpx.ASGITransport(app=create_app(membership))
    async with httpx.AsyncClient(transport=transport, base_url="http://membership", timeout=20) as api:
        yield membership, api, county_id


async def count(membership, query) -> int:
    async with membership.session_factory() as session:
        return await session.scalar(query)


async def test_founding_and_enrolling_twice_with_one_key_creates_once(county):
    membership, api, county_id = county
    admin = bearer(Role.FEDERATION_ADMIN, county_id, county_id, "admin-wang")
    school = unique("school")
    found = {"id": school, "name": "第一中学工会", "kind": "grassroots_union", "parent_id": county_id}
    key = unique("found")

    first = await api.post("/v1/organizations", json=found, headers={**admin, "Idempotency-Key": key})
    again = await api.post("/v1/organizations", json=found, headers={**admin, "Idempotency-Key": key})
    assert first.status_code == again.status_code == 201, (first.text, again.text)
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    # Without the key the same request is a second founding, which the service refuses: the key made the retry safe.
    assert (await api.post("/v1/organizations", json=found, headers=admin)).status_code == 409

    teacher = {"display_name": "陈老师", "gender": "female", "joined_on": "2020-09-01"}
    key = unique("enrol")
    answers = [
        await api.post(f"/v1/organizations/{school}/members", json=teacher, headers={**admin, "Idempotency-Key": key})
        for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [201, 201, 201], [a.text for a in answers]
    assert {a.json()["id"] for a in answers} == {answers[0].json()["id"]}
    assert (
        await count(membership, select(func.count()).select_from(members).where(members.c.organization_id == school))
        == 1
    )

    other = await api.post(
        f"/v1/organizations/{school}/members",
        json={**teacher, "display_name": "王老师"},
        headers={**admin, "Idempotency-Key": key},
    )
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert (
        await count(membership, select(func.count()).select_from(members).where(members.c.organization_id == school))
        == 1
    )
    assert (
        await count(membership, select(func.count()).select_from(organizations).where(organizations.c.id == school))
        == 1
    )
