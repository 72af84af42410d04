"""Money events for the benchmarks: dues postings on the finance journal, as the service writes them.

Each event is a ``JournalEntryV1`` whose ``Post`` instruction carries one balanced dues posting
(Dr 1001 bank / Cr 4101 dues income) of one union, wrapped in the real CloudEvents envelope with
the topic, key and headers the finance outbox relay would publish: keyed by the federation, or —
for a federation keyed by ledger (``ordering="ledger"``) — by the union whose chain it extends. The loader
remembers what it put on the topic (count and fen per union), so every scenario can check the
books it gets against it.
"""

import asyncio
import datetime as dt
import os
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient

from unionfed_finance.domain import flows
from unionfed_finance.service_layer import journal
from unionfed_shared.contracts import finance as contract
from unionfed_shared.contracts import topics
from unionfed_shared.contracts.envelope import Envelope
from unionfed_shared.contracts.finance import Ordering
from unionfed_shared.messaging.kafka import end_offsets, ensure_topics

JOURNAL_TOPIC = topics.FINANCE_JOURNAL
FEDERATIONS = 8
UNIONS_PER_FEDERATION = 25
# What finance's unit of work stamps on everything it emits (Runtime.uow).
SOURCE = "/unionfed/finance"
ACTOR = "bench-treasurer"
COLLECTED_ON = dt.date(2026, 10, 15)


def federation_id(f: int) -> str:
    return f"bench-fed-{f}"


def union_id(f: int, u: int) -> str:
    return f"bench-fed-{f}-union-{u:02d}"


UNIONS = [(federation_id(f), union_id(f, u)) for f in range(FEDERATIONS) for u in range(UNIONS_PER_FEDERATION)]


def event_of(index: int, federations: int = FEDERATIONS) -> tuple[str, str, int]:
    """(federation, union, amount in fen) of the index-th bench event among the first ``federations``;
    deterministic, so reproducible."""
    unions = UNIONS[: federations * UNIONS_PER_FEDERATION]
    federation, union = unions[index % len(unions)]
    amount_fen = 500 + (index * 7919) % 49_500  # ¥5.00 – ¥499.99: a month's dues
    return federation, union, amount_fen


def journal_message(
    index: int, federations: int = FEDERATIONS, ordering: Ordering = "federation"
) -> tuple[bytes, bytes, list[tuple[str, bytes]]]:
    """(key, value, headers) of one journal entry, exactly as the outbox relay sends it."""
    federation, union, amount_fen = event_of(index, federations)
    posting = flows.dues(union, amount_fen, "2026-10", COLLECTED_ON)
    entry = contract.JournalEntryV1(
        organization_id=union if ordering == "ledger" else federation,
        federation_id=federation,
        ordering=ordering,
        instruction=journal.post(posting),
        requested_by=union,
        reference=f"bench-dues-{index}",
    )
    # A command made in finance carries the trace of its HTTP request (W3C traceparent).
    traceparent = f"00-{os.urandom(16).hex()}-{os.urandom(8).hex()}-01"
    envelope = Envelope.wrap(
        entry,
        source=SOURCE,
        correlation_id=None,
        causation_id=None,
        actor=ACTOR,
        trace_headers={"traceparent": traceparent},
    )
    headers = [(name, value.encode()) for name, value in envelope.headers().items()]
    return envelope.key, envelope.data, headers


@dataclass
class JournalLoad:
    """What the bench has put on the journal topic, for the correctness gates."""

    events: int = 0
    bank_fen: dict[str, int] = field(default_factory=lambda: defaultdict(int))  # per union
    # End offsets of the journal topic right after each load: how far a consumer must get.
    end_offsets: dict[tuple[str, int], int] = field(default_factory=dict)

    @property
    def total_fen(self) -> int:
        return sum(self.bank_fen.values())


async def reset_topics(bootstrap: str) -> None:
    """Start from empty topics: the bench infra keeps data between runs, and a rebuild replays it all."""
    doomed = list(topics.ALL_TOPICS)
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        present = [t for t in doomed if t in existing]
        if present:
            await admin.delete_topics(present)
        deadline = time.monotonic() + 60
        while set(await admin.list_topics()) & set(present):
            if time.monotonic() > deadline:
                raise RuntimeError(f"topics {present} still exist 60 s after deleting them")
            await asyncio.sleep(0.5)
    finally:
        await admin.close()
    await ensure_topics_settled(bootstrap)


async def ensure_topics_settled(bootstrap: str, attempts: int = 20) -> None:
    """ensure_topics, retried: for a while after topics are deleted and made again, the broker's
    metadata still names the old ones (describe answers UnknownTopicOrPartition)."""
    for attempt in range(attempts):
        try:
            await ensure_topics(bootstrap)
            return
        except Exception:
            if attempt == attempts - 1:
                raise
            await asyncio.sleep(1)


async def load_journal(
    bootstrap: str,
    load: JournalLoad,
    count: int,
    *,
    say: Callable[[str], None] = print,
    chunk: int = 20_000,
    federations: int = FEDERATIONS,
    ordering: Ordering = "federation",
) -> float:
    """Append ``count`` more bench events of the first ``federations`` to the journal, keyed as
    ``ordering`` says; returns the seconds it took."""
    started = time.monotonic()
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        acks="all",
        enable_idempotence=True,  # as the service's producer: no duplicates on retry
        linger_ms=50,
        max_batch_size=1024 * 1024,
        max_request_size=8 * 1024 * 1024,
    )
    await producer.start()
    first = load.events
    try:
        for chunk_start in range(first, first + count, chunk):
            chunk_end = min(chunk_start + chunk, first + count)
            acknowledgements = []
            for index in range(chunk_start, chunk_end):
                key, value, headers = journal_message(index, federations, ordering)
                # send() only queues (it waits when the buffer is full); the acks are awaited per chunk.
                acknowledgements.append(await producer.send(JOURNAL_TOPIC, value, key=key, headers=headers))
            await asyncio.gather(*acknowledgements)
            for index in range(chunk_start, chunk_end):
                _federation, union, amount = event_of(index, federations)
                load.bank_fen[union] += amount
            load.events = chunk_end
            done = chunk_end - first
            elapsed = time.monotonic() - started
            say(f"  journal: {done:,} of {count:,} events produced ({done / elapsed:,.0f}/s)")
    finally:
        await producer.stop()
    load.end_offsets = dict(await end_offsets(bootstrap, [JOURNAL_TOPIC]))
    return time.monotonic() - started
