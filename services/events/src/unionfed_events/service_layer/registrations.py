"""Registration for activities: places in the order asked, then the waitlist, each one transaction.

The activity row is locked while a registration is counted, so two people asking for the last
place are served one after the other.
"""

import dataclasses
import datetime as dt
import uuid

from unionfed_events.domain.activities import (
    Activity,
    placement,
    promotions,
    require_open_for_registration,
)
from unionfed_events.domain.registration_model import Registrant, Registration
from unionfed_events.service_layer import commands
from unionfed_events.service_layer.activities import MANAGERS, load_activity
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared import business_time
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Forbidden, NotFound

# A member registers themself; officers and group leaders (officers of a union group) register
# the members of their scope.
REGISTRARS = (*MANAGERS, Role.MEMBER)


REGISTRATION_STATUS_ZH = {"confirmed": "已确认名额", "waitlisted": "候补中"}


async def register(
    uow: EventsUnitOfWork,
    principal: Principal,
    activity_id: uuid.UUID,
    command: commands.Register,
    now: dt.datetime | None = None,
) -> dict:
    # The row lock serialises registrations of one activity: two people asking for the last
    # place are counted one after the other, so only one of them gets it.
    activity = await load_activity(uow, principal, activity_id, manage=False, lock=True)
    member = await _member_for(uow, principal, command.member_id)
    require_open_for_registration(
        activity.status,
        activity.registration_deadline,
        now or business_time.utc_now(),
        await uow.directory.time_zone_of(activity.organization_id),
    )
    refusal = activity.eligibility.refusal(member.gender, member.status, member.path)
    if refusal:
        raise refusal
    await _refuse_second_registration(uow, activity, member)
    status = placement(await uow.registrations.count(activity.id, "confirmed"), activity.capacity)
    registration = Registration(
        id=uuid.uuid4(),
        activity_id=activity.id,
        member_id=member.id,
        sequence=activity.take_sequence(),
        status=status,
        registered_by=principal.subject,
    )
    await uow.activities.save_sequence(activity)
    await uow.registrations.add(registration)
    await uow.commit()
    return await _registration_view(uow, activity.id, member.id)


async def cancel_registration(
    uow: EventsUnitOfWork, principal: Principal, activity_id: uuid.UUID, member_id: uuid.UUID
) -> dict:
    activity = await load_activity(uow, principal, activity_id, manage=False, lock=True)
    await _member_for(uow, principal, member_id)
    registration = await uow.registrations.live(activity.id, member_id)
    if registration is None:
        raise NotFound(
            "registration_not_found", zh="该会员没有报名此活动", en="no registration of this member for this activity"
        )
    await uow.registrations.cancel(registration, at=business_time.utc_now())
    promoted = await _promote_from_waitlist(uow, activity) if activity.status == "published" else []
    await uow.commit()
    return {"cancelled_member_id": member_id, "promoted_member_ids": [r.member_id for r in promoted]}


async def registrations(uow: EventsUnitOfWork, principal: Principal, activity_id: uuid.UUID) -> list[dict]:
    """Live registrations in order; callers outside the organizer's scope see their own members only."""
    activity = await load_activity(uow, principal, activity_id, manage=False)
    organizer_path = await uow.directory.path_of(activity.organization_id) or []
    listed = [
        *await uow.registrations.queue(activity.id, "confirmed"),
        *await uow.registrations.queue(activity.id, "waitlisted"),
    ]
    rows = []
    position = 0
    for entry in listed:
        row = {
            **dataclasses.asdict(entry.registration),
            "display_name": entry.display_name,
            "organization_id": entry.organization_id,
            "member_path": list(entry.member_path) if entry.member_path is not None else None,
        }
        if entry.registration.status == "waitlisted":
            position += 1
            row["waitlist_position"] = position
        rows.append(row)
    if principal.can_see(organizer_path):
        return rows
    return [row for row in rows if principal.organization_id in (row["member_path"] or [])]


async def _member_for(uow: EventsUnitOfWork, principal: Principal, member_id: uuid.UUID) -> Registrant:
    """The member a caller acts for: themself, or a member of the caller's scope."""
    principal.require_role(*REGISTRARS)
    if principal.role is Role.MEMBER and principal.member_id != str(member_id):
        raise Forbidden("member_registers_only_self", zh="会员只能为本人报名", en="a member registers only themself")
    member = await uow.directory.member(member_id)
    if member is None or not principal.can_see(member.path):
        raise NotFound(
            "member_not_found", zh="未找到该会员，或不在您的管辖范围内", en="member not found or outside your scope"
        )
    return member


async def _refuse_second_registration(uow: EventsUnitOfWork, activity: Activity, member: Registrant) -> None:
    existing = await uow.registrations.live(activity.id, member.id)
    if existing is not None:
        raise Conflict(
            "already_registered",
            zh=f"{member.display_name} 已报名（{REGISTRATION_STATUS_ZH.get(existing.status, existing.status)}）",
            en=f"{member.display_name} is already registered ({existing.status})",
        )


async def _promote_from_waitlist(uow: EventsUnitOfWork, activity: Activity) -> list[Registration]:
    """The places now free go to the head of the waitlist."""
    waitlist = [entry.registration for entry in await uow.registrations.queue(activity.id, "waitlisted")]
    count = promotions(await uow.registrations.count(activity.id, "confirmed"), activity.capacity, len(waitlist))
    promoted = waitlist[:count]
    if promoted:
        await uow.registrations.promote(promoted, at=business_time.utc_now())
    return promoted


async def _registration_view(uow: EventsUnitOfWork, activity_id: uuid.UUID, member_id: uuid.UUID) -> dict:
    registration = await uow.registrations.live(activity_id, member_id)
    assert registration is not None  # the caller has just made it
    view = dataclasses.asdict(registration)
    if registration.status == "waitlisted":
        view["waitlist_position"] = await uow.registrations.waitlist_position(registration)
    return view
