"""Registration for activities: places in the order asked, then the waitlist, each one transaction.

The activity row is locked while a registration is counted, so two people asking for the last
place are served one after the other.
"""

import datetime as dt
import uuid

from sqlalchemy import func, insert, select, update

from unionfed_events.adapters.activity_tables import (
    activities,
    activity_registrations,
)
from unionfed_events.adapters.tables import directory
from unionfed_events.domain import activity_commands as commands
from unionfed_events.domain.activities import (
    placement,
    promotions,
    require_open_for_registration,
)
from unionfed_events.service_layer.activities import MANAGERS, eligibility_of, load
from unionfed_shared import business_time
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Forbidden, NotFound
from unionfed_shared.messaging.unit_of_work import UnitOfWork

# A member registers themself; officers and group leaders (officers of a union group) register
# the members of their scope.
REGISTRARS = (*MANAGERS, Role.MEMBER)


REGISTRATION_STATUS_ZH = {"confirmed": "已确认名额", "waitlisted": "候补中"}


async def register(
    uow: UnitOfWork,
    principal: Principal,
    activity_id: uuid.UUID,
    command: commands.Register,
    now: dt.datetime | None = None,
) -> dict:
    # The row lock serialises registrations of one activity: two people asking for the last
    # place are counted one after the other, so only one of them gets it.
    activity = await load(uow, principal, activity_id, manage=False, lock=True)
    member, member_path = await _member_for(uow, principal, command.member_id)
    require_open_for_registration(
        activity["status"],
        activity["registration_deadline"],
        now or business_time.utc_now(),
        await directory.time_zone_of(uow.session, activity["organization_id"]),
    )
    refusal = eligibility_of(activity).refusal(member["gender"], member["status"], member_path)
    if refusal:
        raise refusal
    existing = await _live_registration(uow, activity_id, command.member_id)
    if existing is not None:
        raise Conflict(
            "already_registered",
            zh=f"{member['display_name']} 已报名（{REGISTRATION_STATUS_ZH.get(existing['status'], existing['status'])}）",
            en=f"{member['display_name']} is already registered ({existing['status']})",
        )
    confirmed = await _count(uow, activity_id, "confirmed")
    sequence = activity["next_sequence"]
    await uow.session.execute(
        update(activities).where(activities.c.id == activity_id).values(next_sequence=sequence + 1)
    )
    registration_id = uuid.uuid4()
    await uow.session.execute(
        insert(activity_registrations).values(
            id=registration_id,
            activity_id=activity_id,
            member_id=command.member_id,
            sequence=sequence,
            status=placement(confirmed, activity["capacity"]),
            registered_by=principal.subject,
        )
    )
    await uow.commit()
    return await _registration_view(uow, activity_id, command.member_id)


async def cancel_registration(
    uow: UnitOfWork, principal: Principal, activity_id: uuid.UUID, member_id: uuid.UUID
) -> dict:
    activity = await load(uow, principal, activity_id, manage=False, lock=True)
    await _member_for(uow, principal, member_id)
    registration = await _live_registration(uow, activity_id, member_id)
    if registration is None:
        raise NotFound(
            "registration_not_found", zh="该会员没有报名此活动", en="no registration of this member for this activity"
        )
    await uow.session.execute(
        update(activity_registrations)
        .where(activity_registrations.c.id == registration["id"])
        .values(status="cancelled", cancelled_at=business_time.utc_now(), team_id=None)
    )
    promoted = []
    if activity["status"] == "published":
        waitlist = await _queue(uow, activity_id, "waitlisted")
        count = promotions(await _count(uow, activity_id, "confirmed"), activity["capacity"], len(waitlist))
        promoted = [row["member_id"] for row in waitlist[:count]]
        if promoted:
            await uow.session.execute(
                update(activity_registrations)
                .where(activity_registrations.c.id.in_([row["id"] for row in waitlist[:count]]))
                .values(status="confirmed", promoted_at=business_time.utc_now())
            )
    await uow.commit()
    return {"cancelled_member_id": member_id, "promoted_member_ids": promoted}


async def registrations(uow: UnitOfWork, principal: Principal, activity_id: uuid.UUID) -> list[dict]:
    """Live registrations in order; callers outside the organizer's scope see their own members only."""
    activity = await load(uow, principal, activity_id, manage=False)
    organizer_path = await directory.path_of(uow.session, activity["organization_id"]) or []
    rows = [*await _queue(uow, activity_id, "confirmed"), *await _queue(uow, activity_id, "waitlisted")]
    position = 0
    for row in rows:
        if row["status"] == "waitlisted":
            position += 1
            row["waitlist_position"] = position
    if principal.can_see(organizer_path):
        return rows
    return [row for row in rows if principal.organization_id in (row["member_path"] or [])]


async def _member_for(uow: UnitOfWork, principal: Principal, member_id: uuid.UUID) -> tuple[dict, list[str]]:
    """The member a caller acts for: themself, or a member of the caller's scope."""
    principal.require_role(*REGISTRARS)
    if principal.role is Role.MEMBER and principal.member_id != str(member_id):
        raise Forbidden("member_registers_only_self", zh="会员只能为本人报名", en="a member registers only themself")
    member = (
        (await uow.session.execute(select(directory.members).where(directory.members.c.id == member_id)))
        .mappings()
        .first()
    )
    path = await directory.path_of(uow.session, member["organization_id"]) if member else None
    if member is None or path is None or not principal.can_see(path):
        raise NotFound(
            "member_not_found", zh="未找到该会员，或不在您的管辖范围内", en="member not found or outside your scope"
        )
    return dict(member), path


async def _live_registration(uow: UnitOfWork, activity_id: uuid.UUID, member_id: uuid.UUID) -> dict | None:
    row = (
        (
            await uow.session.execute(
                select(activity_registrations).where(
                    activity_registrations.c.activity_id == activity_id,
                    activity_registrations.c.member_id == member_id,
                    activity_registrations.c.status != "cancelled",
                )
            )
        )
        .mappings()
        .first()
    )
    return dict(row) if row else None


async def _count(uow: UnitOfWork, activity_id: uuid.UUID, status: str) -> int:
    return (
        await uow.session.execute(
            select(func.count()).where(
                activity_registrations.c.activity_id == activity_id, activity_registrations.c.status == status
            )
        )
    ).scalar_one()


async def _queue(uow: UnitOfWork, activity_id: uuid.UUID, status: str) -> list[dict]:
    members, organizations = directory.members, directory.organizations
    query = (
        select(
            activity_registrations,
            members.c.display_name,
            members.c.organization_id,
            organizations.c.path.label("member_path"),
        )
        .select_from(
            activity_registrations.outerjoin(members, members.c.id == activity_registrations.c.member_id).outerjoin(
                organizations, organizations.c.id == members.c.organization_id
            )
        )
        .where(activity_registrations.c.activity_id == activity_id, activity_registrations.c.status == status)
        .order_by(activity_registrations.c.sequence)
    )
    return [dict(row) for row in (await uow.session.execute(query)).mappings()]


async def _registration_view(uow: UnitOfWork, activity_id: uuid.UUID, member_id: uuid.UUID) -> dict:
    registration = await _live_registration(uow, activity_id, member_id)
    assert registration is not None  # the caller has just found or made it
    if registration["status"] == "waitlisted":
        registration["waitlist_position"] = await uow.session.scalar(
            select(func.count()).where(
                activity_registrations.c.activity_id == activity_id,
                activity_registrations.c.status == "waitlisted",
                activity_registrations.c.sequence <= registration["sequence"],
            )
        )
    return registration
