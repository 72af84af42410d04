"""Rotating the sign-in keys in the real Keycloak with the services running: a new RSA key of
higher priority signs the next tokens and a running membership accepts them at once (an unknown
``kid`` refetches the JWKS); tokens of the old key pass while it is published; once it is
disabled and the service's JWKS cache (JWKS_CACHE_S) has run out, they are refused with 401."""

import asyncio
import time
import uuid

import httpx
import pytest

from services.membership.tests.integration.test_accounts_keycloak import _user
from tests.pytest_infra import unique
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import commands, founding
from unionfed_shared.auth import Role, platform_admin
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration

CACHE_S = 8  # the service's JWKS_CACHE_S here (300 by default)


def _add_rsa_key(keycloak, name: str, priority: int) -> tuple[str, str]:
    """A generated RSA key provider in the realm (what an operator adds in the admin console's
    Realm settings → Keys → Providers): its component id and its key's kid."""
    with keycloak.admin() as admin:
        realm_id = admin.get("").raise_for_status().json()["id"]
        created = admin.post(
            "/components",
            json={
                "name": name,
                "providerId": "rsa-generated",
                "providerType": "org.keycloak.keys.KeyProvider",
                "parentId": realm_id,
                "config": {
                    "priority": [str(priority)],
                    "enabled": ["true"],
                    "active": ["true"],
                    "algorithm": ["RS256"],
                    "keySize": ["2048"],
                },
            },
        )
        assert created.status_code == 201, created.text
        component_id = created.headers["location"].rsplit("/", 1)[-1]
        keys = admin.get("/keys").raise_for_status().json()["keys"]
    (kid,) = [key["kid"] for key in keys if key.get("providerId") == component_id and key["algorithm"] == "RS256"]
    return component_id, kid


def _disable(keycloak, component_id: str) -> None:
    with keycloak.admin() as admin:
        component = admin.get(f"/components/{component_id}").raise_for_status().json()
        component["config"]["enabled"] = ["false"]
        admin.put(f"/components/{component_id}", json=component).raise_for_status()


def _remove(keycloak, component_id: str) -> None:
    with keycloak.admin() as admin:
        admin.delete(f"/components/{component_id}")


def _published_kids(keycloak) -> set[str]:
    return {key["kid"] for key in httpx.get(keycloak.jwks_url, timeout=30).raise_for_status().json()["keys"]}


def _kid(token: str) -> str:
    import jwt

    return jwt.get_unverified_header(token)["kid"]


async def test_a_new_keycloak_signing_key_is_accepted_without_a_restart_and_a_removed_one_refused(
    build_service, keycloak
):
    runtime = await build_service(definition, start=False, jwks_cache_s=str(CACHE_S), **keycloak.membership_settings())
    county, school = unique("county"), unique("school")
    async with runtime.uow() as uow:
        await founding.found_federation(uow, platform_admin("ops"), commands.FoundFederation(id=county, name="某县"))
        await founding.found_federation(uow, platform_admin("ops"), commands.FoundFederation(id=school, name="某校"))
    _id, username, password = _user(keycloak, school, school, Role.UNION_OFFICER)
    added: list[str] = []
    try:
        # The "old" key: ours, above the realm's own, so the test leaves the realm as it found it.
        old_component, old_kid = _add_rsa_key(keycloak, f"test-old-{uuid.uuid4().hex[:6]}", 1000)
        added.append(old_component)
        old_token = keycloak.token(username, password)
        assert _kid(old_token) == old_kid

        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(runtime)), base_url="http://m"
        ) as api:

            async def status(token: str) -> tuple[int, str | None]:
                answer = await api.get(f"/v1/organizations/{school}", headers={"Authorization": f"Bearer {token}"})
                return answer.status_code, (answer.json().get("code") if answer.status_code != 200 else None)

            assert await status(old_token) == (200, None)  # the service has fetched the JWKS: old kid cached
            fetched_at = time.monotonic()

            # Rotation: a new key of higher priority signs the next token; the running service
            # has never seen its kid and refetches the JWKS for it (well within its cache's life).
            new_component, new_kid = _add_rsa_key(keycloak, f"test-new-{uuid.uuid4().hex[:6]}", 2000)
            added.append(new_component)
            new_token = keycloak.token(username, password)
            assert _kid(new_token) == new_kid != old_kid
            assert await status(new_token) == (200, None)
            assert time.monotonic() - fetched_at < CACHE_S, "the cache ran out: the unknown-kid path was not taken"
            # Tokens of the old key still pass while Keycloak publishes it.
            assert await status(old_token) == (200, None)

            # The old key disabled: no longer published; once the cache has run out its tokens are refused.
            _disable(keycloak, old_component)
            assert old_kid not in _published_kids(keycloak) and new_kid in _published_kids(keycloak)
            await asyncio.sleep(CACHE_S + 0.5)
            assert await status(old_token) == (401, "token_key_unknown")
            assert await status(new_token) == (200, None)
            # Removed outright, the same.
            _remove(keycloak, old_component)
            assert await status(old_token) == (401, "token_key_unknown")
    finally:
        for component_id in added:
            _remove(keycloak, component_id)
