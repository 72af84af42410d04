"""Use cases of activities and competitions: each one transaction, its events in the outbox.

Scope: an activity is managed by callers who can see its organizer, and seen also by callers
inside the organizations it is open to. Anything else answers like a missing activity.
"""

import dataclasses
import datetime as dt
import uuid

from unionfed_events.domain.activities import Activity, ActivityFilter, check_scope
from unionfed_events.domain.activity_budget import BudgetLine
from unionfed_events.service_layer import commands
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared import business_time
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.events import ActivityCancelledV1, ActivityPublishedV1
from unionfed_shared.contracts.spending import EventsHoldCancelledV1, EventsHoldPaidV1, EventsHoldRequestedV1
from unionfed_shared.errors import NotFound
from unionfed_shared.paging import DEFAULT_LIMIT, cursor_refusal, decode_cursor, page_of

MANAGERS = (Role.FEDERATION_ADMIN, Role.UNION_OFFICER)
EVERY_ACTIVITY = ActivityFilter()


def _hidden() -> NotFound:
    return NotFound(
        "activity_not_found", zh="未找到该活动，或不在您的范围内", en="activity not found or outside your scope"
    )


async def load_activity(
    uow: EventsUnitOfWork, principal: Principal, activity_id: uuid.UUID, *, manage: bool, lock: bool = False
) -> Activity:
    """The activity if the caller may see it (``manage``: may run it), locked for this transaction."""
    activity = await uow.activities.get(activity_id, lock=lock)
    if activity is None or not await _visible(uow, principal, activity, manage=manage):
        raise _hidden()
    return activity


async def _visible(uow: EventsUnitOfWork, principal: Principal, activity: Activity, *, manage: bool) -> bool:
    """Callers who can see the organizer run the activity; callers inside its scope may see it too."""
    organizer_path = await uow.directory.path_of(activity.organization_id)
    if organizer_path is not None and principal.can_see(organizer_path):
        return True
    if manage:
        return False
    caller_path = await uow.directory.path_of(principal.organization_id) or []
    return bool(set(activity.scope_organization_ids) & set(caller_path))


