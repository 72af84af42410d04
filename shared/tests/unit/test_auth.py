import datetime as dt

import jwt
import pytest

from unionfed_shared.auth import Principal, Role, TokenService
from unionfed_shared.errors import Forbidden, NotFound, Unauthorized

SECRET = "a-test-secret-that-is-long-enough-for-hs256"
tokens = TokenService(SECRET, "unionfed", "unionfed-local")


def test_a_token_names_the_caller_role_and_organization():
    principal = tokens.verify(tokens.issue("li", Role.UNION_OFFICER, "school-1", "county"))
    assert principal == Principal("li", Role.UNION_OFFICER, "school-1", "county")


@pytest.mark.parametrize(
    ("forge", "code"),
    [
        (
            lambda claims: jwt.encode(claims, "another-secret-entirely-and-also-long-enough", algorithm="HS256"),
            "token_signature_invalid",
        ),
        (lambda claims: jwt.encode(claims, None, algorithm="none"), "token_invalid"),
        (
            lambda claims: jwt.encode(claims | {"aud": "someone-else"}, SECRET, algorithm="HS256"),
            "token_audience_wrong",
        ),
        (lambda claims: jwt.encode(claims | {"exp": claims["iat"] - 1}, SECRET, algorithm="HS256"), "token_expired"),
        (
            lambda claims: jwt.encode(claims | {"nbf": claims["iat"] + 3600}, SECRET, algorithm="HS256"),
            "token_not_yet_valid",
        ),
        (lambda claims: jwt.encode(claims | {"role": "superuser"}, SECRET, algorithm="HS256"), "token_role_unknown"),
        (
            lambda claims: jwt.encode({k: v for k, v in claims.items() if k != "exp"}, SECRET, algorithm="HS256"),
            "token_claim_missing",
        ),
    ],
    ids=["wrong-signature", "alg-none", "wrong-audience", "expired", "not-yet-valid", "unknown-role", "no-expiry"],
)
def test_bad_tokens_are_refused_with_a_code_naming_what_is_wrong(forge, code):
    now = int(dt.datetime.now(dt.UTC).timestamp())
    claims = {
        "sub": "li",
        "role": "union_officer",
        "org": "school-1",
        "fed": "county",
        "aud": "unionfed",
        "iss": "unionfed-local",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
    }
    with pytest.raises(Unauthorized) as refused:
        tokens.verify(forge(claims))
    assert refused.value.code == code and refused.value.zh.startswith("登录凭据")


def test_scope_is_the_callers_organization_and_everything_under_it():
    officer = Principal("li", Role.UNION_OFFICER, "school-1", "county")
    officer.require_scope(["county", "school-1"])
    officer.require_scope(["county", "school-1", "group-maths"])
    for outside in (["county"], ["county", "school-2"], None):
        with pytest.raises(NotFound) as refused:
            officer.require_scope(outside)
        assert refused.value.code == "organization_not_found"


def test_roles_are_checked():
    auditor = Principal("audit", Role.AUDITOR, "county", "county")
    with pytest.raises(Forbidden, match="auditor") as refused:
        auditor.require_role(Role.FEDERATION_ADMIN, Role.UNION_OFFICER)
    assert refused.value.code == "role_not_allowed" and "auditor" in refused.value.zh


def test_short_secrets_are_refused():
    with pytest.raises(ValueError):
        TokenService("short", "unionfed", "unionfed-local")


def test_a_platform_administrator_acts_for_the_platform_and_sees_no_organization():
    from unionfed_shared.auth import PLATFORM, platform_admin

    principal = tokens.verify(tokens.issue("ops", Role.PLATFORM_ADMIN, PLATFORM, PLATFORM))
    assert principal == platform_admin("ops")
    # Not even a tree whose path names the platform (no organization may carry that id).
    for path in (["county"], ["county", "school-1"], [PLATFORM], [PLATFORM, "school-1"]):
        assert not principal.can_see(path)
        with pytest.raises(NotFound):
            principal.require_scope(path)
    with pytest.raises(Forbidden, match="platform_admin"):
        principal.require_role(Role.FEDERATION_ADMIN)


@pytest.mark.parametrize(
    ("role", "org", "fed"),
    [
        (Role.PLATFORM_ADMIN, "county", "county"),
        (Role.PLATFORM_ADMIN, "platform", "county"),
        (Role.PLATFORM_ADMIN, "county", "platform"),
        (Role.FEDERATION_ADMIN, "platform", "platform"),
        (Role.UNION_OFFICER, "school-1", "platform"),
    ],
)
def test_only_the_platform_administrator_names_the_platform_and_it_names_nothing_else(role, org, fed):
    with pytest.raises(Unauthorized) as refused:
        tokens.verify(tokens.issue("x", role, org, fed))
    assert refused.value.code == "platform_token_mismatch"
