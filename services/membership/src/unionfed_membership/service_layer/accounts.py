"""Managing sign-in accounts within one's subtree; the accounts themselves live in Keycloak.

The use cases speak to an :class:`AccountDirectory` (adapters/keycloak_accounts.py on the
platform); the organization tree that decides scope is membership's own.
"""

import secrets
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

from unionfed_membership.domain.accounts import Account, NewAccount, require_manager, require_may_grant
from unionfed_membership.domain.model import Organization
from unionfed_membership.service_layer.scope import member_in_scope, organization_in_scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Forbidden, Invalid, NotFound


class AccountDirectory(Protocol):
    async def in_organizations(self, organization_ids: Collection[str]) -> list[Account]: ...

    async def get(self, account_id: str) -> Account | None: ...

    async def create(self, account: NewAccount, temporary_password: str) -> Account:
        """Raises Conflict ``username_taken`` when the username exists."""

    async def set_temporary_password(self, account_id: str, temporary_password: str) -> None:
        """The next sign-in must choose a new password."""

    async def set_enabled(self, account_id: str, enabled: bool) -> Account:
        """Disabling also ends the account's sessions."""


# No look-alikes (0/O, 1/l/I): a temporary password is read out or copied by hand.
_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def temporary_password() -> str:
    groups = ("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


@dataclass(frozen=True)
class AccountView:
    account: Account
    organization_name: str


@dataclass(frozen=True)
class AccountWithPassword:
    view: AccountView
    temporary_password: str


async def _subtree(uow: MembershipUnitOfWork, principal: Principal, organization_id: str) -> dict[str, Organization]:
    require_manager(principal.role)
    root = await organization_in_scope(uow, principal, organization_id)
    return {o.id: o for o in await uow.organizations.subtree(root)}


async def list_accounts(
    uow: MembershipUnitOfWork, directory: AccountDirectory, principal: Principal, organization_id: str
) -> list[AccountView]:
    """The accounts of the organization and everything under it, by organization path then username."""
    subtree = await _subtree(uow, principal, organization_id)
    accounts = await directory.in_organizations(subtree.keys())
    accounts.sort(key=lambda a: (subtree[a.organization_id].path, a.username))
    return [AccountView(a, subtree[a.organization_id].name) for a in accounts]


async def create_account(
    uow: MembershipUnitOfWork,
    directory: AccountDirectory,
    principal: Principal,
    organization_id: str,
    username: str,
    display_name: str,
    role: Role,
    member_id: uuid.UUID | None = None,
) -> AccountWithPassword:
    """``member_id`` links a ``member`` account to the member it signs in (their own data at /v1/me)."""
    require_manager(principal.role)
    organization = await organization_in_scope(uow, principal, organization_id)
    require_may_grant(principal.role, role)
    if member_id is not None:
        await _check_member_of(uow, principal, organization, role, member_id)
    password = temporary_password()
    account = await directory.create(
        NewAccount(
            username,
            display_name,
            organization.id,
            organization.federation_id,
            role,
            None if member_id is None else str(member_id),
        ),
        password,
    )
    return AccountWithPassword(AccountView(account, organization.name), password)


async def _check_member_of(
    uow: MembershipUnitOfWork, principal: Principal, organization: Organization, role: Role, member_id: uuid.UUID
) -> None:
    if role is not Role.MEMBER:
        raise Invalid(
            "member_link_needs_member_role",
            zh="只有会员角色的账号可以关联会员档案",
            en="only an account with the member role is linked to a member",
        )
    member = await member_in_scope(uow, principal, member_id)
    member_organization = await uow.organizations.get(member.organization_id)
    if member_organization is None or organization.id not in member_organization.path:
        raise Invalid(
            "member_outside_account_organization",
            zh=f"{member.display_name} 不属于{organization.name}，账号须开在会员所在的工会",
            en=f"{member.display_name} is not a member of {organization.name}; open the account in the member's union",
        )


async def _account_in(
    uow: MembershipUnitOfWork, directory: AccountDirectory, principal: Principal, organization_id: str, account_id: str
) -> AccountView:
    subtree = await _subtree(uow, principal, organization_id)
    account = await directory.get(account_id)
    # An account outside the subtree answers exactly like a missing one.
    if account is None or account.organization_id not in subtree:
        raise NotFound(
            "account_not_found", zh="未找到该账号或不在您的范围内", en="account not found or outside your scope"
        )
    require_may_grant(principal.role, account.role)
    return AccountView(account, subtree[account.organization_id].name)


async def reset_password(
    uow: MembershipUnitOfWork, directory: AccountDirectory, principal: Principal, organization_id: str, account_id: str
) -> str:
    found = await _account_in(uow, directory, principal, organization_id, account_id)
    password = temporary_password()
    await directory.set_temporary_password(found.account.id, password)
    return password


async def set_enabled(
    uow: MembershipUnitOfWork,
    directory: AccountDirectory,
    principal: Principal,
    organization_id: str,
    account_id: str,
    enabled: bool,
) -> AccountView:
    found = await _account_in(uow, directory, principal, organization_id, account_id)
    if not enabled and found.account.id == principal.subject:
        raise Forbidden("cannot_disable_yourself", zh="不能停用自己的账号", en="you cannot disable your own account")
    return AccountView(await directory.set_enabled(found.account.id, enabled), found.organization_name)
