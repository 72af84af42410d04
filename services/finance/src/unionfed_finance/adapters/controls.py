"""What stands around the postings: holds, budgets, closed periods, each request's outcome."""

import datetime as dt
import uuid
from collections.abc import Callable

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.tables import budgets, closed_periods, holds, money_outcomes
from unionfed_finance.domain.ledger import Refused
from unionfed_shared.db import copy_rows

_HOLD_COLUMNS = tuple(c.name for c in holds.columns if c.name != "created_at")
_SETTLED_COLUMNS = ("status", "posted_fen", "posted_goods_fen", "posting_id", "settled_by_event_id", "settled_at")


class HoldRepository:
    """The holds one transaction touches, kept in memory from first use and written at :meth:`flush`.

    A greeting reserves and then captures one hold per member; read (locked) in one statement per
    batch and written in two, they cost no round trip per message.
    """

    def __init__(self, session: AsyncSession, remember: Callable[[Callable[[], object]], None]):
        self._session = session
        self._remember = remember
        self._rows: dict[uuid.UUID, dict | None] = {}  # None: known not to exist
        self._created: set[uuid.UUID] = set()
        self._changed: set[uuid.UUID] = set()

    async def prefetch(self, hold_ids: set[uuid.UUID]) -> None:
        wanted = sorted(hold_ids - self._rows.keys())
        if not wanted:
            return
        rows = await self._session.execute(
            select(*(holds.c[name] for name in _HOLD_COLUMNS))
            .where(holds.c.id.in_(wanted))
            .order_by(holds.c.id)
            .with_for_update()
        )
        for hold_id in wanted:
            self._rows[hold_id] = None
        for row in rows:
            self._rows[row.id] = dict(row._mapping)

    async def _row(self, hold_id: uuid.UUID) -> dict | None:
        if hold_id not in self._rows:
            await self.prefetch({hold_id})
            # Rolled back to a savepoint, the lock taken here is released: read it again then.
            self._remember(lambda: self._rows.pop(hold_id, None))
        return self._rows[hold_id]

    def _put(self, hold_id: uuid.UUID, row: dict, *, created: bool = False) -> None:
        before, was_changed, was_created = self._rows.get(hold_id), hold_id in self._changed, hold_id in self._created
        self._rows[hold_id] = row
        (self._created if created or was_created else self._changed).add(hold_id)

        def undo():
            self._rows[hold_id] = before
            if not was_changed:
                self._changed.discard(hold_id)
            if not was_created:
                self._created.discard(hold_id)

        self._remember(undo)

    async def add(self, values: dict) -> None:
        if await self._row(values["id"]) is not None:
            raise Refused(f"hold {values['id']} already exists")
        row = dict.fromkeys(_HOLD_COLUMNS) | {"posted_goods_fen": 0} | values | {"status": "pending"}
        self._put(values["id"], row, created=True)

    async def settle(self, hold_id: uuid.UUID, status: str, event_id: str, **values) -> dict:
        """Move a pending hold to posted or voided, at most once."""
        row = await self._row(hold_id)
        if row is None:
            raise Refused(f"hold {hold_id} does not exist")
        if row["status"] != "pending":
            raise Refused(f"hold {hold_id} is already {row['status']}")
        settled = (
            row | values | {"status": status, "settled_by_event_id": event_id, "settled_at": dt.datetime.now(dt.UTC)}
        )
        self._put(hold_id, settled)
        return dict(settled)

    async def get(self, hold_id: uuid.UUID) -> dict | None:
        row = await self._row(hold_id)
        return dict(row) if row is not None else None

    async def known(self, hold_ids: set[uuid.UUID]) -> list[dict]:
        """The holds among ``hold_ids`` that exist (read already by :meth:`prefetch`)."""
        return [row for hold_id in hold_ids if (row := await self._row(hold_id)) is not None]

    async def link_posting(self, hold_id: uuid.UUID, posting_id: uuid.UUID) -> None:
        """Written at :meth:`flush`, after the posting it names (appended postings are written then)."""
        row = await self._row(hold_id)
        assert row is not None  # a posting is linked to a hold it settled
        self._put(hold_id, row | {"posting_id": posting_id})

    def _written(self, hold_id: uuid.UUID) -> dict:
        row = self._rows[hold_id]
        assert row is not None  # created and changed holds were put
        return row

    async def flush(self) -> None:
        if self._created:
            await copy_rows(self._session, holds, [self._written(hold_id) for hold_id in sorted(self._created)])
        changed = sorted(self._changed - self._created)
        if changed:
            rows = [self._written(hold_id) for hold_id in changed]
            await self._session.execute(
                text(
                    """
                    UPDATE holds AS h SET status = c.status, posted_fen = c.posted_fen,
                        posted_goods_fen = c.posted_goods_fen, posting_id = c.posting_id,
                        settled_by_event_id = c.settled_by_event_id, settled_at = c.settled_at
                    FROM unnest(CAST(:ids AS uuid[]), CAST(:statuses AS text[]), CAST(:posted AS bigint[]),
                                CAST(:goods AS bigint[]), CAST(:postings AS uuid[]), CAST(:events AS text[]),
                                CAST(:settled AS timestamptz[]))
                         AS c(id, status, posted_fen, posted_goods_fen, posting_id, settled_by_event_id, settled_at)
                    WHERE h.id = c.id
                    """
                ),
                {
                    "ids": changed,
                    "statuses": [r["status"] for r in rows],
                    "posted": [r["posted_fen"] for r in rows],
                    "goods": [r["posted_goods_fen"] for r in rows],
                    "postings": [r["posting_id"] for r in rows],
                    "events": [r["settled_by_event_id"] for r in rows],
                    "settled": [r["settled_at"] for r in rows],
                },
            )
        self._created, self._changed = set(), set()


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
            select(budgets.c.organization_id, budgets.c.fiscal_year, budgets.c.category_account).where(
                budgets.c.organization_id.in_(wanted)
            )
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
                    "spent": spent_fen,
                    "reserved": reserved_fen,
                    "increase": increase,
                    "org": organization_id,
                    "year": fiscal_year,
                    "category": category,
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

    async def left_under_stop(self, organization_id: str, fiscal_year: int, category: str) -> int | None:
        """What a ``stop`` budget still allows (None without one: no limit, or a warning only)."""
        await self.prefetch({organization_id})
        if (fiscal_year, category) not in self._budgeted[organization_id]:
            return None
        budget = (
            await self._session.execute(
                select(budgets)
                .where(
                    budgets.c.organization_id == organization_id,
                    budgets.c.fiscal_year == fiscal_year,
                    budgets.c.category_account == category,
                )
                .with_for_update()
            )
        ).first()
        if budget is None or budget.policy != "stop":
            return None
        return budget.amount_fen - budget.spent_fen - budget.reserved_fen

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

    async def close(
        self,
        organization_id: str,
        label: str,
        starts_on: dt.date,
        ends_on: dt.date,
        closed_by: str | None,
        journal_event_id: str,
    ) -> None:
        closed = await self._session.scalar(
            pg_insert(closed_periods)
            .values(
                organization_id=organization_id,
                label=label,
                starts_on=starts_on,
                ends_on=ends_on,
                closed_by=closed_by,
                journal_event_id=journal_event_id,
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
