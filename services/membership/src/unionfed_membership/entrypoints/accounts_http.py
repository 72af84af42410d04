"""Sign-in accounts of an organization's subtree: list, create, reset a password, disable, enable."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from pydantic import BaseModel, Field

from unionfed_membership.adapters.keycloak_accounts import KeycloakAccounts
from unionfed_membership.domain.accounts import DISPLAY_NAME, USERNAME
from unionfed_membership.entrypoints.dependencies import CurrentRuntime
from unionfed_membership.service_layer import accounts
from unionfed_membership.service_layer.accounts import AccountDirectory
from unionfed_shared.auth import Role
from unionfed_shared.caller import CurrentPrincipal
from unionfed_shared.errors import Unavailable
from unionfed_shared.idempotent_routes import IdempotentRoute, exempt

router = APIRouter(
    prefix="/v1",
    tags=["accounts"],
    route_class=IdempotentRoute,
    responses={
        503: {"description": "Accounts are not configured on this service (no Keycloak): `accounts_not_configured`"}
    },
)

_NOT_STORED = "the answer carries a temporary password, which must never be kept to replay it"


def account_directory(request: Request, runtime: CurrentRuntime) -> AccountDirectory:
    """Keycloak, as the service's settings name it; made once per app."""
    directory = getattr(request.app.state, "account_directory", None)
    if directory is None:
        settings = runtime.settings
        if not settings.keycloak_url or settings.keycloak_client_secret is None:
            raise Unavailable(
                "accounts_not_configured",
                zh="本服务未配置账号服务（Keycloak）",
                en="accounts are not configured here (MEMBERSHIP_KEYCLOAK_URL, _KEYCLOAK_CLIENT_SECRET)",
            )
        directory = KeycloakAccounts(
            settings.keycloak_url,
            settings.keycloak_realm,
            settings.keycloak_client_id,
            settings.keycloak_client_secret.get_secret_value(),
        )
        request.app.state.account_directory = directory
    return directory


Directory = Annotated[AccountDirectory, Depends(account_directory)]


class AccountOut(BaseModel):
    id: str
    username: str
    display_name: str
    organization_id: str
    organization_name: str
    role: Role
    enabled: bool
    member_id: str | None = None  # a member's account: the member it signs in

    @classmethod
    def of(cls, view: accounts.AccountView) -> "AccountOut":
        a = view.account
        return cls(
            id=a.id,
            username=a.username,
            display_name=a.display_name,
            organization_id=a.organization_id,
            organization_name=view.organization_name,
            role=a.role,
            enabled=a.enabled,
            member_id=a.member_id,
        )


class CreatedAccountOut(AccountOut):
    temporary_password: str = Field(description="Shown once; the first sign-in must replace it")


class AccountPage(BaseModel):
    items: list[AccountOut]
    next_cursor: str | None = None


class NewAccountIn(BaseModel):
    username: str = Field(
        pattern=USERNAME.pattern,
        examples=["school1-chair"],
        description="3–50 of a–z, 0–9, '.', '_', '-'; starts with a letter or digit",
    )
    display_name: str = Field(
        min_length=1,
        max_length=100,
        pattern=DISPLAY_NAME.pattern,
        examples=["王芳"],
        description="A person's name: no control characters and none of <>&\"$%!#?§;*~/\\|^=[]{}()",
    )
    role: Role
    member_id: uuid.UUID | None = Field(
        default=None,
        description="With role `member`: the member (of this organization or under it) the account signs in, "
        "who then sees their own dues, activities and surveys at /v1/me",
    )


class TemporaryPasswordOut(BaseModel):
    temporary_password: str


@router.get(
    "/organizations/{organization_id}/accounts",
    response_model=AccountPage,
    summary="Sign-in accounts of an organization and everything under it",
)
async def list_accounts(
    organization_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime, directory: Directory
) -> AccountPage:
    """Federation admins and union officers only. One page holds them all (`next_cursor` is null)."""
    async with runtime.uow() as uow:
        found = await accounts.list_accounts(uow, directory, principal, organization_id)
    return AccountPage(items=[AccountOut.of(v) for v in found])


@router.post(
    "/organizations/{organization_id}/accounts",
    status_code=status.HTTP_201_CREATED,
    response_model=CreatedAccountOut,
    summary="Create the sign-in account of a person of this organization",
)
@exempt(_NOT_STORED)
async def create_account(
    organization_id: str, body: NewAccountIn, principal: CurrentPrincipal, runtime: CurrentRuntime, directory: Directory
) -> CreatedAccountOut:
    """The account acts for this organization with the given role, never above the caller's own
    (a union officer cannot create a federation admin: 403 `role_above_yours`). Its first sign-in
    must replace the temporary password answered here. A taken username is 409 `username_taken`.
    A member's account names its member (`member_id`, 422 `member_outside_account_organization` when
    the member is not of this organization's subtree)."""
    async with runtime.uow() as uow:
        created = await accounts.create_account(
            uow, directory, principal, organization_id, body.username, body.display_name, body.role, body.member_id
        )
    return CreatedAccountOut(**AccountOut.of(created.view).model_dump(), temporary_password=created.temporary_password)


@router.post(
    "/organizations/{organization_id}/accounts/{account_id}/password-reset",
    response_model=TemporaryPasswordOut,
    summary="Give an account a new temporary password",
)
@exempt(_NOT_STORED)
async def reset_password(
    organization_id: str, account_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime, directory: Directory
) -> TemporaryPasswordOut:
    """The next sign-in must replace it; a brute-force lockout of the account is lifted."""
    async with runtime.uow() as uow:
        password = await accounts.reset_password(uow, directory, principal, organization_id, account_id)
    return TemporaryPasswordOut(temporary_password=password)


@router.post(
    "/organizations/{organization_id}/accounts/{account_id}/disable",
    response_model=AccountOut,
    summary="Disable an account: it can no longer sign in, and its sessions end",
)
@exempt("setting the same state twice changes nothing")
async def disable_account(
    organization_id: str, account_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime, directory: Directory
) -> AccountOut:
    async with runtime.uow() as uow:
        return AccountOut.of(await accounts.set_enabled(uow, directory, principal, organization_id, account_id, False))


@router.post(
    "/organizations/{organization_id}/accounts/{account_id}/enable",
    response_model=AccountOut,
    summary="Enable a disabled account again",
)
@exempt("setting the same state twice changes nothing")
async def enable_account(
    organization_id: str, account_id: str, principal: CurrentPrincipal, runtime: CurrentRuntime, directory: Directory
) -> AccountOut:
    async with runtime.uow() as uow:
        return AccountOut.of(await accounts.set_enabled(uow, directory, principal, organization_id, account_id, True))
