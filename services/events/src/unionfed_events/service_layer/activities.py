"""Use cases of activities and competitions: each one transaction, its events in the outbox.

Scope: an activity is managed by callers who can see its organizer, and seen also by callers
inside the organizations it is open to. Anything else answers like a missing activity.
"""

import dataclasses
import datetime as dt
import uuid

from sqlalchemy import func, insert, literal, select, tuple_, update

from unionfed_events.adapters.activity_tables import (
    activities,
    activity_awards,
    activity_budget_items,
    activity_hold_outcomes,
    activity_registrations,
    activity_teams,
)
from unionfed_events.adapters.tables import directory
from unionfed_events.domain import activity_budget
from unionfed_events.domain import activity_commands as commands
from unionfed_events.domain.activities import (
    ACTIVITY_STATUS_ZH,
    Eligibility,
    check_scope,
    placement,
    promotions,
    require_open_for_registration,
)
from unionfed_shared.amount_words import yuan
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.events import (
    ActivityAwardsPublishedV1,
    ActivityCancelledV1,
    ActivityPublishedV1,
    AwardSummary,
)
from unionfed_shared.contracts.spending import EventsHoldCancelledV1, EventsHoldPaidV1, EventsHoldRequestedV1
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound
from unionfed_shared.messaging.unit_of_work import UnitOfWork
from unionfed_shared.paging import DEFAULT_LIMIT, cursor_refusal, decode_cursor, page_of
from unionfed_shared.substring import substring_pattern

MANAGERS = (Role.FEDERATION_ADMIN, Role.UNION_OFFICER)
# A member registers themself; officers and group leaders (officers of a union group) register
# the members of their scope.
REGISTRARS = (*MANAGERS, Role.MEMBER)
REGISTRATION_STATUS_ZH = {"confirmed": "已确认名额", "waitlisted": "候补中"}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _hidden() -> NotFound:
    return NotFound(
        "activity_not_found", zh="未找到该活动，或不在您的范围内", en="activity not found or outside your scope"
    )


def _already_published() -> Conflict:
    return Conflict(
        "awards_already_published", zh="该活动的获奖结果已公布", en="the awards of this activity are already published"
    )


# Finding activities in scope


async def load(
    uow: UnitOfWork, principal: Principal, activity_id: uuid.UUID, *, manage: bool, lock: bool = False
) -> dict:
    """The activity if the caller may see it (``manage``: may run it), locked for this transaction."""
    query = select(activities).where(activities.c.id == activity_id)
    row = (await uow.session.execute(query.with_for_update() if lock else query)).mappings().first()
    if row is None:
        raise _hidden()
    organizer_path = await directory.path_of(uow.session, row["organization_id"])
    if organizer_path is not None and principal.can_see(organizer_path):
        return dict(row)
    if not manage:
        caller_path = await directory.path_of(uow.session, principal.organization_id) or []
        if set(row["scope_organization_ids"]) & set(caller_path):
            return dict(row)
    raise _hidden()


@dataclasses.dataclass(frozen=True)
class ActivityFilter:
    status: str | None = None  # draft, published, cancelled
    kind: str | None = None
    starts_from: dt.datetime | None = None  # inclusive
    starts_before: dt.datetime | None = None  # exclusive
    title: str | None = None  # a part of the title, case-insensitive


