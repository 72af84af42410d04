"""The reads behind finance reports: period movements, entries with their sources, subtrees.

Reports run several queries; :func:`unionfed_shared.db.read_snapshot` makes them all see one snapshot, so an
entry appended meanwhile cannot make the opening, the movements and the head disagree.
"""

import datetime as dt
import json
import uuid

from sqlalchemy import Text, and_, any_, case, cast, false, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.tables import (
    accounts,
    directory,
    holds,
    inbox,
    ledgers,
    money_outcomes,
    outbox,
    posting_lines,
    postings,
)

BANK = "1001"
WELFARE_EXPENSE = "5101"
MAX_CAUSATION_HOPS = 10  # a cycle in recorded causation ids must not loop forever

Period = tuple[dt.date, dt.date]  # first and last day, inclusive


def _in_path(organization_id: str):
    """The organization is this directory row or one of its ancestors (its subtree)."""
    return literal(organization_id) == any_(directory.organizations.c.path)


async def organization(session: AsyncSession, organization_id: str) -> dict | None:
    orgs = directory.organizations
    row = (await session.execute(select(orgs).where(orgs.c.id == organization_id))).first()
    return dict(row._mapping) if row else None


async def organizations_by_id(session: AsyncSession, organization_ids: set[str]) -> dict[str, dict]:
    """Id → the directory's row (name, path, language …) of each of these organizations finance knows."""
    orgs = directory.organizations
    query = select(orgs).where(orgs.c.id.in_(sorted(organization_ids)))
    return {row.id: dict(row._mapping) for row in await session.execute(query)}


async def member_names(session: AsyncSession, candidates: set[str]) -> dict[str, str]:
    """Member id → display name, for those of ``candidates`` that are ids of members finance knows."""
    ids = set()
    for candidate in candidates:
        try:
            ids.add(uuid.UUID(candidate))
        except (TypeError, ValueError):
            continue  # a staff account's subject, not a member id
    if not ids:
        return {}
    members = directory.members
    query = select(members.c.id, members.c.display_name).where(members.c.id.in_(ids))
    return {str(row.id): row.display_name for row in await session.execute(query)}


async def ledger_head(session: AsyncSession, organization_id: str) -> tuple[int, str] | None:
    """(last sequence, last hash) of the ledger as of this snapshot."""
    row = (
        await session.execute(
            select(ledgers.c.last_sequence, ledgers.c.last_hash).where(ledgers.c.organization_id == organization_id)
        )
    ).first()
    return (row.last_sequence, row.last_hash) if row else None


def _up_to(query, through_sequence: int | None):
    """Only the entries up to ``through_sequence``: the books as a ledger head saw them."""
    return query if through_sequence is None else query.where(postings.c.sequence <= through_sequence)


def _lines_in(
    organization_id: str,
    period: Period | None = None,
    before: dt.date | None = None,
    through_sequence: int | None = None,
):
    """Debit and credit sums per account of one ledger's postings, by effective date:
    within ``period`` (first day, last day; inclusive) or before ``before``; entries up to
    ``through_sequence`` only, when given."""
    query = (
        select(
            posting_lines.c.account_code,
            func.coalesce(func.sum(posting_lines.c.debit_fen), 0).label("debit_fen"),
            func.coalesce(func.sum(posting_lines.c.credit_fen), 0).label("credit_fen"),
        )
        .join(postings, postings.c.id == posting_lines.c.posting_id)
        .where(postings.c.organization_id == organization_id)
        .group_by(posting_lines.c.account_code)
    )
    if period is not None:
        query = query.where(postings.c.effective_date.between(*period))
    if before is not None:
        query = query.where(postings.c.effective_date < before)
    return _up_to(query, through_sequence)


async def movements(
    session: AsyncSession, organization_id: str, period: Period, through_sequence: int | None = None
) -> dict[str, tuple[int, int]]:
    """Each account's (debits, credits) over entries dated within the period."""
    rows = await session.execute(_lines_in(organization_id, period=period, through_sequence=through_sequence))
    return {row.account_code: (int(row.debit_fen), int(row.credit_fen)) for row in rows}


async def bank_balance_before(
    session: AsyncSession, organization_id: str, day: dt.date, through_sequence: int | None = None
) -> int:
    """The bank balance from every entry dated before ``day`` (the opening of a period)."""
    query = _lines_in(organization_id, before=day, through_sequence=through_sequence).where(
        posting_lines.c.account_code == BANK
    )
    row = (await session.execute(query)).first()
    return int(row.debit_fen) - int(row.credit_fen) if row else 0


