"""The hand-written baseline: what finance's poster writes, in plain asyncpg, one transaction a batch.

This is the ceiling a framework-free consumer would reach on the same schema, with the same
effects and guarantees as the service: every event claimed once in ``inbox`` (a duplicate is
skipped, the same id with another payload refused), ledgers and their chart opened on first use,
each ledger's head locked, postings with their sequence and hash chain (the domain's
``chain_record``, so the CPU work is the same), lines, balances moved with their floors kept, the
head advanced, one ``money_outcomes`` row and one settlement event in ``outbox`` per event, all
in one transaction; the caller commits the Kafka offsets after it.

Statements per batch (BEGIN and COMMIT aside): inbox claim; ledgers and chart for unions not
seen yet (two, only the first time); heads ``FOR UPDATE``; closed periods; balances ``FOR
UPDATE``; then COPY postings, COPY posting_lines, one UPDATE of all balances, one UPDATE of all
heads, COPY money_outcomes, COPY outbox.

It handles what the bench sends — ``Post`` instructions without spending (5xxx) lines, so no
budgets are involved — and says so for anything else rather than doing part of the work.
"""

import json
import uuid
from collections import defaultdict

import asyncpg

from unionfed_finance.domain.chain import ENTRY_COLUMNS, LINE_COLUMNS, chain_record
from unionfed_finance.domain.ledger import (
    GENESIS_HASH,
    STANDARD_CHART,
    Line,
    Posting,
    Refused,
    SourceEvent,
    account_spec,
)
from unionfed_finance.service_layer.poster import derived_id, source_of
from unionfed_shared.contracts import finance as contract
from unionfed_shared.contracts.envelope import Envelope, decode_headers
from unionfed_shared.messaging.consumer import Delivery

CONSUMER = "finance"  # the inbox name the service's EventConsumer uses
SOURCE = "/unionfed/finance"

_CLAIM = """
    INSERT INTO inbox (consumer, event_id, event_type, payload_digest, topic, partition, "offset")
    SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::bigint[])
    ON CONFLICT (consumer, event_id) DO NOTHING
    RETURNING event_id
"""
_SEEN_DIGESTS = "SELECT event_id, payload_digest FROM inbox WHERE consumer = $1 AND event_id = ANY($2::text[])"
_OPEN_LEDGERS = """
    INSERT INTO ledgers (organization_id, federation_id, last_hash)
    SELECT *, $3 FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING
"""
_OPEN_ACCOUNTS = """
    INSERT INTO accounts (organization_id, code, name, name_zh, type, floor_fen)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[])
    ON CONFLICT DO NOTHING
"""
# One order for every writer (organization id), as the service locks them: no deadlocks.
_LOCK_HEADS = """
    SELECT organization_id, last_sequence, last_hash FROM ledgers
    WHERE organization_id = ANY($1::text[]) ORDER BY organization_id FOR UPDATE
"""
_CLOSED_PERIODS = (
    "SELECT organization_id, starts_on, ends_on FROM closed_periods WHERE organization_id = ANY($1::text[])"
)
_LOCK_BALANCES = """
    SELECT a.organization_id, a.code, a.balance_fen, a.pending_fen, a.floor_fen
    FROM accounts a JOIN unnest($1::text[], $2::text[]) AS k(organization_id, code)
      ON a.organization_id = k.organization_id AND a.code = k.code
    ORDER BY a.organization_id, a.code FOR UPDATE OF a
"""
_MOVE_BALANCES = """
    UPDATE accounts a SET balance_fen = a.balance_fen + d.delta
    FROM unnest($1::text[], $2::text[], $3::bigint[]) AS d(organization_id, code, delta)
    WHERE a.organization_id = d.organization_id AND a.code = d.code
"""
_MOVE_HEADS = """
    UPDATE ledgers l SET last_sequence = h.sequence, last_hash = h.hash
    FROM unnest($1::text[], $2::bigint[], $3::text[]) AS h(organization_id, sequence, hash)
    WHERE l.organization_id = h.organization_id
"""
_POSTING_COLUMNS = (*ENTRY_COLUMNS, "hash", "field_digests")
_LINE_COLUMNS = LINE_COLUMNS
_OUTCOME_COLUMNS = (
    "journal_event_id",
    "request_event_id",
    "federation_id",
    "requested_by",
    "operation",
    "outcome",
    "reason",
    "warnings",
    "reference",
    "hold_id",
    "posting_ids",
)
_OUTBOX_COLUMNS = ("event_id", "event_type", "topic", "key", "headers", "payload")


class ConflictingDuplicate(Exception):
    pass


async def prepare(conn: asyncpg.Connection) -> None:
    # JSONB as JSON text, in the binary format too (version byte 1), which COPY needs.
    await conn.set_type_codec(
        "jsonb",
        schema="pg_catalog",
        format="binary",
        encoder=lambda text: b"\x01" + text.encode(),
        decoder=lambda data: data[1:].decode(),
    )


