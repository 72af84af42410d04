"""Use cases of a congress's proposals (提案): filing, seconding (附议), answering, the overdue ones.

The session's row is locked while a proposal is numbered, and the proposal's while it is seconded
or answered, so two representatives acting at the same moment are counted one after the other.
"""

import dataclasses
import datetime as dt
import uuid

from unionfed_events.domain import congress as rules
from unionfed_events.domain.congress import CongressSession, Proposal
from unionfed_events.service_layer import commands, union_scope
from unionfed_events.service_layer.congress_sessions import session_in_scope
from unionfed_events.service_layer.union_scope import OFFICERS, acting_member
from unionfed_events.service_layer.unit_of_work import EventsUnitOfWork
from unionfed_shared.auth import Principal
from unionfed_shared.errors import NotFound


def _proposal_hidden() -> NotFound:
    return NotFound(
        "proposal_not_found", zh="未找到该提案，或不在您的范围内", en="proposal not found or outside your scope"
    )


async def file_proposal(
    uow: EventsUnitOfWork, principal: Principal, session_id: uuid.UUID, command: commands.FileProposal
) -> dict:
    # The session row is locked so proposals are numbered 1, 2, 3 … without gaps or twins.
    session = await session_in_scope(uow, principal, session_id, lock=True)
    proposer = acting_member(principal)
    rules.check_proposer(await uow.congress_sessions.is_representative(session_id, proposer))
    status = rules.status_on_filing(session.min_seconders)
    proposal = Proposal(
        id=uuid.uuid4(),
        session_id=session_id,
        number=await uow.proposals.next_number(session_id),
        title=rules.clean_text(command.title, "a proposal's title"),
        body=rules.clean_text(command.body, "a proposal's text", 10_000),
        proposer_id=proposer,
        status=status,
        submitted_at=union_scope.now() if status == rules.SUBMITTED else None,
    )
    await uow.proposals.add(proposal)
    await uow.commit()
    return await proposal_view(uow, proposal.id)


async def _proposal_for_update(
    uow: EventsUnitOfWork, principal: Principal, proposal_id: uuid.UUID
) -> tuple[Proposal, CongressSession]:
    proposal = await uow.proposals.get(proposal_id, lock=True)
    if proposal is None:
        raise _proposal_hidden()
    try:
        session = await session_in_scope(uow, principal, proposal.session_id)
    except NotFound:
        raise _proposal_hidden() from None
    return proposal, session


async def second_proposal(uow: EventsUnitOfWork, principal: Principal, proposal_id: uuid.UUID) -> dict:
    proposal, session = await _proposal_for_update(uow, principal, proposal_id)
    seconder = acting_member(principal)
    rules.check_seconder(
        proposal.proposer_id,
        seconder,
        await uow.congress_sessions.is_representative(session.id, seconder),
        proposal.status,
    )
    if not await uow.proposals.add_seconder(proposal_id, seconder):
        raise rules.already_seconded()
    # The seconders were read under the proposal's lock, so with this one they are all there are.
    status = rules.status_after_seconding(len(proposal.seconders) + 1, session.min_seconders, proposal.status)
    if status != proposal.status:
        await uow.proposals.mark_submitted(proposal_id, status, at=union_scope.now())
    await uow.commit()
    return await proposal_view(uow, proposal_id)


async def answer_proposal(
    uow: EventsUnitOfWork, principal: Principal, proposal_id: uuid.UUID, command: commands.AnswerProposal
) -> dict:
    proposal, session = await _proposal_for_update(uow, principal, proposal_id)
    principal.require_role(*OFFICERS)
    answer = rules.Answer.give(
        rules.AnswerKind(command.answer),
        command.text,
        command.merged_into,
        command.department,
        proposal_id,
        proposal.status,
    )
    if answer.merged_into is not None:
        target = await uow.proposals.get(answer.merged_into)
        rules.check_merge_target(
            target is not None and target.session_id == session.id,
            target.status if target else None,
            target.answer if target else None,
        )
    answered = dataclasses.replace(
        proposal,
        status=rules.ANSWERED,
        answer=answer.kind.value,
        answer_text=answer.text,
        merged_into=answer.merged_into,
        department=answer.department,
        answered_by=principal.subject,
        answered_at=union_scope.now(),
    )
    await uow.proposals.save_answer(answered)
    await uow.commit()
    return await proposal_view(uow, proposal_id)


async def proposal_view(uow: EventsUnitOfWork, proposal_id: uuid.UUID) -> dict:
    """The proposal as the API shows it, with its seconders in the order they seconded."""
    proposal = await uow.proposals.get(proposal_id)
    assert proposal is not None  # the callers have just read or made it
    return _view(proposal)


def _view(proposal: Proposal) -> dict:
    return {**dataclasses.asdict(proposal), "seconders": list(proposal.seconders)}


async def proposals_of(uow: EventsUnitOfWork, principal: Principal, session_id: uuid.UUID) -> list[dict]:
    """By number."""
    await session_in_scope(uow, principal, session_id)
    return [_view(p) for p in await uow.proposals.of_session(session_id)]


async def overdue_proposals(
    uow: EventsUnitOfWork, principal: Principal, session_id: uuid.UUID, as_of: dt.datetime | None
) -> tuple[CongressSession, list[dict]]:
    """Proposals that stand without an answer after the session's deadline (as of now, or ``as_of``)."""
    session = await session_in_scope(uow, principal, session_id)
    as_of = rules.require_aware(as_of, "as_of") if as_of else union_scope.now()
    proposals = [
        p
        for p in await proposals_of(uow, principal, session_id)
        if rules.is_overdue(p["status"], session.answer_deadline, as_of)
    ]
    return session, proposals
