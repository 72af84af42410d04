"""A service's record chains in PostgreSQL: the ``record_links`` table, appending, verifying."""

import datetime as dt
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    DateTime,
    Index,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
    func,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_shared.record_chain.rules import (
    GENESIS_HASH,
    Current,
    Verification,
    compare_records,
    link_record,
    unchained_fields,
    verify_links,
)


def record_links_table(metadata: MetaData) -> Table:
    """The service's ``record_links`` table (append-only: the migration's trigger refuses UPDATE and DELETE)."""
    return Table(
        "record_links",
        metadata,
        Column("organization_id", Text, nullable=False),
        Column("sequence", BigInteger, nullable=False),
        Column("record_kind", Text, nullable=False),
        Column("record_id", Text, nullable=False),
        Column("action", Text, nullable=False),
        Column("fields", JSONB, nullable=False),
        Column("field_digests", JSONB, nullable=False),
        Column("previous_hash", Text, nullable=False),
        Column("hash", Text, nullable=False),
        Column("recorded_at", DateTime(timezone=True), nullable=False),
        PrimaryKeyConstraint("organization_id", "sequence", name="pk_record_links"),
        CheckConstraint("sequence > 0", name="ck_record_links_sequence"),
        Index("ix_record_links_record", "record_kind", "record_id", "sequence"),
    )


async def append(
    session: AsyncSession,
    links: Table,
    organization_id: str,
    record_kind: str,
    record_id: str,
    action: str,
    fields: Mapping,
) -> dict:
    """Append a link to the organization's chain, in the caller's transaction.

    A transaction-scoped advisory lock on the organization's chain orders two appends (the second
    waits for the first to commit, then reads its link as the last one).
    """
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": f"record_links:{organization_id}"}
    )
    last = (
        await session.execute(
            select(links.c.sequence, links.c.hash)
            .where(links.c.organization_id == organization_id)
            .order_by(links.c.sequence.desc())
            .limit(1)
        )
    ).first()
    recorded_at = await session.scalar(select(func.clock_timestamp()))
    assert isinstance(recorded_at, dt.datetime)
    link = {
        "organization_id": organization_id,
        "sequence": (last.sequence if last else 0) + 1,
        "record_kind": record_kind,
        "record_id": record_id,
        "action": action,
        "previous_hash": last.hash if last else GENESIS_HASH,
        "recorded_at": recorded_at,
    }
    digest, document_fields, digests = link_record(link, fields)
    await session.execute(links.insert().values(**link, fields=document_fields, field_digests=digests, hash=digest))
    return {**link, "hash": digest}


# The records of one kind as they are now, that must equal their last link: of these organizations, or all.
CurrentRecords = Callable[[AsyncSession, Sequence[str] | None], Awaitable[dict[str, Current]]]


@dataclass(frozen=True)
class RecordKind:
    """One kind of chained record of a service."""

    name: str  # record_links.record_kind
    label: str  # how findings name it, e.g. "统计报表 statistics report"
    table: str  # the table its fields are read from
    current: CurrentRecords


async def verify(
    session: AsyncSession, links: Table, kinds: Sequence[RecordKind], organization_ids: Sequence[str] | None = None
) -> Verification:
    """Every chain (or these organizations') link by link, then every chained record now against its last link."""
    query = select(links).order_by(links.c.organization_id, links.c.sequence)
    if organization_ids is not None:
        query = query.where(links.c.organization_id.in_(organization_ids))
    by_organization: dict[str, list[dict]] = {}
    for row in await session.execute(query):
        by_organization.setdefault(row.organization_id, []).append(dict(row._mapping))
    findings: list[str] = []
    latest: dict[tuple[str, str], Mapping] = {}
    checked_links = 0
    for chain in by_organization.values():
        found, last = verify_links(chain)
        findings += found
        latest.update(last)
        checked_links += len(chain)
    checked_records = 0
    for kind in kinds:
        current = await kind.current(session, organization_ids)
        checked_records += len(current)
        findings += compare_records(kind.name, kind.label, kind.table, current, latest)
    return Verification(checked_links, checked_records, tuple(findings))


async def seal_unchained(session: AsyncSession, links: Table, kinds: Sequence[RecordKind]) -> int:
    """Append a ``sealed`` link for every record that should be chained and has no link (rows from
    before the chains existed), or whose last link lacks fields it has now (columns added since);
    how many. Run by the operator after such a migration; a second run seals nothing."""
    last_fields: dict[tuple[str, str], Mapping] = {}
    for row in await session.execute(
        select(links.c.record_kind, links.c.record_id, links.c.fields).order_by(
            links.c.organization_id, links.c.sequence
        )
    ):
        last_fields[(row.record_kind, row.record_id)] = row.fields
    sealed = 0
    for kind in kinds:
        for record_id, record in (await kind.current(session, None)).items():
            chained = last_fields.get((kind.name, record_id))
            if chained is None or unchained_fields(chained, record.fields):
                await append(session, links, record.organization_id, kind.name, record_id, "sealed", record.fields)
                sealed += 1
    return sealed


async def last_action(session: AsyncSession, links: Table, record_kind: str, record_id: str) -> str | None:
    """The action of the record's last link; None when it was never chained."""
    return await session.scalar(
        select(links.c.action)
        .where(links.c.record_kind == record_kind, links.c.record_id == record_id)
        .order_by(links.c.recorded_at.desc(), links.c.sequence.desc())
        .limit(1)
    )


async def append_on_change(
    session: AsyncSession,
    links: Table,
    organization_id: str,
    record_kind: str,
    record_id: str,
    action: str,
    fields: Mapping,
) -> dict | None:
    """Append a link when the record reached ``action`` since its last link (a report edited again
    while returned adds nothing; submitted again after a return does). The link, or None."""
    if await last_action(session, links, record_kind, record_id) == action:
        return None
    return await append(session, links, organization_id, record_kind, record_id, action, fields)


class RecordChains:
    """A service's record chains on a session (what its unit of work hands the use cases)."""

    def __init__(self, session: AsyncSession, links: Table, kinds: Sequence[RecordKind]):
        self._session, self._links, self._kinds = session, links, kinds

    async def verify(self, organization_ids: Sequence[str] | None = None) -> Verification:
        return await verify(self._session, self._links, self._kinds, organization_ids)

    async def seal_unchained(self) -> int:
        return await seal_unchained(self._session, self._links, self._kinds)
