"""Use cases of activities and competitions: each one transaction, its events in the outbox.

Scope: an activity is managed by callers who can see its organizer, and seen also by callers
inside the organizations it is open to. Anything else answers like a missing activity.
"""

import dataclasses
import datetime as dt
import uuid
from collections.abc import Awaitable, Callable, Sequence

from sqlalchemy import func, insert, literal, select, tuple_, update

from unionfed_events.adapters.activity_tables import (
    activities,
    activity_budget_items,
    activity_hold_outcomes,
    activity_registrations,
)
from unionfed_events.adapters.tables import directory
from unionfed_events.domain import activity_commands as commands
from unionfed_events.domain.activities import (
    ACTIVITY_STATUS_ZH,
    Eligibility,
    check_scope,
)
from unionfed_events.domain.registration_model import Activity
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared import business_time, finance_holds
from unionfed_shared.amount_words import yuan
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.events import (
    ActivityCancelledV1,
    ActivityPublishedV1,
)
from unionfed_shared.contracts.spending import EventsHoldCancelledV1, EventsHoldPaidV1, EventsHoldRequestedV1
from unionfed_shared.errors import Conflict, Invalid, NotFound
from unionfed_shared.messaging.unit_of_work import UnitOfWork
from unionfed_shared.paging import DEFAULT_LIMIT, cursor_refusal, decode_cursor, page_of
from unionfed_shared.substring import substring_pattern

MANAGERS = (Role.FEDERATION_ADMIN, Role.UNION_OFFICER)


def _hidden() -> NotFound:
    return NotFound(
        "activity_not_found", zh="未找到该活动，或不在您的范围内", en="activity not found or outside your scope"
    )


async def load(
    uow: UnitOfWork, principal: Principal, activity_id: uuid.UUID, *, manage: bool, lock: bool = False
) -> dict:
    """The activity if the caller may see it (``manage``: may run it), locked for this transaction."""
    query = select(activities).where(activities.c.id == activity_id)
    row = (await uow.session.execute(query.with_for_update() if lock else query)).mappings().first()
    if row is None or not await _visible(
        principal,
        row["organization_id"],
        row["scope_organization_ids"],
        manage=manage,
        path_of=lambda organization_id: directory.path_of(uow.session, organization_id),
    ):
        raise _hidden()
    return dict(row)


async def load_activity(
    uow: EventsUnitOfWork, principal: Principal, activity_id: uuid.UUID, *, manage: bool, lock: bool = False
) -> Activity:
    """:func:`load` through the repositories, as an :class:`Activity`."""
    activity = await uow.activities.get(activity_id, lock=lock)
    if activity is None or not await _visible(
        principal,
        activity.organization_id,
        activity.scope_organization_ids,
        manage=manage,
        path_of=uow.directory.path_of,
    ):
        raise _hidden()
    return activity


async def _visible(
    principal: Principal,
    organizer_id: str,
    scope_organization_ids: Sequence[str],
    *,
    manage: bool,
    path_of: Callable[[str], Awaitable[list[str] | None]],
) -> bool:
    """Callers who can see the organizer run the activity; callers inside its scope may see it too."""
    organizer_path = await path_of(organizer_id)
    if organizer_path is not None and principal.can_see(organizer_path):
        return True
    if manage:
        return False
    caller_path = await path_of(principal.organization_id) or []
    return bool(set(scope_organization_ids) & set(caller_path))


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
    await set_hold_status(uow, [item["id"] for item in items], finance_holds.REQUESTED)
    await uow.session.execute(
        update(activities)
        .where(activities.c.id == activity_id)
        .values(status="published", published_at=business_time.utc_now())
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
    releasing = [item for item in await budget_items(uow, activity_id) if item["hold_status"] in finance_holds.OPEN]
    for item in releasing:
        uow.emit(hold_cancelled(activity, item, f"activity cancelled: {command.reason}"))
    await set_hold_status(uow, [item["id"] for item in releasing], finance_holds.VOID_REQUESTED)
    await uow.session.execute(
        update(activities)
        .where(activities.c.id == activity_id)
        .values(status="cancelled", cancel_reason=command.reason, cancelled_at=business_time.utc_now())
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


async def pay_cost(
    uow: UnitOfWork, principal: Principal, activity_id: uuid.UUID, item_id: uuid.UUID, command: commands.PayCost
) -> dict:
    activity = await load(uow, principal, activity_id, manage=True, lock=True)
    principal.require_role(*MANAGERS)
    require_status(activity, "published")
    item = next((i for i in await budget_items(uow, activity_id) if i["id"] == item_id), None)
    if item is None or item["kind"] != "cost":
        raise NotFound(
            "budget_line_not_found", zh="该活动预算中没有这项费用", en="no such cost line in this activity's budget"
        )
    finance_holds.require_reserved(item["label"], item["hold_status"], item["finance_reason"])
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
    await set_hold_status(
        uow, [item_id], finance_holds.CAPTURE_REQUESTED, paid_fen=command.amount_fen, paid_on=command.paid_on
    )
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


def eligibility_of(activity: dict) -> Eligibility:
    return Eligibility(
        tuple(activity["scope_organization_ids"]), activity["eligible_gender"], tuple(activity["eligible_statuses"])
    )


def require_status(activity: dict, status: str) -> None:
    if activity["status"] != status:
        raise Conflict(
            "activity_not_published",
            zh=f"该活动{_status_zh(activity['status'])}，须在活动发布后办理",
            en=f"the activity is {activity['status']}",
        )


def _status_zh(status: str) -> str:
    return ACTIVITY_STATUS_ZH.get(status, f"状态为 {status}")


async def set_hold_status(uow: UnitOfWork, item_ids: list[uuid.UUID], status: str, **values) -> None:
    if item_ids:
        await uow.session.execute(
            update(activity_budget_items)
            .where(activity_budget_items.c.id.in_(item_ids))
            .values(hold_status=status, updated_at=business_time.utc_now(), **values)
        )


def hold_cancelled(activity: dict, item: dict, reason: str) -> EventsHoldCancelledV1:
    return EventsHoldCancelledV1(
        organization_id=activity["organization_id"],
        federation_id=activity["federation_id"],
        hold_id=item["hold_id"],
        reason=reason[:200],
    )


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
