"""Transfers and status changes: applied now when due, otherwise scheduled and applied when due.

Due changes are applied (a) daily by the service itself, just after midnight in the federation's
zone (the ``apply-scheduled`` job of ``entrypoints/schedules.py``; ``unionfed membership
apply-scheduled`` does the same by hand), and (b) lazily, at the start of every command about the member
(a transfer, a status change, a dues payment, a cancellation), in that command's transaction.
Reads show the stored state; a change past its date but not yet applied is listed as scheduled.
Events are emitted only when a change takes effect.
"""

import datetime as dt
import uuid
from dataclasses import dataclass, replace

from unionfed_membership.domain import lifecycle
from unionfed_membership.domain.lifecycle import MemberChange
from unionfed_membership.domain.model import Member
from unionfed_membership.service_layer import clock, commands
from unionfed_membership.service_layer.permissions import require_officer
from unionfed_membership.service_layer.scope import member_in_scope, organization_in_scope
from unionfed_membership.service_layer.unit_of_work import MembershipUnitOfWork
from unionfed_shared.auth import Principal
from unionfed_shared.contracts.membership import MemberStatusChangedV1, MemberTransferredV1
from unionfed_shared.errors import Conflict, NotFound


@dataclass(frozen=True)
class Outcome:
    change: MemberChange
    member: Member  # as it stands after this command: changed if applied, unchanged if scheduled

    @property
    def applied(self) -> bool:
        return self.change.status == "applied"


async def transfer_member(
    uow: MembershipUnitOfWork,
    principal: Principal,
    member_id: uuid.UUID,
    command: commands.TransferMember,
    today: dt.date | None = None,
) -> Outcome:
    """教师交流. Both unions must be in the caller's scope (a federation officer arranges it)."""
    member, today = await _member_for_change(uow, principal, member_id, today)
    target = await organization_in_scope(uow, principal, command.to_organization_id)
    change = lifecycle.plan_transfer(
        member, target, command.effective_on, await uow.history.last_change_on(member), principal.subject, clock.now()
    )
    return await _apply_or_schedule(uow, member, change, today)


async def change_member_status(
    uow: MembershipUnitOfWork,
    principal: Principal,
    member_id: uuid.UUID,
    command: commands.ChangeMemberStatus,
    today: dt.date | None = None,
) -> Outcome:
    member, today = await _member_for_change(uow, principal, member_id, today)
    change = lifecycle.plan_status_change(
        member,
        command.status,
        command.effective_on,
        await uow.history.last_change_on(member),
        today,
        principal.subject,
        clock.now(),
    )
    return await _apply_or_schedule(uow, member, change, today)


async def cancel_scheduled_change(
    uow: MembershipUnitOfWork, principal: Principal, change_id: uuid.UUID, today: dt.date | None = None
) -> MemberChange:
    found = await uow.scheduled_changes.get(change_id)
    if found is None:
        raise NotFound(
            "scheduled_change_not_found",
            zh="未找到该预定变更，或不在您的管理范围内",
            en="scheduled change not found or outside your scope",
        )
    try:
        member = await member_in_scope(uow, principal, found.member_id, for_update=True)
    except NotFound:  # another tenant's change answers like a missing one: no existence oracle
        raise NotFound(
            "scheduled_change_not_found",
            zh="未找到该预定变更，或不在您的管理范围内",
            en="scheduled change not found or outside your scope",
        ) from None
    await require_officer(uow, principal, "change_member")
    change = await uow.scheduled_changes.pending_for(found.member_id)
    if change is None or change.id != change_id:
        raise Conflict(
            "scheduled_change_not_pending",
            zh=f"变更 {change_id} 当前状态为 {found.status}；只有尚未生效的预定变更才能撤销",
            en=f"change {change_id} is {found.status}; only a scheduled change can be cancelled",
        )
    today = today or await clock.today_of(uow, member.organization_id)
    if change.is_due(today):
        raise Conflict(
            "scheduled_change_already_effective",
            zh=f"变更 {change_id} 已于 {change.effective_on} 生效；如需更改，请另行登记变更",
            en=f"change {change_id} took effect on {change.effective_on}; record a new change instead",
        )
    await uow.scheduled_changes.settle(change.id, "cancelled", principal.subject, clock.now())
    await uow.commit()
    return replace(change, status="cancelled")


