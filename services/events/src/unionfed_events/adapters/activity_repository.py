"""Loading and saving activities and their budget lines, with finance's answers about the lines' holds."""

import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import insert, literal, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_events.adapters.activity_tables import activities, activity_budget_items, activity_hold_outcomes
from unionfed_events.domain.activities import Activity, ActivityFilter
from unionfed_events.domain.activity_budget import BudgetLine, HoldAnswer
from unionfed_shared import business_time, finance_holds
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.substring import substring_pattern


class ActivityRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def get(self, activity_id: uuid.UUID, *, lock: bool = False) -> Activity | None:
        """The activity; ``lock``: its row locked for this transaction, so registrations are counted
        and its state changed one caller after the other."""
        query = select(activities).where(activities.c.id == activity_id)
        row = (await self._session.execute(query.with_for_update() if lock else query)).mappings().first()
        return activity_of(row) if row else None

    async def add(self, activity: Activity) -> None:
        await self._session.execute(
            insert(activities).values(
                id=activity.id,
                organization_id=activity.organization_id,
                federation_id=activity.federation_id,
                title=activity.title,
                kind=activity.kind,
                description=activity.description,
                scope_organization_ids=list(activity.scope_organization_ids),
                starts_at=activity.starts_at,
                ends_at=activity.ends_at,
                registration_deadline=activity.registration_deadline,
                capacity=activity.capacity,
                eligible_gender=activity.eligible_gender,
                eligible_statuses=list(activity.eligible_statuses),
                created_by=activity.created_by,
            )
        )

    async def save_state(self, activity: Activity) -> None:
        """Its status and what came with it: publication, cancellation, the awards' publication."""
        await self._session.execute(
            update(activities)
            .where(activities.c.id == activity.id)
            .values(
                status=activity.status,
                published_at=activity.published_at,
                cancel_reason=activity.cancel_reason,
                cancelled_at=activity.cancelled_at,
                awards_published_on=activity.awards_published_on,
            )
        )

    async def save_sequence(self, activity: Activity) -> None:
        await self._session.execute(
            update(activities).where(activities.c.id == activity.id).values(next_sequence=activity.next_sequence)
        )

    async def page(
        self,
        organization_id: str,
        organization_path: Sequence[str],
        wanted: ActivityFilter,
        after: tuple[dt.datetime, uuid.UUID] | None,
        limit: int,
    ) -> list[Activity]:
        """Up to ``limit`` activities the organization runs or its members may join (their scope
        meets its path), by start time, after the (start, id) ``after``."""
        query = select(activities).where(
            (activities.c.organization_id == organization_id)
            | activities.c.scope_organization_ids.overlap(list(organization_path))
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
        if after is not None:
            starts_at, activity_id = after
            query = query.where(
                tuple_(activities.c.starts_at, activities.c.id)
                > tuple_(literal(starts_at, activities.c.starts_at.type), literal(activity_id, activities.c.id.type))
            )
        query = query.order_by(activities.c.starts_at, activities.c.id).limit(limit)
        return [activity_of(row) for row in (await self._session.execute(query)).mappings()]

    async def published_open_to(self, member_path: Sequence[str], ending_after: dt.datetime) -> list[Activity]:
        """Published activities whose scope meets the path and that end after the moment, by start time."""
        query = (
            select(activities)
            .where(
                activities.c.status == "published",
                activities.c.ends_at > ending_after,
                activities.c.scope_organization_ids.overlap(list(member_path)),
            )
            .order_by(activities.c.starts_at, activities.c.id)
        )
        return [activity_of(row) for row in (await self._session.execute(query)).mappings()]


class BudgetRepository:
    """An activity's budget lines, one hold in finance each."""

    def __init__(self, session: AsyncSession):
        self._session = session

    async def lines_of(self, activity_id: uuid.UUID) -> list[BudgetLine]:
        query = (
            select(activity_budget_items)
            .where(activity_budget_items.c.activity_id == activity_id)
            .order_by(activity_budget_items.c.kind, activity_budget_items.c.label, activity_budget_items.c.id)
        )
        return [_line_of(row) for row in (await self._session.execute(query)).mappings()]

    async def with_hold(self, hold_id: uuid.UUID) -> BudgetLine | None:
        """The line whose hold this is, locked for this transaction; None when the hold is not ours."""
        query = select(activity_budget_items).where(activity_budget_items.c.hold_id == hold_id).with_for_update()
        row = (await self._session.execute(query)).mappings().first()
        return _line_of(row) if row else None

    async def add(self, lines: Sequence[BudgetLine]) -> None:
        if lines:
            await self._session.execute(
                insert(activity_budget_items),
                [
                    {
                        "id": line.id,
                        "activity_id": line.activity_id,
                        "kind": line.kind,
                        "label": line.label,
                        "amount_fen": line.amount_fen,
                        "hold_id": line.hold_id,
                    }
                    for line in lines
                ],
            )

    async def save_hold(self, line: BudgetLine) -> None:
        """The line's hold as the use case left it: its state, finance's reason, what was paid."""
        await self._session.execute(
            update(activity_budget_items)
            .where(activity_budget_items.c.id == line.id)
            .values(
                hold_status=line.hold_status,
                finance_reason=line.finance_reason,
                paid_fen=line.paid_fen,
                paid_on=line.paid_on,
                updated_at=business_time.utc_now(),
            )
        )

    async def answers_to(self, line_ids: Sequence[uuid.UUID]) -> list[HoldAnswer]:
        """Finance's answers about these lines' holds, in the order they came."""
        query = (
            select(activity_hold_outcomes)
            .where(activity_hold_outcomes.c.budget_item_id.in_(list(line_ids)))
            .order_by(activity_hold_outcomes.c.received_at)
        )
        return [
            HoldAnswer(
                journal_event_id=row["journal_event_id"],
                budget_item_id=row["budget_item_id"],
                operation=row["operation"],
                outcome=row["outcome"],
                reason=row["reason"],
                warnings=tuple(row["warnings"]),
                received_at=row["received_at"],
            )
            for row in (await self._session.execute(query)).mappings()
        ]

    async def keep_answer(self, settled: MoneyRequestSettledV1, line: BudgetLine) -> bool:
        """Keep finance's answer about the line's hold once; False when it was kept before."""
        return await finance_holds.answer_is_new(self._session, activity_hold_outcomes, settled, budget_item_id=line.id)


def activity_of(row: Any) -> Activity:
    return Activity(
        id=row["id"],
        organization_id=row["organization_id"],
        federation_id=row["federation_id"],
        title=row["title"],
        kind=row["kind"],
        scope_organization_ids=tuple(row["scope_organization_ids"]),
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        registration_deadline=row["registration_deadline"],
        capacity=row["capacity"],
        eligible_gender=row["eligible_gender"],
        eligible_statuses=tuple(row["eligible_statuses"]),
        description=row["description"],
        status=row["status"],
        cancel_reason=row["cancel_reason"],
        next_sequence=row["next_sequence"],
        awards_published_on=row["awards_published_on"],
        created_by=row["created_by"],
        created_at=row["created_at"],
        published_at=row["published_at"],
        cancelled_at=row["cancelled_at"],
    )


def _line_of(row: Any) -> BudgetLine:
    return BudgetLine(**{column.name: row[column.name] for column in activity_budget_items.columns})
