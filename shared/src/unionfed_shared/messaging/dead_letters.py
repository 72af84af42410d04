"""Listing and replaying dead letters once the cause is fixed."""

from dataclasses import dataclass

from sqlalchemy import Table, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from unionfed_shared.messaging.consumer import EventConsumer, IncomingMessage, Outcome


@dataclass(frozen=True)
class ReplayResult:
    dead_letter_id: int
    outcome: Outcome


class DeadLetterAdmin:
    def __init__(self, session_factory: async_sessionmaker[AsyncSession], table: Table, consumer: EventConsumer):
        self._session_factory = session_factory
        self._table = table
        self._consumer = consumer

    async def find(self, status: str | None = "pending", limit: int | None = None) -> list[dict]:
        query = select(self._table).order_by(self._table.c.id).limit(limit)
        if status:
            query = query.where(self._table.c.status == status)
        async with self._session_factory() as session:
            return [dict(row._mapping) for row in await session.execute(query)]

    async def counts(self) -> dict[str, int]:
        """How many dead letters there are of each status (pending, replayed)."""
        query = select(self._table.c.status, func.count()).group_by(self._table.c.status)
        async with self._session_factory() as session:
            return dict((await session.execute(query)).all())  # rows unpack as (status, count)

    async def replay(self, ids: list[int] | None = None) -> list[ReplayResult]:
        """Run pending dead letters through the consumer again (all of them when ``ids`` is None)."""
        results = []
        for row in await self.find("pending"):
            if ids is not None and row["id"] not in ids:
                continue
            message = IncomingMessage(
                topic=row["topic"],
                partition=row["partition"],
                offset=row["offset"],
                key=row["key"],
                value=bytes(row["payload"]),
                headers=tuple((k, v.encode()) for k, v in row["headers"].items()),
            )
            outcome = await self._consumer.handle(message, to_dlq_topic=False)
            if outcome is not Outcome.DEAD_LETTERED:
                async with self._session_factory() as session, session.begin():
                    await session.execute(
                        update(self._table)
                        .where(self._table.c.id == row["id"])
                        .values(status="replayed", resolved_at=func.now())
                    )
            results.append(ReplayResult(row["id"], outcome))
        return results