async def activities_of(
    uow: UnitOfWork,
    principal: Principal,
    organization_id: str,
    wanted: ActivityFilter = ActivityFilter(),
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> tuple[list[dict], str | None]:
    """A page of the activities an organization runs and those its members may join, by start
    time, and the cursor after it."""
    path = await directory.path_of(uow.session, organization_id)
    principal.require_scope(path)
    query = select(activities).where(
        (activities.c.organization_id == organization_id) | activities.c.scope_organization_ids.overlap(path)
    )
    for column, value in ((activities.c.status, wanted.status), (activities.c.kind, wanted.kind)):
        if value is not None:
            query = query.where(column == value)
    if wanted.starts_from is not None:
        query = query.where(activities.c.starts_at >= wanted.starts_from)
    if wanted.starts_before is not None:
        query = query.where(activities.c.starts_at < wanted.starts_before)
    if wanted.title:
        query = query.where(activities.c.title.ilike(substring_pattern(wanted.title), escape="\\"))
    if cursor:
        starts_at, activity_id = _after(cursor)
        query = query.where(
            tuple_(activities.c.starts_at, activities.c.id)
            > tuple_(literal(starts_at, activities.c.starts_at.type), literal(activity_id, activities.c.id.type))
        )
    query = query.order_by(activities.c.starts_at, activities.c.id).limit(limit + 1)
    rows = [dict(row) for row in (await uow.session.execute(query)).mappings()]
    return page_of(rows, limit, key=lambda a: (a["starts_at"].isoformat(), a["id"]))


def _after(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    starts_at, activity_id = decode_cursor(cursor, 2)
    try:
        after = dt.datetime.fromisoformat(starts_at), uuid.UUID(activity_id)
    except (TypeError, ValueError):
        raise cursor_refusal() from None
    if after[0].tzinfo is None:
        raise cursor_refusal()
    return after


# The activity's life: create, publish (reserve the budget), cancel (release it)


async def create(uow: UnitOfWork, principal: Principal, organization_id: str, command: commands.CreateActivity) -> dict:
    path = await directory.path_of(uow.session, organization_id)
    principal.require_scope(path)
    assert path is not None  # require_scope refused an unknown organization
    principal.require_role(*MANAGERS)
    scope = list(dict.fromkeys(command.scope_organization_ids or [organization_id]))
    check_scope(organization_id, {org: await directory.path_of(uow.session, org) for org in scope})
    activity_id = uuid.uuid4()
    await uow.session.execute(
        insert(activities).values(
            id=activity_id,
            organization_id=organization_id,
            federation_id=path[0],
            title=command.title,
            kind=command.kind,
            description=command.description,
            scope_organization_ids=scope,
            starts_at=command.starts_at,
            ends_at=command.ends_at,
            registration_deadline=command.registration_deadline,
            capacity=command.capacity,
            eligible_gender=command.eligible_gender,
            eligible_statuses=list(dict.fromkeys(command.eligible_statuses)),
            created_by=principal.subject,
        )
    )
    if command.budget:
        await uow.session.execute(
            insert(activity_budget_items),
            [
                {
                    "id": uuid.uuid4(),
                    "activity_id": activity_id,
                    "kind": item.kind,
                    "label": item.label,
                    "amount_fen": item.amount_fen,
                    "hold_id": uuid.uuid4(),
                }
                for item in command.budget
            ],
        )
    await uow.commit()
    return await _reload(uow, activity_id)


async def publish(uow: UnitOfWork, principal: Principal, activity_id: uuid.UUID) -> dict:
    activity = await load(uow, principal, activity_id, manage=True, lock=True)
    principal.require_role(*MANAGERS)
    if activity["status"] != "draft":
        raise Conflict(
            "activity_not_draft",
            zh=f"该活动{_status_zh(activity['status'])}，只有草稿状态的活动可以发布",
            en=f"the activity is {activity['status']}; only a draft is published",
        )
    items = await budget_items(uow, activity_id)
    # Approving the budget reserves it: each line becomes a hold in the organizer's books.
    for item in items:
        uow.emit(
            EventsHoldRequestedV1(
                organization_id=activity["organization_id"],
                federation_id=activity["federation_id"],
                hold_id=item["hold_id"],
                category="activity",
                amount_fen=item["amount_fen"],
                purpose=f"{activity['title']}: {item['label']}"[:200],
                reference=f"activity/{activity_id}/budget/{item['id']}",
            )
        )
    await _set_hold_status(uow, [item["id"] for item in items], "requested")
    await uow.session.execute(
        update(activities).where(activities.c.id == activity_id).values(status="published", published_at=_now())
    )
    uow.emit(
        ActivityPublishedV1(
            organization_id=activity["organization_id"],
            federation_id=activity["federation_id"],
            activity_id=activity_id,
            title=activity["title"],
            kind=activity["kind"],
            scope_organization_ids=activity["scope_organization_ids"],
            starts_at=activity["starts_at"],
            ends_at=activity["ends_at"],
            registration_deadline=activity["registration_deadline"],
            capacity=activity["capacity"],
            budget_fen=sum(item["amount_fen"] for item in items),
        )
    )
    await uow.commit()
    return await _reload(uow, activity_id)


async def cancel(
    uow: UnitOfWork, principal: Principal, activity_id: uuid.UUID, command: commands.CancelActivity
) -> dict:
    activity = await load(uow, principal, activity_id, manage=True, lock=True)
    principal.require_role(*MANAGERS)
    if activity["status"] == "cancelled":
        raise Conflict("activity_already_cancelled", zh="该活动已取消", en="the activity is already cancelled")
    releasing = [item for item in await budget_items(uow, activity_id) if item["hold_status"] in activity_budget.OPEN]
    for item in releasing:
        uow.emit(_hold_cancelled(activity, item, f"activity cancelled: {command.reason}"))
    await _set_hold_status(uow, [item["id"] for item in releasing], "void_requested")
    await uow.session.execute(
        update(activities)
        .where(activities.c.id == activity_id)
        .values(status="cancelled", cancel_reason=command.reason, cancelled_at=_now())
    )
    uow.emit(
        ActivityCancelledV1(
            organization_id=activity["organization_id"],
            federation_id=activity["federation_id"],
            activity_id=activity_id,
            reason=command.reason,
        )
    )
    await uow.commit()
    return await _reload(uow, activity_id)


# Registration: places in the order asked, then the waitlist


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
        now or _now(),
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
        .values(status="cancelled", cancelled_at=_now(), team_id=None)
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
                .values(status="confirmed", promoted_at=_now())
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


# Attendance, teams, results and awards


async def record_attendance(
    uow: UnitOfWork, principal: Principal, activity_id: uuid.UUID, command: commands.RecordAttendance
) -> list[dict]:
    activity = await load(uow, principal, activity_id, manage=True, lock=True)
    principal.require_role(*MANAGERS)
    _require_status(activity, "published")
    await _confirmed_registrations(uow, activity_id, command.member_ids)
    await uow.session.execute(
        update(activity_registrations)
        .where(
            activity_registrations.c.activity_id == activity_id,
            activity_registrations.c.status == "confirmed",
            activity_registrations.c.member_id.in_(command.member_ids),
        )
        .values(attended=command.attended)
    )
    await uow.commit()
    return await registrations(uow, principal, activity_id)


async def create_team(
    uow: UnitOfWork, principal: Principal, activity_id: uuid.UUID, command: commands.CreateTeam
) -> dict:
    activity = await load(uow, principal, activity_id, manage=True, lock=True)
    principal.require_role(*MANAGERS)
    _require_status(activity, "published")
    if await uow.session.scalar(
        select(activity_teams.c.id).where(
            activity_teams.c.activity_id == activity_id, activity_teams.c.name == command.name
        )
    ):
        raise Conflict("team_name_taken", zh=f"队伍“{command.name}”已存在", en=f"team {command.name} already exists")
    rows = await _confirmed_registrations(uow, activity_id, command.member_ids)
    in_teams = [str(row["member_id"]) for row in rows if row["team_id"] is not None]
    if in_teams:
        raise Invalid(
            "already_in_team",
            zh=f"以下会员已在其他队伍中：{'、'.join(in_teams)}",
            en=f"already in a team: {', '.join(in_teams)}",
        )
    team_id = uuid.uuid4()
    await uow.session.execute(insert(activity_teams).values(id=team_id, activity_id=activity_id, name=command.name))
    await uow.session.execute(
        update(activity_registrations)
        .where(activity_registrations.c.id.in_([row["id"] for row in rows]))
        .values(team_id=team_id)
    )
    await uow.commit()
    return {"id": team_id, "name": command.name, "member_ids": list(dict.fromkeys(command.member_ids))}


async def teams(uow: UnitOfWork, principal: Principal, activity_id: uuid.UUID) -> list[dict]:
    await load(uow, principal, activity_id, manage=False)
    query = (
        select(activity_teams.c.id, activity_teams.c.name, activity_registrations.c.member_id)
        .select_from(
            activity_teams.outerjoin(
                activity_registrations,
                (activity_registrations.c.team_id == activity_teams.c.id)
                & (activity_registrations.c.status == "confirmed"),
            )
        )
        .where(activity_teams.c.activity_id == activity_id)
        .order_by(activity_teams.c.name, activity_registrations.c.sequence)
    )
    found: dict[uuid.UUID, dict] = {}
    for row in await uow.session.execute(query):
        team = found.setdefault(row.id, {"id": row.id, "name": row.name, "member_ids": []})
        if row.member_id is not None:
            team["member_ids"].append(row.member_id)
    return list(found.values())


async def record_award(
    uow: UnitOfWork, principal: Principal, activity_id: uuid.UUID, command: commands.RecordAward
) -> dict:
    activity = await load(uow, principal, activity_id, manage=True, lock=True)
    principal.require_role(*MANAGERS)
    _require_status(activity, "published")
    if activity["awards_published_on"] is not None:
        raise _already_published()
    if command.member_id is not None:
        await _confirmed_registrations(uow, activity_id, [command.member_id])
    elif not await uow.session.scalar(
        select(activity_teams.c.id).where(
            activity_teams.c.id == command.team_id, activity_teams.c.activity_id == activity_id
        )
    ):
        raise Invalid(
            "team_not_in_activity",
            zh=f"队伍 {command.team_id} 不是本活动的队伍",
            en=f"team {command.team_id} is not a team of this activity",
        )
    awarded = (
        await uow.session.execute(
            select(func.coalesce(func.sum(activity_awards.c.prize_fen), 0)).where(
                activity_awards.c.activity_id == activity_id
            )
        )
    ).scalar_one()
    activity_budget.check_prize_total(awarded + command.prize_fen, await _prize_budget(uow, activity_id))
    award_id = uuid.uuid4()
    await uow.session.execute(
        insert(activity_awards).values(
            id=award_id,
            activity_id=activity_id,
            category=command.category,
            level=command.level,
            member_id=command.member_id,
            team_id=command.team_id,
            result=command.result,
            prize_fen=command.prize_fen,
            recorded_by=principal.subject,
        )
    )
    await uow.commit()
    return next(a for a in await awards(uow, principal, activity_id) if a["id"] == award_id)


async def awards(uow: UnitOfWork, principal: Principal, activity_id: uuid.UUID) -> list[dict]:
    await load(uow, principal, activity_id, manage=False)
    query = (
        select(activity_awards, activity_teams.c.name.label("team_name"))
        .select_from(activity_awards.outerjoin(activity_teams, activity_teams.c.id == activity_awards.c.team_id))
        .where(activity_awards.c.activity_id == activity_id)
        .order_by(activity_awards.c.category, activity_awards.c.recorded_at)
    )
    return [dict(row) for row in (await uow.session.execute(query)).mappings()]


async def publish_awards(
    uow: UnitOfWork, principal: Principal, activity_id: uuid.UUID, command: commands.PublishAwards
) -> dict:
    """Announce the results and pay the prize money: the prize hold is posted for what was awarded."""
    activity = await load(uow, principal, activity_id, manage=True, lock=True)
    principal.require_role(*MANAGERS)
    _require_status(activity, "published")
    if activity["awards_published_on"] is not None:
        raise _already_published()
    recorded = await awards(uow, principal, activity_id)
    if not recorded:
        raise Invalid("no_awards_recorded", zh="尚未登记任何奖项", en="no awards recorded yet")
    total = sum(award["prize_fen"] for award in recorded)
    prizes = next((item for item in await budget_items(uow, activity_id) if item["kind"] == "prizes"), None)
    if total:
        assert prizes is not None  # awards are checked against the prize budget
        activity_budget.require_payable(prizes["label"], prizes["hold_status"], prizes["finance_reason"])
        language = await directory.language_of(uow.session, activity["organization_id"])
        uow.emit(
            EventsHoldPaidV1(
                organization_id=activity["organization_id"],
                federation_id=activity["federation_id"],
                hold_id=prizes["hold_id"],
                amount_fen=total,
                paid_on=command.paid_on,
                description=activity_budget.prize_description(activity["title"], language),
            )
        )
        await _set_hold_status(uow, [prizes["id"]], "capture_requested", paid_fen=total, paid_on=command.paid_on)
    elif prizes is not None and prizes["hold_status"] in activity_budget.OPEN:
        uow.emit(_hold_cancelled(activity, prizes, "no prize money awarded"))
        await _set_hold_status(uow, [prizes["id"]], "void_requested")
    await uow.session.execute(
        update(activities).where(activities.c.id == activity_id).values(awards_published_on=command.paid_on)
    )
    uow.emit(
        ActivityAwardsPublishedV1(
            organization_id=activity["organization_id"],
            federation_id=activity["federation_id"],
            activity_id=activity_id,
            prize_total_fen=total,
            paid_on=command.paid_on,
            awards=[
                AwardSummary(
                    award_id=a["id"],
                    category=a["category"],
                    level=a["level"],
                    member_id=a["member_id"],
                    team_id=a["team_id"],
                    team_name=a["team_name"],
                    prize_fen=a["prize_fen"],
                )
                for a in recorded
            ],
        )
    )
    await uow.commit()
    return {"activity_id": activity_id, "prize_total_fen": total, "paid_on": command.paid_on, "awards": recorded}


# Budget and holds


async def pay_cost(
    uow: UnitOfWork, principal: Principal, activity_id: uuid.UUID, item_id: uuid.UUID, command: commands.PayCost
) -> dict:
    activity = await load(uow, principal, activity_id, manage=True, lock=True)
    principal.require_role(*MANAGERS)
    _require_status(activity, "published")
    item = next((i for i in await budget_items(uow, activity_id) if i["id"] == item_id), None)
    if item is None or item["kind"] != "cost":
        raise NotFound(
            "budget_line_not_found", zh="该活动预算中没有这项费用", en="no such cost line in this activity's budget"
        )
    activity_budget.require_payable(item["label"], item["hold_status"], item["finance_reason"])
    if command.amount_fen > item["amount_fen"]:
        raise Invalid(
            "payment_over_reserved",
            zh=f"{item['label']}的预算为 {yuan(item['amount_fen'])}，支付 {yuan(command.amount_fen)} 超出预算",
            en=f"{item['label']} was budgeted at {item['amount_fen']} fen; {command.amount_fen} fen is more",
        )
    uow.emit(
        EventsHoldPaidV1(
            organization_id=activity["organization_id"],
            federation_id=activity["federation_id"],
            hold_id=item["hold_id"],
            amount_fen=command.amount_fen,
            paid_on=command.paid_on,
            description=f"{activity['title']}: {command.description}"[:200],
        )
    )
    await _set_hold_status(uow, [item_id], "capture_requested", paid_fen=command.amount_fen, paid_on=command.paid_on)
    await uow.commit()
    return await budget(uow, principal, activity_id)


async def budget(uow: UnitOfWork, principal: Principal, activity_id: uuid.UUID) -> dict:
    activity = await load(uow, principal, activity_id, manage=False)
    items = await budget_items(uow, activity_id)
    answers = (
        await uow.session.execute(
            select(activity_hold_outcomes)
            .where(activity_hold_outcomes.c.budget_item_id.in_([i["id"] for i in items]))
            .order_by(activity_hold_outcomes.c.received_at)
        )
    ).mappings()
    by_item: dict[uuid.UUID, list[dict]] = {}
    for answer in answers:
        by_item.setdefault(answer["budget_item_id"], []).append(dict(answer))
    return {
        "activity_id": activity_id,
        "organization_id": activity["organization_id"],
        "total_fen": sum(i["amount_fen"] for i in items),
        "items": [{**item, "finance_answers": by_item.get(item["id"], [])} for item in items],
    }


async def budget_items(uow: UnitOfWork, activity_id: uuid.UUID) -> list[dict]:
    query = (
        select(activity_budget_items)
        .where(activity_budget_items.c.activity_id == activity_id)
        .order_by(activity_budget_items.c.kind, activity_budget_items.c.label, activity_budget_items.c.id)
    )
    return [dict(row) for row in (await uow.session.execute(query)).mappings()]


# Helpers


def eligibility_of(activity: dict) -> Eligibility:
    return Eligibility(
        tuple(activity["scope_organization_ids"]), activity["eligible_gender"], tuple(activity["eligible_statuses"])
    )


def _require_status(activity: dict, status: str) -> None:
    if activity["status"] != status:
        raise Conflict(
            "activity_not_published",
            zh=f"该活动{_status_zh(activity['status'])}，须在活动发布后办理",
            en=f"the activity is {activity['status']}",
        )


def _status_zh(status: str) -> str:
    return ACTIVITY_STATUS_ZH.get(status, f"状态为 {status}")


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


async def _confirmed_registrations(uow: UnitOfWork, activity_id: uuid.UUID, member_ids: list[uuid.UUID]) -> list[dict]:
    rows = (
        (
            await uow.session.execute(
                select(activity_registrations).where(
                    activity_registrations.c.activity_id == activity_id,
                    activity_registrations.c.status == "confirmed",
                    activity_registrations.c.member_id.in_(member_ids),
                )
            )
        )
        .mappings()
        .all()
    )
    missing = set(member_ids) - {row["member_id"] for row in rows}
    if missing:
        listed = sorted(map(str, missing))
        raise Invalid(
            "registration_not_confirmed",
            zh=f"以下会员在本活动中没有已确认的名额：{'、'.join(listed)}",
            en=f"without a confirmed place in this activity: {', '.join(listed)}",
        )
    return [dict(row) for row in rows]


async def _prize_budget(uow: UnitOfWork, activity_id: uuid.UUID) -> int | None:
    return await uow.session.scalar(
        select(activity_budget_items.c.amount_fen).where(
            activity_budget_items.c.activity_id == activity_id, activity_budget_items.c.kind == "prizes"
        )
    )


async def _set_hold_status(uow: UnitOfWork, item_ids: list[uuid.UUID], status: str, **values) -> None:
    if item_ids:
        await uow.session.execute(
            update(activity_budget_items)
            .where(activity_budget_items.c.id.in_(item_ids))
            .values(hold_status=status, updated_at=_now(), **values)
        )


def _hold_cancelled(activity: dict, item: dict, reason: str) -> EventsHoldCancelledV1:
    return EventsHoldCancelledV1(
        organization_id=activity["organization_id"],
        federation_id=activity["federation_id"],
        hold_id=item["hold_id"],
        reason=reason[:200],
    )


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


async def _reload(uow: UnitOfWork, activity_id: uuid.UUID) -> dict:
    # After the commit the session begins a new transaction, closed with the unit of work.
    return await summary(uow, activity_id)


async def summary(uow: UnitOfWork, activity_id: uuid.UUID) -> dict:
    """The activity with its counts: places taken, waitlist length, budget."""
    row = (await uow.session.execute(select(activities).where(activities.c.id == activity_id))).mappings().one()
    counts: dict[str, int] = dict(
        (
            await uow.session.execute(
                select(activity_registrations.c.status, func.count())
                .where(activity_registrations.c.activity_id == activity_id)
                .group_by(activity_registrations.c.status)
            )
        ).all()
    )
    budget_fen = await uow.session.scalar(
        select(func.coalesce(func.sum(activity_budget_items.c.amount_fen), 0)).where(
            activity_budget_items.c.activity_id == activity_id
        )
    )
    return {
        **row,
        "confirmed": counts.get("confirmed", 0),
        "waitlisted": counts.get("waitlisted", 0),
        "budget_fen": budget_fen,
    }
