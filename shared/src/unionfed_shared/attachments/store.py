"""Content-addressed storage of attachments' bytes, and the attachments' rows.

:class:`BlobStore` is what keeps bytes by their SHA-256, bound to one unit of work's session.
:class:`PostgresBlobStore` keeps them in the service's ``attachment_blobs`` table (``INSERT … ON
CONFLICT DO NOTHING``: the same file uploaded twice is stored once); the S3-compatible store
(:mod:`.object_store`) keeps them in a bucket under the same key and leaves ``content`` NULL.

:class:`BlobStorage` is the runtime's choice of store (:func:`.object_store.blob_storage`, made
where a service's runtime is assembled): each unit of work binds it to its session.
"""

import datetime as dt
import hashlib
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy import Table, insert, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class BlobStore(Protocol):
    async def put(self, sha256: str, data: bytes, stored_at: dt.datetime) -> None: ...

    async def get(self, sha256: str) -> bytes | None: ...

    async def stream(self, sha256: str) -> AsyncIterator[bytes] | None:
        """The bytes in chunks, or None when they are not stored (opened before it returns)."""
        ...

    def location(self, sha256: str) -> str:
        """Where the bytes of ``sha256`` are kept, for a finding that names them."""
        ...


class BlobStorage(Protocol):
    """Where a service keeps attachments' bytes, for the life of its runtime."""

    def bind(self, session: AsyncSession, blobs: Table) -> BlobStore: ...

    async def close(self) -> None: ...


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


class PostgresBlobStore:
    def __init__(self, session: AsyncSession, blobs: Table):
        self.session, self.blobs = session, blobs

    async def put(self, sha256: str, data: bytes, stored_at: dt.datetime) -> None:
        await self.session.execute(
            pg_insert(self.blobs)
            .values(sha256=sha256, size_bytes=len(data), content=data, stored_at=stored_at)
            .on_conflict_do_nothing(index_elements=["sha256"])
        )

    async def get(self, sha256: str) -> bytes | None:
        return await self.session.scalar(select(self.blobs.c.content).where(self.blobs.c.sha256 == sha256))

    async def stream(self, sha256: str) -> AsyncIterator[bytes] | None:
        data = await self.get(sha256)
        return None if data is None else _once(data)

    def location(self, sha256: str) -> str:
        return f"{self.blobs.name}.content"


class PostgresStorage:
    """The bytes in each service's own ``attachment_blobs`` table (the default)."""

    def bind(self, session: AsyncSession, blobs: Table) -> BlobStore:
        return PostgresBlobStore(session, blobs)

    async def close(self) -> None:
        return None


class BlobAltered(RuntimeError):
    """The bytes read back do not hash to the key they are kept under (changed behind the service)."""


async def checked(chunks: AsyncIterator[bytes], sha256: str, where: str) -> AsyncIterator[bytes]:
    """The chunks as they come, hashed on the way: a stream whose bytes do not hash to ``sha256``
    ends in :class:`BlobAltered` instead of completing (the client sees a broken transfer, never a
    complete altered file); verify-chain reports the same file by name."""
    hasher = hashlib.sha256()
    async for chunk in chunks:
        hasher.update(chunk)
        yield chunk
    if hasher.hexdigest() != sha256:
        raise BlobAltered(f"the stored file {where} hashes to {hasher.hexdigest()}, not its sha256 {sha256}")


def storage_of(session: AsyncSession) -> BlobStorage:
    """The store the session's runtime chose (``Runtime`` puts it in the sessions' ``info``), else PostgreSQL."""
    storage = session.info.get("blob_storage")
    return storage if storage is not None else PostgresStorage()


@dataclass(frozen=True)
class NewAttachment:
    organization_id: str
    record_kind: str
    record_id: str
    purpose: str
    file_name: str
    media_type: str
    uploaded_by: str
    uploaded_at: dt.datetime


class AttachmentRepository:
    """A service's attachments: the rows in its ``attachments`` table, the bytes in its blob store."""

    def __init__(
        self,
        session: AsyncSession,
        blobs: Table,
        attachments: Table,
        store: BlobStore | None = None,
        *,
        storage: BlobStorage | None = None,
    ):
        self.session, self.blobs, self.table = session, blobs, attachments
        self.store: BlobStore = store or (storage or storage_of(session)).bind(session, blobs)

    async def add(self, new: NewAttachment, data: bytes) -> dict:
        digest = sha256_hex(data)
        await self.store.put(digest, data, new.uploaded_at)
        row = {
            "id": uuid.uuid4(),
            "organization_id": new.organization_id,
            "record_kind": new.record_kind,
            "record_id": new.record_id,
            "purpose": new.purpose,
            "sha256": digest,
            "size_bytes": len(data),
            "file_name": new.file_name,
            "media_type": new.media_type,
            "uploaded_by": new.uploaded_by,
            "uploaded_at": new.uploaded_at,
        }
        await self.session.execute(insert(self.table).values(**row))
        return row

    async def of_record(self, record_kind: str, record_id: str) -> list[dict]:
        rows = await self.session.execute(
            select(self.table)
            .where(self.table.c.record_kind == record_kind, self.table.c.record_id == record_id)
            .order_by(self.table.c.uploaded_at, self.table.c.id)
        )
        return [dict(row._mapping) for row in rows]

    async def get(self, record_kind: str, record_id: str, attachment_id: uuid.UUID) -> dict | None:
        row = (
            await self.session.execute(
                select(self.table).where(
                    self.table.c.id == attachment_id,
                    self.table.c.record_kind == record_kind,
                    self.table.c.record_id == record_id,
                )
            )
        ).first()
        return dict(row._mapping) if row else None

    async def content(self, sha256: str) -> bytes | None:
        return await self.store.get(sha256)

    async def stream(self, sha256: str) -> AsyncIterator[bytes] | None:
        """The bytes in chunks from whichever store holds them, or None when they are not stored;
        checked against their hash as they pass (:func:`checked`)."""
        chunks = await self.store.stream(sha256)
        return None if chunks is None else checked(chunks, sha256, self.store.location(sha256))

    async def of_organization(
        self, organization_id: str, start: dt.datetime, end: dt.datetime, batch: int = 200
    ) -> AsyncIterator[dict]:
        """The union's attachments uploaded in [start, end), oldest first, a batch of rows at a time."""
        after: tuple | None = None
        t = self.table
        while True:
            query = select(t).where(
                t.c.organization_id == organization_id, t.c.uploaded_at >= start, t.c.uploaded_at < end
            )
            if after is not None:
                query = query.where(tuple_(t.c.uploaded_at, t.c.id) > tuple_(*after))
            rows = (await self.session.execute(query.order_by(t.c.uploaded_at, t.c.id).limit(batch))).all()
            for row in rows:
                yield dict(row._mapping)
            if len(rows) < batch:
                return
            after = (rows[-1].uploaded_at, rows[-1].id)
