"""OIDC mode: tokens of an issuer verified with the keys of its JWKS, served over HTTP here."""

import base64
import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives import hashes, hmac, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from pydantic import ValidationError
from pydantic_settings import SettingsConfigDict

from unionfed_shared.auth import JwksKeys, JwksTokenService, Principal, Role, TokenService, TokenVerifiers
from unionfed_shared.errors import Forbidden, Unauthorized
from unionfed_shared.settings import ServiceSettings

ISSUER = "https://idp.example.org/realms/unionfed"
AUDIENCE = "unionfed-api"
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
ROGUE_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _jwk(public_key, kid: str, algorithm) -> dict:
    return {**json.loads(algorithm.to_jwk(public_key)), "kid": kid, "use": "sig"}


class _Issuer:
    """A JWKS endpoint on the loopback interface; counts fetches."""

    def __init__(self):
        self.keys = [
            _jwk(RSA_KEY.public_key(), "rsa-1", RSAAlgorithm),
            _jwk(EC_KEY.public_key(), "ec-1", ECAlgorithm),
        ]
        self.fetches = 0
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                issuer.fetches += 1
                body = json.dumps({"keys": issuer.keys}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/jwks.json"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def issuer():
    running = _Issuer()
    yield running
    running.close()


@pytest.fixture
def tokens(issuer) -> JwksTokenService:
    return JwksTokenService(JwksKeys(issuer.url, min_refresh_s=0), AUDIENCE, ISSUER)


def claims(**changes) -> dict:
    now = int(dt.datetime.now(dt.UTC).timestamp())
    base = {
        "sub": "li",
        "role": "union_officer",
        "org": "school-1",
        "fed": "county",
        "aud": AUDIENCE,
        "iss": ISSUER,
        "iat": now,
        "nbf": now,
        "exp": now + 600,
    }
    base.update(changes)
    return {k: v for k, v in base.items() if v is not ...}


def rs256(payload: dict, kid: str = "rsa-1", key=RSA_KEY) -> str:
    return jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid})


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_an_rs256_token_of_the_issuer_names_the_caller(tokens):
    assert tokens.verify(rs256(claims())) == Principal("li", Role.UNION_OFFICER, "school-1", "county")


def test_an_es256_token_of_the_issuer_is_accepted_and_standard_oidc_claims_are_ignored(tokens):
    token = jwt.encode(
        claims(aud=[AUDIENCE, "account"], azp="web", email_verified=True, scope="openid profile"),
        EC_KEY,
        algorithm="ES256",
        headers={"kid": "ec-1"},
    )
    assert tokens.verify(token).role is Role.UNION_OFFICER


def _hs256_signed_with(secret: bytes, payload: dict, kid: str = "rsa-1") -> str:
    """An HS256 token MACed with ``secret`` by hand (PyJWT itself refuses PEM keys as HMAC secrets)."""
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": kid}).encode())
    body = _b64(json.dumps(payload).encode())
    mac = hmac.HMAC(secret, hashes.SHA256())
    mac.update(f"{header}.{body}".encode())
    return f"{header}.{body}.{_b64(mac.finalize())}"


PUBLIC_PEM = RSA_KEY.public_key().public_bytes(
    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
)


