"""What stands around the postings: holds, budgets, closed periods, each request's outcome."""

import datetime as dt
import uuid
from collections.abc import Callable

from sqlalchemy import select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.tables import budgets, closed_periods, holds, money_outcomes
from unionfed_finance.domain.ledger import Refused
from unionfed_shared.db import copy_rows


class HoldRepository:
    def __init__(self, session: AsyncSession, remember: Callable[[Callable[[], None]], None]):
        self._session = session
        self._remember = remember
        self._links: dict[uuid.UUID, uuid.UUID] = {}

    async def add(self, values: dict) -> None:
        created = await self._session.scalar(
            pg_insert(holds).values(status="pending", **values).on_conflict_do_nothing().returning(holds.c.id)
        )
        if created is None:
            raise Refused(f"hold {values['id']} already exists")

    async def settle(self, hold_id: uuid.UUID, status: str, event_id: str, **values) -> dict:
        """Move a pending hold to posted or voided, at most once."""
        row = (
            await self._session.execute(
                update(holds)
                .where(holds.c.id == hold_id, holds.c.status == "pending")
                .values(status=status, settled_by_event_id=event_id, settled_at=dt.datetime.now(dt.UTC), **values)
                .returning(holds)
            )
        ).first()
        if row is None:
            existing = await self._session.scalar(select(holds.c.status).where(holds.c.id == hold_id))
            raise Refused(f"hold {hold_id} does not exist" if existing is None else f"hold {hold_id} is already {existing}")
        return dict(row._mapping)

    async def get(self, hold_id: uuid.UUID) -> dict | None:
        row = (await self._session.execute(select(holds).where(holds.c.id == hold_id))).first()
        return dict(row._mapping) if row else None

    def link_posting(self, hold_id: uuid.UUID, posting_id: uuid.UUID) -> None:
        """Written at :meth:`flush`, after the posting it names (appended postings are written then)."""
        self._links[hold_id] = posting_id
        self._remember(lambda: self._links.pop(hold_id, None))

    async def flush(self) -> None:
        if self._links:
            await self._session.execute(
                text(
                    """
                    UPDATE holds AS h SET posting_id = l.posting_id
                    FROM unnest(CAST(:holds AS uuid[]), CAST(:postings AS uuid[])) AS l(hold_id, posting_id)
                    WHERE h.id = l.hold_id
                    """
                ),
                {"holds": list(self._links), "postings": list(self._links.values())},
            )
            self._links = {}


