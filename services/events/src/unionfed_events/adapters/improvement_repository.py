"""Loading and saving rationalization proposals and technical innovations, and the reads of their roll-up."""

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import any_, func, literal, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_events.adapters.improvement_tables import improvements
from unionfed_events.adapters.tables import directory
from unionfed_events.domain.improvements import Improvement, ImprovementFilter, ImprovementGroup, ValueRecord

orgs = directory.organizations
# What a step changes; the proposal itself is written once.
STEP_COLUMNS = (
    "status",
    "decided_on",
    "decided_by",
    "decision_note",
    "implemented_on",
    "implemented_by",
    "value_fen",
    "value_history",
)


class ImprovementRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def add(self, improvement: Improvement) -> Improvement:
        row = (
            await self._session.execute(improvements.insert().values(**_values(improvement)).returning(improvements))
        ).one()
        return improvement_of(row)

    async def get(self, improvement_id: uuid.UUID, *, lock: bool = False) -> Improvement | None:
        """``lock``: the row locked for this transaction, so two steps on it are taken one after the other."""
        query = select(improvements).where(improvements.c.id == improvement_id)
        row = (await self._session.execute(query.with_for_update() if lock else query)).first()
        return improvement_of(row) if row else None

    async def save_step(self, improvement: Improvement) -> None:
        values = _values(improvement)
        await self._session.execute(
            update(improvements)
            .where(improvements.c.id == improvement.id)
            .values({column: values[column] for column in STEP_COLUMNS})
        )

    async def page_under(
        self, root_id: str, wanted: ImprovementFilter, after: tuple[dt.date, uuid.UUID] | None, limit: int
    ) -> list[Improvement]:
        """Up to ``limit`` proposals filed in ``root_id`` or the unions under it, by filing date,
        after the (filed_on, id) ``after``."""
        query = (
            select(improvements)
            .join(orgs, orgs.c.id == improvements.c.organization_id)
            .where(any_(orgs.c.path) == root_id)
        )
        for column, value in ((improvements.c.kind, wanted.kind), (improvements.c.status, wanted.status)):
            if value is not None:
                query = query.where(column == value)
        if wanted.year is not None:
            query = query.where(
                improvements.c.filed_on.between(dt.date(wanted.year, 1, 1), dt.date(wanted.year, 12, 31))
            )
        if after is not None:
            query = query.where(
                tuple_(improvements.c.filed_on, improvements.c.id)
                > tuple_(literal(after[0], improvements.c.filed_on.type), literal(after[1], improvements.c.id.type))
            )
        query = query.order_by(improvements.c.filed_on, improvements.c.id).limit(limit)
        return [improvement_of(row) for row in await self._session.execute(query)]

    async def groups_under(self, root_id: str, year: int) -> list[ImprovementGroup]:
        """The subtree's proposals filed in the year, counted per union, kind and status (in PostgreSQL)."""
        rows = await self._session.execute(
            select(
                improvements.c.organization_id,
                improvements.c.kind,
                improvements.c.status,
                func.count().label("count"),
                func.coalesce(func.sum(improvements.c.value_fen), 0).label("value_fen"),
            )
            .join(orgs, orgs.c.id == improvements.c.organization_id)
            .where(
                any_(orgs.c.path) == root_id,
                improvements.c.filed_on.between(dt.date(year, 1, 1), dt.date(year, 12, 31)),
            )
            .group_by(improvements.c.organization_id, improvements.c.kind, improvements.c.status)
        )
        return [
            ImprovementGroup(r.organization_id, r.kind, r.status, r._mapping["count"], int(r.value_fen)) for r in rows
        ]


def _values(improvement: Improvement) -> dict[str, Any]:
    values = {k: v for k, v in dataclasses.asdict(improvement).items() if k != "created_at"}
    values["proposer_ids"] = list(improvement.proposer_ids)
    values["proposer_names"] = list(improvement.proposer_names)
    values["value_history"] = [
        {
            "value_fen": r.value_fen,
            "note": r.note,
            "recorded_by": r.recorded_by,
            "recorded_at": r.recorded_at.isoformat(),
        }
        for r in improvement.value_history
    ]
    return values


def _history(raw: Sequence[dict]) -> tuple[ValueRecord, ...]:
    return tuple(
        ValueRecord(r["value_fen"], r["note"], r["recorded_by"], dt.datetime.fromisoformat(r["recorded_at"]))
        for r in raw
    )


def improvement_of(row: Any) -> Improvement:
    values = {column.name: row._mapping[column.name] for column in improvements.columns}
    values["proposer_ids"] = tuple(values["proposer_ids"])
    values["proposer_names"] = tuple(values["proposer_names"])
    values["value_history"] = _history(values["value_history"])
    return Improvement(**values)
