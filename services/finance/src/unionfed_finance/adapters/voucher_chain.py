"""Chaining vouchers into their ledger, and re-verifying them from the rows and bytes as they are now."""

import hashlib
import uuid
from dataclasses import dataclass

from sqlalchemy import select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_finance.adapters.tables import attachment_blobs, attachments, postings, voucher_heads, voucher_links
from unionfed_finance.domain.ledger import GENESIS_HASH
from unionfed_finance.domain.voucher_chain import VOUCHER_RECORD_KIND, changed_columns, link_record
from unionfed_shared.attachments.store import storage_of
from unionfed_shared.db import make_engine

BATCH_SIZE = 200


class VoucherRepository:
    def __init__(self, session: AsyncSession):
        self.session = session

    async def entry(self, posting_id: uuid.UUID) -> dict | None:
        """The entry a voucher is attached to: its ledger, sequence, description and hash."""
        row = (
            await self.session.execute(
                select(
                    postings.c.id,
                    postings.c.organization_id,
                    postings.c.sequence,
                    postings.c.description,
                    postings.c.effective_date,
                    postings.c.hash,
                ).where(postings.c.id == posting_id)
            )
        ).first()
        return dict(row._mapping) if row else None

    async def descriptions(self, posting_ids: list[uuid.UUID]) -> dict[str, str]:
        rows = await self.session.execute(
            select(postings.c.id, postings.c.sequence, postings.c.description).where(postings.c.id.in_(posting_ids))
        )
        return {str(row.id): f"第 {row.sequence} 笔 {row.description}" for row in rows}

    async def chain(self, entry: dict, attachment: dict) -> dict:
        """Append the voucher's link to its ledger's voucher chain (the head row locked meanwhile)."""
        organization_id = entry["organization_id"]
        await self.session.execute(
            pg_insert(voucher_heads)
            .values(organization_id=organization_id, last_sequence=0, last_hash=GENESIS_HASH)
            .on_conflict_do_nothing(index_elements=["organization_id"])
        )
        head = (
            await self.session.execute(
                select(voucher_heads.c.last_sequence, voucher_heads.c.last_hash)
                .where(voucher_heads.c.organization_id == organization_id)
                .with_for_update()
            )
        ).one()
        link = {
            "organization_id": organization_id,
            "sequence": head.last_sequence + 1,
            "posting_id": entry["id"],
            "posting_hash": entry["hash"],
            "previous_hash": head.last_hash,
        }
        digest, digests = link_record(link, attachment)
        await self.session.execute(
            voucher_links.insert().values(**link, attachment_id=attachment["id"], hash=digest, field_digests=digests)
        )
        await self.session.execute(
            update(voucher_heads)
            .where(voucher_heads.c.organization_id == organization_id)
            .values(last_sequence=link["sequence"], last_hash=digest)
        )
        return {**link, "hash": digest}


@dataclass(frozen=True)
class VoucherFindings:
    checked: int
    findings: tuple[str, ...]
    # The voucher link each finding is about, in the same order (None: the head row, or a voucher never chained).
    links: tuple[int | None, ...] = ()

    def up_to(self, sequence: int) -> tuple[str, ...]:
        """The findings about links 1 … ``sequence`` (what a head signed at that link covers)."""
        return tuple(f for f, at in zip(self.findings, self.links) if at is not None and at <= sequence)


def _named(attachment: dict | None, link) -> str:
    if attachment is None:
        return f"voucher link {link.sequence} (attachment {link.attachment_id}) of entry {link.posting_id}"
    return (
        f"voucher {attachment['file_name']!r} (attachment {attachment['id']}, link {link.sequence}) "
        f"of entry {link.posting_id}"
    )