class RawPoster:
    """Applies batches of journal records on one asyncpg connection."""

    def __init__(self, conn: asyncpg.Connection):
        self._conn = conn
        self._open: set[str] = set()  # ledgers known to be open (committed): no need to open again

    async def apply(self, records: list) -> int:
        """Apply one batch in one transaction; returns how many events were new."""
        if not records:
            return 0
        parsed = [_parse(r) for r in records]  # outside the transaction: no locks held while parsing
        conn = self._conn
        async with conn.transaction():
            claimed = {
                row[0]
                for row in await conn.fetch(
                    _CLAIM,
                    CONSUMER,
                    [e.id for _r, e, _x in parsed],
                    [e.type for _r, e, _x in parsed],
                    [e.payload_digest for _r, e, _x in parsed],
                    [r.topic for r, _e, _x in parsed],
                    [r.partition for r, _e, _x in parsed],
                    [r.offset for r, _e, _x in parsed],
                )
            }
            if len(claimed) < len(parsed):
                await self._check_duplicates([e for _r, e, _x in parsed if e.id not in claimed])
            new = [p for p in parsed if p[1].id in claimed]
            if not new:
                return 0
            unions = {
                spec.organization_id: entry.federation_id
                for _r, _e, entry in new
                for spec in entry.instruction.postings
            }
            opening = sorted(set(unions) - self._open)
            if opening:
                await conn.execute(_OPEN_LEDGERS, opening, [unions[o] for o in opening], GENESIS_HASH)
                rows = [
                    (o, s.code, s.name, s.name_zh, s.type.value, s.floor_fen) for o in opening for s in STANDARD_CHART
                ]
                await conn.execute(_OPEN_ACCOUNTS, *map(list, zip(*rows)))
            organizations = sorted(unions)
            heads = {r[0]: (r[1], r[2]) for r in await conn.fetch(_LOCK_HEADS, organizations)}
            closed = defaultdict(list)
            for row in await conn.fetch(_CLOSED_PERIODS, organizations):
                closed[row[0]].append((row[1], row[2]))
            touched = sorted(
                {
                    (spec.organization_id, line.account)
                    for _r, _e, entry in new
                    for spec in entry.instruction.postings
                    for line in spec.lines
                }
            )
            balances = {
                (r[0], r[1]): [r[2], r[3], r[4]]
                for r in await conn.fetch(_LOCK_BALANCES, [t[0] for t in touched], [t[1] for t in touched])
            }
            batch = _Batch(heads, closed, balances)
            for record, envelope, entry in new:
                batch.apply(record, envelope, entry)
            await batch.write(conn)
        self._open.update(unions)
        return len(new)

    async def _check_duplicates(self, envelopes: list[Envelope]) -> None:
        seen = dict(await self._conn.fetch(_SEEN_DIGESTS, CONSUMER, [e.id for e in envelopes]))
        for envelope in envelopes:
            if seen.get(envelope.id) != envelope.payload_digest:
                raise ConflictingDuplicate(f"event {envelope.id} was already applied with a different payload")


def _parse(record) -> tuple:
    envelope = Envelope.from_headers(decode_headers(record.headers), record.value)
    entry = envelope.parse(contract.JournalEntryV1)
    instruction = entry.instruction
    if instruction.op != "post" or any(l.account.startswith("5") for s in instruction.postings for l in s.lines):
        raise NotImplementedError(f"the raw poster applies only Post without spending lines, not {instruction.op}")
    return record, envelope, entry


