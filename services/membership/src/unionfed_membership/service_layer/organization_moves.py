"""Moving an organization (and its subtree) under another parent, with its history kept."""

import datetime as dt

from unionfed_membership.domain.model import Organization
from unionfed_membership.service_layer import clock, commands
from unionfed_membership.service_layer.scope import organization_in_scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.membership import OrganizationMovedV1
from unionfed_shared.errors import Forbidden, Invalid


async def move_organization(
    uow: MembershipUnitOfWork,
    principal: Principal,
    organization_id: str,
    command: commands.MoveOrganization,
    today: dt.date | None = None,
) -> Organization:
    before = await organization_in_scope(uow, principal, organization_id)
    today = today or clock.today(before.zone)
    principal.require_role(Role.FEDERATION_ADMIN)
    await uow.organizations.lock_tree(before.federation_id)
    # Read again under the lock: a move committed meanwhile may have changed both paths.
    before = await organization_in_scope(uow, principal, organization_id)
    new_parent = await organization_in_scope(uow, principal, command.new_parent_id)
    if before.id == principal.organization_id:
        raise Forbidden(
            "organization_move_by_superior",
            zh="您所代表的组织须由上级组织的工会干部迁移",
            en="the organization you act for is moved by an officer above it",
        )
    moved_on = command.moved_on or today
    if moved_on > today:
        raise Invalid("move_date_in_future", zh="迁移日期不能晚于今天", en="moved_on cannot be in the future")
    after = before.moved_under(new_parent)
    assert before.parent_id is not None and after.parent_id is not None  # moved_under refuses a root
    await uow.organizations.move(before, after, moved_on, principal.subject)
    uow.emit(
        OrganizationMovedV1(
            organization_id=after.id,
            federation_id=after.federation_id,
            old_parent_id=before.parent_id,
            new_parent_id=after.parent_id,
            old_path=list(before.path),
            new_path=list(after.path),
            moved_on=moved_on,
        )
    )
    await uow.commit()
    return after
