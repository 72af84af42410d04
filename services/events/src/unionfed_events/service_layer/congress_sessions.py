"""Use cases of a staff congress's sessions and their representatives.

Callers acting as representatives use a ``member`` token whose subject is their member id.
"""

import uuid
from collections.abc import Iterable

from unionfed_events.domain import congress as rules
from unionfed_events.domain.congress import CongressSession, Representative
from unionfed_events.service_layer import commands
from unionfed_events.service_layer.union_scope import OFFICERS, organization_in_scope
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import NotFound

READERS = (*OFFICERS, Role.MEMBER, Role.AUDITOR)


async def plan_session(
    uow: EventsUnitOfWork, principal: Principal, organization_id: str, command: commands.PlanSession
) -> CongressSession:
    union = await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*OFFICERS)
    rules.check_congress_union(union.kind)
    plan = rules.SessionPlan.of(
        command.congress_number,
        command.session_number,
        command.starts_on,
        command.ends_on,
        command.answer_deadline,
        command.min_seconders,
        zone=await uow.unions.time_zone_of(union.id),
    )
    stored = await uow.congress_sessions.add(
        CongressSession(
            id=uuid.uuid4(),
            organization_id=union.id,
            federation_id=union.federation_id,
            kind=command.kind,
            congress_number=plan.congress_number,
            session_number=plan.session_number,
            starts_on=plan.starts_on,
            ends_on=plan.ends_on,
            answer_deadline=plan.answer_deadline,
            min_seconders=plan.min_seconders,
            created_by=principal.subject,
        )
    )
    if stored is None:
        raise rules.session_exists(union.id, command.kind, plan)
    await uow.commit()
    return stored


async def session_in_scope(
    uow: EventsUnitOfWork, principal: Principal, session_id: uuid.UUID, *, lock: bool = False
) -> CongressSession:
    """The session, if the caller's scope holds its union; ``lock``: its row locked (see the repository)."""
    session = await uow.congress_sessions.get(session_id, lock=lock)
    path = await uow.unions.path_of(session.organization_id) if session else None
    if session is None or path is None or not principal.can_see(path):
        raise NotFound(
            "congress_session_not_found",
            zh="未找到该次会议，或不在您的范围内",
            en="congress session not found or outside your scope",
        )
    principal.require_role(*READERS)
    return session


async def sessions_of(uow: EventsUnitOfWork, principal: Principal, organization_id: str) -> list[CongressSession]:
    await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    return await uow.congress_sessions.of_organization(organization_id)


async def add_representatives(
    uow: EventsUnitOfWork, principal: Principal, session_id: uuid.UUID, member_ids: Iterable[uuid.UUID]
) -> list[Representative]:
    """Answers the session's whole list."""
    session = await session_in_scope(uow, principal, session_id, lock=True)
    principal.require_role(*OFFICERS)
    wanted = set(member_ids)
    found = {m.id for m in await uow.unions.active_members_under(session.organization_id, wanted)}
    if missing := wanted - found:
        raise rules.representatives_not_members(session.organization_id, missing)
    await uow.congress_sessions.add_representatives(session_id, wanted, by=principal.subject)
    await uow.commit()
    return await uow.congress_sessions.representatives(session_id)


async def representatives_of(
    uow: EventsUnitOfWork, principal: Principal, session_id: uuid.UUID
) -> list[Representative]:
    await session_in_scope(uow, principal, session_id)
    return await uow.congress_sessions.representatives(session_id)
