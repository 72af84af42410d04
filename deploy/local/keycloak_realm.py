"""Provisions the `unionfed` realm on a running Keycloak through its admin REST API; idempotent.

    python deploy/local/keycloak_realm.py --url http://127.0.0.1:8180/auth \
        --admin-password-file STATE/keycloak/admin-password --membership-secret-file STATE/keycloak/membership-secret

- imports deploy/keycloak/unionfed-realm.json when the realm does not exist yet (the file is the
  whole realm: clients, token claims, the user profile whose `org`, `fed`, `role` only
  administrators see and edit, brute-force protection);
- sets the confidential client `unionfed-membership`'s secret to the one in the state dir
  (generated there, never committed; the file names it ${UNIONFED_MEMBERSHIP_CLIENT_SECRET},
  which Keycloak's own --import-realm fills from the environment in docker-compose.yml);
- brings a realm imported before the member claim up to date: the user attribute `mid` (the
  member a `member` account signs in) in the user profile and its protocol mapper in the
  `unionfed` client scope, both as the file has them;
- with --test-client, adds the public client `unionfed-tests` that allows the password grant,
  for the test-suite only (the platform's realm never has it).
"""

import argparse
import json
import secrets
import sys
from pathlib import Path

import httpx

REALM = "unionfed"
REALM_FILE = Path(__file__).resolve().parents[1] / "keycloak" / "unionfed-realm.json"
SECRET_PLACEHOLDER = "${UNIONFED_MEMBERSHIP_CLIENT_SECRET}"
# The user attribute (and token claim) naming the member a member's account signs in.
MEMBER_ATTRIBUTE = "mid"
TEST_CLIENT = {
    "clientId": "unionfed-tests",
    "name": "test-suite only: password grant",
    "enabled": True,
    "publicClient": True,
    "protocol": "openid-connect",
    "standardFlowEnabled": False,
    "directAccessGrantsEnabled": True,
    "defaultClientScopes": ["basic", "profile", "web-origins", "acr", "unionfed"],
    "optionalClientScopes": [],
}


def admin_client(url: str, password: str) -> httpx.Client:
    token = httpx.post(
        f"{url}/realms/master/protocol/openid-connect/token",
        data={"grant_type": "password", "client_id": "admin-cli", "username": "admin", "password": password},
        timeout=30,
    )
    token.raise_for_status()
    return httpx.Client(
        base_url=f"{url}/admin/realms",
        headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        timeout=30,
    )


def ensure_realm(admin: httpx.Client, secret: str) -> None:
    if admin.get(f"/{REALM}").status_code == 200:
        return
    realm = json.loads(REALM_FILE.read_text(encoding="utf-8").replace(SECRET_PLACEHOLDER, secret))
    admin.post("", json=realm).raise_for_status()
    print(f"keycloak: realm {REALM} imported from {REALM_FILE.name}")


def client_uuid(admin: httpx.Client, client_id: str) -> str | None:
    found = admin.get(f"/{REALM}/clients", params={"clientId": client_id}).raise_for_status().json()
    return found[0]["id"] if found else None


def membership_secret(secret_file: Path) -> str:
    if not secret_file.is_file() or not secret_file.read_text().strip():
        secret_file.parent.mkdir(parents=True, exist_ok=True)
        secret_file.touch(mode=0o600)
        secret_file.write_text(secrets.token_urlsafe(32) + "\n")
    return secret_file.read_text().strip()


def ensure_membership_secret(admin: httpx.Client, secret: str) -> None:
    """The realm may predate the state dir's secret file (a regenerated one wins)."""
    uuid = client_uuid(admin, "unionfed-membership")
    client = admin.get(f"/{REALM}/clients/{uuid}").raise_for_status().json()
    if client.get("secret") != secret:
        client["secret"] = secret
        admin.put(f"/{REALM}/clients/{uuid}", json=client).raise_for_status()


def _from_file() -> dict:
    return json.loads(REALM_FILE.read_text(encoding="utf-8"))


def ensure_member_claim(admin: httpx.Client) -> None:
    """A realm imported before ``mid`` existed gets its user-profile attribute and token mapper."""
    realm = _from_file()
    profile = admin.get(f"/{REALM}/users/profile").raise_for_status().json()
    if not any(a["name"] == MEMBER_ATTRIBUTE for a in profile["attributes"]):
        [provider] = realm["components"]["org.keycloak.userprofile.UserProfileProvider"]
        wanted = json.loads(provider["config"]["kc.user.profile.config"][0])
        profile["attributes"] += [a for a in wanted["attributes"] if a["name"] == MEMBER_ATTRIBUTE]
        admin.put(f"/{REALM}/users/profile", json=profile).raise_for_status()
        print(f"keycloak: user attribute {MEMBER_ATTRIBUTE} added to the user profile")
    [scope] = [s for s in admin.get(f"/{REALM}/client-scopes").raise_for_status().json() if s["name"] == "unionfed"]
    models = f"/{REALM}/client-scopes/{scope['id']}/protocol-mappers/models"
    if not any(m["name"] == MEMBER_ATTRIBUTE for m in admin.get(models).raise_for_status().json()):
        [wanted_scope] = [s for s in realm["clientScopes"] if s["name"] == "unionfed"]
        [mapper] = [m for m in wanted_scope["protocolMappers"] if m["name"] == MEMBER_ATTRIBUTE]
        admin.post(models, json=mapper).raise_for_status()
        print(f"keycloak: claim {MEMBER_ATTRIBUTE} mapped into the unionfed scope's tokens")


def ensure_test_client(admin: httpx.Client) -> None:
    if client_uuid(admin, TEST_CLIENT["clientId"]) is None:
        admin.post(f"/{REALM}/clients", json=TEST_CLIENT).raise_for_status()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="Keycloak's base URL, e.g. http://127.0.0.1:8180/auth")
    parser.add_argument("--admin-password-file", type=Path, required=True)
    parser.add_argument("--membership-secret-file", type=Path, required=True)
    parser.add_argument("--test-client", action="store_true")
    args = parser.parse_args(argv)
    secret = membership_secret(args.membership_secret_file)
    with admin_client(args.url, args.admin_password_file.read_text().strip()) as admin:
        ensure_realm(admin, secret)
        ensure_membership_secret(admin, secret)
        ensure_member_claim(admin)
        if args.test_client:
            ensure_test_client(admin)
    return 0


if __name__ == "__main__":
    sys.exit(main())
