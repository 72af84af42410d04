"""Driving finance in-process: its journal entries reach its consumer as the relay and Kafka would."""

import uuid
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import func, select, text

from tests.kafka_tools import envelope_for, incoming_message, producer, send_envelope
from tests.pytest_infra import eventually
from unionfed_finance.adapters.tables import money_outcomes
from unionfed_shared.contracts.topics import FINANCE_JOURNAL, MEMBERSHIP
from unionfed_shared.messaging.consumer import IncomingMessage, Outcome


async def apply_journal(finance) -> list[Outcome]:
    """Hand every unpublished journal entry in finance's outbox to its consumer, in order.

    For runtimes built with ``start=False`` (no relay): the outbox id stands in for the offset.
    """
    return await relay(finance, finance, FINANCE_JOURNAL)


async def relay(source, target, topic: str) -> list[Outcome]:
    """Hand every unpublished ``topic`` event in ``source``'s outbox to ``target``'s consumer, in
    order, as the outbox relay and Kafka would (runtimes built with ``start=False``)."""
    async with source.session_factory() as session, session.begin():
        rows = (
            await session.execute(
                text(
                    "UPDATE outbox SET published_at = now() WHERE published_at IS NULL AND topic = :topic "
                    "RETURNING id, key, headers, payload"
                ),
                {"topic": topic},
            )
        ).all()
    outcomes = []
    for row in sorted(rows, key=lambda r: r.id):
        message = IncomingMessage(
            topic=topic,
            partition=0,
            offset=row.id,
            key=bytes(row.key),
            value=bytes(row.payload),
            headers=tuple((k, v.encode()) for k, v in row.headers.items()),
        )
        outcomes.append(await target.consumer.handle(message))
    return outcomes


def journal_entry(federation: str, requested_by: str, instruction, reference: str | None = None):
    from unionfed_shared.contracts.finance import JournalEntryV1

    return JournalEntryV1(
        organization_id=federation,
        federation_id=federation,
        instruction=instruction,
        requested_by=requested_by,
        reference=reference,
    )


def journal_message(envelope, offset: int, partition: int = 0) -> IncomingMessage:
    return incoming_message(envelope, FINANCE_JOURNAL, offset, partition)


_offsets = iter(range(10**6, 10**9))


async def apply_instruction(finance, federation: str, requested_by: str, instruction, reference: str | None = None):
    """Apply one instruction through finance's consumer; returns its money outcome row."""
    from tests.kafka_tools import envelope_for

    envelope = envelope_for(journal_entry(federation, requested_by, instruction, reference))
    assert await finance.consumer.handle(journal_message(envelope, next(_offsets))) is Outcome.PROCESSED
    async with finance.uow() as uow:
        return await uow.outcomes.get(envelope.id)


async def balances(finance, organization_id: str) -> dict[str, int]:
    async with finance.uow() as uow:
        return {row["code"]: row["balance_fen"] for row in await uow.ledgers.balances(organization_id)}


async def pending(finance, organization_id: str) -> dict[str, int]:
    async with finance.uow() as uow:
        return {
            row["code"]: row["pending_fen"] for row in await uow.ledgers.balances(organization_id) if row["pending_fen"]
        }


def signing_key_file(directory: Path) -> str:
    """A fresh Ed25519 key in PEM, as ``openssl genpkey -algorithm ed25519`` writes it: finance signs
    ledger heads with it (without one, exporting a head answers 503 by design)."""
    path = directory / f"head-signing-key-{uuid.uuid4().hex[:6]}.pem"
    path.write_bytes(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return str(path)


async def send_and_settle(live, bootstrap: str, federation: str, setup, money) -> None:
    """Send a school's set-up (membership events) and its money events, (topic, event) each, to
    Kafka; return once ``live`` finance has an outcome for every money event."""
    async with producer(bootstrap) as client:
        for event in setup:
            await send_envelope(client, MEMBERSHIP, envelope_for(event))
        for topic, event in money:
            await send_envelope(client, topic, envelope_for(event))

    async def all_settled():
        async with live.session_factory() as session:
            settled = await session.scalar(
                select(func.count()).select_from(money_outcomes).where(money_outcomes.c.federation_id == federation)
            )
        return settled == len(money)

    await eventually(all_settled, timeout=60)
