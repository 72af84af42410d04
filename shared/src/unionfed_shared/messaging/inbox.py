"""Which events a consumer has already applied, written in the same transaction as the effect."""

import enum

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_shared.contracts.envelope import Envelope


class Claim(enum.Enum):
    NEW = "new"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"


class ConflictingDuplicate(Exception):
    """An event id seen before arrived with a different payload: never apply it silently."""


async def claim(
    session: AsyncSession, consumer: str, envelope: Envelope, topic: str, partition: int, offset: int
) -> Claim:
    inserted = await session.scalar(
        text(
            """
            INSERT INTO inbox (consumer, event_id, event_type, payload_digest, topic, partition, "offset")
            VALUES (:consumer, :event_id, :event_type, :digest, :topic, :partition, :offset)
            ON CONFLICT (consumer, event_id) DO NOTHING
            RETURNING 1
            """
        ),
        {
            "consumer": consumer,
            "event_id": envelope.id,
            "event_type": envelope.type,
            "digest": envelope.payload_digest,
            "topic": topic,
            "partition": partition,
            "offset": offset,
        },
    )
    if inserted:
        return Claim.NEW
    seen_digest = await session.scalar(
        text("SELECT payload_digest FROM inbox WHERE consumer = :consumer AND event_id = :event_id"),
        {"consumer": consumer, "event_id": envelope.id},
    )
    return Claim.DUPLICATE if seen_digest == envelope.payload_digest else Claim.CONFLICT
