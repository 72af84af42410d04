"""Use cases of award nominations: nominate, review, approve (with its public notice), reject.

A nomination is seen by everyone whose scope holds the nominating union (so the union sees how
its nominee fares); each step is then taken by the federation admin of the body deciding it.
"""

import dataclasses
import datetime as dt
import uuid

from unionfed_events.domain import nominations as rules
from unionfed_events.domain.congress import clean_text
from unionfed_events.domain.nominations import Nomination
from unionfed_events.service_layer import commands
from unionfed_events.service_layer.union_scope import OFFICERS, now, organization_in_scope
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared import business_time
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.congress import AwardApprovedV1
from unionfed_shared.errors import Forbidden, NotFound

READERS = (*OFFICERS, Role.AUDITOR)


async def federation_today(uow: EventsUnitOfWork, organization_id: str) -> dt.date:
    """Today on the calendar of the organization's federation (by ``now``, which tests move)."""
    return business_time.today(await uow.unions.time_zone_of(organization_id), lambda: now())


async def nominate(
    uow: EventsUnitOfWork, principal: Principal, organization_id: str, command: commands.Nominate
) -> dict:
    union = await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*OFFICERS)
    rules.check_nominating_union(union.kind, union.parent_id is not None)
    rules.check_year(command.year, await federation_today(uow, union.id))
    nominee = await uow.unions.active_members_under(union.id, [command.member_id])
    if not nominee:
        raise rules.nominee_not_member(command.member_id, union.id)
    assert union.parent_id is not None  # check_nominating_union refused a union without one
    stored = await uow.nominations.add(
        Nomination(
            id=uuid.uuid4(),
            organization_id=union.id,
            reviewer_id=union.parent_id,
            federation_id=union.federation_id,
            member_id=command.member_id,
            member_name=nominee[0].display_name,
            award=rules.Award(command.award).value,
            year=command.year,
            citation=clean_text(command.citation, "the citation", 5000),
            status=rules.NOMINATED,
            nominated_by=principal.subject,
        )
    )
    if stored is None:
        raise rules.already_nominated(command.member_id, command.award, command.year)
    await uow.commit()
    return dataclasses.asdict(stored)


async def _nomination(
    uow: EventsUnitOfWork, principal: Principal, nomination_id: uuid.UUID, *, lock: bool = False
) -> Nomination:
    nomination = await uow.nominations.get(nomination_id, lock=lock)
    path = await uow.unions.path_of(nomination.organization_id) if nomination else None
    if nomination is None or path is None or not principal.can_see(path):
        raise NotFound(
            "nomination_not_found", zh="未找到该推荐，或不在您的范围内", en="nomination not found or outside your scope"
        )
    return nomination


async def _require_admin_of(uow: EventsUnitOfWork, principal: Principal, organization_id: str) -> None:
    principal.require_role(Role.FEDERATION_ADMIN)
    if not principal.can_see(await uow.unions.path_of(organization_id) or []):
        raise Forbidden(
            "nomination_step_not_yours",
            zh=f"此环节由 {organization_id} 办理",
            en=f"this step is taken by {organization_id}",
        )


async def review(uow: EventsUnitOfWork, principal: Principal, nomination_id: uuid.UUID, note: str | None) -> dict:
    nomination = await _nomination(uow, principal, nomination_id, lock=True)
    await _require_admin_of(uow, principal, nomination.reviewer_id)
    return await _save(uow, nomination.reviewed(principal.subject, now(), note))


async def approve(
    uow: EventsUnitOfWork, principal: Principal, nomination_id: uuid.UUID, command: commands.Approve
) -> dict:
    nomination = await _nomination(uow, principal, nomination_id, lock=True)
    await _require_admin_of(uow, principal, nomination.federation_id)
    approved = nomination.approved(
        principal.subject,
        now(),
        command.notice_starts_on,
        command.notice_ends_on,
        approved_on=await federation_today(uow, nomination.federation_id),
    )
    assert approved.approved_at is not None  # what approved() stamps
    uow.emit(
        AwardApprovedV1(
            organization_id=approved.organization_id,
            federation_id=approved.federation_id,
            nomination_id=approved.id,
            member_id=approved.member_id,
            award=approved.award,
            year=approved.year,
            approved_by_federation=approved.federation_id,
            approved_at=approved.approved_at,
            notice_starts_on=command.notice_starts_on,
            notice_ends_on=command.notice_ends_on,
        )
    )
    return await _save(uow, approved)


async def reject(uow: EventsUnitOfWork, principal: Principal, nomination_id: uuid.UUID, reason: str | None) -> dict:
    nomination = await _nomination(uow, principal, nomination_id, lock=True)
    await _require_admin_of(uow, principal, nomination.deciding_body)
    return await _save(uow, nomination.rejected(principal.subject, now(), reason))


async def _save(uow: EventsUnitOfWork, nomination: Nomination) -> dict:
    await uow.nominations.save_step(nomination)
    await uow.commit()
    return dataclasses.asdict(nomination)


async def get(uow: EventsUnitOfWork, principal: Principal, nomination_id: uuid.UUID) -> dict:
    nomination = await _nomination(uow, principal, nomination_id)
    principal.require_role(*READERS)
    return dataclasses.asdict(nomination)


async def nominations_under(
    uow: EventsUnitOfWork, principal: Principal, organization_id: str, *, notices_on: dt.date | None = None
) -> list[dict]:
    """Nominations made by the organization or the unions under it; with ``notices_on``, only the
    approved ones whose public notice runs that day (公示, readable by members too)."""
    await organization_in_scope(uow, principal, organization_id)
    found = await uow.nominations.made_under(organization_id)
    if notices_on is None:
        principal.require_role(*READERS)
    else:
        found = [n for n in found if n.in_notice_on(notices_on)]
    return [dataclasses.asdict(n) for n in found]