@pytest.mark.parametrize(
    "forge",
    [
        lambda: rs256(claims(), key=ROGUE_KEY),
        lambda: rs256(claims(), kid="rsa-unknown"),
        lambda: rs256(claims(), kid="ec-1"),
        lambda: jwt.encode(claims(), RSA_KEY, algorithm="RS256"),
        lambda: rs256(claims(exp=claims()["iat"] - 1)),
        lambda: rs256(claims(nbf=claims()["iat"] + 3600)),
        lambda: rs256(claims(iat=claims()["iat"] + 3600)),
        lambda: rs256(claims(aud="someone-else")),
        lambda: rs256(claims(iss="https://evil.example.org")),
        lambda: jwt.encode(claims(), None, algorithm="none"),
        lambda: _hs256_signed_with(PUBLIC_PEM, claims()),
        lambda: jwt.encode(
            claims(), "a-test-secret-that-is-long-enough-for-hs256", algorithm="HS256", headers={"kid": "rsa-1"}
        ),
        lambda: jwt.encode(claims(), RSA_KEY, algorithm="RS512", headers={"kid": "rsa-1"}),
        lambda: rs256(claims(exp=...)),
        lambda: rs256(claims(iat=...)),
        lambda: rs256(claims(aud=...)),
        lambda: rs256(claims(iss=...)),
        lambda: "not-a-token",
    ],
    ids=[
        "wrong-signature",
        "unknown-kid",
        "kid-of-another-key-type",
        "no-kid",
        "expired",
        "not-yet-valid",
        "issued-in-the-future",
        "wrong-audience",
        "wrong-issuer",
        "alg-none",
        "hs256-with-the-public-key",
        "hs256-with-a-secret",
        "unconfigured-algorithm",
        "no-exp",
        "no-iat",
        "no-aud",
        "no-iss",
        "garbage",
    ],
)
def test_bad_tokens_are_refused(tokens, forge):
    with pytest.raises(Unauthorized):
        tokens.verify(forge())


@pytest.mark.parametrize(
    "escalation",
    [
        {"role": "superuser"},
        {"role": "FEDERATION_ADMIN"},
        {"role": ["union_officer", "federation_admin"]},
        {"org": ["school-1", "county"]},
        {"org": {"id": "county"}},
        {"org": ""},
        {"fed": None},
        {"sub": 42},
        {"roles": ["federation_admin"]},
        {"orgs": ["county"]},
        {"organizations": ["school-1", "school-2"]},
        {"act": {"sub": "admin-wang"}},
        {"is_admin": True},
    ],
    ids=lambda change: "-".join(f"{k}={v}" for k, v in change.items()),
)
def test_role_escalation_in_the_claims_is_refused(tokens, escalation):
    with pytest.raises(Unauthorized):
        tokens.verify(rs256(claims(**escalation)))


def test_local_hs256_tokens_refuse_escalating_and_unexpected_claims():
    secret = "a-test-secret-that-is-long-enough-for-hs256"
    local = TokenService(secret, "unionfed", "unionfed-local")
    base = claims(aud="unionfed", iss="unionfed-local")
    assert local.verify(jwt.encode(base, secret, algorithm="HS256")).organization_id == "school-1"
    for change in ({"org": ["school-1", "county"]}, {"orgs": ["county"]}, {"scope": "admin"}, {"role": 1}):
        with pytest.raises(Unauthorized):
            local.verify(jwt.encode(base | change, secret, algorithm="HS256"))


def test_a_rotated_key_is_fetched_but_made_up_kids_do_not_hammer_the_issuer(issuer):
    tokens = JwksTokenService(JwksKeys(issuer.url, min_refresh_s=3600), AUDIENCE, ISSUER)
    tokens.verify(rs256(claims()))
    before = issuer.fetches
    for n in range(5):
        with pytest.raises(Unauthorized):
            tokens.verify(rs256(claims(), kid=f"made-up-{n}"))
    assert issuer.fetches - before <= 1


@pytest.mark.parametrize(("min_refresh_s", "refetches"), [("3600", 1), ("0", 5)])
def test_the_refetch_limit_for_unknown_kids_is_the_jwks_min_refresh_s_setting(issuer, min_refresh_s, refetches):
    tokens = TokenService.from_settings(
        _oidc_settings(jwks_url=issuer.url, jwt_secret=None, jwks_min_refresh_s=min_refresh_s)
    )
    tokens.verify(rs256(claims()))
    before = issuer.fetches
    for n in range(5):
        with pytest.raises(Unauthorized):
            tokens.verify(rs256(claims(), kid=f"made-up-{n}"))
    assert issuer.fetches - before == refetches


def test_a_token_without_nbf_is_accepted_as_keycloak_issues_them(tokens):
    # Keycloak's access tokens carry exp and iat but no nbf; a present nbf is still checked (above).
    assert tokens.verify(rs256(claims(nbf=...))).subject == "li"


def test_jwks_mode_mints_nothing(tokens):
    with pytest.raises(RuntimeError):
        tokens.issue("li", Role.MEMBER, "school-1", "county")