async def welfare_entries(
    session: AsyncSession,
    organization_id: str,
    period: Period,
    through_sequence: int | None = None,
    batch_prefixes: tuple[str, ...] = (),
) -> list[dict]:
    """The welfare payments in the period, in posting order: for each, its net welfare amount,
    how many payments it stands for (``count``), the part given as goods and, for a paid hold,
    its reference (which greeting batch).

    A posting that pays one hold (or none) is one row. A posting that pays many holds, each on its
    own line (a greeting's chunk, ``PayMany``), is a row per hold, except that holds of one batch
    (a reference starting with one of ``batch_prefixes``: ``greeting/<batch>/<member>``) paid the
    same amount come as one row with their count: a chunk is 1,000 members, and a county's
    greeting a hundred chunks.
    """
    welfare_line = or_(
        posting_lines.c.account_code == WELFARE_EXPENSE,
        posting_lines.c.account_code.like(WELFARE_EXPENSE + "/%"),
    )
    in_period = and_(postings.c.organization_id == organization_id, postings.c.effective_date.between(*period))
    line_hold = holds.alias("line_hold")
    paid_on_its_line = (
        select(line_hold.c.id)
        .where(line_hold.c.posting_id == posting_lines.c.posting_id, line_hold.c.line_no == posting_lines.c.line_no)
        .exists()
    )
    # At most one hold names a posting without a line of its own (a capture): the aggregate only
    # carries its reference and goods through the grouping.
    whole_postings = (
        select(
            postings.c.id,
            postings.c.sequence,
            postings.c.effective_date,
            postings.c.description,
            func.sum(posting_lines.c.debit_fen - posting_lines.c.credit_fen).label("amount_fen"),
            literal(1).label("count"),
            func.max(holds.c.reference).label("reference"),
            func.coalesce(func.max(holds.c.posted_goods_fen), 0).label("goods_fen"),
        )
        .join(posting_lines, posting_lines.c.posting_id == postings.c.id)
        .join(holds, and_(holds.c.posting_id == postings.c.id, holds.c.line_no.is_(None)), isouter=True)
        .where(in_period, welfare_line, ~paid_on_its_line)
        .group_by(postings.c.id)
    )
    each_fen = posting_lines.c.debit_fen - posting_lines.c.credit_fen
    batch = case(
        (
            or_(false(), *(holds.c.reference.startswith(prefix) for prefix in batch_prefixes)),
            func.split_part(holds.c.reference, "/", 1) + "/" + func.split_part(holds.c.reference, "/", 2),
        ),
        else_=cast(holds.c.id, Text),
    )
    holds_on_lines = (
        select(
            postings.c.id,
            postings.c.sequence,
            postings.c.effective_date,
            postings.c.description,
            func.sum(each_fen).label("amount_fen"),
            func.count().label("count"),
            func.min(holds.c.reference).label("reference"),
            func.sum(holds.c.posted_goods_fen).label("goods_fen"),
        )
        .select_from(holds)
        .join(postings, postings.c.id == holds.c.posting_id)
        .join(
            posting_lines,
            and_(posting_lines.c.posting_id == holds.c.posting_id, posting_lines.c.line_no == holds.c.line_no),
        )
        .where(in_period, welfare_line)
        .group_by(postings.c.id, batch, each_fen, holds.c.posted_goods_fen)
    )
    rows = [
        *await session.execute(_up_to(whole_postings, through_sequence)),
        *await session.execute(_up_to(holds_on_lines, through_sequence)),
    ]
    rows.sort(key=lambda row: (row.effective_date, row.sequence, row.reference or "", row.amount_fen))
    return [
        {**row._mapping, "amount_fen": int(row.amount_fen), "count": int(row.count), "goods_fen": int(row.goods_fen)}
        for row in rows
    ]


async def members_by_name(session: AsyncSession, organization_id: str) -> dict[str, str]:
    """Display name → member id of the union's members and of its groups' members."""
    orgs, members = directory.organizations, directory.members
    query = (
        select(members.c.display_name, members.c.id)
        .join(orgs, orgs.c.id == members.c.organization_id, isouter=True)
        .where(or_(members.c.organization_id == organization_id, _in_path(organization_id)))
    )
    return {row.display_name: str(row.id) for row in await session.execute(query)}


# ---------------------------------------------------------------- entries with their sources