async def activities_of(
    uow: EventsUnitOfWork,
    principal: Principal,
    organization_id: str,
    wanted: ActivityFilter = EVERY_ACTIVITY,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> tuple[list[Activity], str | None]:
    """A page of the activities an organization runs and those its members may join, by start
    time, and the cursor after it."""
    path = await uow.directory.path_of(organization_id)
    principal.require_scope(path)
    assert path is not None  # require_scope refused an unknown organization
    found = await uow.activities.page(organization_id, path, wanted, _after(cursor) if cursor else None, limit + 1)
    return page_of(found, limit, key=lambda a: (a.starts_at.isoformat(), a.id))


def _after(cursor: str) -> tuple[dt.datetime, uuid.UUID]:
    starts_at, activity_id = decode_cursor(cursor, 2)
    try:
        after = dt.datetime.fromisoformat(starts_at), uuid.UUID(activity_id)
    except (TypeError, ValueError):
        raise cursor_refusal() from None
    if after[0].tzinfo is None:
        raise cursor_refusal()
    return after


async def create(
    uow: EventsUnitOfWork, principal: Principal, organization_id: str, command: commands.CreateActivity
) -> dict:
    path = await uow.directory.path_of(organization_id)
    principal.require_scope(path)
    assert path is not None  # require_scope refused an unknown organization
    principal.require_role(*MANAGERS)
    scope = list(dict.fromkeys(command.scope_organization_ids or [organization_id]))
    check_scope(organization_id, {org: await uow.directory.path_of(org) for org in scope})
    activity = Activity(
        id=uuid.uuid4(),
        organization_id=organization_id,
        federation_id=path[0],
        title=command.title,
        kind=command.kind,
        description=command.description,
        scope_organization_ids=tuple(scope),
        starts_at=command.starts_at,
        ends_at=command.ends_at,
        registration_deadline=command.registration_deadline,
        capacity=command.capacity,
        eligible_gender=command.eligible_gender,
        eligible_statuses=tuple(dict.fromkeys(command.eligible_statuses)),
        created_by=principal.subject,
    )
    await uow.activities.add(activity)
    await uow.budget.add(
        [
            BudgetLine(uuid.uuid4(), activity.id, item.kind, item.label, item.amount_fen, hold_id=uuid.uuid4())
            for item in command.budget
        ]
    )
    await uow.commit()
    return await summary(uow, activity.id)


async def publish(uow: EventsUnitOfWork, principal: Principal, activity_id: uuid.UUID) -> dict:
    activity = await load_activity(uow, principal, activity_id, manage=True, lock=True)
    principal.require_role(*MANAGERS)
    activity.publish(at=business_time.utc_now())
    lines = await uow.budget.lines_of(activity_id)
    # Approving the budget reserves it: each line becomes a hold in the organizer's books.
    for line in lines:
        uow.emit(
            EventsHoldRequestedV1(
                organization_id=activity.organization_id,
                federation_id=activity.federation_id,
                hold_id=line.hold_id,
                category="activity",
                amount_fen=line.amount_fen,
                purpose=f"{activity.title}: {line.label}"[:200],
                reference=f"activity/{activity_id}/budget/{line.id}",
            )
        )
        line.request_hold()
        await uow.budget.save_hold(line)
    await uow.activities.save_state(activity)
    uow.emit(
        ActivityPublishedV1(
            organization_id=activity.organization_id,
            federation_id=activity.federation_id,
            activity_id=activity_id,
            title=activity.title,
            kind=activity.kind,
            scope_organization_ids=list(activity.scope_organization_ids),
            starts_at=activity.starts_at,
            ends_at=activity.ends_at,
            registration_deadline=activity.registration_deadline,
            capacity=activity.capacity,
            budget_fen=sum(line.amount_fen for line in lines),
        )
    )
    await uow.commit()
    return await summary(uow, activity_id)


async def cancel(
    uow: EventsUnitOfWork, principal: Principal, activity_id: uuid.UUID, command: commands.CancelActivity
) -> dict:
    activity = await load_activity(uow, principal, activity_id, manage=True, lock=True)
    principal.require_role(*MANAGERS)
    activity.cancel(command.reason, at=business_time.utc_now())
    # Money still held for it is released.
    for line in await uow.budget.lines_of(activity_id):
        if line.is_open:
            uow.emit(hold_cancelled(activity, line, f"activity cancelled: {command.reason}"))
            line.release()
            await uow.budget.save_hold(line)
    await uow.activities.save_state(activity)
    uow.emit(
        ActivityCancelledV1(
            organization_id=activity.organization_id,
            federation_id=activity.federation_id,
            activity_id=activity_id,
            reason=command.reason,
        )
    )
    await uow.commit()
    return await summary(uow, activity_id)


async def pay_cost(
    uow: EventsUnitOfWork,
    principal: Principal,
    activity_id: uuid.UUID,
    item_id: uuid.UUID,
    command: commands.PayCost,
) -> dict:
    activity = await load_activity(uow, principal, activity_id, manage=True, lock=True)
    principal.require_role(*MANAGERS)
    activity.require_published()
    line = next((line for line in await uow.budget.lines_of(activity_id) if line.id == item_id), None)
    if line is None or line.kind != "cost":
        raise NotFound(
            "budget_line_not_found", zh="该活动预算中没有这项费用", en="no such cost line in this activity's budget"
        )
    line.pay(command.amount_fen, command.paid_on)
    uow.emit(
        EventsHoldPaidV1(
            organization_id=activity.organization_id,
            federation_id=activity.federation_id,
            hold_id=line.hold_id,
            amount_fen=command.amount_fen,
            paid_on=command.paid_on,
            description=f"{activity.title}: {command.description}"[:200],
        )
    )
    await uow.budget.save_hold(line)
    await uow.commit()
    return await budget(uow, principal, activity_id)


async def budget(uow: EventsUnitOfWork, principal: Principal, activity_id: uuid.UUID) -> dict:
    """Each budget line with its hold's state and every answer finance gave about it."""
    activity = await load_activity(uow, principal, activity_id, manage=False)
    lines = await uow.budget.lines_of(activity_id)
    answers: dict[uuid.UUID, list[dict]] = {}
    for answer in await uow.budget.answers_to([line.id for line in lines]):
        answers.setdefault(answer.budget_item_id, []).append(dataclasses.asdict(answer))
    return {
        "activity_id": activity_id,
        "organization_id": activity.organization_id,
        "total_fen": sum(line.amount_fen for line in lines),
        "items": [{**dataclasses.asdict(line), "finance_answers": answers.get(line.id, [])} for line in lines],
    }


def hold_cancelled(activity: Activity, line: BudgetLine, reason: str) -> EventsHoldCancelledV1:
    return EventsHoldCancelledV1(
        organization_id=activity.organization_id,
        federation_id=activity.federation_id,
        hold_id=line.hold_id,
        reason=reason[:200],
    )


async def summary(uow: EventsUnitOfWork, activity_id: uuid.UUID) -> dict:
    """The activity with its counts: places taken, waitlist length, budget. (After a commit the
    session begins a new transaction, closed with the unit of work.)"""
    activity = await uow.activities.get(activity_id)
    assert activity is not None  # the caller has just seen or made it
    return {
        **dataclasses.asdict(activity),
        "confirmed": await uow.registrations.count(activity_id, "confirmed"),
        "waitlisted": await uow.registrations.count(activity_id, "waitlisted"),
        "budget_fen": sum(line.amount_fen for line in await uow.budget.lines_of(activity_id)),
    }
