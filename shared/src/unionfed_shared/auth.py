"""Bearer tokens: a signed JWT naming the caller, their role and the organization they act for.

Which tokens are accepted is chosen by configuration (never by the token):

- local: HS256 tokens signed with ``<SERVICE>_JWT_SECRET`` (``unionfed token`` mints them);
- OIDC: with ``<SERVICE>_JWKS_URL`` set, RS256/ES256 tokens signed by a key of that JWKS,
  from ``<SERVICE>_JWT_ISSUER`` for ``<SERVICE>_JWT_AUDIENCE`` (Keycloak's, on the platform);
- both, when both a JWKS URL and a secret are configured (the platform: people sign in with
  Keycloak, tests and automation use ``unionfed token``). The token's ``alg`` header picks the
  one verifier that may check it, and each checks only its own algorithms with its own key:
  an HS256 token goes to the secret alone (never to a public key used as an HMAC secret), an
  RS256/ES256 token to the JWKS alone; without a secret HS256 tokens are refused.

In both modes ``alg: none`` is refused, exp/nbf/iat/aud/iss are required, and the claims that
make the principal must be plain strings naming a known role: a token carrying a list of
organizations, a second role or an actor/impersonation claim is refused rather than narrowed.
"""

import datetime as dt
import enum
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import jwt

from unionfed_shared.errors import Forbidden, NotFound, Unauthorized


class Role(enum.StrEnum):
    FEDERATION_ADMIN = "federation_admin"
    UNION_OFFICER = "union_officer"
    WELFARE_OFFICER = "welfare_officer"
    MEMBER = "member"
    AUDITOR = "auditor"
    # Runs the platform, not a federation: founds top-level federations and nothing else.
    PLATFORM_ADMIN = "platform_admin"


# What a platform administrator's token names as its organization and federation. No
# organization can carry this id (``RESERVED_ORGANIZATION_IDS``), so it is inside no tree.
PLATFORM = "platform"
RESERVED_ORGANIZATION_IDS = frozenset({PLATFORM})


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    organization_id: str
    federation_id: str
    # The member a ``member`` token signs in: its ``mid`` claim (Keycloak maps the account's
    # ``mid`` attribute into it); a locally minted member token names the member by its subject.
    member_id: str | None = None

    def own_member_id(self) -> uuid.UUID:
        """The calling member's own id, for the routes under ``/v1/me``; every other role is refused."""
        if self.role is not Role.MEMBER:
            raise Forbidden(
                "members_only",
                zh="此处是会员本人的自助服务，仅限会员账号使用",
                en="self-service is for members' own accounts only",
            )
        try:
            return uuid.UUID(self.member_id or "")
        except ValueError:
            raise Forbidden(
                "member_account_unlinked",
                zh="您的账号尚未关联会员档案，请联系工会干部",
                en="this account is linked to no member; ask a union officer",
            ) from None

    def can_see(self, organization_path: Sequence[str]) -> bool:
        """An organization is in scope when the caller's organization is it or one of its ancestors.

        A platform administrator sees no federation's organizations, members or money.
        """
        if self.role is Role.PLATFORM_ADMIN:
            return False
        return self.organization_id in organization_path

    def require_scope(self, organization_path: Sequence[str] | None) -> None:
        # Unknown and out-of-scope organizations get the same answer: no existence oracle.
        if organization_path is None or not self.can_see(organization_path):
            raise NotFound(
                "organization_not_found",
                zh="未找到该组织，或该组织不在您的管理范围内",
                en="organization not found or outside your scope",
            )

    def require_role(self, *roles: Role) -> None:
        if self.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise Forbidden(
                "role_not_allowed",
                zh=f"您的角色（{self.role.value}）无权进行此操作；须为以下角色之一：{allowed}",
                en=f"role {self.role.value} may not do this; needs one of: {allowed}",
            )


class TokenVerifier(Protocol):
    def verify(self, token: str) -> Principal: ...


