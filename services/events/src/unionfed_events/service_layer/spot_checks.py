"""Use cases of spot checks (督查): an upper union records a check of a union under it, the checked
union records its follow-up (整改), the checking union closes it (销号); a searched list over a
subtree with the overdue follow-ups flagged.

Officers of the checking union (or a union above it) record and close; officers of the checked
union record the follow-up; officers and auditors who see the checked union read. A check of a
union the caller cannot see answers 404 as a missing one.
"""

import datetime as dt
import uuid

from unionfed_events.domain import spot_checks as rules
from unionfed_events.domain.spot_checks import SpotCheck, SpotCheckFilter
from unionfed_events.service_layer import commands
from unionfed_events.service_layer.nominations import federation_today
from unionfed_events.service_layer.union_scope import OFFICERS, organization_in_scope
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Forbidden, NotFound
from unionfed_shared.paging import DEFAULT_LIMIT, cursor_refusal, decode_cursor, page_of

READERS = (*OFFICERS, Role.AUDITOR)
EVERY_CHECK = SpotCheckFilter()


async def record(
    uow: EventsUnitOfWork, principal: Principal, organization_id: str, command: commands.RecordSpotCheck
) -> SpotCheck:
    checked = await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*OFFICERS)
    if principal.organization_id not in checked.path[:-1]:
        raise Forbidden(
            "spot_check_by_upper_union",
            zh="督查由上级工会记录，被督查单位不能为自己记录",
            en="a spot check is recorded by a union above the one checked",
        )
    today = await federation_today(uow, checked.id)
    checked_on = command.checked_on or today
    rules.recorded(
        checked_path=list(checked.path),
        checker_id=principal.organization_id,
        checked_on=checked_on,
        follow_up_required=command.follow_up_required,
        follow_up_due_on=command.follow_up_due_on,
        today=today,
    )
    stored = await uow.spot_checks.add(
        SpotCheck(
            id=uuid.uuid4(),
            organization_id=checked.id,
            federation_id=checked.federation_id,
            checked_by_organization_id=principal.organization_id,
            checked_on=checked_on,
            subject=command.subject.value,
            subject_detail=command.subject_detail,
            findings=command.findings,
            follow_up_required=command.follow_up_required,
            follow_up_due_on=command.follow_up_due_on,
            recorded_by=principal.subject,
        )
    )
    await uow.commit()
    return stored


async def _check(
    uow: EventsUnitOfWork, principal: Principal, check_id: uuid.UUID, *, lock: bool = False
) -> tuple[SpotCheck, list[str]]:
    """The check and the checked union's path; out of the caller's sight answers as missing."""
    check = await uow.spot_checks.get(check_id, lock=lock)
    path = await uow.unions.path_of(check.organization_id) if check else None
    if check is None or path is None or not principal.can_see(path):
        raise NotFound(
            "spot_check_not_found",
            zh="未找到该督查记录，或不在您的范围内",
            en="spot check not found or outside your scope",
        )
    return check, path


async def get(uow: EventsUnitOfWork, principal: Principal, check_id: uuid.UUID) -> SpotCheck:
    check, _path = await _check(uow, principal, check_id)
    principal.require_role(*READERS)
    return check


async def follow_up(
    uow: EventsUnitOfWork, principal: Principal, check_id: uuid.UUID, command: commands.FollowUpSpotCheck
) -> SpotCheck:
    """The checked union's rectification (整改情况), written again until the check is closed."""
    check, _path = await _check(uow, principal, check_id, lock=True)
    principal.require_role(*OFFICERS)
    if principal.organization_id != check.organization_id:
        raise Forbidden(
            "spot_check_follow_up_by_checked_union",
            zh="整改情况由被督查单位填报",
            en="the follow-up is recorded by the union checked",
        )
    today = await federation_today(uow, check.organization_id)
    done = check.followed_up(command.follow_up, command.followed_up_on or today, principal.subject, today)
    await uow.spot_checks.save_step(done)
    await uow.commit()
    return done


async def attachable(uow: EventsUnitOfWork, principal: Principal, check_id: uuid.UUID) -> SpotCheck:
    """The check, if the caller may attach files to it (photos of the findings, proof of the
    rectification): an officer of the union checked or of a union on the checking union's path,
    until the check is closed. Locked until the attachment is committed (closing waits)."""
    check, _path = await _check(uow, principal, check_id, lock=True)
    principal.require_role(*OFFICERS)
    checker_path = await uow.unions.path_of(check.checked_by_organization_id)
    by_checker = checker_path is not None and principal.can_see(checker_path)
    if principal.organization_id != check.organization_id and not by_checker:
        raise Forbidden(
            "spot_check_files_by_the_unions_concerned",
            zh="督查附件由被督查单位或督查单位上传",
            en="files are attached by the union checked or the union that checked it",
        )
    check.taking_files()
    return check


async def close(
    uow: EventsUnitOfWork, principal: Principal, check_id: uuid.UUID, command: commands.CloseSpotCheck
) -> SpotCheck:
    """The checking union (or one above it) closes the check (销号), after the follow-up if one was required."""
    check, _path = await _check(uow, principal, check_id, lock=True)
    principal.require_role(*OFFICERS)
    checker_path = await uow.unions.path_of(check.checked_by_organization_id)
    if checker_path is None or not principal.can_see(checker_path):
        raise Forbidden(
            "spot_check_closed_by_checking_union",
            zh="督查由记录它的上级工会销号",
            en="the union that recorded the spot check closes it",
        )
    today = await federation_today(uow, check.organization_id)
    closed = check.closed(command.closed_on or today, principal.subject, command.note, today)
    await uow.spot_checks.save_step(closed)
    await uow.commit()
    return closed


async def checks_of(
    uow: EventsUnitOfWork,
    principal: Principal,
    organization_id: str,
    wanted: SpotCheckFilter = EVERY_CHECK,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> tuple[list[tuple[SpotCheck, str]], str | None, dt.date]:
    """A page of the checks of the organization and the unions under it, newest first, each with the
    checked union's name; and today, by which a check is overdue."""
    await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    found = await uow.spot_checks.page_under(organization_id, wanted, _after(cursor) if cursor else None, limit + 1)
    items, next_cursor = page_of(found, limit, key=lambda f: (f[0].checked_on.isoformat(), f[0].id))
    return items, next_cursor, await federation_today(uow, organization_id)


def _after(cursor: str) -> tuple[dt.date, uuid.UUID]:
    checked_on, check_id = decode_cursor(cursor, 2)
    try:
        return dt.date.fromisoformat(checked_on), uuid.UUID(check_id)
    except (TypeError, ValueError):
        raise cursor_refusal() from None
