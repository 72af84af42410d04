"""Driving finance in-process: its journal entries reach its consumer as the relay and Kafka would."""

from sqlalchemy import text

from unionfed_shared.contracts.topics import FINANCE_JOURNAL
from unionfed_shared.messaging.consumer import IncomingMessage, Outcome


async def apply_journal(finance) -> list[Outcome]:
    """Hand every unpublished journal entry in finance's outbox to its consumer, in order.

    For runtimes built with ``start=False`` (no relay): the outbox id stands in for the offset.
    """
    async with finance.session_factory() as session, session.begin():
        rows = (
            await session.execute(
                text(
                    "UPDATE outbox SET published_at = now() WHERE published_at IS NULL AND topic = :topic "
                    "RETURNING id, key, headers, payload"
                ),
                {"topic": FINANCE_JOURNAL},
            )
        ).all()
    outcomes = []
    for row in sorted(rows, key=lambda r: r.id):
        message = IncomingMessage(
            topic=FINANCE_JOURNAL, partition=0, offset=row.id, key=bytes(row.key), value=bytes(row.payload),
            headers=tuple((k, v.encode()) for k, v in row.headers.items()),
        )
        outcomes.append(await finance.consumer.handle(message))
    return outcomes
