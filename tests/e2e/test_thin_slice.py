"""A member joins a school over HTTP; every service learns of it; dues reach the school's ledger.

All four services run as real ``unionfed NAME serve`` processes on real Kafka and PostgreSQL.
"""

import subprocess

import httpx
import pytest

from tests.problem_tools import refusal
from tests.processes import UNIONFED
from tests.pytest_infra import bearer, eventually, unique
from unionfed_shared.auth import Role

pytestmark = pytest.mark.integration


async def test_member_joins_and_dues_reach_the_school_ledger(platform):
    membership, finance = platform["membership"], platform["finance"]
    county, school, other_school = unique("county"), unique("school"), unique("school")
    found = subprocess.run(
        [
            UNIONFED,
            "membership",
            "found-federation",
            "--id",
            county,
            "--name",
            "某县教育工会",
            "--operator",
            "ops-zhang",
        ],
        env=membership.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert found.returncode == 0, found.stderr
    admin = bearer(Role.FEDERATION_ADMIN, county, county, "admin-wang")

    async with httpx.AsyncClient(base_url=membership.url, timeout=10) as api:
        for org_id, name in ((school, "第一小学工会"), (other_school, "第二中学工会")):
            created = await api.post(
                "/v1/organizations",
                json={"id": org_id, "name": name, "kind": "grassroots_union", "parent_id": county},
                headers=admin,
            )
            assert created.status_code == 201, created.text
        officer = bearer(Role.UNION_OFFICER, school, county, "treasurer-li")
        joined = await api.post(
            f"/v1/organizations/{school}/members",
            json={"display_name": "陈老师", "gender": "female", "joined_on": "2021-09-01"},
            headers=officer,
        )
        assert joined.status_code == 201, joined.text
        member_id = joined.json()["id"]
        paid = await api.post(
            f"/v1/organizations/{school}/dues-payments",
            json={"member_id": member_id, "period": "2026-10", "amount_fen": 2150},
            headers=officer,
        )
        assert paid.status_code == 201, paid.text
        float_money = await api.post(
            f"/v1/organizations/{school}/dues-payments",
            json={"member_id": member_id, "period": "2026-11", "amount_fen": 21.5},
            headers=officer,
        )
        assert float_money.status_code == 422
        twice = await api.post(
            f"/v1/organizations/{school}/dues-payments",
            json={"member_id": member_id, "period": "2026-10", "amount_fen": 2150},
            headers=officer,
        )
        assert twice.status_code == 409 and twice.json()["code"] == "dues_already_collected"

    # Welfare and events keep their own read model of the school's members.
    for name in ("welfare", "events", "finance"):
        async with httpx.AsyncClient(base_url=platform[name].url, timeout=10) as api:

            async def member_known():
                response = await api.get(f"/v1/organizations/{school}/members", headers=officer)
                return response.status_code == 200 and [m["id"] for m in response.json()] == [member_id]

            await eventually(member_known)

    async with httpx.AsyncClient(base_url=finance.url, timeout=10) as api:

        async def dues_posted():
            response = await api.get(f"/v1/organizations/{school}/ledger/balances", headers=officer)
            if response.status_code != 200:
                return False
            balances = {a["code"]: a["balance_fen"] for a in response.json()["accounts"]}
            return balances if balances["1001"] == 2150 else False

        balances = await eventually(dues_posted)
        assert balances["4101"] == 2150  # dues income
        assert sum(balances.values()) == 2 * 2150  # only the bank and dues income moved

        postings = (await api.get(f"/v1/organizations/{school}/ledger/postings", headers=officer)).json()
        [posting] = postings["items"]
        assert posting["source_event_type"] == "unionfed.membership.dues_collected.v1"
        assert posting["actor"] == "treasurer-li"
        assert posting["trace_id"] and posting["sequence"] == 1
        lines = {(l["account_code"], l["debit_fen"], l["credit_fen"]) for l in posting["lines"]}
        assert lines == {("1001", 2150, 0), ("4101", 0, 2150)}

        account = (await api.get(f"/v1/members/{member_id}/dues-account", headers=officer)).json()
        assert (account["paid_total_fen"], account["periods_paid"], account["last_period"]) == (2150, 1, "2026-10")

        # Another school's officer learns nothing about this school, not even that it exists.
        stranger = bearer(Role.UNION_OFFICER, other_school, county, "officer-zhao")
        refused = await api.get(f"/v1/organizations/{school}/ledger/balances", headers=stranger)
        missing = await api.get("/v1/organizations/no-such-school/ledger/balances", headers=stranger)
        assert refused.status_code == missing.status_code == 404
        assert refusal(refused) == refusal(missing) and refused.json()["code"] == "organization_not_found"
        unauthenticated = await api.get(f"/v1/organizations/{school}/ledger/balances")
        assert unauthenticated.status_code == 401

    async with httpx.AsyncClient(base_url=membership.url, timeout=10) as api:
        stranger = bearer(Role.UNION_OFFICER, other_school, county, "officer-zhao")
        assert (await api.get(f"/v1/organizations/{school}/members", headers=stranger)).status_code == 404
        assert (await api.get(f"/v1/members/{member_id}", headers=stranger)).status_code == 404
        poach = await api.post(
            f"/v1/organizations/{school}/members",
            json={"display_name": "x", "gender": "male", "joined_on": "2021-09-01"},
            headers=stranger,
        )
        assert poach.status_code == 404
