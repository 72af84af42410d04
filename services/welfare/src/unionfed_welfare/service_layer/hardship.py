"""Use cases of hardship files: each one transaction.

Scope: a file belongs to the union of the member's organization when opened. Callers outside
that union's tree get the same 404 as for a missing file; callers inside it without a detail
role get the pseudonym only.
"""

import datetime as dt
import uuid

from sqlalchemy import any_, insert, literal, select, update
from sqlalchemy.exc import IntegrityError

from unionfed_shared.auth import Principal
from unionfed_shared.errors import Conflict, NotFound
from unionfed_welfare.adapters.grant_tables import hardship_files, hardship_reviews
from unionfed_welfare.adapters.tables import directory
from unionfed_welfare.domain import hardship as rules
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


async def open_file(uow: WelfareUnitOfWork, principal: Principal, organization_id: str, command) -> dict:
    await directory.require_in_scope(uow.session, principal, organization_id)
    principal.require_role(*rules.KEEPERS)
    rules.check_level(command.level)
    rules.check_cause(command.cause)
    member = await member_in_scope(uow, principal, command.member_id, organization_id)
    file_id = uuid.uuid4()
    next_on = rules.next_review(command.level, command.opened_on, command.next_review_on)
    try:
        await uow.session.execute(
            insert(hardship_files).values(
                id=file_id,
                organization_id=member["organization_id"],
                federation_id=member["federation_id"],
                member_id=member["id"],
                pseudonym=rules.pseudonym(file_id),
                level=command.level,
                cause=command.cause,
                cause_detail=command.cause_detail,
                family_situation=command.family_situation,
                documents=list(dict.fromkeys(command.documents)),
                opened_on=command.opened_on,
                next_review_on=next_on,
                opened_by=principal.subject,
            )
        )
    except IntegrityError as exc:
        await uow.session.rollback()
        existing = await uow.session.scalar(
            select(hardship_files.c.id).where(
                hardship_files.c.member_id == member["id"], hardship_files.c.status == "open"
            )
        )
        raise Conflict(
            "hardship_file_already_open",
            zh=f"该会员已有在档的困难职工档案 {existing}",
            en=f"the member already has an open hardship file {existing}",
        ) from exc
    await _history(
        uow, file_id, "opened", command.opened_on, principal.subject, None, command.level, command.cause_detail, next_on
    )
    await uow.commit()
    return await read(uow, principal, file_id)


async def review(uow: WelfareUnitOfWork, principal: Principal, file_id: uuid.UUID, command) -> dict:
    """A periodic review, possibly moving the file to another level (upgraded or eased)."""
    file = await _load(uow, principal, file_id, keep=True)
    rules.require_open(file["status"])
    rules.require_not_before(command.reviewed_on, file["opened_on"], "复核", "the review")
    level = command.level or file["level"]
    rules.check_level(level)
    next_on = rules.next_review(level, command.reviewed_on, command.next_review_on)
    values = {"level": level, "next_review_on": next_on, "updated_at": _now()}
    if command.documents:
        values["documents"] = list(dict.fromkeys([*file["documents"], *command.documents]))
    if command.family_situation is not None:
        values["family_situation"] = command.family_situation
    await uow.session.execute(update(hardship_files).where(hardship_files.c.id == file_id).values(**values))
    kind = "level_changed" if level != file["level"] else "reviewed"
    await _history(
        uow, file_id, kind, command.reviewed_on, principal.subject, file["level"], level, command.notes, next_on
    )
    await uow.commit()
    return await read(uow, principal, file_id)


async def close(uow: WelfareUnitOfWork, principal: Principal, file_id: uuid.UUID, command) -> dict:
    file = await _load(uow, principal, file_id, keep=True)
    rules.require_open(file["status"])
    rules.require_not_before(command.closed_on, file["opened_on"], "销档", "the closing")
    await uow.session.execute(
        update(hardship_files)
        .where(hardship_files.c.id == file_id)
        .values(
            status="closed",
            closed_on=command.closed_on,
            close_reason=command.reason,
            next_review_on=None,
            updated_at=_now(),
        )
    )
    await _history(
        uow, file_id, "closed", command.closed_on, principal.subject, file["level"], None, command.reason, None
    )
    await uow.commit()
    return await read(uow, principal, file_id)


async def read(uow: WelfareUnitOfWork, principal: Principal, file_id: uuid.UUID) -> dict:
    file = await _load(uow, principal, file_id, keep=False)
    return await _view(uow, principal, file)


async def files_of(
    uow: WelfareUnitOfWork, principal: Principal, organization_id: str, *, due_on: dt.date | None = None
) -> list[dict]:
    path = await directory.path_of(uow.session, organization_id)
    principal.require_scope(path)
    query = (
        select(hardship_files)
        .join(directory.organizations, directory.organizations.c.id == hardship_files.c.organization_id)
        .where(literal(organization_id) == any_(directory.organizations.c.path))
    )
    if due_on is not None:
        query = query.where(hardship_files.c.status == "open", hardship_files.c.next_review_on <= due_on)
        query = query.order_by(hardship_files.c.next_review_on, hardship_files.c.id)
    else:
        query = query.order_by(hardship_files.c.opened_on, hardship_files.c.id)
    rows = [dict(row) for row in (await uow.session.execute(query)).mappings()]
    return [await _view(uow, principal, row, with_history=False) for row in rows]


# Helpers


async def _load(uow: WelfareUnitOfWork, principal: Principal, file_id: uuid.UUID, *, keep: bool) -> dict:
    query = select(hardship_files).where(hardship_files.c.id == file_id)
    row = (await uow.session.execute(query.with_for_update() if keep else query)).mappings().first()
    path = await directory.path_of(uow.session, row["organization_id"]) if row else None
    if row is None or path is None or not principal.can_see(path):
        raise _hidden()
    if keep:
        principal.require_role(*rules.KEEPERS)
    return {**row, "path": path}


async def _view(uow: WelfareUnitOfWork, principal: Principal, file: dict, *, with_history: bool = True) -> dict:
    path = file.get("path") or await directory.path_of(uow.session, file["organization_id"]) or []
    if not rules.may_read_details(principal, path):
        return rules.redacted(file)
    member_name = await uow.session.scalar(
        select(directory.members.c.display_name).where(directory.members.c.id == file["member_id"])
    )
    view = {k: v for k, v in file.items() if k != "path"}
    view.update(
        member_name=member_name,
        level_label=rules.LEVELS[file["level"]],
        cause_label=rules.CAUSES[file["cause"]],
        details_visible=True,
    )
    if with_history:
        rows = await uow.session.execute(
            select(hardship_reviews)
            .where(hardship_reviews.c.file_id == file["id"])
            .order_by(hardship_reviews.c.reviewed_on, hardship_reviews.c.created_at)
        )
        view["history"] = [dict(row) for row in rows.mappings()]
    return view


async def _history(uow, file_id, kind, on, reviewer, before, after, notes, next_on) -> None:
    await uow.session.execute(
        insert(hardship_reviews).values(
            id=uuid.uuid4(),
            file_id=file_id,
            kind=kind,
            reviewed_on=on,
            reviewer=reviewer,
            level_before=before,
            level_after=after,
            notes=notes or "",
            next_review_on=next_on,
        )
    )
