"""Attachments' bytes in an S3-compatible object store, and the choice of store for a runtime.

Each file is one object keyed by its lowercase hex SHA-256 (after ``ATTACHMENTS_S3_KEY_PREFIX``);
its ``attachment_blobs`` row is written as with PostgreSQL but with ``content`` NULL, so the
attachments rows, their foreign key and the voucher chain stay as they are. An object already in
the bucket is not sent again. Reading takes the bytes from whichever store holds them: the row's
``content`` when it has any (files attached before the deployment moved to the object store),
else the object. A missing object reads as None, like a missing row: the download answers 404
and verify-chain names the voucher and the object's ``s3://bucket/key``.

:func:`blob_storage` is called where a service's runtime is assembled (never on import); the
client is opened on first use in the runtime's event loop and closed with the runtime.
"""

import asyncio
import base64
import contextlib
import datetime as dt
import hashlib
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

from aiobotocore.config import AioConfig
from aiobotocore.session import get_session
from botocore.exceptions import ClientError
from sqlalchemy import Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from unionfed_shared.attachments.settings import AttachmentSettings
from unionfed_shared.attachments.store import BlobStorage, BlobStore, PostgresStorage

if TYPE_CHECKING:
    from types_aiobotocore_s3.client import S3Client

CHUNK_BYTES = 64 * 1024
_ABSENT = {"404", "NoSuchKey", "NotFound"}


def _absent(error: ClientError) -> bool:
    return str(error.response.get("Error", {}).get("Code")) in _ABSENT


class S3Storage:
    """One bucket for the life of a runtime; :meth:`bind` gives a unit of work its store."""

    def __init__(
        self,
        bucket: str,
        *,
        endpoint_url: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        region: str = "us-east-1",
        key_prefix: str = "",
    ):
        self.bucket, self.endpoint_url, self.region, self.key_prefix = bucket, endpoint_url, region, key_prefix
        self._credentials = (access_key_id, secret_access_key)
        self._client: S3Client | None = None
        self._exit = contextlib.AsyncExitStack()
        self._lock = asyncio.Lock()

    @classmethod
    def from_settings(cls, settings: AttachmentSettings) -> "S3Storage":
        assert settings.s3_bucket is not None
        secret = settings.s3_secret_access_key
        return cls(
            settings.s3_bucket,
            endpoint_url=settings.s3_endpoint_url,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=secret.get_secret_value() if secret is not None else None,
            region=settings.s3_region,
            key_prefix=settings.s3_key_prefix,
        )

    def key(self, sha256: str) -> str:
        return f"{self.key_prefix}{sha256}"

    def location(self, sha256: str) -> str:
        return f"s3://{self.bucket}/{self.key(sha256)}"

    async def client(self) -> "S3Client":
        if self._client is None:
            async with self._lock:
                if self._client is None:
                    access_key, secret = self._credentials
                    self._client = await self._exit.enter_async_context(
                        get_session().create_client(
                            "s3",
                            endpoint_url=self.endpoint_url,
                            region_name=self.region,
                            aws_access_key_id=access_key,
                            aws_secret_access_key=secret,
                            config=AioConfig(
                                # Path-style URLs and checksums only where S3 requires them: what every
                                # S3-compatible server answers (integrity: Content-MD5 on each upload).
                                s3={"addressing_style": "path"},
                                request_checksum_calculation="when_required",
                                response_checksum_validation="when_required",
                                retries={"max_attempts": 3, "mode": "standard"},
                            ),
                        )
                    )
        return self._client

    async def exists(self, sha256: str) -> bool:
        client = await self.client()
        try:
            await client.head_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as error:
            if _absent(error):
                return False
            raise
        return True

    async def upload(self, sha256: str, data: bytes) -> None:
        """Store the bytes under their hash unless an object is already there (not sent again)."""
        if await self.exists(sha256):
            return
        client = await self.client()
        await client.put_object(
            Bucket=self.bucket,
            Key=self.key(sha256),
            Body=data,
            ContentLength=len(data),
            ContentMD5=base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode(),
            ContentType="application/octet-stream",
        )

    async def download(self, sha256: str) -> AsyncIterator[bytes] | None:
        """The object's bytes in chunks (the request is made before it returns), or None if absent."""
        client = await self.client()
        try:
            answer = await client.get_object(Bucket=self.bucket, Key=self.key(sha256))
        except ClientError as error:
            if _absent(error):
                return None
            raise
        body = answer["Body"]

        async def chunks() -> AsyncIterator[bytes]:
            async with body as stream:
                async for chunk in stream.iter_chunks(CHUNK_BYTES):
                    yield chunk

        return chunks()

    def bind(self, session: AsyncSession, blobs: Table) -> BlobStore:
        return S3BlobStore(self, session, blobs)

    async def close(self) -> None:
        self._client = None
        await self._exit.aclose()


class S3BlobStore:
    """A unit of work's view: the rows in its session, the bytes in the bucket."""

    def __init__(self, storage: S3Storage, session: AsyncSession, blobs: Table):
        self.storage, self.session, self.blobs = storage, session, blobs

    async def _row(self, sha256: str):
        return (
            await self.session.execute(
                select(self.blobs.c.content.is_not(None).label("in_database")).where(self.blobs.c.sha256 == sha256)
            )
        ).first()

    async def put(self, sha256: str, data: bytes, stored_at: dt.datetime) -> None:
        row = await self._row(sha256)
        if row is not None and row.in_database:
            return  # kept in PostgreSQL before the move to the object store: already stored
        await self.storage.upload(sha256, data)
        await self.session.execute(
            pg_insert(self.blobs)
            .values(sha256=sha256, size_bytes=len(data), content=None, stored_at=stored_at)
            .on_conflict_do_nothing(index_elements=["sha256"])
        )

    async def _in_database(self, sha256: str) -> bytes | None:
        return await self.session.scalar(select(self.blobs.c.content).where(self.blobs.c.sha256 == sha256))

    async def get(self, sha256: str) -> bytes | None:
        chunks = await self.stream(sha256)
        if chunks is None:
            return None
        return b"".join([chunk async for chunk in chunks])

    async def stream(self, sha256: str) -> AsyncIterator[bytes] | None:
        kept = await self._in_database(sha256)
        if kept is not None:
            return _once(kept)
        return await self.storage.download(sha256)

    def location(self, sha256: str) -> str:
        return self.storage.location(sha256)


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


def blob_storage(settings: AttachmentSettings | None = None) -> BlobStorage:
    """The store the settings choose: the S3-compatible bucket when one is set, else PostgreSQL."""
    settings = settings or AttachmentSettings()
    if settings.s3_bucket:
        return S3Storage.from_settings(settings)
    return PostgresStorage()
