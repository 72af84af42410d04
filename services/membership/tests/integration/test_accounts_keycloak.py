"""Sign-in with a real Keycloak: its tokens open the services, and officers manage accounts within
their subtree through membership's accounts API (Keycloak's admin API behind it)."""

import uuid

import httpx
import pytest

from tests.pytest_infra import bearer, unique
from unionfed_membership.entrypoints.app import definition
from unionfed_membership.service_layer import commands, founding
from unionfed_shared.auth import Principal, Role, platform_admin
from unionfed_shared.http import create_app

pytestmark = pytest.mark.integration


@pytest.fixture
async def county(build_service, keycloak):
    """A county federation with two school unions; membership verifies Keycloak's tokens and
    (its JWT secret configured too) the suite's HS256 ones."""
    runtime = await build_service(definition, start=False, **keycloak.membership_settings())
    county, school, other = unique("county"), unique("school"), unique("school")
    async with runtime.uow() as uow:
        await founding.found_federation(
            uow, platform_admin("ops"), commands.FoundFederation(id=county, name="某县教育工会")
        )
    admin = bearer(Role.FEDERATION_ADMIN, county, county, "admin-wang")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(runtime)), base_url="http://m") as api:
        for org_id, name in ((school, "第一小学工会"), (other, "第二中学工会")):
            body = {"id": org_id, "name": name, "kind": "grassroots_union", "parent_id": county}
            assert (await api.post("/v1/organizations", json=body, headers=admin)).status_code == 201
        yield runtime, api, county, school, other


def _user(keycloak, org: str, fed: str, role: Role, *, name: str = "测试用户") -> tuple[str, str, str]:
    """A Keycloak user with a settled password (as after their first sign-in): id, username, password."""
    username, password = f"t-{uuid.uuid4().hex[:10]}", f"Pw-{uuid.uuid4().hex}"
    with keycloak.admin() as admin:
        created = admin.post(
            "/users",
            json={
                "username": username,
                "firstName": name,
                "enabled": True,
                "attributes": {"org": [org], "fed": [fed], "role": [role.value]},
                "credentials": [{"type": "password", "value": password, "temporary": False}],
            },
        )
        assert created.status_code == 201, created.text
    return created.headers["location"].rsplit("/", 1)[-1], username, password


def _settle_password(keycloak, account_id: str) -> str:
    """What the person does at their first sign-in: choose their own password."""
    password = f"Pw-{uuid.uuid4().hex}"
    with keycloak.admin() as admin:
        admin.put(
            f"/users/{account_id}/reset-password", json={"type": "password", "value": password, "temporary": False}
        ).raise_for_status()
        user = admin.get(f"/users/{account_id}").raise_for_status().json()
        user["requiredActions"] = []
        admin.put(f"/users/{account_id}", json=user).raise_for_status()
    return password


async def test_a_keycloak_token_is_accepted_by_a_real_service_as_the_right_principal(county, keycloak):
    runtime, api, fed, school, other = county
    user_id, username, password = _user(keycloak, school, fed, Role.UNION_OFFICER, name="王芳")
    token = keycloak.token(username, password)
    assert runtime.tokens.verify(token) == Principal(user_id, Role.UNION_OFFICER, school, fed)
    headers = {"Authorization": f"Bearer {token}"}
    seen = await api.get(f"/v1/organizations/{school}", headers=headers)
    assert seen.status_code == 200, seen.text
    # Its scope is the token's organization: a sibling school is the uniform not-found.
    beside = await api.get(f"/v1/organizations/{other}", headers=headers)
    assert (beside.status_code, beside.json()["code"]) == (404, "organization_not_found")


