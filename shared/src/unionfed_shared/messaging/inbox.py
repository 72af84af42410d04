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
    [result] = await claim_many(session, consumer, [(envelope, topic, partition, offset)])
    return result


async def claim_many(
    session: AsyncSession, consumer: str, deliveries: list[tuple[Envelope, str, int, int]]
) -> list[Claim]:
    """Claim a batch of (envelope, topic, partition, offset) in one statement; a claim per delivery.

    An event id repeated inside the batch is claimed by its first delivery; the later ones are
    duplicates (same payload) or conflicts, exactly as if they had arrived one at a time.
    """
    first_of: dict[str, Envelope] = {}
    for envelope, *_ in deliveries:
        first_of.setdefault(envelope.id, envelope)
    fresh = [d for d in deliveries if first_of[d[0].id] is d[0]]
    inserted = set(
        await session.scalars(
            text(
                """
                INSERT INTO inbox (consumer, event_id, event_type, payload_digest, topic, partition, "offset")
                SELECT :consumer, * FROM unnest(
                    CAST(:event_ids AS text[]), CAST(:event_types AS text[]), CAST(:digests AS text[]),
                    CAST(:topics AS text[]), CAST(:partitions AS integer[]), CAST(:offsets AS bigint[]))
                ON CONFLICT (consumer, event_id) DO NOTHING
                RETURNING event_id
                """
            ),
            {
                "consumer": consumer,
                "event_ids": [e.id for e, *_ in fresh],
                "event_types": [e.type for e, *_ in fresh],
                "digests": [e.payload_digest for e, *_ in fresh],
                "topics": [topic for _, topic, _, _ in fresh],
                "partitions": [partition for _, _, partition, _ in fresh],
                "offsets": [offset for _, _, _, offset in fresh],
            },
        )
    )
    seen_before = [event_id for event_id in first_of if event_id not in inserted]
    digests: dict[str, str] = {}
    if seen_before:
        rows = await session.execute(
            text("SELECT event_id, payload_digest FROM inbox WHERE consumer = :consumer AND event_id = ANY(:ids)"),
            {"consumer": consumer, "ids": seen_before},
        )
        digests = {row.event_id: row.payload_digest for row in rows}
    claims = []
    for envelope, *_ in deliveries:
        if envelope.id in inserted and first_of[envelope.id] is envelope:
            claims.append(Claim.NEW)
            continue
        # A later copy inside the batch compares with the first; an earlier batch's with its row.
        known = first_of[envelope.id].payload_digest if envelope.id in inserted else digests.get(envelope.id)
        claims.append(Claim.DUPLICATE if known == envelope.payload_digest else Claim.CONFLICT)
    return claims
