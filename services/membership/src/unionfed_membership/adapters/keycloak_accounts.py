"""Accounts kept in Keycloak, managed through its admin REST API.

Membership signs in as the confidential client ``unionfed-membership`` (client credentials);
its service account holds realm-management's manage-users and view-users, nothing more. An
account's organization, federation and role are the user attributes ``org``, ``fed`` and
``role`` (and a member's ``mid``) that the realm's protocol mappers put into its tokens; the display name is firstName.
"""

import asyncio
import time
import uuid
from collections.abc import Collection

import httpx

from unionfed_membership.domain.accounts import Account, NewAccount
from unionfed_shared.auth import Role
from unionfed_shared.errors import Conflict, Unavailable

_PAGE = 500


def _unavailable(exc: Exception) -> Unavailable:
    return Unavailable(
        "accounts_unavailable",
        zh="账号服务（Keycloak）暂不可用，请稍后再试",
        en=f"the account service (Keycloak) is unavailable: {exc}",
    )


class KeycloakAccounts:
    def __init__(
        self, base_url: str, realm: str, client_id: str, client_secret: str, *, client: httpx.AsyncClient | None = None
    ):
        self._base = base_url.rstrip("/")
        self._realm = realm
        self._client_id = client_id
        self._client_secret = client_secret
        self._http = client or httpx.AsyncClient(timeout=15)
        self._token: str | None = None
        self._token_expires = 0.0
        self._token_lock = asyncio.Lock()

    async def aclose(self) -> None:
        await self._http.aclose()

    # --- the port -----------------------------------------------------------------------------

    async def in_organizations(self, organization_ids: Collection[str]) -> list[Account]:
        wanted = set(organization_ids)
        found, first = [], 0
        # Keycloak searches attributes by exact value one at a time: a subtree is read whole and
        # filtered here (a realm holds a federation's officers, hundreds, not its members).
        while True:
            page = await self._call(
                "GET", "/users", params={"briefRepresentation": "false", "first": first, "max": _PAGE}
            )
            users = page.json()
            found += [a for a in map(_account, users) if a is not None and a.organization_id in wanted]
            if len(users) < _PAGE:
                return found
            first += _PAGE

    async def get(self, account_id: str) -> Account | None:
        # Keycloak's user ids are UUIDs; anything else names no account, and must never become part
        # of an admin API path (``../`` would reach another endpoint).
        try:
            account_id = str(uuid.UUID(account_id))
        except ValueError:
            return None
        answer = await self._call("GET", f"/users/{account_id}", allow=(404,))
        return None if answer.status_code == 404 else _account(answer.json())

    async def create(self, account: NewAccount, temporary_password: str) -> Account:
        answer = await self._call(
            "POST",
            "/users",
            allow=(409,),
            json={
                "username": account.username,
                "firstName": account.display_name,
                "enabled": True,
                "attributes": {
                    "org": [account.organization_id],
                    "fed": [account.federation_id],
                    "role": [account.role.value],
                    **({"mid": [account.member_id]} if account.member_id else {}),
                },
                "credentials": [{"type": "password", "value": temporary_password, "temporary": True}],
                "requiredActions": ["UPDATE_PASSWORD"],
            },
        )
        if answer.status_code == 409:
            raise Conflict(
                "username_taken",
                zh=f"用户名 {account.username} 已被使用",
                en=f"the username {account.username} is taken",
            )
        created = await self.get(answer.headers["location"].rstrip("/").rsplit("/", 1)[-1])
        if created is None:
            raise _unavailable(RuntimeError("the created account cannot be read back"))
        return created

    async def set_temporary_password(self, account_id: str, temporary_password: str) -> None:
        await self._call(
            "PUT",
            f"/users/{account_id}/reset-password",
            json={"type": "password", "value": temporary_password, "temporary": True},
        )
        # A reset also lifts a brute-force lockout: the officer has just vouched for the person.
        await self._call("DELETE", f"/attack-detection/brute-force/users/{account_id}", allow=(404,))

    async def set_enabled(self, account_id: str, enabled: bool) -> Account:
        user = (await self._call("GET", f"/users/{account_id}")).json()
        user["enabled"] = enabled
        await self._call("PUT", f"/users/{account_id}", json=user)
        if not enabled:
            # Ends its sessions: no refresh token of the account works any more.
            await self._call("POST", f"/users/{account_id}/logout")
        account = _account({**user, "enabled": enabled})
        assert account is not None
        return account

    # --- plumbing -----------------------------------------------------------------------------

    async def _call(self, method: str, path: str, *, allow: tuple[int, ...] = (), **kwargs) -> httpx.Response:
        url = f"{self._base}/admin/realms/{self._realm}{path}"
        try:
            answer = await self._http.request(method, url, headers=await self._headers(), **kwargs)
            if answer.status_code == 401:  # the token lapsed between our check and Keycloak's
                self._token = None
                answer = await self._http.request(method, url, headers=await self._headers(), **kwargs)
        except httpx.HTTPError as exc:
            raise _unavailable(exc) from exc
        if answer.status_code >= 400 and answer.status_code not in allow:
            raise _unavailable(RuntimeError(f"{method} {path} answered {answer.status_code}: {answer.text[:200]}"))
        return answer

    async def _headers(self) -> dict[str, str]:
        async with self._token_lock:
            if self._token is None or time.monotonic() >= self._token_expires:
                answer = await self._http.post(
                    f"{self._base}/realms/{self._realm}/protocol/openid-connect/token",
                    data={
                        "grant_type": "client_credentials",
                        "client_id": self._client_id,
                        "client_secret": self._client_secret,
                    },
                )
                if answer.status_code != 200:
                    raise _unavailable(RuntimeError(f"client credentials refused: {answer.status_code}"))
                body = answer.json()
                self._token = body["access_token"]
                self._token_expires = time.monotonic() + max(float(body.get("expires_in", 60)) - 15, 5)
            return {"Authorization": f"Bearer {self._token}"}


def _account(user: dict) -> Account | None:
    """The account a Keycloak user is, or None for users that are not accounts (service accounts)."""
    attributes = user.get("attributes") or {}

    def one(name: str) -> str | None:
        values = attributes.get(name) or []
        return values[0] if len(values) == 1 else None

    organization, federation, role = one("org"), one("fed"), one("role")
    if not (organization and federation and role) or role not in Role._value2member_map_:
        return None
    return Account(
        id=user["id"],
        username=user["username"],
        display_name=user.get("firstName") or user["username"],
        organization_id=organization,
        federation_id=federation,
        role=Role(role),
        enabled=bool(user.get("enabled")),
        member_id=one("mid"),
    )