async def test_hs256_tokens_are_accepted_only_where_a_secret_is_configured(build_service, keycloak):
    both = await build_service(definition, start=False, **keycloak.membership_settings())
    oidc_only = await build_service(
        definition,
        start=False,
        jwt_secret=None,
        pii_key="a-pii-key-for-this-test-only-0123456789",
        **keycloak.membership_settings(),
    )
    county = unique("county")
    for runtime in (both, oidc_only):
        async with runtime.uow() as uow:
            await founding.found_federation(
                uow, platform_admin("ops"), commands.FoundFederation(id=county, name="某县教育工会")
            )
    local = bearer(Role.FEDERATION_ADMIN, county, county)
    _id, username, password = _user(keycloak, county, county, Role.AUDITOR)
    oidc = {"Authorization": f"Bearer {keycloak.token(username, password)}"}
    for runtime, local_status in ((both, 200), (oidc_only, 401)):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=create_app(runtime)), base_url="http://m"
        ) as api:
            assert (await api.get(f"/v1/organizations/{county}", headers=local)).status_code == local_status
            assert (await api.get(f"/v1/organizations/{county}", headers=oidc)).status_code == 200


async def test_a_county_officer_creates_a_school_chairs_account_who_must_choose_a_password(county, keycloak):
    _runtime, api, fed, school, _other = county
    officer = bearer(Role.UNION_OFFICER, fed, fed, "county-officer")
    created = await api.post(
        f"/v1/organizations/{school}/accounts",
        headers=officer,
        json={"username": f"chair-{uuid.uuid4().hex[:8]}", "display_name": "王芳", "role": "union_officer"},
    )
    assert created.status_code == 201, created.text
    account = created.json()
    assert (account["organization_id"], account["organization_name"], account["role"], account["enabled"]) == (
        school,
        "第一小学工会",
        "union_officer",
        True,
    )
    # The temporary password signs in only to be replaced: no token until a new one is chosen.
    first = keycloak.password_grant(account["username"], account["temporary_password"])
    assert first.status_code == 400 and "not fully set up" in first.json().get("error_description", ""), first.text
    listed = await api.get(f"/v1/organizations/{fed}/accounts", headers=officer)
    assert listed.status_code == 200
    assert account["id"] in [a["id"] for a in listed.json()["items"]]
    assert listed.json()["next_cursor"] is None
    # Once chosen, the chair's token names the school, the county and the role.
    password = _settle_password(keycloak, account["id"])
    assert _runtime.tokens.verify(keycloak.token(account["username"], password)) == Principal(
        account["id"], Role.UNION_OFFICER, school, fed
    )
    # The same username again is a conflict.
    again = await api.post(
        f"/v1/organizations/{school}/accounts",
        headers=officer,
        json={"username": account["username"], "display_name": "王芳", "role": "member"},
    )
    assert (again.status_code, again.json()["code"]) == (409, "username_taken")


async def test_nobody_creates_an_account_above_or_beside_their_scope_or_role(county):
    _runtime, api, fed, school, other = county
    school_officer = bearer(Role.UNION_OFFICER, school, fed, "school-officer")

    def body(role: str) -> dict:
        return {"username": f"x-{uuid.uuid4().hex[:8]}", "display_name": "某人", "role": role}

    for org in (fed, other, "no-such-org"):  # above, beside, missing: the same answer
        refused = await api.post(f"/v1/organizations/{org}/accounts", headers=school_officer, json=body("member"))
        assert (refused.status_code, refused.json()["code"]) == (404, "organization_not_found"), org
        listed = await api.get(f"/v1/organizations/{org}/accounts", headers=school_officer)
        assert (listed.status_code, listed.json()["code"]) == (404, "organization_not_found"), org
    for role in ("federation_admin", "platform_admin"):
        above = await api.post(f"/v1/organizations/{school}/accounts", headers=school_officer, json=body(role))
        assert (above.status_code, above.json()["code"]) == (403, "role_above_yours"), role
    for role in (Role.AUDITOR, Role.MEMBER, Role.WELFARE_OFFICER):
        refused = await api.post(
            f"/v1/organizations/{school}/accounts", headers=bearer(role, school, fed), json=body("member")
        )
        assert (refused.status_code, refused.json()["code"]) == (403, "accounts_forbidden"), role
    # The county admin may give a federation admin's role; nobody may make a platform admin here.
    county_admin = bearer(Role.FEDERATION_ADMIN, fed, fed, "county-admin")
    made = await api.post(f"/v1/organizations/{fed}/accounts", headers=county_admin, json=body("federation_admin"))
    assert made.status_code == 201, made.text
    platform = await api.post(f"/v1/organizations/{fed}/accounts", headers=county_admin, json=body("platform_admin"))
    assert (platform.status_code, platform.json()["code"]) == (403, "role_above_yours")
    # ...and a school officer cannot touch that county account, nor one of a sibling school.
    for org, account_id in ((school, made.json()["id"]), (fed, made.json()["id"])):
        reset = await api.post(f"/v1/organizations/{org}/accounts/{account_id}/password-reset", headers=school_officer)
        assert reset.status_code == 404, reset.text