async def apply_due_change(uow: MembershipUnitOfWork, member: Member, today: dt.date, by: str) -> Member:
    """Apply the member's scheduled change if it is due; the member row must be locked by the caller."""
    pending = await uow.scheduled_changes.pending_for(member.id)
    if pending is None or not pending.is_due(today):
        return member
    return await _apply(uow, member, pending, by)


async def apply_scheduled(uow_factory, today: dt.date | None, by: str) -> list[MemberChange]:
    """Every change due by ``today``, one transaction per member so one failure stops no other.

    Without ``today``, each member's change is due by today in the member's federation: a
    federation east of UTC starts its day before one west of it.
    """
    async with uow_factory() as uow:
        # No zone's date is more than a day ahead of UTC's: nothing later can be due anywhere.
        latest = today or clock.now().date() + dt.timedelta(days=1)
        member_ids = await uow.scheduled_changes.due_member_ids(latest)
    applied = []
    for member_id in member_ids:
        async with uow_factory() as uow:
            member = await uow.members.get_for_update(member_id)
            pending = await uow.scheduled_changes.pending_for(member_id)
            due_by = today or (await clock.today_of(uow, member.organization_id) if member else None)
            if member is None or pending is None or not pending.is_due(due_by):
                continue  # applied meanwhile by a command about this member, or not yet due there
            await _apply(uow, member, pending, by)
            await uow.commit()
            applied.append(pending)
    return applied


async def _member_for_change(
    uow: MembershipUnitOfWork, principal: Principal, member_id: uuid.UUID, today: dt.date | None
) -> tuple[Member, dt.date]:
    """The member, locked and with any due change applied, and today in the member's federation."""
    member = await member_in_scope(uow, principal, member_id, for_update=True)
    await require_officer(uow, principal, "change_member")
    today = today or await clock.today_of(uow, member.organization_id)
    member = await apply_due_change(uow, member, today, principal.subject)
    # A change that just took effect may have moved the member out of the caller's reach.
    member = await member_in_scope(uow, principal, member_id)
    pending = await uow.scheduled_changes.pending_for(member.id)
    if pending is not None:
        raise Conflict(
            "member_change_already_scheduled",
            zh=f"会员 {member.id} 已有一项 {pending.effective_on} 生效的预定变更（{pending.change}，编号 {pending.id}），请先撤销再登记新的变更",
            en=f"member {member.id} has a {pending.change} change scheduled for {pending.effective_on} "
            f"(change {pending.id}); cancel it before recording another",
        )
    return member, today


async def _apply_or_schedule(
    uow: MembershipUnitOfWork, member: Member, change: MemberChange, today: dt.date
) -> Outcome:
    await uow.scheduled_changes.add(change)
    if change.is_due(today):
        member = await _apply(uow, member, change, change.recorded_by)
        change = replace(change, status="applied")
    await uow.commit()
    return Outcome(change=change, member=member)


async def _apply(uow: MembershipUnitOfWork, member: Member, change: MemberChange, by: str) -> Member:
    after, entries = lifecycle.apply(member, change)
    await uow.members.save_state(after)
    await uow.history.add(entries)
    await uow.scheduled_changes.settle(change.id, "applied", by, clock.now())
    # The id derives from the change, so the change can only ever produce this one event.
    version = await uow.history.version_of(after.id)
    uow.emit(_event(member, after, change, version), event_id=f"membership-change-{change.id}")
    return after


def _event(before: Member, after: Member, change: MemberChange, version: int):
    if change.change == "transferred":
        return MemberTransferredV1(
            organization_id=after.organization_id,
            federation_id=after.federation_id,
            member_id=after.id,
            member_version=version,
            from_organization_id=before.organization_id,
            effective_on=change.effective_on,
            display_name=after.display_name,
            gender=after.gender,
            joined_on=after.joined_on,
            status=after.status,
        )
    return MemberStatusChangedV1(
        organization_id=after.organization_id,
        federation_id=after.federation_id,
        member_id=after.id,
        member_version=version,
        status=after.status,
        previous_status=before.status,
        change=change.change,
        effective_on=change.effective_on,
    )