class _Batch:
    """One batch's effects, computed in memory against the locked heads and balances, then written."""

    def __init__(self, heads: dict, closed: dict, balances: dict):
        self.heads = heads
        self.closed = closed
        self.balances = balances
        self.deltas: dict[tuple[str, str], int] = defaultdict(int)
        self.moved_heads: set[str] = set()
        self.postings: list[tuple] = []
        self.lines: list[tuple] = []
        self.outcomes: list[tuple] = []
        self.outbox: list[tuple] = []

    def apply(self, record, envelope: Envelope, entry: contract.JournalEntryV1) -> None:
        source = source_of(entry, Delivery(envelope, record.topic, record.partition, record.offset))
        specs = entry.instruction.postings
        postings = [
            Posting.balanced(
                s.organization_id,
                s.effective_date,
                s.description,
                [Line(l.account, l.debit_fen, l.credit_fen, l.counterparty_id) for l in s.lines],
            )
            for s in specs
        ]
        ids = [derived_id(envelope.id, "posting", str(i)) for i in range(len(postings))]
        try:
            if len({p.organization_id for p in postings}) != len(postings):
                raise Refused("an instruction posts at most once in each ledger")
            self._check(postings)
        except Refused as refusal:
            self._settle(envelope, entry, "refused", refusal.reason, [])
            return
        for posting_id, posting in sorted(zip(ids, postings), key=lambda pair: pair[1].organization_id):
            self._append(posting_id, posting, source)
        self._settle(envelope, entry, "posted", None, ids)

    def _check(self, postings: list[Posting]) -> None:
        """The service's refusals: a closed period, or a floor the lines would break."""
        for posting in postings:
            for starts_on, ends_on in self.closed.get(posting.organization_id, ()):
                if starts_on <= posting.effective_date <= ends_on:
                    raise Refused(f"period of {posting.organization_id} is closed")
            for line in posting.lines:
                key = (posting.organization_id, line.account_code)
                if key not in self.balances:
                    raise Refused(f"account {line.account_code} is not open in {posting.organization_id}")
                balance, pending, floor = self.balances[key]
                delta = line.signed_for(account_spec(line.account_code).type)
                if floor is not None and delta < 0 and balance - pending + delta < floor:
                    raise Refused(
                        f"account {line.account_code} of {posting.organization_id} would fall below its floor"
                    )

    def _append(self, posting_id: uuid.UUID, posting: Posting, source: SourceEvent) -> None:
        organization = posting.organization_id
        last_sequence, last_hash = self.heads[organization]
        sequence = last_sequence + 1
        entry = {
            "id": posting_id,
            "organization_id": organization,
            "sequence": sequence,
            "effective_date": posting.effective_date,
            "description": posting.description,
            "total_fen": posting.total_fen,
            "source_event_id": source.event_id,
            "source_event_type": source.event_type,
            "source_topic": source.topic,
            "source_partition": source.partition,
            "source_offset": source.offset,
            "actor": source.actor,
            "causation_id": source.causation_id,
            "correlation_id": source.correlation_id,
            "trace_id": source.trace_id,
            "journal_event_id": source.journal_event_id,
            "journal_partition": source.journal_partition,
            "journal_offset": source.journal_offset,
            "reverses_posting_id": posting.reverses_posting_id,
            "previous_hash": last_hash,
            "recorded_at": source.recorded_at,
        }
        lines = [
            {
                "posting_id": posting_id,
                "line_no": number,
                "organization_id": organization,
                "account_code": line.account_code,
                "debit_fen": line.debit_fen,
                "credit_fen": line.credit_fen,
                "counterparty_id": line.counterparty_id,
            }
            for number, line in enumerate(posting.lines, start=1)
        ]
        digest, digests = chain_record(entry, lines)
        self.heads[organization] = (sequence, digest)
        self.moved_heads.add(organization)
        self.postings.append((*(entry[name] for name in ENTRY_COLUMNS), digest, json.dumps(digests)))
        self.lines.extend(tuple(line[name] for name in LINE_COLUMNS) for line in lines)
        for line in posting.lines:
            delta = line.signed_for(account_spec(line.account_code).type)
            self.balances[(organization, line.account_code)][0] += delta
            self.deltas[(organization, line.account_code)] += delta

    def _settle(self, envelope: Envelope, entry, outcome: str, reason: str | None, posting_ids: list) -> None:
        request_event_id = entry.source.event_id if entry.source else envelope.id
        self.outcomes.append(
            (
                envelope.id,
                request_event_id,
                entry.federation_id,
                entry.requested_by,
                entry.instruction.op,
                outcome,
                reason,
                "[]",
                entry.reference,
                None,
                posting_ids,
            )
        )
        settled = contract.MoneyRequestSettledV1(
            organization_id=entry.requested_by,
            federation_id=entry.federation_id,
            request_event_id=request_event_id,
            journal_event_id=envelope.id,
            operation=entry.instruction.op,
            outcome=outcome,
            reason=reason,
            warnings=[],
            reference=entry.reference,
            posting_ids=posting_ids,
        )
        event = Envelope.wrap(
            settled,
            source=SOURCE,
            correlation_id=envelope.correlation_id,
            causation_id=envelope.id,
            actor=envelope.actor,
            trace_headers=envelope.trace_headers,
            event_id=str(derived_id(envelope.id, "settled")),
        )
        self.outbox.append((event.id, event.type, settled.topic, event.key, json.dumps(event.headers()), event.data))

    async def write(self, conn: asyncpg.Connection) -> None:
        if self.postings:
            await conn.copy_records_to_table("postings", records=self.postings, columns=_POSTING_COLUMNS)
            await conn.copy_records_to_table("posting_lines", records=self.lines, columns=_LINE_COLUMNS)
            moved = sorted(self.deltas.items())
            await conn.execute(
                _MOVE_BALANCES, [k[0] for k, _ in moved], [k[1] for k, _ in moved], [d for _, d in moved]
            )
            heads = sorted((o, self.heads[o]) for o in self.moved_heads)
            await conn.execute(_MOVE_HEADS, [o for o, _ in heads], [h[0] for _, h in heads], [h[1] for _, h in heads])
        await conn.copy_records_to_table("money_outcomes", records=self.outcomes, columns=_OUTCOME_COLUMNS)
        await conn.copy_records_to_table("outbox", records=self.outbox, columns=_OUTBOX_COLUMNS)
