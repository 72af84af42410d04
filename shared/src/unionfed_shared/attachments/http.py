"""The attachment routes of a kind of record, the same in every service that keeps records.

A service describes each kind of record that carries files (:class:`RecordKind`): its path, who
may read it and who may write it (the record's own rules: the resolvers raise the record's own
404 or 403), and how to name it in an archive. :func:`attachments_router` then answers::

    GET  {path}/attachments                   the files attached, oldest first
    POST {path}/attachments                   attach one (multipart: file, purpose)
    GET  {path}/attachments/{attachment_id}   the file, with its original name
    GET  /organizations/{organization_id}/attachments/archive?year=YYYY   one zip with index.csv

A refusal (too large, a type not allowed, empty, an unknown purpose) stores nothing.
"""

import datetime as dt
import inspect
import uuid
from collections.abc import Callable, Sequence
from typing import Any

from fastapi import APIRouter, File, Form, Query, UploadFile, status
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, Field

from unionfed_shared import business_time
from unionfed_shared.attachments.archive import ArchiveItem, ArchiveWriter, chunks
from unionfed_shared.attachments.kinds import sniff
from unionfed_shared.attachments.names import content_disposition, safe_file_name
from unionfed_shared.attachments.records import PURPOSES_ZH, OrganizationScope, RecordKind
from unionfed_shared.attachments.settings import attachment_settings
from unionfed_shared.attachments.store import AttachmentRepository, NewAttachment
from unionfed_shared.auth import Role
from unionfed_shared.caller import CurrentPrincipal, CurrentRuntime
from unionfed_shared.errors import DomainError, Invalid, NotFound
from unionfed_shared.idempotent_routes import IdempotentRoute


class AttachmentTooLarge(DomainError):
    status_code = 413
    category = "too_large"


class AttachmentOut(BaseModel):
    id: uuid.UUID
    record_kind: str
    record_id: str
    purpose: str = Field(examples=["voucher"])
    file_name: str = Field(description="The original file name, as uploaded")
    media_type: str = Field(description="Told from the file's bytes")
    size_bytes: int
    sha256: str = Field(description="Lowercase hex SHA-256 of the bytes")
    uploaded_by: str
    uploaded_at: dt.datetime


def _files(uow: Any) -> AttachmentRepository:
    """The service's attachments: every unit of work of a service with records that carry files has them."""
    return uow.attachments


def _out(row: dict) -> AttachmentOut:
    return AttachmentOut(**{name: row[name] for name in AttachmentOut.model_fields})


def _not_found() -> NotFound:
    return NotFound("attachment_not_found", zh="未找到该附件", en="attachment not found")


async def read_upload(file: UploadFile) -> tuple[bytes, str, str]:
    """The bytes, the safe original name and the media type of an upload, or its refusal."""
    settings = attachment_settings()
    data = await file.read(settings.max_bytes + 1)
    name = safe_file_name(file.filename)
    if len(data) > settings.max_bytes:
        megabytes = settings.max_bytes / 1024 / 1024
        raise AttachmentTooLarge(
            "attachment_too_large",
            zh=f"附件“{name}”超过 {megabytes:g} MB 的上限，未保存",
            en=f"the attachment {name!r} exceeds the limit of {settings.max_bytes} bytes; nothing was stored",
        )
    if not data:
        raise Invalid("attachment_empty", zh=f"附件“{name}”是空文件，未保存", en=f"the attachment {name!r} is empty")
    kind = sniff(data, name, settings.allowed_kinds)
    if "." not in name:
        name += kind.extensions[0]
    return data, name, kind.media_type


def _renamed(endpoint: Callable, parameter: str) -> Callable:
    """The endpoint with its ``record_id`` parameter named as the path names it (FastAPI reads ``__signature__``)."""
    signature = inspect.signature(endpoint)
    parameters = [p.replace(name=parameter) if p.name == "record_id" else p for p in signature.parameters.values()]

    async def wrapper(**kwargs):
        kwargs["record_id"] = kwargs.pop(parameter)
        return await endpoint(**kwargs)

    wrapper.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    wrapper.__doc__ = endpoint.__doc__
    wrapper.__name__ = endpoint.__name__
    return wrapper


