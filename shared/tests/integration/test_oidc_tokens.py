"""A service configured with an OIDC issuer's JWKS: the issuer's tokens in, locally signed ones out."""

import datetime as dt
import importlib.util
import uuid
from pathlib import Path

import httpx
import pytest

from tests.factories import school_events
from tests.kafka_tools import envelope_for
from tests.pytest_infra import bearer, unique
from unionfed_shared.audit import audit_log
from unionfed_shared.auth import Role
from unionfed_shared.contracts import topics
from unionfed_shared.http import create_app
from unionfed_shared.messaging.consumer import IncomingMessage
from unionfed_welfare.entrypoints.app import definition as welfare_definition

pytestmark = pytest.mark.integration

_spec = importlib.util.spec_from_file_location("jwks_helpers", Path(__file__).parents[1] / "unit" / "test_auth_jwks.py")
jwks_helpers = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(jwks_helpers)
_offsets = iter(range(10**9))


@pytest.fixture
def issuer():
    running = jwks_helpers._Issuer()
    yield running
    running.close()


async def test_an_oidc_configured_service_takes_the_issuers_tokens_only(build_service, issuer):
    # No JWT secret: HS256 tokens are accepted only where one is configured.
    welfare = await build_service(
        welfare_definition,
        start=False,
        jwks_url=issuer.url,
        jwt_secret=None,
        jwt_issuer=jwks_helpers.ISSUER,
        jwt_audience=jwks_helpers.AUDIENCE,
    )
    federation, school = unique("county"), unique("school")
    _member, setup = school_events(federation, school)
    for event in setup:
        envelope = envelope_for(event)
        await welfare.consumer.handle(
            IncomingMessage(
                topics.MEMBERSHIP,
                0,
                next(_offsets),
                envelope.key,
                envelope.data,
                tuple((k, v.encode()) for k, v in envelope.headers().items()),
            )
        )
    now = int(dt.datetime.now(dt.UTC).timestamp())
    claims = {
        "sub": "auditor-oidc",
        "role": "auditor",
        "org": federation,
        "fed": federation,
        "aud": jwks_helpers.AUDIENCE,
        "iss": jwks_helpers.ISSUER,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": str(uuid.uuid4()),
    }
    oidc = {"Authorization": f"Bearer {jwks_helpers.rs256(claims)}"}
    escalated = {"Authorization": f"Bearer {jwks_helpers.rs256(claims | {'role': 'federation_admin', 'orgs': ['*']})}"}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(welfare)), base_url="http://w") as api:
        seen = await api.get(f"/v1/organizations/{federation}/audit-log", headers=oidc)
        assert seen.status_code == 200, seen.text
        # The suite's own HS256 tokens open nothing: this service has no secret to check them with.
        local = await api.get(
            f"/v1/organizations/{federation}/audit-log", headers=bearer(Role.FEDERATION_ADMIN, federation, federation)
        )
        assert local.status_code == 401
        assert (await api.get(f"/v1/organizations/{federation}/audit-log", headers=escalated)).status_code == 401
        refused = await api.put(
            f"/v1/federations/{federation}/visit-policy",
            headers=oidc,
            json={"amounts_fen": {"major_hardship": 100}, "yearly_cap_fen": 1000},
        )
        assert refused.status_code == 403
    async with welfare.engine.connect() as connection:
        rows = (await connection.execute(audit_log.select())).mappings().all()
    assert [(r["subject"], r["role"], r["status_code"]) for r in rows] == [("auditor-oidc", "auditor", 403)]
