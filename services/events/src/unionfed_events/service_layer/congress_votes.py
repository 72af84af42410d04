"""Use cases of a congress's votes on motions (票决制): open with those present, cast, close and count.

The motion's row is locked while a ballot is cast or the vote closed, so ballots cast at the same
moment are counted one after the other and none is counted after the close.
"""

import dataclasses
import uuid

from unionfed_events.domain import congress as rules
from unionfed_events.domain.congress import Motion
from unionfed_events.service_layer import commands, union_scope
from unionfed_events.service_layer.congress_sessions import session_in_scope
from unionfed_events.service_layer.union_scope import OFFICERS, acting_member
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared.auth import Principal
from unionfed_shared.errors import NotFound


def _motion_hidden() -> NotFound:
    return NotFound(
        "motion_not_found", zh="未找到该表决事项，或不在您的范围内", en="motion not found or outside your scope"
    )


async def open_vote(
    uow: EventsUnitOfWork, principal: Principal, session_id: uuid.UUID, command: commands.OpenVote
) -> dict:
    session = await session_in_scope(uow, principal, session_id, lock=True)
    principal.require_role(*OFFICERS)
    quorum = rules.Quorum(command.quorum_numerator, command.quorum_denominator)
    representatives = {r.id for r in await uow.congress_sessions.representatives(session_id)}
    rules.check_has_representatives(representatives)
    present = set(command.present_member_ids)
    rules.check_attendance(present, representatives)
    motion = Motion(
        id=uuid.uuid4(),
        session_id=session.id,
        title=rules.clean_text(command.title, "a motion's title"),
        status=rules.VOTE_OPEN,
        quorum_numerator=quorum.numerator,
        quorum_denominator=quorum.denominator,
        pass_rule=rules.PassRule(command.pass_rule).value,
        representatives=len(representatives),
        present=len(present),
        opened_by=principal.subject,
    )
    await uow.motions.add(motion, present)
    await uow.commit()
    return await motion_view(uow, motion.id)


async def _motion(uow: EventsUnitOfWork, principal: Principal, motion_id: uuid.UUID, *, lock: bool = False) -> Motion:
    motion = await uow.motions.get(motion_id, lock=lock)
    if motion is None:
        raise _motion_hidden()
    try:
        await session_in_scope(uow, principal, motion.session_id)
    except NotFound:
        raise _motion_hidden() from None
    return motion


async def cast_ballot(uow: EventsUnitOfWork, principal: Principal, motion_id: uuid.UUID, choice: str) -> dict:
    """Secret: the ballot adds to a count; that the member voted is kept, never how."""
    motion = await _motion(uow, principal, motion_id, lock=True)
    voter = acting_member(principal)
    rules.check_voter(await uow.congress_sessions.is_representative(motion.session_id, voter))
    rules.check_ballot(motion.is_open, await uow.motions.is_present(motion_id, voter))
    if not await uow.motions.cast(motion_id, voter, rules.Choice(choice)):
        raise rules.already_voted()
    await uow.commit()
    return await motion_view(uow, motion_id)


async def close_vote(uow: EventsUnitOfWork, principal: Principal, motion_id: uuid.UUID) -> dict:
    motion = await _motion(uow, principal, motion_id, lock=True)
    principal.require_role(*OFFICERS)
    result = motion.result_on_closing()
    await uow.motions.close(motion_id, result, by=principal.subject, at=union_scope.now())
    await uow.commit()
    return await motion_view(uow, motion_id)


async def get_motion(uow: EventsUnitOfWork, principal: Principal, motion_id: uuid.UUID) -> dict:
    await _motion(uow, principal, motion_id)
    return await motion_view(uow, motion_id)


async def motions_of(uow: EventsUnitOfWork, principal: Principal, session_id: uuid.UUID) -> list[dict]:
    """The session's votes in the order opened, each as ``motion_view`` shows it."""
    await session_in_scope(uow, principal, session_id)
    return [await _view(uow, motion) for motion in await uow.motions.of_session(session_id)]


async def motion_view(uow: EventsUnitOfWork, motion_id: uuid.UUID) -> dict:
    motion = await uow.motions.get(motion_id)
    assert motion is not None  # the callers have just read or made it
    return await _view(uow, motion)


async def _view(uow: EventsUnitOfWork, motion: Motion) -> dict:
    votes_for, votes_against, votes_abstain = motion.shown_counts()
    return {
        **dataclasses.asdict(motion),
        "ballots_cast": await uow.motions.ballots_cast(motion.id),
        "votes_for": votes_for,
        "votes_against": votes_against,
        "votes_abstain": votes_abstain,
    }