# The claims a principal is made of; each must be a non-empty string.
_PRINCIPAL_CLAIMS = ("sub", "role", "org", "fed")
_REQUIRED = ["exp", "iat", "nbf", "sub", "aud", "iss"]
# Keycloak's access tokens carry no ``nbf`` (optional in RFC 7519; checked whenever present).
_REQUIRED_OIDC = ["exp", "iat", "sub", "aud", "iss"]
# The member a member's token signs in (only a member's token carries it).
MEMBER_CLAIM = "mid"
# Everything a locally minted token may carry.
_LOCAL_CLAIMS = frozenset({*_PRINCIPAL_CLAIMS, MEMBER_CLAIM, "aud", "iss", "iat", "nbf", "exp", "jti"})
# Claims that would widen what the caller may do or whom they act as. Refused in every mode:
# scope is one organization and one role, taken from ``org`` and ``role`` only.
_SCOPE_WIDENING = frozenset(
    {
        "roles",
        "orgs",
        "organizations",
        "organization_ids",
        "org_ids",
        "feds",
        "federations",
        "federation_ids",
        "admin",
        "is_admin",
        "superuser",
        "act",
        "may_act",
        "impersonate",
        "on_behalf_of",
    }
)
_MAX_CLAIM_LENGTH = 200


def principal_from_claims(claims: Mapping, *, strict: bool) -> Principal:
    """The principal a verified token names; ``strict`` refuses any claim a local token never has."""
    widening = sorted(_SCOPE_WIDENING & claims.keys())
    if widening:
        raise Unauthorized(
            "token_claims_widen_scope",
            zh=f"登录凭据无效：含有扩大权限范围的声明（{'、'.join(widening)}），不予接受",
            en=f"invalid bearer token: claims that widen scope are refused: {', '.join(widening)}",
        )
    if strict:
        extra = sorted(claims.keys() - _LOCAL_CLAIMS)
        if extra:
            raise Unauthorized(
                "token_claims_unexpected",
                zh=f"登录凭据无效：含有不应出现的声明（{'、'.join(extra)}）",
                en=f"invalid bearer token: unexpected claims: {', '.join(extra)}",
            )
    values = {}
    for name in _PRINCIPAL_CLAIMS:
        value = claims.get(name)
        if not isinstance(value, str) or not value.strip() or len(value) > _MAX_CLAIM_LENGTH:
            raise Unauthorized(
                "token_claim_invalid",
                zh=f"登录凭据无效：声明 {name!r} 须为非空字符串",
                en=f"invalid bearer token: claim {name!r} must be a non-empty string",
            )
        values[name] = value
    try:
        role = Role(values["role"])
    except ValueError:
        raise Unauthorized(
            "token_role_unknown", zh="登录凭据无效：角色不明", en="invalid bearer token: unknown role"
        ) from None
    names_platform = values["org"] == PLATFORM or values["fed"] == PLATFORM
    if (role is Role.PLATFORM_ADMIN) != (values["org"] == values["fed"] == PLATFORM) or (
        role is not Role.PLATFORM_ADMIN and names_platform
    ):
        # The platform is no organization: only its administrator acts for it, and only for it.
        raise Unauthorized(
            "platform_token_mismatch",
            zh=f"登录凭据无效：platform_admin 角色的 org 和 fed 须为 {PLATFORM!r}，其他角色不得使用",
            en=f"invalid bearer token: role platform_admin goes with org and fed {PLATFORM!r}, and no other role does",
        )
    return Principal(
        subject=values["sub"],
        role=role,
        organization_id=values["org"],
        federation_id=values["fed"],
        member_id=_member_of(claims, role, strict=strict),
    )


def _member_of(claims: Mapping, role: Role, *, strict: bool) -> str | None:
    """The member a token signs in. Only a member's token names one: an officer's token carrying
    a member id is refused, not read as an officer acting as that member."""
    member = claims.get(MEMBER_CLAIM)
    if member is None:
        # Locally minted member tokens (``unionfed token``, the tests) name the member by subject.
        return claims["sub"] if strict and role is Role.MEMBER else None
    if role is not Role.MEMBER or not isinstance(member, str) or not member.strip() or len(member) > _MAX_CLAIM_LENGTH:
        raise Unauthorized(
            "token_member_claim_invalid",
            zh=f"登录凭据无效：只有会员账号的凭据可含有声明 {MEMBER_CLAIM!r}，且须为非空字符串",
            en=f"invalid bearer token: only a member's token carries {MEMBER_CLAIM!r}, as a non-empty string",
        )
    return member


def platform_admin(subject: str) -> Principal:
    """The principal of a platform administrator, e.g. an operator at the command line."""
    return Principal(subject=subject, role=Role.PLATFORM_ADMIN, organization_id=PLATFORM, federation_id=PLATFORM)


