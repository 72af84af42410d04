"""Who may give which role to an account, and what a temporary password looks like."""

import pytest

from unionfed_membership.domain.accounts import require_may_grant
from unionfed_membership.service_layer.accounts import temporary_password
from unionfed_shared.auth import Role
from unionfed_shared.errors import Forbidden

GIVES = {
    Role.FEDERATION_ADMIN: {Role.FEDERATION_ADMIN, Role.UNION_OFFICER, Role.AUDITOR, Role.WELFARE_OFFICER, Role.MEMBER},
    Role.UNION_OFFICER: {Role.UNION_OFFICER, Role.AUDITOR, Role.WELFARE_OFFICER, Role.MEMBER},
}


@pytest.mark.parametrize("manager", list(Role))
@pytest.mark.parametrize("role", list(Role))
def test_a_manager_gives_roles_up_to_their_own_and_never_platform_admin(manager, role):
    if role in GIVES.get(manager, set()):
        require_may_grant(manager, role)
        return
    with pytest.raises(Forbidden) as refused:
        require_may_grant(manager, role)
    expected = "role_above_yours" if manager in GIVES else "accounts_forbidden"
    assert refused.value.code == expected


def test_temporary_passwords_are_long_random_and_unambiguous():
    passwords = {temporary_password() for _ in range(200)}
    assert len(passwords) == 200
    for password in passwords:
        assert len(password) == 19 and password.count("-") == 3
        assert not set(password) & set("0O1lI")
