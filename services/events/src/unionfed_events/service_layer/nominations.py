"""Use cases of award nominations: nominate, review, approve (with its public notice), reject.

A nomination is seen by everyone whose scope holds the nominating union (so the union sees how
its nominee fares); each step is then taken by the federation admin of the body deciding it.
"""

import datetime as dt
import uuid

from sqlalchemy import any_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from unionfed_events.adapters.congress_tables import award_nominations
from unionfed_events.adapters.tables import directory
from unionfed_events.domain import nominations as rules
from unionfed_events.domain.congress import clean_text
from unionfed_events.service_layer.congress import OFFICERS, active_members_under, now, organization_in_scope, orgs
from unionfed_shared import business_time
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.congress import AwardApprovedV1
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound
from unionfed_shared.messaging.unit_of_work import UnitOfWork

READERS = (*OFFICERS, Role.AUDITOR)


async def federation_today(uow: UnitOfWork, organization_id: str) -> dt.date:
    """Today on the calendar of the organization's federation (by ``now``, which tests move)."""
    return business_time.today(await directory.time_zone_of(uow.session, organization_id), lambda: now())


async def nominate(uow: UnitOfWork, principal: Principal, organization_id: str, command) -> dict:
    union = await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*OFFICERS)
    rules.check_nominating_union(union.kind, union.parent_id is not None)
    rules.check_year(command.year, await federation_today(uow, union.id))
    nominee = await active_members_under(uow, union.id, [command.member_id])
    if not nominee:
        raise Invalid(
            "nominee_not_member",
            zh=f"会员 {command.member_id} 不是 {union.id} 的在职会员",
            en=f"member {command.member_id} is not an active member of {union.id}",
        )
    row = (
        await uow.session.execute(
            pg_insert(award_nominations)
            .values(
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
            .on_conflict_do_nothing(
                index_elements=["member_id", "award", "year"], index_where=text("status <> 'rejected'")
            )
            .returning(award_nominations)
        )
    ).first()
    if row is None:
        raise Conflict(
            "already_nominated",
            zh=f"会员 {command.member_id} 已被推荐参评 {command.year} 年度{rules.AWARD_ZH.get(command.award, command.award)}",
            en=f"member {command.member_id} is already nominated for {command.award} {command.year}",
        )
    await uow.commit()
    return dict(row._mapping)


async def _nomination(uow: UnitOfWork, principal: Principal, nomination_id: uuid.UUID, *, lock: bool = False):
    query = (
        select(award_nominations, orgs.c.path)
        .join(orgs, orgs.c.id == award_nominations.c.organization_id)
        .where(award_nominations.c.id == nomination_id)
    )
    row = (await uow.session.execute(query.with_for_update(of=award_nominations) if lock else query)).first()
    if row is None or not principal.can_see(row.path):
        raise NotFound(
            "nomination_not_found", zh="未找到该推荐，或不在您的范围内", en="nomination not found or outside your scope"
        )
    return row


async def _require_admin_of(uow: UnitOfWork, principal: Principal, organization_id: str) -> None:
    principal.require_role(Role.FEDERATION_ADMIN)
    if not principal.can_see(await directory.path_of(uow.session, organization_id) or []):
        raise Forbidden(
            "nomination_step_not_yours",
            zh=f"此环节由 {organization_id} 办理",
            en=f"this step is taken by {organization_id}",
        )


async def review(uow: UnitOfWork, principal: Principal, nomination_id: uuid.UUID, note: str | None) -> dict:
    nomination = await _nomination(uow, principal, nomination_id, lock=True)
    await _require_admin_of(uow, principal, nomination.reviewer_id)
    rules.check_step("review", nomination.status)
    return await _update(
        uow,
        nomination_id,
        status=rules.REVIEWED,
        reviewed_by=principal.subject,
        reviewed_at=now(),
        review_note=clean_text(note, "the review note", 2000) if note else None,
    )


async def approve(uow: UnitOfWork, principal: Principal, nomination_id: uuid.UUID, command) -> dict:
    nomination = await _nomination(uow, principal, nomination_id, lock=True)
    await _require_admin_of(uow, principal, nomination.federation_id)
    rules.check_step("approve", nomination.status)
    rules.check_notice(
        command.notice_starts_on, command.notice_ends_on, await federation_today(uow, nomination.federation_id)
    )
    approved_at = now()
    uow.emit(
        AwardApprovedV1(
            organization_id=nomination.organization_id,
            federation_id=nomination.federation_id,
            nomination_id=nomination.id,
            member_id=nomination.member_id,
            award=nomination.award,
            year=nomination.year,
            approved_by_federation=nomination.federation_id,
            approved_at=approved_at,
            notice_starts_on=command.notice_starts_on,
            notice_ends_on=command.notice_ends_on,
        )
    )
    return await _update(
        uow,
        nomination_id,
        status=rules.APPROVED,
        approved_by=principal.subject,
        approved_at=approved_at,
        notice_starts_on=command.notice_starts_on,
        notice_ends_on=command.notice_ends_on,
    )


async def reject(uow: UnitOfWork, principal: Principal, nomination_id: uuid.UUID, reason: str | None) -> dict:
    nomination = await _nomination(uow, principal, nomination_id, lock=True)
    # The body deciding the current stage rejects: the reviewer before review, the federation after.
    deciding = nomination.reviewer_id if nomination.status == rules.NOMINATED else nomination.federation_id
    await _require_admin_of(uow, principal, deciding)
    reason = rules.check_rejection(nomination.status, reason)
    return await _update(
        uow,
        nomination_id,
        status=rules.REJECTED,
        rejected_by=principal.subject,
        rejected_at=now(),
        rejected_at_stage=nomination.status,
        rejection_reason=reason,
    )


async def _update(uow: UnitOfWork, nomination_id: uuid.UUID, **values) -> dict:
    row = (
        await uow.session.execute(
            update(award_nominations)
            .where(award_nominations.c.id == nomination_id)
            .values(**values)
            .returning(award_nominations)
        )
    ).first()
    await uow.commit()
    return dict(row._mapping)


async def get(uow: UnitOfWork, principal: Principal, nomination_id: uuid.UUID) -> dict:
    row = await _nomination(uow, principal, nomination_id)
    principal.require_role(*READERS)
    return {k: v for k, v in row._mapping.items() if k != "path"}


async def nominations_under(
    uow: UnitOfWork, principal: Principal, organization_id: str, *, notices_on=None
) -> list[dict]:
    """Nominations made by the organization or the unions under it; with ``notices_on``, only the
    approved ones whose public notice runs that day (公示, readable by members too)."""
    await organization_in_scope(uow, principal, organization_id)
    query = (
        select(award_nominations)
        .join(orgs, orgs.c.id == award_nominations.c.organization_id)
        .where(any_(orgs.c.path) == organization_id)
        .order_by(award_nominations.c.created_at, award_nominations.c.id)
    )
    if notices_on is None:
        principal.require_role(*READERS)
    else:
        query = query.where(
            award_nominations.c.status == rules.APPROVED,
            award_nominations.c.notice_starts_on <= notices_on,
            award_nominations.c.notice_ends_on >= notices_on,
        )
    return [dict(r._mapping) for r in await uow.session.execute(query)]
