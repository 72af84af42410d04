"""The four public HTTP APIs, called with bearer tokens minted like any client of the platform."""

import asyncio
import os
import time

import httpx

from demo.roster import COUNTY
from unionfed_shared.auth import Role, TokenService

MEMBERSHIP = "http://127.0.0.1:8001"
WELFARE = "http://127.0.0.1:8002"
EVENTS = "http://127.0.0.1:8003"
FINANCE = "http://127.0.0.1:8004"


class DemoError(SystemExit):
    pass


class Api:
    def __init__(self) -> None:
        self.tokens = TokenService(os.environ["UNIONFED_JWT_SECRET"], "unionfed", "unionfed-local")
        limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
        self.membership = httpx.AsyncClient(base_url=MEMBERSHIP, timeout=60, limits=limits)
        self.welfare = httpx.AsyncClient(base_url=WELFARE, timeout=60, limits=limits)
        self.events = httpx.AsyncClient(base_url=EVENTS, timeout=60, limits=limits)
        self.finance = httpx.AsyncClient(base_url=FINANCE, timeout=60, limits=limits)
        self.admin = self.headers("demo-admin", Role.FEDERATION_ADMIN, COUNTY)

    async def close(self) -> None:
        for client in (self.membership, self.welfare, self.events, self.finance):
            await client.aclose()

    def headers(self, subject: str, role: Role, org: str, federation: str = COUNTY) -> dict:
        return {"Authorization": "Bearer " + self.tokens.issue(subject, role, org, federation)}

    def officer(self, org: str) -> dict:
        """A union officer of a school (its unions elect no committee in the demo, so any subject is honoured)."""
        return self.headers(f"officer-{org}", Role.UNION_OFFICER, org)

    def treasurer(self, org: str) -> dict:
        return self.headers(f"treasurer-{org}", Role.UNION_OFFICER, org)

    def welfare_officer(self, org: str) -> dict:
        return self.headers(f"welfare-{org}", Role.WELFARE_OFFICER, org)

    def member(self, member_id: str, union: str) -> dict:
        """A member (representative, respondent) acts with their member id as subject."""
        return self.headers(str(member_id), Role.MEMBER, union)


def ok(response: httpx.Response):
    if response.status_code >= 400:
        raise DemoError(
            f"demo: {response.request.method} {response.request.url} → {response.status_code}: {response.text}"
        )
    return response.json() if response.content else None


async def every_item(client: httpx.AsyncClient, url: str, headers: dict, **params) -> list:
    """Every item of a paged list, following ``next_cursor`` to the last page."""
    items, params = [], {"limit": 500, **params}
    while True:
        page = ok(await client.get(url, params=params, headers=headers))
        items += page["items"]
        if not page["next_cursor"]:
            return items
        params["cursor"] = page["next_cursor"]


async def settled(finance: httpx.AsyncClient, accepted: dict, headers: dict) -> dict:
    """Wait for finance to apply a money command accepted with 202."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        answer = await finance.get(accepted["status_url"], headers=headers)
        if answer.status_code == 200:
            outcome = answer.json()
            if outcome["status"] == "refused":
                raise DemoError(f"demo: finance refused {accepted['status_url']}: {outcome['reason']}")
            if outcome["status"] != "pending":
                return outcome
        await asyncio.sleep(0.2)
    raise DemoError(f"demo: no outcome for {accepted['status_url']} after 90 s")


async def until(what: str, probe, timeout: float = 120, every: float = 0.3):
    """Poll ``probe`` (async, returns a value or None) until it answers; the services talk through Kafka."""
    deadline = time.monotonic() + timeout
    while True:
        value = await probe()
        if value is not None:
            return value
        if time.monotonic() > deadline:
            raise DemoError(f"demo: {what} not seen after {timeout:.0f} s")
        await asyncio.sleep(every)


async def retry_missing(call, what: str, timeout: float = 120):
    """Call until the answer is not 404: the events service learns members and unions through Kafka."""

    async def probe():
        response = await call()
        return None if response.status_code == 404 else response

    return await until(what, probe, timeout)


async def books(api: Api, org: str) -> dict[str, int]:
    answer = ok(await api.finance.get(f"/v1/organizations/{org}/ledger/balances", headers=api.admin))
    return {a["code"]: a["balance_fen"] for a in answer["accounts"]}


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}¥{fen // 100:,}.{fen % 100:02d}"
