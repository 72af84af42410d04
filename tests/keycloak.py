"""A real Keycloak for the tests that need one (session-scoped, started on first use).

``deploy/local/keycloak.sh up`` runs it from the build cached in ``<repo>/.cache`` (fetched and
built once, then reused across runs) on the test PostgreSQL's database ``keycloak``, on port
8280 (``UNIONFED_TEST_KEYCLOAK_PORT``), with its state under the test state dir. The realm is the
platform's own file, provisioned by ``deploy/local/keycloak_realm.py --test-client``: the only
difference is the public client ``unionfed-tests`` that allows the password grant, so a test
can sign a user in without a browser. Like the rest of the test infrastructure it keeps running
when ``UNIONFED_KEEP_TEST_INFRA=1`` and is stopped at the end of the session otherwise.
"""

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.infra import Infra

REPO = Path(__file__).resolve().parents[1]
KEYCLOAK_SH = REPO / "deploy" / "local" / "keycloak.sh"
REALM_SCRIPT = REPO / "deploy" / "local" / "keycloak_realm.py"
DEFAULT_PORT = 8280
DATABASE = "keycloak"


@dataclass(frozen=True)
class Keycloak:
    url: str  # e.g. http://127.0.0.1:8280/auth
    state_dir: Path
    membership_secret: str
    admin_password: str

    @property
    def realm_url(self) -> str:
        return f"{self.url}/realms/unionfed"

    @property
    def issuer(self) -> str:
        # Started with --hostname set to its own URL: the issuer is what a browser would see.
        return self.realm_url

    @property
    def jwks_url(self) -> str:
        return f"{self.realm_url}/protocol/openid-connect/certs"

    def password_grant(self, username: str, password: str) -> httpx.Response:
        return httpx.post(
            f"{self.realm_url}/protocol/openid-connect/token",
            timeout=30,
            data={
                "grant_type": "password",
                "client_id": "unionfed-tests",
                "username": username,
                "password": password,
            },
        )

    def token(self, username: str, password: str) -> str:
        answer = self.password_grant(username, password)
        assert answer.status_code == 200, answer.text
        return answer.json()["access_token"]

    def admin(self) -> httpx.Client:
        """The realm's admin API, as the master realm's bootstrap admin."""
        answer = httpx.post(
            f"{self.url}/realms/master/protocol/openid-connect/token",
            timeout=30,
            data={
                "grant_type": "password",
                "client_id": "admin-cli",
                "username": "admin",
                "password": self.admin_password,
            },
        )
        answer.raise_for_status()
        return httpx.Client(
            base_url=f"{self.url}/admin/realms/unionfed",
            timeout=30,
            headers={"Authorization": f"Bearer {answer.json()['access_token']}"},
        )

    def membership_settings(self) -> dict[str, str]:
        """build_service overrides for a membership that verifies this Keycloak's tokens and manages its accounts."""
        return {
            "jwks_url": self.jwks_url,
            "jwt_issuer": self.issuer,
            "jwt_audience": "unionfed",
            "keycloak_url": self.url,
            "keycloak_client_secret": self.membership_secret,
        }


def _ensure_database(infra: Infra) -> None:
    import asyncio

    import asyncpg

    async def create() -> None:
        connection = await asyncpg.connect(infra.pg_dsn("postgres", driver="postgresql"))
        try:
            if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", DATABASE):
                await connection.execute(f'CREATE DATABASE "{DATABASE}"')
        finally:
            await connection.close()

    asyncio.run(create())


def start_keycloak(infra: Infra, state_dir: Path) -> Keycloak:
    port = int(os.environ.get("UNIONFED_TEST_KEYCLOAK_PORT", DEFAULT_PORT))
    url = f"http://127.0.0.1:{port}/auth"
    _ensure_database(infra)
    env = {
        **os.environ,
        "UNIONFED_STATE_DIR": str(state_dir),
        "UNIONFED_KEYCLOAK_PORT": str(port),
        "UNIONFED_KEYCLOAK_HOSTNAME": url,
        "UNIONFED_KEYCLOAK_DATABASE": DATABASE,
        "UNIONFED_PG_HOST": infra.pg_host,
        "UNIONFED_PG_PORT": str(infra.pg_port),
        "UNIONFED_PG_USER": infra.pg_user,
        "UNIONFED_PG_PASSWORD": infra.pg_password,
    }
    subprocess.run(["bash", str(KEYCLOAK_SH), "up"], env=env, check=True, timeout=900, stdin=subprocess.DEVNULL)
    keycloak_state = state_dir / "keycloak"
    subprocess.run(
        [
            sys.executable,
            str(REALM_SCRIPT),
            "--url",
            url,
            "--test-client",
            "--admin-password-file",
            str(keycloak_state / "admin-password"),
            "--membership-secret-file",
            str(keycloak_state / "membership-secret"),
        ],
        check=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    return Keycloak(
        url=url,
        state_dir=state_dir,
        membership_secret=(keycloak_state / "membership-secret").read_text().strip(),
        admin_password=(keycloak_state / "admin-password").read_text().strip(),
    )


def stop_keycloak(keycloak: Keycloak) -> None:
    subprocess.run(
        ["bash", str(KEYCLOAK_SH), "down"],
        env={**os.environ, "UNIONFED_STATE_DIR": str(keycloak.state_dir)},
        check=False,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="session")
def keycloak(infra: Infra) -> Keycloak:
    state_dir = Path(os.environ.get("UNIONFED_TEST_STATE_DIR", REPO / ".run" / "test"))
    running = start_keycloak(infra, state_dir)
    yield running
    if os.environ.get("UNIONFED_KEEP_TEST_INFRA") != "1":
        stop_keycloak(running)