async def verify_vouchers(session: AsyncSession, organization_id: str) -> VoucherFindings:
    """Every voucher link of the ledger in order: its hash, its entry, its row and its bytes.

    The bytes are read from whichever store holds them (the row's ``attachment_blobs.content``, or
    the object store's object of the same SHA-256), one voucher at a time. Returns the findings (empty when every voucher verifies), each naming the voucher (file name,
    attachment id) and the entry it belongs to, then what is wrong.
    """
    findings: list[str] = []
    store = storage_of(session).bind(session, attachment_blobs)
    links_of: list[int | None] = []
    expected, prior, checked, chained_ids = 1, GENESIS_HASH, 0, set()
    after = 0
    while True:
        links = (
            await session.execute(
                select(voucher_links)
                .where(voucher_links.c.organization_id == organization_id, voucher_links.c.sequence > after)
                .order_by(voucher_links.c.sequence)
                .limit(BATCH_SIZE)
            )
        ).all()
        if not links:
            break
        ids = [link.attachment_id for link in links]
        rows = {
            row.id: dict(row._mapping)
            for row in await session.execute(select(attachments).where(attachments.c.id.in_(ids)))
        }
        entry_hashes = {
            row.id: row.hash
            for row in await session.execute(
                select(postings.c.id, postings.c.hash).where(postings.c.id.in_([link.posting_id for link in links]))
            )
        }
        for link in links:
            chained_ids.add(link.attachment_id)
            before = len(findings)
            attachment = rows.get(link.attachment_id)
            name = _named(attachment, link)
            if link.sequence != expected:
                findings.append(f"voucher link {expected} is missing; the next is {link.sequence}")
            elif link.previous_hash != prior:
                findings.append(f"{name}: voucher_links.previous_hash does not chain the link before it")
            if attachment is None:
                findings.append(f"{name}: its attachments row is missing (deleted, or its attachments.id changed)")
            else:
                mapping = dict(link._mapping)
                recomputed, _ = link_record(mapping, attachment)
                if recomputed != link.hash:
                    changed = changed_columns(link.field_digests, mapping, attachment)
                    what = "; ".join(f"{c} differs from what was chained" for c in changed) or (
                        "its rows no longer hash to the chained hash"
                    )
                    findings.append(f"{name}: {what}")
                if entry_hashes.get(link.posting_id) != link.posting_hash:
                    findings.append(f"{name}: the entry it was chained to no longer has the hash it had")
                chunks = await store.stream(attachment["sha256"])
                where = store.location(attachment["sha256"])
                if chunks is None:
                    findings.append(f"{name}: its file is missing from {where}")
                else:
                    hasher = hashlib.sha256()
                    async for chunk in chunks:
                        hasher.update(chunk)
                    actual = hasher.hexdigest()
                    if actual != attachment["sha256"]:
                        findings.append(
                            f"{name}: the stored file ({where}) hashes to {actual}, not its "
                            f"sha256 {attachment['sha256']}: the file was replaced"
                        )
            links_of += [link.sequence] * (len(findings) - before)
            expected, prior, checked = link.sequence + 1, link.hash, checked + 1
        after = links[-1].sequence
    head = (
        await session.execute(
            select(voucher_heads.c.last_sequence, voucher_heads.c.last_hash).where(
                voucher_heads.c.organization_id == organization_id
            )
        )
    ).first()
    head_sequence, head_hash = (head.last_sequence, head.last_hash) if head else (0, GENESIS_HASH)
    if (head_sequence, head_hash) != (expected - 1, prior):
        findings.append(
            f"the voucher head says link {head_sequence} hash {head_hash}, the links end at {expected - 1} hash {prior}"
        )
    unchained = await session.execute(
        select(attachments.c.id, attachments.c.file_name, attachments.c.record_id).where(
            attachments.c.organization_id == organization_id,
            attachments.c.record_kind == VOUCHER_RECORD_KIND,
            attachments.c.id.not_in(select(voucher_links.c.attachment_id)),
        )
    )
    for row in unchained:
        findings.append(
            f"voucher {row.file_name!r} (attachment {row.id}) of entry {row.record_id} was never chained "
            f"(an attachments row written around the service)"
        )
    links_of += [None] * (len(findings) - len(links_of))
    return VoucherFindings(checked, tuple(findings), tuple(links_of))


async def carry_over(live_database_url: str, target_database_url: str, *, keep_present: bool = False) -> int:
    """Copy the live database's vouchers (rows, bytes, links, heads) into a rebuilt one; how many.

    Vouchers are uploaded files, not events, so a replay of Kafka cannot bring them back. The
    replay writes the same entry ids and hashes, so the links copied verbatim chain to the rebuilt
    entries as they chained to the live ones, and verify-chain on the rebuilt books checks them
    (a link whose entry came back different is named there). Bytes are copied one file at a time.
    """
    live_engine = make_engine(live_database_url, pool_size=1, max_overflow=0)
    target_engine = make_engine(target_database_url, pool_size=1, max_overflow=0)
    copied = 0
    try:
        async with live_engine.connect() as live, target_engine.begin() as target:
            await live.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
            rows = await live.stream(
                select(attachments)
                .where(attachments.c.record_kind == VOUCHER_RECORD_KIND)
                .order_by(attachments.c.uploaded_at, attachments.c.id)
            )
            async for row in rows:
                blob = (
                    await live.execute(select(attachment_blobs).where(attachment_blobs.c.sha256 == row.sha256))
                ).first()
                if blob is not None:
                    await target.execute(
                        pg_insert(attachment_blobs)
                        .values(**blob._mapping)
                        .on_conflict_do_nothing(index_elements=["sha256"])
                    )
                if keep_present:
                    inserted = await target.execute(
                        pg_insert(attachments)
                        .values(**row._mapping)
                        .on_conflict_do_nothing()
                        .returning(attachments.c.id)
                    )
                    copied += inserted.first() is not None
                else:
                    await target.execute(attachments.insert().values(**row._mapping))
                    copied += 1
            for table in (voucher_links, voucher_heads):
                batch = [dict(r._mapping) for r in await live.execute(select(table))]
                if not batch:
                    continue
                if not keep_present:
                    await target.execute(table.insert(), batch)
                elif table is voucher_links:
                    await target.execute(pg_insert(table).on_conflict_do_nothing(), batch)
                else:
                    upsert = pg_insert(table)
                    await target.execute(
                        upsert.on_conflict_do_update(
                            index_elements=[table.c.organization_id],
                            set_={
                                "last_sequence": upsert.excluded.last_sequence,
                                "last_hash": upsert.excluded.last_hash,
                            },
                        ),
                        batch,
                    )
    finally:
        await live_engine.dispose()
        await target_engine.dispose()
    return copied
