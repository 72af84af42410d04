"""Use cases of the staff congress: sessions, representatives, proposals and their answers, votes.

Each use case is one transaction. Rows that a decision depends on are locked (FOR UPDATE) first,
so two representatives seconding, or voting, at the same moment are counted one after the other.
Callers acting as representatives use a ``member`` token whose subject is their member id.
"""

import datetime as dt
import uuid

from sqlalchemy import Row, any_, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from unionfed_events.adapters.congress_tables import (
    congress_attendance,
    congress_ballots,
    congress_motions,
    congress_proposals,
    congress_representatives,
    congress_seconders,
    congress_sessions,
)
from unionfed_events.adapters.tables import directory
from unionfed_events.domain import congress as rules
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound
from unionfed_shared.messaging.unit_of_work import UnitOfWork

OFFICERS = (Role.FEDERATION_ADMIN, Role.UNION_OFFICER)
READERS = (*OFFICERS, Role.MEMBER, Role.AUDITOR)
# A congress and a vote's result as a refusal says them to Chinese staff.
CONGRESS_ZH = {"staff": "教代会", "workers": "职代会"}
RESULT_ZH = {"passed": "已通过", "failed": "未通过", "no_quorum": "出席人数不足，表决无效"}
orgs, members = directory.organizations, directory.members


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


# Directory lookups shared with surveys and nominations


async def organization_in_scope(uow: UnitOfWork, principal: Principal, organization_id: str):
    row = (await uow.session.execute(select(orgs).where(orgs.c.id == organization_id))).first()
    principal.require_scope(row.path if row else None)
    return row


async def active_members_under(uow: UnitOfWork, root_id: str, member_ids=None) -> list:
    """Active members of ``root_id`` and the organizations under it, with their organization's path."""
    query = (
        select(members.c.id, members.c.display_name, members.c.organization_id, orgs.c.path)
        .join(orgs, orgs.c.id == members.c.organization_id)
        .where(any_(orgs.c.path) == root_id, members.c.status == "active")
        .order_by(members.c.display_name, members.c.id)
    )
    if member_ids is not None:
        query = query.where(members.c.id.in_(list(member_ids)))
    return list(await uow.session.execute(query))


def _proposal_hidden() -> NotFound:
    return NotFound(
        "proposal_not_found", zh="未找到该提案，或不在您的范围内", en="proposal not found or outside your scope"
    )


def _motion_hidden() -> NotFound:
    return NotFound(
        "motion_not_found", zh="未找到该表决事项，或不在您的范围内", en="motion not found or outside your scope"
    )


def acting_member(principal: Principal) -> uuid.UUID:
    principal.require_role(Role.MEMBER)
    try:
        return uuid.UUID(principal.member_id or "")
    except ValueError:
        raise Forbidden(
            "member_token_subject_invalid",
            zh="您的账号尚未关联会员档案，请联系工会干部",
            en="a member acts with a token that names their member id",
        ) from None


# Sessions and representatives