def _add_record_routes(router: APIRouter, spec: RecordKind, tag: str) -> None:
    purposes = ", ".join(f"`{p}` ({PURPOSES_ZH.get(p, p)})" for p in spec.purposes)

    async def list_attachments(
        record_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
    ) -> list[AttachmentOut]:
        """The files attached to the record, oldest first (whoever may read the record)."""
        async with runtime.uow() as uow:
            record = await spec.readable(uow, principal, record_id)
            return [_out(row) for row in await _files(uow).of_record(spec.kind, record.record_id)]

    async def attach(
        record_id: uuid.UUID,
        principal: CurrentPrincipal,
        runtime: CurrentRuntime,
        file: UploadFile = File(description="PDF, JPEG, PNG, WebP, Word, Excel, text or CSV; 20 MB at most"),
        purpose: str = Form(default=spec.purposes[0], description=f"What the file is: {purposes}"),
    ) -> AttachmentOut:
        """Attach a file (whoever may change the record). Its type is told from its bytes; the
        original name is kept. A refusal stores nothing."""
        if purpose not in spec.purposes:
            raise Invalid(
                "attachment_purpose_unknown",
                zh=f"附件用途须为：{'、'.join(PURPOSES_ZH.get(p, p) for p in spec.purposes)}",
                en=f"purpose must be one of {', '.join(spec.purposes)}",
                pointer="#/purpose",
            )
        data, name, media_type = await read_upload(file)
        async with runtime.uow() as uow:
            record = await spec.writable(uow, principal, record_id)
            row = await _files(uow).add(
                NewAttachment(
                    organization_id=record.organization_id,
                    record_kind=spec.kind,
                    record_id=record.record_id,
                    purpose=purpose,
                    file_name=name,
                    media_type=media_type,
                    uploaded_by=principal.subject,
                    uploaded_at=business_time.utc_now(),
                ),
                data,
            )
            if spec.on_attached is not None:
                await spec.on_attached(uow, record, row)
            await uow.commit()
        return _out(row)

    async def download(
        record_id: uuid.UUID, attachment_id: uuid.UUID, principal: CurrentPrincipal, runtime: CurrentRuntime
    ) -> Response:
        """The file, under its original name (``Content-Disposition`` with the UTF-8 name, RFC 5987)."""
        async with runtime.uow() as uow:
            record = await spec.readable(uow, principal, record_id)
            row = await _files(uow).get(spec.kind, record.record_id, attachment_id)
            # Opened here (a missing object is a 404), sent in chunks after: from the object store
            # the bytes stream through, never held whole.
            content = await _files(uow).stream(row["sha256"]) if row else None
        if row is None or content is None:
            raise _not_found()
        return StreamingResponse(
            content,
            media_type=row["media_type"],
            headers={
                "Content-Disposition": content_disposition(row["file_name"]),
                "X-Content-Type-Options": "nosniff",
                "ETag": f'"{row["sha256"]}"',
            },
        )

    path = f"{spec.path}/attachments"
    router.add_api_route(
        path,
        _renamed(list_attachments, spec.parameter),
        methods=["GET"],
        response_model=list[AttachmentOut],
        summary=f"Files attached to a {spec.kind.replace('_', ' ')} ({spec.label_zh}的附件)",
        tags=[tag],
    )
    router.add_api_route(
        path,
        _renamed(attach, spec.parameter),
        methods=["POST"],
        response_model=AttachmentOut,
        status_code=status.HTTP_201_CREATED,
        summary=f"Attach a file to a {spec.kind.replace('_', ' ')} ({purposes})",
        tags=[tag],
    )
    router.add_api_route(
        path + "/{attachment_id}",
        _renamed(download, spec.parameter),
        methods=["GET"],
        response_class=Response,
        responses={200: {"description": "The file", "content": {"application/octet-stream": {}}}},
        summary=f"Download a file attached to a {spec.kind.replace('_', ' ')}",
        tags=[tag],
    )


def _add_archive_route(
    router: APIRouter, kinds: Sequence[RecordKind], directory: OrganizationScope, readers: tuple[Role, ...], tag: str
) -> None:
    by_kind = {spec.kind: spec for spec in kinds}

    async def archive(
        organization_id: str,
        principal: CurrentPrincipal,
        runtime: CurrentRuntime,
        year: int = Query(ge=2000, le=2999, description="The year the files were attached in (the federation's time)"),
    ) -> StreamingResponse:
        """The union's files attached in the year as one zip, with ``index.csv`` (UTF-8 with BOM,
        opens in Excel): record kind, id and title, purpose, file name, size, SHA-256, who, when."""
        async with runtime.uow() as uow:
            await directory.require_in_scope(uow.session, principal, organization_id)
            principal.require_role(*readers)
        writer = ArchiveWriter()
        try:
            async with runtime.uow() as uow:
                zone = await directory.time_zone_of(uow.session, organization_id)
                start = business_time.start_of_day(dt.date(year, 1, 1), zone)
                end = business_time.start_of_day(dt.date(year + 1, 1, 1), zone)
                titles: dict[tuple[str, str], str] = {}
                async for row in _files(uow).of_organization(organization_id, start, end):
                    spec = by_kind.get(row["record_kind"])
                    key = (row["record_kind"], row["record_id"])
                    if key not in titles and spec is not None:
                        titles.update(
                            {(spec.kind, k): v for k, v in (await spec.titles(uow, [row["record_id"]])).items()}
                        )
                    content = await _files(uow).content(row["sha256"])
                    if content is None:
                        continue
                    label = spec.label_zh if spec else row["record_kind"]
                    writer.add(ArchiveItem(row, label, titles.get(key, "")), content)
                name = await directory.name_of(uow.session, organization_id) or organization_id
            file = writer.finish()
        except BaseException:
            writer.abort()
            raise
        return StreamingResponse(
            chunks(file),
            media_type="application/zip",
            headers={"Content-Disposition": content_disposition(f"{name}-{year}年台账附件.zip")},
        )

    router.add_api_route(
        "/organizations/{organization_id}/attachments/archive",
        archive,
        methods=["GET"],
        response_class=StreamingResponse,
        responses={200: {"description": "A zip of the files and index.csv", "content": {"application/zip": {}}}},
        summary="A union's files of a year as one zip with an index (台账附件归档)",
        tags=[tag],
    )


def attachments_router(
    kinds: Sequence[RecordKind], *, directory: OrganizationScope, archive_readers: tuple[Role, ...], tag: str
) -> APIRouter:
    router = APIRouter(prefix="/v1", route_class=IdempotentRoute)
    for spec in kinds:
        _add_record_routes(router, spec, tag)
    _add_archive_route(router, kinds, directory, archive_readers, tag)
    return router