SECRET = "a-test-secret-that-is-long-enough-for-hs256"
_WITH_SECRET = {"jwt_secret": SECRET}


def _settings(**env) -> ServiceSettings:
    env = {**_WITH_SECRET, **env}
    return ServiceSettings(
        service_name="svc", database_url="postgresql+asyncpg://x/y", **{k: v for k, v in env.items() if v is not None}
    )


def _oidc_settings(**env) -> ServiceSettings:
    return _settings(jwks_url=env.pop("jwks_url"), jwt_issuer=ISSUER, jwt_audience=AUDIENCE, **env)


def _local_token(secret: str = SECRET, **changes) -> str:
    return jwt.encode(claims(iss="unionfed-local", aud=AUDIENCE, **changes), secret, algorithm="HS256")


def test_settings_choose_the_mode_and_keys_come_from_configuration(issuer):
    local = TokenService.from_settings(_settings())
    assert isinstance(local, TokenService)
    oidc = TokenService.from_settings(_oidc_settings(jwks_url=issuer.url, jwt_secret=None))
    assert isinstance(oidc, JwksTokenService)
    assert oidc.verify(rs256(claims())).subject == "li"
    # Without a configured secret, an HS256 token is refused whatever key signed it.
    with pytest.raises(Unauthorized):
        oidc.verify(_local_token())


def test_with_a_secret_and_a_jwks_both_kinds_of_token_are_accepted(issuer):
    both = TokenService.from_settings(_oidc_settings(jwks_url=issuer.url))
    assert isinstance(both, TokenVerifiers)
    assert both.verify(rs256(claims())) == Principal("li", Role.UNION_OFFICER, "school-1", "county")
    assert both.verify(_local_token(sub="robot")).subject == "robot"
    # `unionfed token` mints with the local issuer, never the OIDC one.
    minted = both.issue("ci", Role.AUDITOR, "county", "county")
    assert jwt.decode(minted, SECRET, algorithms=["HS256"], audience=AUDIENCE)["iss"] == "unionfed-local"
    assert both.verify(minted).role is Role.AUDITOR


@pytest.mark.parametrize(
    "forge",
    [
        # HS256 MACed with the issuer's public key: routed to the secret, which it does not match.
        lambda: _hs256_signed_with(PUBLIC_PEM, claims(iss="unionfed-local")),
        lambda: _hs256_signed_with(PUBLIC_PEM, claims()),
        lambda: _local_token(secret="another-secret-that-is-long-enough-for-hs256"),
        # HS256 with the secret but claiming the OIDC issuer: the local verifier wants its own issuer.
        lambda: jwt.encode(claims(), SECRET, algorithm="HS256"),
        # An RS256 token claiming the local issuer, or signed by a key outside the JWKS.
        lambda: rs256(claims(iss="unionfed-local")),
        lambda: rs256(claims(), key=ROGUE_KEY),
        lambda: jwt.encode(claims(), None, algorithm="none"),
        lambda: jwt.encode(claims(iss="unionfed-local"), SECRET, algorithm="HS384"),
        # A local token may carry nothing beyond what `unionfed token` mints.
        lambda: _local_token(azp="web"),
        lambda: "not-a-token",
    ],
    ids=[
        "hs256-with-public-key-local-iss",
        "hs256-with-public-key",
        "hs256-other-secret",
        "hs256-claiming-oidc-issuer",
        "rs256-claiming-local-issuer",
        "rs256-rogue-key",
        "alg-none",
        "hs384-with-the-secret",
        "hs256-extra-claims",
        "garbage",
    ],
)
def test_with_both_each_token_is_checked_only_by_its_own_key(issuer, forge):
    both = TokenService.from_settings(_oidc_settings(jwks_url=issuer.url))
    with pytest.raises(Unauthorized):
        both.verify(forge())


def test_settings_need_a_secret_or_a_jwks():
    with pytest.raises(ValidationError):
        _settings(jwt_secret=None)


