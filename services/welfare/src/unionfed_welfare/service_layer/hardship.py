"""Use cases of hardship files: each one transaction.

Scope: a file belongs to the union of the member's organization when opened. Callers outside
that union's tree get the same 404 as for a missing file; callers inside it without a detail
role get the pseudonym only.
"""

import dataclasses
import datetime as dt
import uuid

from unionfed_shared.auth import Principal
from unionfed_shared.errors import Conflict, NotFound
from unionfed_welfare.domain import hardship as rules
from unionfed_welfare.domain.hardship import FileAlreadyOpen, HardshipFile
from unionfed_welfare.service_layer.commands import CloseFile, OpenFile, ReviewFile
from unionfed_welfare.service_layer.unit_of_work import WelfareUnitOfWork


def _hidden() -> NotFound:
    return NotFound(
        "hardship_file_not_found",
        zh="未找到该困难职工档案，或不在您的管辖范围内",
        en="hardship file not found or outside your scope",
    )


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def member_in_scope(
    uow: WelfareUnitOfWork, principal: Principal, member_id: uuid.UUID, organization_id: str
) -> dict:
    """The member, if they belong to ``organization_id``'s tree and the caller may see it."""
    member = await uow.directory.member(member_id)
    path = await uow.directory.path_of(member["organization_id"]) if member else None
    if member is None or path is None or organization_id not in path or not principal.can_see(path):
        raise NotFound(
            "member_not_found", zh="未找到该会员，或不在您的管辖范围内", en="member not found or outside your scope"
        )
    return member


async def open_file(uow: WelfareUnitOfWork, principal: Principal, organization_id: str, command: OpenFile) -> dict:
    await uow.directory.require_in_scope(principal, organization_id)
    principal.require_role(*rules.KEEPERS)
    rules.check_level(command.level)
    rules.check_cause(command.cause)
    member = await member_in_scope(uow, principal, command.member_id, organization_id)
    file, opened = HardshipFile.opened(
        member,
        level=command.level,
        cause=command.cause,
        cause_detail=command.cause_detail,
        family_situation=command.family_situation,
        documents=command.documents,
        opened_on=command.opened_on,
        next_review_on=command.next_review_on,
        opened_by=principal.subject,
    )
    try:
        await uow.hardship_files.add(file, opened)
    except FileAlreadyOpen as exc:
        existing = await uow.hardship_files.open_file_of(member["id"])
        raise Conflict(
            "hardship_file_already_open",
            zh=f"该会员已有在档的困难职工档案 {existing}",
            en=f"the member already has an open hardship file {existing}",
        ) from exc
    await uow.commit()
    return await read(uow, principal, file.id)


async def review(uow: WelfareUnitOfWork, principal: Principal, file_id: uuid.UUID, command: ReviewFile) -> dict:
    """A periodic review, possibly moving the file to another level (upgraded or eased)."""
    file, _path = await _load(uow, principal, file_id, keep=True)
    entry = file.review(
        principal.subject,
        command.reviewed_on,
        level=command.level,
        notes=command.notes,
        next_review_on=command.next_review_on,
        documents=command.documents,
        family_situation=command.family_situation,
        at=_now(),
    )
    await uow.hardship_files.save(file)
    await uow.hardship_files.add_review(entry)
    await uow.commit()
    return await read(uow, principal, file_id)


async def close(uow: WelfareUnitOfWork, principal: Principal, file_id: uuid.UUID, command: CloseFile) -> dict:
    file, _path = await _load(uow, principal, file_id, keep=True)
    entry = file.close(principal.subject, command.closed_on, command.reason, _now())
    await uow.hardship_files.save(file)
    await uow.hardship_files.add_review(entry)
    await uow.commit()
    return await read(uow, principal, file_id)


async def read(uow: WelfareUnitOfWork, principal: Principal, file_id: uuid.UUID) -> dict:
    file, path = await _load(uow, principal, file_id, keep=False)
    return await _view(uow, principal, file, path)


async def files_of(
    uow: WelfareUnitOfWork, principal: Principal, organization_id: str, *, due_on: dt.date | None = None
) -> list[dict]:
    principal.require_scope(await uow.directory.path_of(organization_id))
    found = await uow.hardship_files.of_subtree(organization_id, due_on=due_on)
    return [await _view(uow, principal, file, None, with_history=False) for file in found]


# Helpers


async def _load(
    uow: WelfareUnitOfWork, principal: Principal, file_id: uuid.UUID, *, keep: bool
) -> tuple[HardshipFile, list[str]]:
    """The file and its union's path, if the caller may see it (``keep``: and keep it, held until commit)."""
    file = await uow.hardship_files.get(file_id, for_update=keep)
    path = await uow.directory.path_of(file.organization_id) if file else None
    if file is None or path is None or not principal.can_see(path):
        raise _hidden()
    if keep:
        principal.require_role(*rules.KEEPERS)
    return file, path


async def _view(
    uow: WelfareUnitOfWork,
    principal: Principal,
    file: HardshipFile,
    path: list[str] | None,
    *,
    with_history: bool = True,
) -> dict:
    fields = dataclasses.asdict(file)
    path = path or await uow.directory.path_of(file.organization_id) or []
    if not rules.may_read_details(principal, path):
        return rules.redacted(fields)
    member = await uow.directory.member(file.member_id)
    view = {
        **fields,
        "member_name": member["display_name"] if member else None,
        "level_label": rules.LEVELS[file.level],
        "cause_label": rules.CAUSES[file.cause],
        "details_visible": True,
    }
    if with_history:
        view["history"] = [dataclasses.asdict(entry) for entry in await uow.hardship_files.history_of(file.id)]
    return view
