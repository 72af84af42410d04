"""Bearer tokens: a signed JWT naming the caller, their role and the organization they act for."""

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass

import jwt

from unionfed_shared.errors import Forbidden, NotFound, Unauthorized


class Role(enum.StrEnum):
    FEDERATION_ADMIN = "federation_admin"
    UNION_OFFICER = "union_officer"
    WELFARE_OFFICER = "welfare_officer"
    MEMBER = "member"
    AUDITOR = "auditor"


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    organization_id: str
    federation_id: str

    def can_see(self, organization_path: Sequence[str]) -> bool:
        """An organization is in scope when the caller's organization is it or one of its ancestors."""
        return self.organization_id in organization_path

    def require_scope(self, organization_path: Sequence[str] | None) -> None:
        # Unknown and out-of-scope organizations get the same answer: no existence oracle.
        if organization_path is None or not self.can_see(organization_path):
            raise NotFound("organization not found or outside your scope")

    def require_role(self, *roles: Role) -> None:
        if self.role not in roles:
            allowed = ", ".join(r.value for r in roles)
            raise Forbidden(f"role {self.role.value} may not do this; needs one of: {allowed}")


class TokenService:
    ALGORITHM = "HS256"

    def __init__(self, secret: str, audience: str, issuer: str):
        if len(secret) < 32:
            # RFC 7518 3.2: an HS256 key must be at least as long as the hash output.
            raise ValueError("the JWT secret must be at least 32 characters")
        self._secret = secret
        self._audience = audience
        self._issuer = issuer

    def issue(
        self,
        subject: str,
        role: Role,
        organization_id: str,
        federation_id: str,
        ttl: dt.timedelta = dt.timedelta(hours=8),
        now: dt.datetime | None = None,
    ) -> str:
        now = now or dt.datetime.now(dt.UTC)
        claims = {
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
                options={"require": ["exp", "iat", "nbf", "sub", "aud", "iss"]},
            )
            return Principal(
                subject=claims["sub"],
                role=Role(claims["role"]),
                organization_id=str(claims["org"]),
                federation_id=str(claims["fed"]),
            )
        except (jwt.PyJWTError, KeyError, ValueError) as exc:
            raise Unauthorized(f"invalid bearer token: {exc}") from exc