async def plan_session(uow: UnitOfWork, principal: Principal, organization_id: str, command) -> dict:
    union = await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*OFFICERS)
    if union.kind != "grassroots_union":
        # 教代会/职代会 are the congress of one school or enterprise: its grassroots union runs it.
        raise Invalid(
            "congress_needs_grassroots_union",
            zh="教代会、职代会由基层工会召开",
            en="a staff or workers' congress is held by a grassroots union",
        )
    plan = rules.SessionPlan.of(
        command.congress_number,
        command.session_number,
        command.starts_on,
        command.ends_on,
        command.answer_deadline,
        command.min_seconders,
        zone=await directory.time_zone_of(uow.session, union.id),
    )
    row = (
        await uow.session.execute(
            pg_insert(congress_sessions)
            .values(
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
            .on_conflict_do_nothing()
            .returning(congress_sessions)
        )
    ).first()
    if row is None:
        raise Conflict(
            "congress_session_exists",
            zh=f"{union.id} 已有{CONGRESS_ZH.get(command.kind, command.kind)}{plan.title}会议",
            en=f"{union.id} already has session {plan.title} of its {command.kind} congress",
        )
    await uow.commit()
    return dict(row._mapping)


async def session_in_scope(uow: UnitOfWork, principal: Principal, session_id: uuid.UUID, *, lock: bool = False):
    query = (
        select(congress_sessions, orgs.c.path)
        .join(orgs, orgs.c.id == congress_sessions.c.organization_id)
        .where(congress_sessions.c.id == session_id)
    )
    row = (await uow.session.execute(query.with_for_update(of=congress_sessions) if lock else query)).first()
    if row is None or not principal.can_see(row.path):
        raise NotFound(
            "congress_session_not_found",
            zh="未找到该次会议，或不在您的范围内",
            en="congress session not found or outside your scope",
        )
    principal.require_role(*READERS)
    return row


async def sessions_of(uow: UnitOfWork, principal: Principal, organization_id: str) -> list[dict]:
    await organization_in_scope(uow, principal, organization_id)
    principal.require_role(*READERS)
    rows = await uow.session.execute(
        select(congress_sessions)
        .where(congress_sessions.c.organization_id == organization_id)
        .order_by(congress_sessions.c.congress_number, congress_sessions.c.session_number)
    )
    return [dict(r._mapping) for r in rows]


async def add_representatives(uow: UnitOfWork, principal: Principal, session_id: uuid.UUID, member_ids) -> list[dict]:
    session = await session_in_scope(uow, principal, session_id, lock=True)
    principal.require_role(*OFFICERS)
    wanted = set(member_ids)
    found = {m.id for m in await active_members_under(uow, session.organization_id, wanted)}
    if missing := wanted - found:
        listed = ", ".join(sorted(str(m) for m in missing))
        raise Invalid(
            "representatives_not_members",
            zh=f"代表须为 {session.organization_id} 的在职会员，以下人员不符合：{listed}",
            en=f"representatives are active members of {session.organization_id}; not: {listed}",
        )
    if wanted:
        await uow.session.execute(
            pg_insert(congress_representatives)
            .values([{"session_id": session_id, "member_id": m, "added_by": principal.subject} for m in wanted])
            .on_conflict_do_nothing()  # naming someone again is harmless
        )
    await uow.commit()
    return await representatives_of(uow, session_id)


async def representatives_of(uow: UnitOfWork, session_id: uuid.UUID) -> list[dict]:
    rows = await uow.session.execute(
        select(members.c.id, members.c.display_name, members.c.organization_id)
        .join(congress_representatives, congress_representatives.c.member_id == members.c.id)
        .where(congress_representatives.c.session_id == session_id)
        .order_by(members.c.display_name, members.c.id)
    )
    return [dict(r._mapping) for r in rows]


async def is_representative(uow: UnitOfWork, session_id: uuid.UUID, member_id: uuid.UUID) -> bool:
    return bool(
        await uow.session.scalar(
            select(func.count()).where(
                congress_representatives.c.session_id == session_id, congress_representatives.c.member_id == member_id
            )
        )
    )


# Proposals


async def file_proposal(uow: UnitOfWork, principal: Principal, session_id: uuid.UUID, command) -> dict:
    # The session row is locked so proposals are numbered 1, 2, 3 … without gaps or twins.
    session = await session_in_scope(uow, principal, session_id, lock=True)
    proposer = acting_member(principal)
    if not await is_representative(uow, session_id, proposer):
        raise Forbidden(
            "not_a_representative",
            zh="只有本次会议的代表才能提交提案",
            en="only the session's representatives file proposals",
        )
    number = (
        1
        + (
            await uow.session.execute(
                select(func.coalesce(func.max(congress_proposals.c.number), 0)).where(
                    congress_proposals.c.session_id == session_id
                )
            )
        ).scalar_one()
    )
    stands = session.min_seconders == 0
    proposal_id = uuid.uuid4()
    await uow.session.execute(
        pg_insert(congress_proposals).values(
            id=proposal_id,
            session_id=session_id,
            number=number,
            title=rules.clean_text(command.title, "a proposal's title"),
            body=rules.clean_text(command.body, "a proposal's text", 10_000),
            proposer_id=proposer,
            status=rules.SUBMITTED if stands else rules.AWAITING_SECONDERS,
            submitted_at=now() if stands else None,
        )
    )
    await uow.commit()
    return await proposal_view(uow, proposal_id)


async def _proposal_for_update(uow: UnitOfWork, principal: Principal, proposal_id: uuid.UUID):
    row = (
        await uow.session.execute(
            select(congress_proposals).where(congress_proposals.c.id == proposal_id).with_for_update()
        )
    ).first()
    if row is None:
        raise _proposal_hidden()
    try:
        session = await session_in_scope(uow, principal, row.session_id)
    except NotFound:
        raise _proposal_hidden() from None
    return row, session


async def second_proposal(uow: UnitOfWork, principal: Principal, proposal_id: uuid.UUID) -> dict:
    proposal, session = await _proposal_for_update(uow, principal, proposal_id)
    seconder = acting_member(principal)
    rules.check_seconder(
        proposal.proposer_id, seconder, await is_representative(uow, session.id, seconder), proposal.status
    )
    added = await uow.session.scalar(
        pg_insert(congress_seconders)
        .values(proposal_id=proposal_id, member_id=seconder)
        .on_conflict_do_nothing()
        .returning(congress_seconders.c.member_id)
    )
    if added is None:
        raise Conflict("proposal_already_seconded", zh="您已附议过该提案", en="you have already seconded this proposal")
    count = (
        await uow.session.execute(
            select(func.count()).select_from(congress_seconders).where(congress_seconders.c.proposal_id == proposal_id)
        )
    ).scalar_one()
    status = rules.status_after_seconding(count, session.min_seconders, proposal.status)
    if status != proposal.status:
        await uow.session.execute(
            update(congress_proposals)
            .where(congress_proposals.c.id == proposal_id)
            .values(status=status, submitted_at=now())
        )
    await uow.commit()
    return await proposal_view(uow, proposal_id)


async def answer_proposal(uow: UnitOfWork, principal: Principal, proposal_id: uuid.UUID, command) -> dict:
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
        target = (
            await uow.session.execute(select(congress_proposals).where(congress_proposals.c.id == answer.merged_into))
        ).first()
        rules.check_merge_target(
            target is not None and target.session_id == session.id,
            target.status if target else None,
            target.answer if target else None,
        )
    await uow.session.execute(
        update(congress_proposals)
        .where(congress_proposals.c.id == proposal_id)
        .values(
            status=rules.ANSWERED,
            answer=answer.kind.value,
            answer_text=answer.text,
            merged_into=answer.merged_into,
            department=answer.department,
            answered_by=principal.subject,
            answered_at=now(),
        )
    )
    await uow.commit()
    return await proposal_view(uow, proposal_id)


async def proposal_view(uow: UnitOfWork, proposal_id: uuid.UUID) -> dict:
    row = (await uow.session.execute(select(congress_proposals).where(congress_proposals.c.id == proposal_id))).one()
    seconders = await uow.session.scalars(
        select(congress_seconders.c.member_id)
        .where(congress_seconders.c.proposal_id == proposal_id)
        .order_by(congress_seconders.c.created_at, congress_seconders.c.member_id)
    )
    return {**row._mapping, "seconders": list(seconders)}


async def proposals_of(uow: UnitOfWork, principal: Principal, session_id: uuid.UUID) -> list[dict]:
    await session_in_scope(uow, principal, session_id)
    ids = await uow.session.scalars(
        select(congress_proposals.c.id)
        .where(congress_proposals.c.session_id == session_id)
        .order_by(congress_proposals.c.number)
    )
    return [await proposal_view(uow, i) for i in ids]


async def overdue_proposals(
    uow: UnitOfWork, principal: Principal, session_id: uuid.UUID, as_of: dt.datetime | None
) -> tuple[Row, list[dict]]:
    session = await session_in_scope(uow, principal, session_id)
    as_of = rules.require_aware(as_of, "as_of") if as_of else now()
    proposals = [
        p
        for p in await proposals_of(uow, principal, session_id)
        if rules.is_overdue(p["status"], session.answer_deadline, as_of)
    ]
    return session, proposals


# Votes on motions (票决制)


async def open_vote(uow: UnitOfWork, principal: Principal, session_id: uuid.UUID, command) -> dict:
    session = await session_in_scope(uow, principal, session_id, lock=True)
    principal.require_role(*OFFICERS)
    quorum = rules.Quorum(command.quorum_numerator, command.quorum_denominator)
    representatives = {r["id"] for r in await representatives_of(uow, session_id)}
    if not representatives:
        raise Invalid(
            "session_has_no_representatives", zh="本次会议尚未确定代表", en="the session has no representatives yet"
        )
    present = set(command.present_member_ids)
    rules.check_attendance(present, representatives)
    motion_id = uuid.uuid4()
    await uow.session.execute(
        pg_insert(congress_motions).values(
            id=motion_id,
            session_id=session.id,
            title=rules.clean_text(command.title, "a motion's title"),
            status="open",
            quorum_numerator=quorum.numerator,
            quorum_denominator=quorum.denominator,
            pass_rule=rules.PassRule(command.pass_rule).value,
            representatives=len(representatives),
            present=len(present),
            opened_by=principal.subject,
        )
    )
    if present:
        await uow.session.execute(
            pg_insert(congress_attendance), [{"motion_id": motion_id, "member_id": m} for m in present]
        )
    await uow.commit()
    return await motion_view(uow, motion_id)


async def _motion(uow: UnitOfWork, principal: Principal, motion_id: uuid.UUID, *, lock: bool = False):
    query = select(congress_motions).where(congress_motions.c.id == motion_id)
    row = (await uow.session.execute(query.with_for_update() if lock else query)).first()
    if row is None:
        raise _motion_hidden()
    try:
        await session_in_scope(uow, principal, row.session_id)
    except NotFound:
        raise _motion_hidden() from None
    return row


async def cast_ballot(uow: UnitOfWork, principal: Principal, motion_id: uuid.UUID, choice: str) -> dict:
    motion = await _motion(uow, principal, motion_id, lock=True)
    voter = acting_member(principal)
    if not await is_representative(uow, motion.session_id, voter):
        raise Forbidden(
            "not_a_representative", zh="只有本次会议的代表才能投票", en="only the session's representatives vote"
        )
    present = await uow.session.scalar(
        select(func.count()).where(
            congress_attendance.c.motion_id == motion_id, congress_attendance.c.member_id == voter
        )
    )
    rules.check_ballot(motion.status == "open", bool(present))
    cast = await uow.session.scalar(
        pg_insert(congress_ballots)
        .values(motion_id=motion_id, member_id=voter)
        .on_conflict_do_nothing()
        .returning(congress_ballots.c.member_id)
    )
    if cast is None:
        raise Conflict(
            "already_voted",
            zh="您已对该事项投过票，每位代表只能投一次",
            en="you have already voted on this motion; a representative votes once",
        )
    column = {"for": "votes_for", "against": "votes_against", "abstain": "votes_abstain"}[rules.Choice(choice).value]
    await uow.session.execute(
        update(congress_motions)
        .where(congress_motions.c.id == motion_id)
        .values({column: congress_motions.c[column] + 1})
    )
    await uow.commit()
    return await motion_view(uow, motion_id)


async def close_vote(uow: UnitOfWork, principal: Principal, motion_id: uuid.UUID) -> dict:
    motion = await _motion(uow, principal, motion_id, lock=True)
    principal.require_role(*OFFICERS)
    if motion.status != "open":
        raise Conflict(
            "vote_closed",
            zh=f"表决已结束：{RESULT_ZH.get(motion.result, motion.result)}",
            en=f"the vote was already closed: {motion.result}",
        )
    result = rules.tally(
        rules.Quorum(motion.quorum_numerator, motion.quorum_denominator),
        rules.PassRule(motion.pass_rule),
        motion.representatives,
        motion.present,
        motion.votes_for,
        motion.votes_against,
        motion.votes_abstain,
    )
    await uow.session.execute(
        update(congress_motions)
        .where(congress_motions.c.id == motion_id)
        .values(status="closed", result=result, closed_by=principal.subject, closed_at=now())
    )
    await uow.commit()
    return await motion_view(uow, motion_id)


async def get_motion(uow: UnitOfWork, principal: Principal, motion_id: uuid.UUID) -> dict:
    await _motion(uow, principal, motion_id)
    return await motion_view(uow, motion_id)


async def motions_of(uow: UnitOfWork, principal: Principal, session_id: uuid.UUID) -> list[dict]:
    """The session's votes in the order opened, each as ``motion_view`` shows it."""
    await session_in_scope(uow, principal, session_id)
    ids = await uow.session.scalars(
        select(congress_motions.c.id)
        .where(congress_motions.c.session_id == session_id)
        .order_by(congress_motions.c.created_at, congress_motions.c.id)
    )
    return [await motion_view(uow, motion_id) for motion_id in ids.all()]


async def motion_view(uow: UnitOfWork, motion_id: uuid.UUID) -> dict:
    row = (await uow.session.execute(select(congress_motions).where(congress_motions.c.id == motion_id))).one()
    ballots = await uow.session.scalar(
        select(func.count()).select_from(congress_ballots).where(congress_ballots.c.motion_id == motion_id)
    )
    view = {**row._mapping, "ballots_cast": ballots}
    if row.status == "open":
        # Running counts are not shown while the vote is open, so they cannot sway who has yet to vote.
        view.update(votes_for=None, votes_against=None, votes_abstain=None)
    return view