async def _lines_of(session: AsyncSession, posting_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[dict]]:
    by_posting: dict[uuid.UUID, list[dict]] = {pid: [] for pid in posting_ids}
    if posting_ids:
        rows = await session.execute(
            select(posting_lines)
            .where(posting_lines.c.posting_id.in_(posting_ids))
            .order_by(posting_lines.c.posting_id, posting_lines.c.line_no)
        )
        for row in rows:
            by_posting[row.posting_id].append(dict(row._mapping))
    return by_posting


async def _reversals_of(session: AsyncSession, posting_ids: list[uuid.UUID]) -> dict[uuid.UUID, uuid.UUID]:
    """Original posting id → the posting that reverses it (which may be dated after the period)."""
    if not posting_ids:
        return {}
    rows = await session.execute(
        select(postings.c.reverses_posting_id, postings.c.id).where(postings.c.reverses_posting_id.in_(posting_ids))
    )
    return {row.reverses_posting_id: row.id for row in rows}


async def entries(session: AsyncSession, organization_id: str, period: Period) -> list[dict]:
    """Every posting dated within the period, in ledger order, with lines and reversal links."""
    rows = await session.execute(
        select(postings)
        .where(
            postings.c.organization_id == organization_id,
            postings.c.effective_date.between(*period),
        )
        .order_by(postings.c.sequence)
    )
    found = [dict(row._mapping) for row in rows]
    ids = [row["id"] for row in found]
    lines, reversed_by = await _lines_of(session, ids), await _reversals_of(session, ids)
    for row in found:
        row["lines"] = lines[row["id"]]
        row["reversed_by_posting_id"] = reversed_by.get(row["id"])
    return found


async def posting(session: AsyncSession, posting_id: uuid.UUID) -> dict | None:
    row = (await session.execute(select(postings).where(postings.c.id == posting_id))).first()
    if row is None:
        return None
    found = dict(row._mapping)
    found["lines"] = (await _lines_of(session, [posting_id]))[posting_id]
    found["reversed_by_posting_id"] = (await _reversals_of(session, [posting_id])).get(posting_id)
    return found


async def posting_summary(session: AsyncSession, posting_id: uuid.UUID | None) -> dict | None:
    if posting_id is None:
        return None
    row = (
        await session.execute(
            select(postings.c.id, postings.c.sequence, postings.c.effective_date, postings.c.description).where(
                postings.c.id == posting_id
            )
        )
    ).first()
    return dict(row._mapping) if row else None


async def money_outcome(session: AsyncSession, journal_event_id: str | None) -> dict | None:
    if journal_event_id is None:
        return None
    row = (
        await session.execute(select(money_outcomes).where(money_outcomes.c.journal_event_id == journal_event_id))
    ).first()
    return dict(row._mapping) if row else None


async def known_event(session: AsyncSession, event_id: str) -> dict | None:
    """What finance itself recorded of an event: emitted (outbox) or consumed (inbox).

    Finance holds the full envelope only of what it emitted — every journal entry is — so the
    time, actor and cause of other services' events are known only from the entry that cites them.
    """
    row = (await session.execute(select(outbox).where(outbox.c.event_id == event_id))).first()
    if row is not None:
        headers = row.headers or {}
        return {
            "event_id": row.event_id,
            "type": row.event_type,
            "topic": row.topic,
            "occurred_at": _parse_time(headers.get("ce_time")),
            "actor": headers.get("ce_actor"),
            "causation_id": headers.get("ce_causationid"),
            "correlation_id": headers.get("ce_correlationid"),
            "payload": _json(row.payload),
            "recorded_in": "outbox",
        }
    row = (
        await session.execute(select(inbox).where(inbox.c.event_id == event_id).order_by(inbox.c.processed_at).limit(1))
    ).first()
    if row is not None:
        return {
            "event_id": row.event_id,
            "type": row.event_type,
            "topic": row.topic,
            "partition": row.partition,
            "offset": row.offset,
            "recorded_in": "inbox",
        }
    return None


def _parse_time(value: str | None) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(value) if value else None
    except ValueError:
        return None


def _json(payload: bytes | None) -> dict:
    try:
        return json.loads(bytes(payload)) if payload else {}
    except ValueError:
        return {}


