"""A teacher transfers between schools (教师交流): every service follows, the dues account too.

All four services run as real ``unionfed NAME serve`` processes on real Kafka and PostgreSQL.
"""

import datetime as dt
import subprocess

import httpx
import pytest

from tests.processes import UNIONFED
from tests.pytest_infra import bearer, eventually, unique
from unionfed_shared.auth import Role

pytestmark = pytest.mark.integration


async def test_a_transferred_member_is_seen_under_the_new_school_everywhere_with_dues_kept(platform):
    membership, finance = platform["membership"], platform["finance"]
    county, school_a, school_b = unique("county"), unique("school-a"), unique("school-b")
    found = subprocess.run(
        [UNIONFED, "membership", "found-federation", "--id", county, "--name", "某县教育工会"],
        env=membership.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert found.returncode == 0, found.stderr
    admin = bearer(Role.FEDERATION_ADMIN, county, county, "admin-wang")
    officer_a = bearer(Role.UNION_OFFICER, school_a, county, "treasurer-li")
    officer_b = bearer(Role.UNION_OFFICER, school_b, county, "treasurer-zhou")

    async with httpx.AsyncClient(base_url=membership.url, timeout=10) as api:
        for org_id, name in ((school_a, "第一小学工会"), (school_b, "实验中学工会")):
            created = await api.post(
                "/v1/organizations",
                json={"id": org_id, "name": name, "kind": "grassroots_union", "parent_id": county},
                headers=admin,
            )
            assert created.status_code == 201, created.text
        joined = await api.post(
            f"/v1/organizations/{school_a}/members",
            json={"display_name": "陈老师", "gender": "female", "joined_on": "2019-09-01"},
            headers=officer_a,
        )
        assert joined.status_code == 201, joined.text
        member_id = joined.json()["id"]
        for period in ("2026-09", "2026-10"):
            paid = await api.post(
                f"/v1/organizations/{school_a}/dues-payments",
                json={"member_id": member_id, "period": period, "amount_fen": 2150},
                headers=officer_a,
            )
            assert paid.status_code == 201, paid.text

    # The dues reach finance before the transfer, so the transfer moves an account with money on it.
    async with httpx.AsyncClient(base_url=finance.url, timeout=10) as api:

        async def dues_recorded():
            answer = await api.get(f"/v1/members/{member_id}/dues-account", headers=officer_a)
            return answer.status_code == 200 and answer.json()["paid_total_fen"] == 4300

        await eventually(dues_recorded)

    async with httpx.AsyncClient(base_url=membership.url, timeout=10) as api:
        transferred = await api.post(
            f"/v1/members/{member_id}/transfer",
            json={"to_organization_id": school_b, "effective_on": dt.date.today().isoformat()},
            headers=admin,
        )
        assert transferred.status_code == 200, transferred.text
        assert transferred.json()["change"]["status"] == "applied"

    for name in ("welfare", "events"):
        async with httpx.AsyncClient(base_url=platform[name].url, timeout=10) as api:

            async def moved_to_b():
                under_b = await api.get(f"/v1/organizations/{school_b}/members", headers=admin)
                under_a = await api.get(f"/v1/organizations/{school_a}/members", headers=admin)
                if under_b.status_code != 200 or under_a.status_code != 200:
                    return False  # this service has not yet heard of the schools
                ids_b = [m["id"] for m in under_b.json()]
                ids_a = [m["id"] for m in under_a.json()]
                return ids_b == [member_id] and ids_a == []

            await eventually(moved_to_b)
            [seen] = (await api.get(f"/v1/organizations/{school_b}/members", headers=officer_b)).json()
            assert (seen["organization_id"], seen["status"], seen["display_name"]) == (school_b, "active", "陈老师")

    async with httpx.AsyncClient(base_url=finance.url, timeout=10) as api:

        async def account_moved():
            answer = await api.get(f"/v1/members/{member_id}/dues-account", headers=admin)
            return answer.json() if answer.status_code == 200 and answer.json()["organization_id"] == school_b else None

        account = await eventually(account_moved)
        assert (account["paid_total_fen"], account["periods_paid"], account["last_period"]) == (4300, 2, "2026-10")
        # The new school's officer now reads it; the old school's officer no longer can.
        assert (await api.get(f"/v1/members/{member_id}/dues-account", headers=officer_b)).status_code == 200
        assert (await api.get(f"/v1/members/{member_id}/dues-account", headers=officer_a)).status_code == 404
        # The dues already paid stay in the books of the school that collected them.
        balances = (await api.get(f"/v1/organizations/{school_a}/ledger/balances", headers=officer_a)).json()
        assert {a["code"]: a["balance_fen"] for a in balances["accounts"]}["4101"] == 4300