class BudgetRepository:
    """Budget control per organization, fiscal year and expense category (ERPNext-style stop or warn)."""

    def __init__(self, session: AsyncSession):
        self._session = session
        # Which (fiscal year, category) of an organization have a budget: most spending has none,
        # and knowing it spares two statements per spend.
        self._budgeted: dict[str, set[tuple[int, str]]] = {}

    async def prefetch(self, organization_ids: set[str]) -> None:
        wanted = sorted(organization_ids - self._budgeted.keys())
        if not wanted:
            return
        for organization_id in wanted:
            self._budgeted[organization_id] = set()
        rows = await self._session.execute(
            select(budgets.c.organization_id, budgets.c.fiscal_year, budgets.c.category_account)
            .where(budgets.c.organization_id.in_(wanted))
        )
        for row in rows:
            self._budgeted[row.organization_id].add((row.fiscal_year, row.category_account))

    async def set(self, organization_id: str, fiscal_year: int, category: str, amount_fen: int, policy: str) -> None:
        await self.prefetch({organization_id})
        self._budgeted[organization_id].add((fiscal_year, category))
        values = {"amount_fen": amount_fen, "policy": policy}
        await self._session.execute(
            pg_insert(budgets)
            .values(organization_id=organization_id, fiscal_year=fiscal_year, category_account=category, **values)
            .on_conflict_do_update(index_elements=["organization_id", "fiscal_year", "category_account"], set_=values)
        )

    async def consume(
        self, organization_id: str, fiscal_year: int, category: str, *, spent_fen: int = 0, reserved_fen: int = 0
    ) -> str | None:
        """Move spent and reserved amounts; refuse beyond a stop budget; returns a warning or None."""
        await self.prefetch({organization_id})
        if (fiscal_year, category) not in self._budgeted[organization_id]:
            return None  # no budget set for this category: no budget control
        increase = spent_fen + reserved_fen
        row = (
            await self._session.execute(
                text(
                    """
                    UPDATE budgets
                    SET spent_fen = spent_fen + :spent, reserved_fen = reserved_fen + :reserved
                    WHERE organization_id = :org AND fiscal_year = :year AND category_account = :category
                      AND (policy = 'warn' OR :increase <= 0 OR spent_fen + reserved_fen + :increase <= amount_fen)
                    RETURNING policy, amount_fen, spent_fen + reserved_fen AS committed_fen
                    """
                ),
                {
                    "spent": spent_fen, "reserved": reserved_fen, "increase": increase,
                    "org": organization_id, "year": fiscal_year, "category": category,
                },
            )
        ).first()
        if row is not None:
            if increase > 0 and row.committed_fen > row.amount_fen:
                return (
                    f"budget {fiscal_year}/{category} of {organization_id} exceeded: "
                    f"{row.committed_fen} fen committed against {row.amount_fen} fen"
                )
            return None
        budget = (
            await self._session.execute(
                select(budgets).where(
                    budgets.c.organization_id == organization_id,
                    budgets.c.fiscal_year == fiscal_year,
                    budgets.c.category_account == category,
                )
            )
        ).first()
        if budget is None:
            return None  # no budget set for this category: no budget control
        left = budget.amount_fen - budget.spent_fen - budget.reserved_fen
        raise Refused(
            f"budget {fiscal_year}/{category} of {organization_id} would be exceeded: "
            f"{increase} fen wanted, {left} fen left of {budget.amount_fen} fen"
        )

    async def of(self, organization_id: str) -> list[dict]:
        query = (
            select(budgets)
            .where(budgets.c.organization_id == organization_id)
            .order_by(budgets.c.fiscal_year, budgets.c.category_account)
        )
        return [dict(row._mapping) for row in await self._session.execute(query)]


class PeriodRepository:
    def __init__(self, session: AsyncSession, on_close: Callable[[str], None]):
        self._session = session
        self._on_close = on_close

    async def close(self, organization_id: str, label: str, starts_on: dt.date, ends_on: dt.date,
                    closed_by: str | None, journal_event_id: str) -> None:
        closed = await self._session.scalar(
            pg_insert(closed_periods)
            .values(
                organization_id=organization_id, label=label, starts_on=starts_on, ends_on=ends_on,
                closed_by=closed_by, journal_event_id=journal_event_id,
            )
            .on_conflict_do_nothing()
            .returning(closed_periods.c.label)
        )
        if closed is None:
            raise Refused(f"period {label} of {organization_id} is already closed")
        self._on_close(organization_id)

    async def of(self, organization_id: str) -> list[dict]:
        query = (
            select(closed_periods)
            .where(closed_periods.c.organization_id == organization_id)
            .order_by(closed_periods.c.starts_on)
        )
        return [dict(row._mapping) for row in await self._session.execute(query)]


class OutcomeRepository:
    def __init__(self, session: AsyncSession):
        self._session = session
        self._recorded: list[dict] = []

    def record(self, values: dict) -> None:
        """Written at :meth:`flush`, with the rest of the batch's outcomes."""
        self._recorded.append(values)

    async def flush(self) -> None:
        if self._recorded:
            await copy_rows(self._session, money_outcomes, self._recorded)
            self._recorded = []

    async def get(self, journal_event_id: str) -> dict | None:
        await self.flush()
        row = (
            await self._session.execute(
                select(money_outcomes).where(money_outcomes.c.journal_event_id == journal_event_id)
            )
        ).first()
        return dict(row._mapping) if row else None