async def test_reset_disable_and_enable(county, keycloak):
    _runtime, api, fed, school, _other = county
    officer = bearer(Role.UNION_OFFICER, fed, fed, "county-officer")
    created = (
        await api.post(
            f"/v1/organizations/{school}/accounts",
            headers=officer,
            json={"username": f"treasurer-{uuid.uuid4().hex[:8]}", "display_name": "李娜", "role": "union_officer"},
        )
    ).json()
    account_id, username = created["id"], created["username"]
    password = _settle_password(keycloak, account_id)
    assert keycloak.password_grant(username, password).status_code == 200

    reset = await api.post(f"/v1/organizations/{school}/accounts/{account_id}/password-reset", headers=officer)
    assert reset.status_code == 200, reset.text
    temporary = reset.json()["temporary_password"]
    assert temporary != created["temporary_password"]
    assert keycloak.password_grant(username, password).status_code == 401  # the old one is gone
    assert "not fully set up" in keycloak.password_grant(username, temporary).json()["error_description"]

    password = _settle_password(keycloak, account_id)
    disabled = await api.post(f"/v1/organizations/{school}/accounts/{account_id}/disable", headers=officer)
    assert (disabled.status_code, disabled.json()["enabled"]) == (200, False)
    refused = keycloak.password_grant(username, password)
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant", refused.text
    listed = (await api.get(f"/v1/organizations/{school}/accounts", headers=officer)).json()["items"]
    assert [a["enabled"] for a in listed if a["id"] == account_id] == [False]

    enabled = await api.post(f"/v1/organizations/{school}/accounts/{account_id}/enable", headers=officer)
    assert (enabled.status_code, enabled.json()["enabled"]) == (200, True)
    assert keycloak.password_grant(username, password).status_code == 200


async def test_an_officer_gives_a_member_an_account_whose_token_signs_in_that_member(county, keycloak):
    """The account's ``mid`` attribute reaches the token through the realm's mapper: /v1/me is that member's."""
    _runtime, api, fed, school, other = county
    officer = bearer(Role.UNION_OFFICER, school, fed, "school-officer")
    joined = {"display_name": "李老师", "gender": "female", "joined_on": "2021-09-01"}
    li = (await api.post(f"/v1/organizations/{school}/members", json=joined, headers=officer)).json()["id"]
    admin = bearer(Role.FEDERATION_ADMIN, fed, fed, "admin-wang")
    elsewhere = (await api.post(f"/v1/organizations/{other}/members", json=joined, headers=admin)).json()["id"]

    def body(**extra) -> dict:
        return {"username": f"m-{uuid.uuid4().hex[:8]}", "display_name": "李老师", "role": "member", **extra}

    # Only a member's account names a member, and only one of the account's organization.
    as_officer = await api.post(
        f"/v1/organizations/{school}/accounts", headers=officer, json=body(role="welfare_officer", member_id=li)
    )
    assert (as_officer.status_code, as_officer.json()["code"]) == (422, "member_link_needs_member_role")
    beside = await api.post(f"/v1/organizations/{school}/accounts", headers=admin, json=body(member_id=elsewhere))
    assert (beside.status_code, beside.json()["code"]) == (422, "member_outside_account_organization")

    created = await api.post(f"/v1/organizations/{school}/accounts", headers=officer, json=body(member_id=li))
    assert created.status_code == 201, created.text
    account = created.json()
    assert (account["role"], account["member_id"]) == ("member", li)
    token = keycloak.token(account["username"], _settle_password(keycloak, account["id"]))
    principal = _runtime.tokens.verify(token)
    assert (principal.subject, principal.role, principal.member_id) == (account["id"], Role.MEMBER, li)
    me = await api.get("/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text
    assert (me.json()["member_id"], me.json()["display_name"], me.json()["union_id"]) == (li, "李老师", school)