# What a failed check of a token's signature or registered claims is called, most specific first.
_TOKEN_FAILURES: tuple[tuple[type[Exception], str, str], ...] = (
    (jwt.ExpiredSignatureError, "token_expired", "登录凭据已过期，请重新登录"),
    (jwt.ImmatureSignatureError, "token_not_yet_valid", "登录凭据尚未生效"),
    (jwt.InvalidAudienceError, "token_audience_wrong", "登录凭据无效：不是签发给本系统的"),
    (jwt.InvalidIssuerError, "token_issuer_wrong", "登录凭据无效：签发方不符"),
    (jwt.MissingRequiredClaimError, "token_claim_missing", "登录凭据无效：缺少必需的声明"),
    (jwt.InvalidSignatureError, "token_signature_invalid", "登录凭据无效：签名校验未通过"),
)


def token_refusal(exc: Exception) -> Unauthorized:
    """The refusal of a token PyJWT would not accept, named by what was wrong with it."""
    for failure, code, zh in _TOKEN_FAILURES:
        if isinstance(exc, failure):
            return Unauthorized(code, zh=zh, en=f"invalid bearer token: {exc}")
    return Unauthorized("token_invalid", zh="登录凭据无效，无法解析或校验", en=f"invalid bearer token: {exc}")


class TokenService:
    """HS256 tokens signed with a configured secret: mints and verifies."""

    ALGORITHM = "HS256"

    def __init__(self, secret: str, audience: str, issuer: str, *, leeway_s: float = 0.0):
        if len(secret) < 32:
            # RFC 7518 3.2: an HS256 key must be at least as long as the hash output.
            raise ValueError("the JWT secret must be at least 32 characters")
        self._secret = secret
        self._audience = audience
        self._issuer = issuer
        self._leeway = leeway_s

    @classmethod
    def from_settings(cls, settings) -> "TokenVerifier":
        """The verifier the configuration asks for: JWKS (OIDC), HS256, or both (see the module's notes)."""
        jwks_url = getattr(settings, "jwks_url", None)
        secret = getattr(settings, "jwt_secret", None)
        leeway = float(getattr(settings, "jwt_leeway_s", 0.0) or 0.0)
        if not jwks_url:
            if secret is None:
                raise ValueError("neither a JWT secret nor a JWKS URL is configured: no token could be verified")
            return cls(secret.get_secret_value(), settings.jwt_audience, settings.jwt_issuer, leeway_s=leeway)
        oidc = JwksTokenService(
            JwksKeys(
                str(jwks_url),
                cache_s=float(getattr(settings, "jwks_cache_s", 300)),
                min_refresh_s=float(getattr(settings, "jwks_min_refresh_s", 30)),
            ),
            settings.jwt_audience,
            settings.jwt_issuer,
            algorithms=tuple(getattr(settings, "jwks_algorithm_list", JwksTokenService.ALGORITHMS)),
            leeway_s=leeway,
        )
        if secret is None:
            return oidc
        # JWT_ISSUER names the OIDC issuer here; locally minted tokens keep their own issuer.
        local = cls(secret.get_secret_value(), settings.jwt_audience, settings.jwt_local_issuer, leeway_s=leeway)
        return TokenVerifiers(local=local, oidc=oidc)

    def issue(
        self,
        subject: str,
        role: Role,
        organization_id: str,
        federation_id: str,
        ttl: dt.timedelta = dt.timedelta(hours=8),
        now: dt.datetime | None = None,
        member_id: str | None = None,
    ) -> str:
        now = now or dt.datetime.now(dt.UTC)
        claims: dict[str, object] = {} if member_id is None else {MEMBER_CLAIM: member_id}
        claims |= {
            "sub": subject,
            "role": role.value,
            "org": organization_id,
            "fed": federation_id,
            "aud": self._audience,
            "iss": self._issuer,
            "iat": now,
            "nbf": now,
            "exp": now + ttl,
        }
        return jwt.encode(claims, self._secret, algorithm=self.ALGORITHM)

    def verify(self, token: str) -> Principal:
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[self.ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": _REQUIRED},
            )
        except (jwt.PyJWTError, KeyError, ValueError) as exc:
            raise token_refusal(exc) from exc
        return principal_from_claims(claims, strict=True)


