"""Founding a top-level federation over HTTP (``POST /v1/federations``), on real Kafka and PostgreSQL.

Only a platform administrator may; the founding travels through membership's outbox to finance,
which opens the federation's books; a retry with the same Idempotency-Key founds nothing twice.
"""

import json

import httpx
import pytest
from sqlalchemy import func, select

from tests.pytest_infra import bearer, eventually, unique
from unionfed_finance.entrypoints.app import definition as finance_definition
from unionfed_membership.adapters.tables import organizations, outbox
from unionfed_membership.entrypoints.app import definition
from unionfed_shared.auth import PLATFORM, Role
from unionfed_shared.contracts.membership import OrganizationRegisteredV1
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration

PLATFORM_ADMIN = bearer(Role.PLATFORM_ADMIN, PLATFORM, PLATFORM, "platform-ops")


def client(runtime, name: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(runtime)), base_url=f"http://{name}", timeout=20
    )


async def scalar(runtime, query):
    async with runtime.session_factory() as session:
        return await session.scalar(query)


async def test_a_platform_administrator_founds_a_federation_that_finance_then_keeps_books_for(build_service):
    membership = await build_service(definition)
    finance = await build_service(finance_definition)
    county = unique("county")
    body = {
        "id": county,
        "name": "某县教育工会",
        "time_zone": "Asia/Urumqi",
        "language": "zh-CN",
        "sector": "education",
    }
    async with client(membership, "membership") as api, client(finance, "finance") as books:
        answer = await api.post(
            "/v1/federations", json=body, headers={**PLATFORM_ADMIN, "Idempotency-Key": unique("k")}
        )
        assert answer.status_code == 201, answer.text
        assert answer.json() == {
            "id": county,
            "name": "某县教育工会",
            "kind": "federation",
            "parent_id": None,
            "path": [county],
            "time_zone": "Asia/Urumqi",
            "language": "zh-CN",
            "sector": "education",
        }

        # The same event the CLI emits, through the outbox.
        payloads = [
            p
            for p in (await _outbox_payloads(membership, OrganizationRegisteredV1.event_type))
            if p["organization_id"] == county
        ]
        assert len(payloads) == 1
        event = OrganizationRegisteredV1.model_validate(payloads[0])
        assert (event.federation_id, event.kind, event.parent_id, event.path) == (county, "federation", None, [county])
        assert (event.time_zone, event.sector) == ("Asia/Urumqi", "education")

        # Finance consumed it: the federation's administrator reads its (empty) books there.
        admin = bearer(Role.FEDERATION_ADMIN, county, county, "admin-wang")

        async def books_open():
            seen = await books.get(f"/v1/organizations/{county}/ledger/balances", headers=admin)
            return seen if seen.status_code == 200 else None

        balances = await eventually(books_open, timeout=60)
        assert balances.json(), balances.text

        # The federation's own administrator then founds a school under it, as before.
        school = {"id": unique("school"), "name": "第一中学工会", "kind": "grassroots_union", "parent_id": county}
        assert (await api.post("/v1/organizations", json=school, headers=admin)).status_code == 201


async def test_only_a_platform_administrator_may_found_one_and_it_sees_nothing_of_it(build_service):
    membership = await build_service(definition, start=False)
    county = unique("county")
    async with client(membership, "membership") as api:
        assert (
            await api.post("/v1/federations", json={"id": county, "name": "某县教育工会"}, headers=PLATFORM_ADMIN)
        ).status_code == 201
        other = unique("other")
        for role in (Role.FEDERATION_ADMIN, Role.UNION_OFFICER, Role.WELFARE_OFFICER, Role.MEMBER, Role.AUDITOR):
            refused = await api.post(
                "/v1/federations",
                json={"id": other, "name": "另一工会"},
                headers={**bearer(role, county, county), "Accept-Language": "en"},
            )
            assert refused.status_code == 403, (role, refused.text)
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert "platform_admin" in refused.json()["detail"]
        assert await scalar(membership, select(func.count()).where(organizations.c.id == other)) == 0

        # Least privilege: the federation it founded is as invisible to it as one that does not exist.
        ghost = unique("ghost")
        for path in (
            "/v1/organizations/{}",
            "/v1/organizations/{}/members",
            "/v1/organizations/{}/subtree",
            "/v1/organizations/{}/dues-payments",
        ):
            mine, unknown = [await api.get(path.format(o), headers=PLATFORM_ADMIN) for o in (county, ghost)]
            assert mine.status_code == unknown.status_code == 404, (path, mine.text)
            assert mine.json()["code"] == unknown.json()["code"]
        below = {"id": unique("school"), "name": "学校工会", "kind": "grassroots_union", "parent_id": county}
        assert (await api.post("/v1/organizations", json=below, headers=PLATFORM_ADMIN)).status_code == 404


async def test_refusals_name_their_code_in_the_callers_language_and_found_nothing(build_service):
    membership = await build_service(definition, start=False)
    county = unique("county")
    async with client(membership, "membership") as api:
        assert (
            await api.post("/v1/federations", json={"id": county, "name": "某县教育工会"}, headers=PLATFORM_ADMIN)
        ).status_code == 201
        again = await api.post("/v1/federations", json={"id": county, "name": "又一个"}, headers=PLATFORM_ADMIN)
        assert again.status_code == 409 and again.json()["code"] == "organization_already_exists"
        assert county in again.json()["detail"] and "已存在" in again.json()["detail"]  # zh-CN by default

        reserved = await api.post(
            "/v1/federations",
            json={"id": PLATFORM, "name": "平台"},
            headers={**PLATFORM_ADMIN, "Accept-Language": "en"},
        )
        assert reserved.status_code == 422 and reserved.json()["code"] == "organization_id_reserved", reserved.text
        assert "reserved" in reserved.json()["detail"]
        assert await scalar(membership, select(func.count()).where(organizations.c.id == PLATFORM)) == 0

        zone = await api.post(
            "/v1/federations",
            json={"id": unique("mars"), "name": "火星", "time_zone": "Mars/Olympus"},
            headers=PLATFORM_ADMIN,
        )
        assert zone.status_code == 422, zone.text


async def test_the_same_idempotency_key_replays_the_first_answer(build_service):
    membership = await build_service(definition, start=False)
    county = unique("county")
    body = {"id": county, "name": "某县教育工会"}
    headers = {**PLATFORM_ADMIN, "Idempotency-Key": unique("found")}
    async with client(membership, "membership") as api:
        first = await api.post("/v1/federations", json=body, headers=headers)
        again = await api.post("/v1/federations", json=body, headers=headers)
        assert first.status_code == again.status_code == 201, (first.text, again.text)
        assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
        other = await api.post("/v1/federations", json={**body, "name": "别的"}, headers=headers)
        assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert await scalar(membership, select(func.count()).where(organizations.c.id == county)) == 1
    assert (
        len(
            [
                p
                for p in await _outbox_payloads(membership, OrganizationRegisteredV1.event_type)
                if p["organization_id"] == county
            ]
        )
        == 1
    )


async def _outbox_payloads(runtime, event_type: str) -> list[dict]:
    async with runtime.session_factory() as session:
        rows = await session.execute(select(outbox.c.payload).where(outbox.c.event_type == event_type))
        return [json.loads(row.payload) for row in rows]