async def causation_chain(session: AsyncSession, entry: dict) -> list[dict]:
    """The posting's causes, nearest first: journal entry, source event, … back to the command.

    Each link says only what finance recorded; a link whose cause finance never saw ends the
    chain with that cause's id, so the auditor knows where to continue (the emitting service).
    """
    chain: list[dict] = []
    journal_id = entry.get("journal_event_id")
    journal = await known_event(session, journal_id) if journal_id else None
    source_is_journal = journal_id is None or journal_id == entry["source_event_id"]
    if journal_id and not source_is_journal:
        chain.append(
            {
                "kind": "journal_entry",
                "event_id": journal_id,
                "type": (journal or {}).get("type"),
                "topic": (journal or {}).get("topic"),
                "partition": entry["journal_partition"],
                "offset": entry["journal_offset"],
                "occurred_at": (journal or {}).get("occurred_at"),
                "actor": (journal or {}).get("actor"),
                "causation_id": (journal or {}).get("causation_id") or entry["source_event_id"],
            }
        )
    chain.append(
        {
            "kind": "journal_entry" if source_is_journal else "source_event",
            "event_id": entry["source_event_id"],
            "type": entry["source_event_type"],
            "topic": entry["source_topic"],
            "partition": entry["source_partition"],
            "offset": entry["source_offset"],
            "occurred_at": source_time(entry, journal),
            "actor": entry["actor"],
            "causation_id": entry["causation_id"],
        }
    )
    cause, seen = entry["causation_id"], {link["event_id"] for link in chain}
    for _ in range(MAX_CAUSATION_HOPS):
        if not cause or cause in seen:
            break
        if cause.startswith("cmd-"):
            chain.append({"kind": "command", "event_id": cause, "actor": entry["actor"]})
            break
        seen.add(cause)
        known = await known_event(session, cause)
        if known is None:
            chain.append({"kind": "unrecorded_event", "event_id": cause})
            break
        chain.append(
            {
                "kind": "event",
                "event_id": cause,
                "type": known.get("type"),
                "topic": known.get("topic"),
                "partition": known.get("partition"),
                "offset": known.get("offset"),
                "occurred_at": known.get("occurred_at"),
                "actor": known.get("actor"),
                "causation_id": known.get("causation_id"),
            }
        )
        cause = known.get("causation_id")
    return chain


def source_time(entry: dict, journal: dict | None) -> dt.datetime | None:
    """When the source event happened, if finance's copy of the journal entry says so."""
    if journal is None:
        return None
    if entry["source_event_id"] == journal["event_id"]:
        return journal.get("occurred_at")
    source = (journal.get("payload") or {}).get("source") or {}
    return _parse_time(source.get("occurred_at")) if source.get("event_id") == entry["source_event_id"] else None


# ---------------------------------------------------------------- subtrees


async def subtree_ledgers(session: AsyncSession, organization_id: str) -> list[dict]:
    """The ledgers of the organization and every organization below it in the directory."""
    orgs = directory.organizations
    query = (
        select(ledgers.c.organization_id, orgs.c.name, orgs.c.kind, ledgers.c.last_sequence, ledgers.c.last_hash)
        .join(orgs, orgs.c.id == ledgers.c.organization_id)
        .where(_in_path(organization_id))
        .order_by(func.cardinality(orgs.c.path), ledgers.c.organization_id)
    )
    return [dict(row._mapping) for row in await session.execute(query)]


async def subtree_organization_ids(session: AsyncSession, organization_id: str) -> list[str]:
    orgs = directory.organizations
    return list(await session.scalars(select(orgs.c.id).where(_in_path(organization_id))))


async def balances_of(session: AsyncSession, organization_ids: list[str]) -> list[tuple[str, int]]:
    """(code, balance in the account's normal direction) of every account of those ledgers."""
    rows = await session.execute(
        select(accounts.c.code, accounts.c.balance_fen).where(accounts.c.organization_id.in_(organization_ids))
    )
    return [(row.code, int(row.balance_fen)) for row in rows]


async def internal_lines(
    session: AsyncSession, ledger_ids: list[str], subtree_ids: list[str]
) -> dict[str, tuple[int, int]]:
    """Debits and credits per account of lines between two organizations both in the subtree."""
    rows = await session.execute(
        select(
            posting_lines.c.account_code,
            func.sum(posting_lines.c.debit_fen).label("debit_fen"),
            func.sum(posting_lines.c.credit_fen).label("credit_fen"),
        )
        .where(
            and_(
                posting_lines.c.organization_id.in_(ledger_ids),
                posting_lines.c.counterparty_id.in_(subtree_ids),
            )
        )
        .group_by(posting_lines.c.account_code)
    )
    return {row.account_code: (int(row.debit_fen), int(row.credit_fen)) for row in rows}