class JwksKeys:
    """The signing keys of an OIDC issuer's JWKS, fetched and cached by PyJWT's ``PyJWKClient``.

    An unknown ``kid`` refetches the set (the issuer may have rotated its keys), but at most once
    per ``min_refresh_s``: tokens with made-up key ids cannot make us hammer the issuer.
    """

    def __init__(
        self,
        url: str,
        *,
        cache_s: float = 300,
        min_refresh_s: float = 30,
        timeout_s: float = 5,
        client: "jwt.PyJWKClient | None" = None,
    ):
        self._client = client or jwt.PyJWKClient(url, cache_keys=False, lifespan=max(cache_s, 1), timeout=timeout_s)
        self._min_refresh_s = min_refresh_s
        self._last_refresh = float("-inf")
        self._lock = threading.Lock()

    def signing_key(self, kid: str) -> jwt.PyJWK:
        key = self._find(kid, refresh=False)
        if key is None:
            with self._lock:
                due = time.monotonic() - self._last_refresh >= self._min_refresh_s
                if due:
                    self._last_refresh = time.monotonic()
            if due:
                key = self._find(kid, refresh=True)
        if key is None:
            raise Unauthorized(
                "token_key_unknown",
                zh="登录凭据无效：签发方没有与该凭据 kid 相符的密钥",
                en="invalid bearer token: no key of the issuer matches the token's kid",
            )
        return key

    def _find(self, kid: str, *, refresh: bool) -> jwt.PyJWK | None:
        try:
            keys = self._client.get_signing_keys(refresh=refresh)
        except jwt.PyJWKClientError as exc:
            raise Unauthorized(
                "token_issuer_keys_unavailable",
                zh="暂时无法取得签发方的密钥，无法核验登录凭据",
                en=f"invalid bearer token: the issuer's keys are unavailable: {exc}",
            ) from exc
        return next((k for k in keys if k.key_id == kid), None)


class JwksTokenService:
    """Verifies asymmetric tokens of an OIDC issuer; it mints nothing."""

    ALGORITHMS = ("RS256", "ES256")

    def __init__(
        self,
        keys: JwksKeys,
        audience: str,
        issuer: str,
        *,
        algorithms: Sequence[str] = ALGORITHMS,
        leeway_s: float = 0.0,
    ):
        unsafe = [a for a in algorithms if not a.startswith(("RS", "ES", "PS"))]
        if unsafe or not algorithms:
            raise ValueError(f"JWKS mode accepts asymmetric algorithms only, not {unsafe or 'none'}")
        if not audience or not issuer:
            raise ValueError("JWKS mode needs the issuer and the audience to check")
        self._keys = keys
        self._algorithms = tuple(algorithms)
        self._audience = audience
        self._issuer = issuer
        self._leeway = leeway_s

    def issue(self, *_args, **_kwargs) -> str:
        raise RuntimeError("tokens come from the OIDC issuer in JWKS mode; this service mints none")

    def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise token_refusal(exc) from exc
        algorithm = header.get("alg")
        # Decided before any key is looked at: none, HS* (a public key used as an HMAC secret)
        # and anything not configured never reach signature checking.
        if algorithm not in self._algorithms:
            raise Unauthorized(
                "token_algorithm_refused",
                zh=f"登录凭据无效：不接受签名算法 {algorithm!r}",
                en=f"invalid bearer token: algorithm {algorithm!r} is not accepted",
            )
        kid = header.get("kid")
        if not isinstance(kid, str) or not kid:
            raise Unauthorized(
                "token_key_missing",
                zh="登录凭据无效：未注明签名密钥（kid）",
                en="invalid bearer token: the token names no key (kid)",
            )
        key = self._keys.signing_key(kid)
        if key.algorithm_name != algorithm:
            raise Unauthorized(
                "token_key_mismatch",
                zh=f"登录凭据无效：密钥 {kid!r} 不是 {algorithm} 密钥",
                en=f"invalid bearer token: key {kid!r} is not a {algorithm} key",
            )
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[algorithm],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": _REQUIRED_OIDC},
            )
        except (jwt.PyJWTError, KeyError, ValueError, TypeError) as exc:
            raise token_refusal(exc) from exc
        return principal_from_claims(claims, strict=False)


class TokenVerifiers:
    """HS256 tokens of the configured secret and the OIDC issuer's tokens, side by side.

    The unverified header's ``alg`` only routes the token: the chosen verifier accepts that one
    family of algorithms and checks the signature with its own key, so a token cannot choose
    its key (an HS256 token "signed" with the issuer's public key meets the secret and fails).
    """

    def __init__(self, *, local: TokenService, oidc: JwksTokenService):
        self._local = local
        self._oidc = oidc

    def issue(self, *args, **kwargs) -> str:
        return self._local.issue(*args, **kwargs)

    def verify(self, token: str) -> Principal:
        try:
            algorithm = jwt.get_unverified_header(token).get("alg")
        except jwt.PyJWTError as exc:
            raise token_refusal(exc) from exc
        if algorithm == TokenService.ALGORITHM:
            return self._local.verify(token)
        return self._oidc.verify(token)  # refuses every algorithm it is not configured for (none, HS384…)
