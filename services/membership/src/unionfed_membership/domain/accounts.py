"""Sign-in accounts: who may give which role, and what a username may look like.

An account belongs to one organization and carries one role; the token Keycloak issues for it
names that organization, its federation and the role. Officers manage the accounts of their
own subtree, and never give a role above their own.
"""

import re
from dataclasses import dataclass

from unionfed_shared.auth import Role
from unionfed_shared.errors import Forbidden

# Who may manage accounts at all.
MANAGERS = (Role.FEDERATION_ADMIN, Role.UNION_OFFICER)

# How far a role reaches; a manager gives (and touches accounts of) roles up to their own rank.
# An auditor ranks beside an officer: a union's officers appoint its 经费审查 auditors.
_RANK = {
    Role.MEMBER: 0,
    Role.WELFARE_OFFICER: 1,
    Role.AUDITOR: 2,
    Role.UNION_OFFICER: 2,
    Role.FEDERATION_ADMIN: 3,
    Role.PLATFORM_ADMIN: 4,
}

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,49}$")
# A person's name as Keycloak's user profile accepts it (its person-name-prohibited-characters
# validator): no control characters and none of <>&"$%!#?§;*~/\|^=[]{}(). (pydantic itself refuses a
# lone surrogate in any text.)
DISPLAY_NAME = re.compile(r"^[^<>&\"$%!#?§;*~/\\|^=\[\]{}()\x00-\x1f\x7f-\x9f]+$")


@dataclass(frozen=True)
class Account:
    id: str
    username: str
    display_name: str
    organization_id: str
    federation_id: str
    role: Role
    enabled: bool
    # The member a member's account signs in as (their own data at /v1/me); None for officers.
    member_id: str | None = None


@dataclass(frozen=True)
class NewAccount:
    username: str
    display_name: str
    organization_id: str
    federation_id: str
    role: Role
    member_id: str | None = None


def require_manager(manager: Role) -> None:
    if manager not in MANAGERS:
        raise Forbidden(
            "accounts_forbidden",
            zh="只有联合会管理员和工会干部可以管理账号",
            en="only federation admins and union officers manage accounts",
        )


def require_may_grant(manager: Role, role: Role) -> None:
    """``manager`` may give ``role`` (or act on an account that has it)."""
    require_manager(manager)
    if role is Role.PLATFORM_ADMIN or _RANK[role] > _RANK[manager]:
        raise Forbidden(
            "role_above_yours",
            zh="不能授予或管理高于您自身角色的账号",
            en=f"a {manager.value} may not grant or manage the role {role.value}",
        )