@pytest.mark.parametrize(
    "env",
    [
        {"jwks_url": "http://idp.example.org/jwks.json", "jwt_issuer": ISSUER, "jwt_audience": AUDIENCE},
        {"jwks_url": "https://idp.example.org/jwks.json", "jwt_audience": AUDIENCE},
        {"jwks_url": "https://idp.example.org/jwks.json", "jwt_issuer": ISSUER},
        {
            "jwks_url": "https://idp.example.org/jwks.json",
            "jwt_issuer": ISSUER,
            "jwt_audience": AUDIENCE,
            "jwks_algorithms": "RS256,HS256",
        },
        {
            "jwks_url": "https://idp.example.org/jwks.json",
            "jwt_issuer": ISSUER,
            "jwt_audience": AUDIENCE,
            "jwks_algorithms": "none",
        },
    ],
    ids=["plain-http", "no-issuer", "no-audience", "symmetric-algorithm", "alg-none"],
)
def test_unsafe_jwks_settings_are_refused(env):
    with pytest.raises(ValidationError):
        _settings(**env)


def test_jwks_settings_are_read_from_the_environment(monkeypatch, issuer):
    monkeypatch.setenv("SVC_JWKS_URL", issuer.url)
    monkeypatch.setenv("SVC_JWT_ISSUER", ISSUER)
    monkeypatch.setenv("SVC_JWT_AUDIENCE", AUDIENCE)

    class SvcSettings(ServiceSettings):
        model_config = SettingsConfigDict(env_prefix="SVC_", extra="ignore")

    settings = SvcSettings(
        service_name="svc",
        database_url="postgresql+asyncpg://x/y",
        jwt_secret="a-test-secret-that-is-long-enough-for-hs256",
    )
    assert (settings.jwks_url, settings.jwks_algorithm_list) == (issuer.url, ["RS256", "ES256"])
    assert TokenService.from_settings(settings).verify(rs256(claims())).role is Role.UNION_OFFICER


def test_plain_http_beyond_loopback_needs_the_explicit_opt_in():
    url = "http://keycloak:8080/auth/realms/unionfed/protocol/openid-connect/certs"
    with pytest.raises(ValidationError):
        _oidc_settings(jwks_url=url)
    assert _oidc_settings(jwks_url=url, jwks_allow_http=True).jwks_url == url


def test_a_member_token_names_the_member_it_signs_in(tokens):
    """Keycloak maps the account's ``mid`` attribute into a member's token: that, not the account's
    own subject, is the member the self-service routes serve."""
    member = tokens.verify(rs256(claims(sub="kc-user-uuid", role="member", mid="3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b")))
    assert member.member_id == "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b" and member.subject == "kc-user-uuid"
    assert str(member.own_member_id()) == "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b"
    # A Keycloak member account not linked to a member names none: its own subject is no member id.
    unlinked = tokens.verify(rs256(claims(sub="kc-user-uuid", role="member")))
    assert unlinked.member_id is None
    with pytest.raises(Forbidden) as refused:
        unlinked.own_member_id()
    assert refused.value.code == "member_account_unlinked"


@pytest.mark.parametrize("mid", ["3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b", ["a", "b"], ""])
def test_only_a_members_token_names_a_member(tokens, mid):
    role = "union_officer" if isinstance(mid, str) and mid else "member"
    with pytest.raises(Unauthorized) as refused:
        tokens.verify(rs256(claims(role=role, mid=mid)))
    assert refused.value.code == "token_member_claim_invalid"


def test_self_service_refuses_every_role_but_member():
    officer = Principal("li", Role.UNION_OFFICER, "school-1", "county")
    with pytest.raises(Forbidden) as refused:
        officer.own_member_id()
    assert refused.value.code == "members_only"
    # A locally minted member token (``unionfed token``, the tests) names the member by its subject.
    local = TokenService("a-test-secret-that-is-long-enough-for-hs256", AUDIENCE, ISSUER)
    member_id = "3f2b8c1e-5d4a-4e6f-9a7b-1c2d3e4f5a6b"
    assert local.verify(local.issue(member_id, Role.MEMBER, "school-1", "county")).member_id == member_id
    assert local.verify(local.issue("x", Role.MEMBER, "school-1", "county", member_id=member_id)).member_id == member_id
