"""A member's own record and dues (/v1/me) on real PostgreSQL: the member the token names, no one else."""

import uuid

import httpx
import pytest

from tests.pytest_infra import JWT_SECRET, bearer, unique
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import commands, founding
from unionfed_shared.auth import Role, TokenService, platform_admin
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration


def member_token(member_id: str, organization_id: str, federation_id: str) -> dict[str, str]:
    """As Keycloak issues a member account's token: the account's own subject, the member in ``mid``."""
    tokens = TokenService(JWT_SECRET, "unionfed", "unionfed-local")
    token = tokens.issue(str(uuid.uuid4()), Role.MEMBER, organization_id, federation_id, member_id=member_id)
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def county(build_service):
    """A county, 第一小学 with its maths group, 第二中学."""
    runtime = await build_service(definition)
    county, school, group, other = unique("county"), unique("school"), unique("maths"), unique("school")
    async with runtime.uow() as uow:
        await founding.found_federation(
            uow, platform_admin("ops"), commands.FoundFederation(id=county, name="某县教育工会")
        )
    admin = bearer(Role.FEDERATION_ADMIN, county, county, "admin-wang")
    transport = httpx.ASGITransport(app=create_app(runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://membership") as api:
        for org_id, name, kind, parent in (
            (school, "第一小学工会", "grassroots_union", county),
            (group, "数学组", "union_group", school),
            (other, "第二中学工会", "grassroots_union", county),
        ):
            body = {"id": org_id, "name": name, "kind": kind, "parent_id": parent}
            created = await api.post("/v1/organizations", json=body, headers=admin)
            assert created.status_code == 201, created.text
        policy = await api.put(f"/v1/federations/{county}/dues-policies/2026-01-01", json={}, headers=admin)
        assert policy.status_code == 200, policy.text
        yield api, admin, county, school, group, other


async def enrol(api, org, headers, name) -> str:
    body = {"display_name": name, "gender": "female", "joined_on": "2026-09-01", "base_salary_fen": 430_100}
    response = await api.post(f"/v1/organizations/{org}/members", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


async def test_a_member_reads_their_own_record_and_dues_only(county):
    api, admin, fed, school, group, other = county
    officer = bearer(Role.UNION_OFFICER, school, fed, "treasurer-li")
    li = await enrol(api, group, officer, "李老师")
    chen = await enrol(api, school, officer, "陈老师")
    for member, org, period in (
        (li, group, "2026-10"),
        *((chen, school, p) for p in ("2026-09", "2026-10", "2026-11")),
    ):
        paid = await api.post(
            f"/v1/organizations/{org}/dues-payments",
            json={"member_id": member, "period": period, "amount_fen": 2151},
            headers=officer,
        )
        assert paid.status_code == 201, paid.text
    mine = member_token(li, school, fed)

    me = await api.get("/v1/me", headers=mine)
    assert me.status_code == 200, me.text
    assert {k: me.json()[k] for k in ("member_id", "display_name", "organization_name", "union_id", "union_name")} == {
        "member_id": li,
        "display_name": "李老师",
        "organization_name": "数学组",
        "union_id": school,
        "union_name": "第一小学工会",
    }, "a group's member belongs to the union above the group"

    dues = await api.get("/v1/me/dues", params={"through": "2026-11"}, headers=mine)
    assert dues.status_code == 200, dues.text
    body = dues.json()
    assert [(p["member_id"], p["period"], p["amount_fen"]) for p in body["payments"]] == [(li, "2026-10", 2151)]
    assert (body["through"], body["paid_total_fen"], body["arrears_total_fen"]) == ("2026-11", 2151, 4302)
    assert [(u["period"], u["amount_fen"], u["reason"]) for u in body["unpaid"]] == [
        ("2026-09", 2151, "unpaid"),
        ("2026-11", 2151, "unpaid"),
    ]
    # Chen's token reads Chen's: paid up, nothing of Li's.
    chens = (
        await api.get("/v1/me/dues", params={"through": "2026-11"}, headers=member_token(chen, school, fed))
    ).json()
    assert {p["member_id"] for p in chens["payments"]} == {chen} and chens["unpaid"] == []


async def test_self_service_refuses_officers_and_a_member_token_naming_no_member(county):
    api, admin, fed, school, group, other = county
    officer = bearer(Role.UNION_OFFICER, school, fed, "treasurer-li")
    li = await enrol(api, school, officer, "李老师")
    for path in ("/v1/me", "/v1/me/dues"):
        refused = await api.get(path, headers=officer)
        assert refused.status_code == 403 and refused.json()["code"] == "members_only", refused.text
        unlinked = await api.get(path, headers=bearer(Role.MEMBER, school, fed, "kc-account-without-member"))
        assert unlinked.status_code == 403 and unlinked.json()["code"] == "member_account_unlinked"
        foreign = await api.get(path, headers=member_token(li, school, unique("fed")))
        assert foreign.status_code == 404 and foreign.json()["code"] == "member_not_found"
    # And a member's token is refused on the officers' routes.
    mine = member_token(li, school, fed)
    arrears = await api.get(f"/v1/members/{li}/dues-arrears", headers=mine)
    assert arrears.status_code == 403 and arrears.json()["code"] == "role_not_allowed"
    collect = await api.post(f"/v1/organizations/{school}/dues-collections", json={"period": "2026-10"}, headers=mine)
    assert collect.status_code == 403
