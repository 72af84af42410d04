"""The staff congress's use cases on an in-memory unit of work: sessions, representatives, proposals
and their answers, votes, with their refusals and what is stored. The integration tests prove the
same use cases against PostgreSQL."""

import datetime as dt
import uuid

import pytest

from services.events.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_events.domain.union_directory import UnionMember
from unionfed_events.service_layer import congress_proposals, congress_sessions, congress_votes
from unionfed_events.service_layer.commands import (
    AnswerProposal,
    FileProposal,
    OpenVote,
    PlanSession,
)
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Forbidden, Invalid

DEADLINE = dt.datetime(2026, 12, 31, 9, 0, tzinfo=dt.UTC)  # 17:00 in Beijing
OFFICER = Principal("officer-li", Role.UNION_OFFICER, "no1", "county")


def plan(min_seconders: int = 2, session_number: int = 3) -> PlanSession:
    return PlanSession(
        congress_number=14,
        session_number=session_number,
        starts_on=dt.date(2026, 11, 20),
        ends_on=dt.date(2026, 11, 21),
        answer_deadline=DEADLINE,
        min_seconders=min_seconders,
    )


def as_member(member: UnionMember) -> Principal:
    return Principal(str(member.id), Role.MEMBER, member.organization_id, "county", member_id=str(member.id))


def school() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.unions.add_organization("county", "federation", None)
    uow.unions.add_organization("no1", "grassroots_union", "county")
    return uow


async def session_with(uow: FakeUnitOfWork, *names: str, min_seconders: int = 2):
    teachers = [uow.unions.add_member(name, "no1") for name in names]
    session = await congress_sessions.plan_session(uow, OFFICER, "no1", plan(min_seconders))
    await congress_sessions.add_representatives(uow, OFFICER, session.id, [t.id for t in teachers])
    return session, teachers


async def test_a_session_is_planned_once_by_a_grassroots_union():
    uow = school()
    session = await congress_sessions.plan_session(uow, OFFICER, "no1", plan())
    assert uow.committed and session.title == "第14届第3次" and session.federation_id == "county"
    assert list(uow.congress_sessions.rows) == [session.id]

    again = school()
    again.congress_sessions = uow.congress_sessions
    with pytest.raises(Conflict) as refused:
        await congress_sessions.plan_session(again, OFFICER, "no1", plan())
    assert refused.value.code == "congress_session_exists" and not again.committed
    assert len(uow.congress_sessions.rows) == 1

    federation_officer = Principal("officer-zhao", Role.FEDERATION_ADMIN, "county", "county")
    with pytest.raises(Invalid) as refused:
        await congress_sessions.plan_session(FakeUnitOfWork(unions=uow.unions), federation_officer, "county", plan())
    assert refused.value.code == "congress_needs_grassroots_union"


async def test_representatives_are_active_members_of_the_union_or_none_is_named():
    uow = school()
    chen = uow.unions.add_member("陈老师", "no1")
    session = await congress_sessions.plan_session(uow, OFFICER, "no1", plan())
    stranger = uuid.uuid4()
    with pytest.raises(Invalid) as refused:
        await congress_sessions.add_representatives(uow, OFFICER, session.id, [chen.id, stranger])
    assert refused.value.code == "representatives_not_members" and str(stranger) in str(refused.value)
    assert uow.congress_sessions.representatives_of.get(session.id, set()) == set()


async def test_proposals_are_numbered_and_stand_once_enough_other_representatives_second_them():
    uow = school()
    session, (chen, li, wang) = await session_with(uow, "陈老师", "李老师", "王老师")
    first = await congress_proposals.file_proposal(
        uow, as_member(chen), session.id, FileProposal(title=" 食堂 ", body="改善教工食堂")
    )
    second = await congress_proposals.file_proposal(
        uow, as_member(li), session.id, FileProposal(title="校车", body="增开校车")
    )
    assert (first["number"], first["title"], first["status"], first["submitted_at"]) == (
        1,
        "食堂",
        "awaiting_seconders",
        None,
    )
    assert second["number"] == 2

    with pytest.raises(Invalid) as refused:
        await congress_proposals.second_proposal(uow, as_member(chen), first["id"])
    assert refused.value.code == "seconding_own_proposal"

    seconded = await congress_proposals.second_proposal(uow, as_member(li), first["id"])
    assert seconded["status"] == "awaiting_seconders" and seconded["seconders"] == [li.id]
    with pytest.raises(Conflict) as refused:
        await congress_proposals.second_proposal(uow, as_member(li), first["id"])
    assert refused.value.code == "proposal_already_seconded"

    standing = await congress_proposals.second_proposal(uow, as_member(wang), first["id"])
    assert standing["status"] == "submitted" and standing["submitted_at"] is not None
    assert standing["seconders"] == [li.id, wang.id]


async def test_only_representatives_file_proposals():
    uow = school()
    session, _ = await session_with(uow, "陈老师")
    outsider = uow.unions.add_member("赵老师", "no1")
    with pytest.raises(Forbidden) as refused:
        await congress_proposals.file_proposal(uow, as_member(outsider), session.id, FileProposal(title="t", body="b"))
    assert refused.value.code == "not_a_representative" and uow.proposals.rows == {}


async def test_a_session_asking_no_seconders_lets_a_proposal_stand_when_filed():
    uow = school()
    session, (chen,) = await session_with(uow, "陈老师", min_seconders=0)
    filed = await congress_proposals.file_proposal(uow, as_member(chen), session.id, FileProposal(title="t", body="b"))
    assert filed["status"] == "submitted" and filed["submitted_at"] is not None


async def test_a_proposal_is_answered_once_when_it_stands_and_is_overdue_until_then():
    uow = school()
    session, (chen,) = await session_with(uow, "陈老师", min_seconders=0)
    waiting = await session_with_waiting_proposal(uow, session.id, chen)
    filed = await congress_proposals.file_proposal(uow, as_member(chen), session.id, FileProposal(title="t", body="b"))

    with pytest.raises(Conflict) as refused:
        await congress_proposals.answer_proposal(uow, OFFICER, waiting, AnswerProposal(answer="accepted"))
    assert refused.value.code == "proposal_not_seconded"
    with pytest.raises(Invalid) as refused:
        await congress_proposals.answer_proposal(uow, OFFICER, filed["id"], AnswerProposal(answer="rejected"))
    assert refused.value.code == "proposal_rejection_needs_reason"

    after_deadline = DEADLINE + dt.timedelta(hours=1)
    _, overdue = await congress_proposals.overdue_proposals(uow, OFFICER, session.id, after_deadline)
    assert [p["id"] for p in overdue] == [filed["id"]]

    answered = await congress_proposals.answer_proposal(
        uow, OFFICER, filed["id"], AnswerProposal(answer="referred", department=" 后勤处 ")
    )
    assert (answered["status"], answered["answer"], answered["department"], answered["answered_by"]) == (
        "answered",
        "referred",
        "后勤处",
        "officer-li",
    )
    _, overdue = await congress_proposals.overdue_proposals(uow, OFFICER, session.id, after_deadline)
    assert overdue == []
    with pytest.raises(Conflict) as refused:
        await congress_proposals.answer_proposal(uow, OFFICER, filed["id"], AnswerProposal(answer="accepted"))
    assert refused.value.code == "proposal_already_answered"


async def session_with_waiting_proposal(uow: FakeUnitOfWork, session_id: uuid.UUID, proposer: UnionMember):
    """A proposal filed in a second session that asks for seconders, so it does not stand yet."""
    other = await congress_sessions.plan_session(uow, OFFICER, "no1", plan(min_seconders=2, session_number=4))
    await congress_sessions.add_representatives(uow, OFFICER, other.id, [proposer.id])
    filed = await congress_proposals.file_proposal(
        uow, as_member(proposer), other.id, FileProposal(title="t", body="b")
    )
    return filed["id"]


async def test_a_vote_counts_one_secret_ballot_per_representative_present():
    uow = school()
    session, (chen, li, wang) = await session_with(uow, "陈老师", "李老师", "王老师")
    outsider = uow.unions.add_member("赵老师", "no1")
    with pytest.raises(Invalid) as refused:
        await congress_votes.open_vote(
            uow, OFFICER, session.id, OpenVote(title="校规", present_member_ids=[chen.id, outsider.id])
        )
    assert refused.value.code == "attendance_not_representatives" and uow.motions.rows == {}

    motion = await congress_votes.open_vote(
        uow, OFFICER, session.id, OpenVote(title="校规", present_member_ids=[chen.id, li.id])
    )
    assert (motion["status"], motion["representatives"], motion["present"]) == ("open", 3, 2)

    with pytest.raises(Conflict) as refused:
        await congress_votes.cast_ballot(uow, as_member(wang), motion["id"], "for")
    assert refused.value.code == "voter_not_present"

    cast = await congress_votes.cast_ballot(uow, as_member(chen), motion["id"], "for")
    # While the vote is open only the number of ballots shows, not how they went.
    assert (cast["ballots_cast"], cast["votes_for"], cast["votes_against"], cast["votes_abstain"]) == (
        1,
        None,
        None,
        None,
    )
    with pytest.raises(Conflict) as refused:
        await congress_votes.cast_ballot(uow, as_member(chen), motion["id"], "against")
    assert refused.value.code == "already_voted"
    await congress_votes.cast_ballot(uow, as_member(li), motion["id"], "for")

    closed = await congress_votes.close_vote(uow, OFFICER, motion["id"])
    assert (closed["status"], closed["result"], closed["votes_for"], closed["votes_against"]) == (
        "closed",
        "passed",
        2,
        0,
    )
    with pytest.raises(Conflict) as refused:
        await congress_votes.close_vote(uow, OFFICER, motion["id"])
    assert refused.value.code == "vote_closed" and "passed" in str(refused.value)


async def test_a_vote_without_a_quorum_is_recorded_and_never_passes():
    uow = school()
    session, (chen, _, _) = await session_with(uow, "陈老师", "李老师", "王老师")
    motion = await congress_votes.open_vote(
        uow, OFFICER, session.id, OpenVote(title="校规", present_member_ids=[chen.id])
    )
    await congress_votes.cast_ballot(uow, as_member(chen), motion["id"], "for")
    closed = await congress_votes.close_vote(uow, OFFICER, motion["id"])
    assert (closed["result"], closed["votes_for"]) == ("no_quorum", 1)
    with pytest.raises(Conflict) as refused:
        await congress_votes.cast_ballot(uow, as_member(chen), motion["id"], "for")
    assert refused.value.code == "vote_closed"


async def test_a_vote_needs_representatives_and_only_they_vote():
    uow = school()
    empty = await congress_sessions.plan_session(uow, OFFICER, "no1", plan(session_number=4))
    with pytest.raises(Invalid) as refused:
        await congress_votes.open_vote(uow, OFFICER, empty.id, OpenVote(title="校规", present_member_ids=[]))
    assert refused.value.code == "session_has_no_representatives"

    session, (chen,) = await session_with(uow, "陈老师")
    motion = await congress_votes.open_vote(
        uow, OFFICER, session.id, OpenVote(title="校规", present_member_ids=[chen.id])
    )
    outsider = uow.unions.add_member("赵老师", "no1")
    with pytest.raises(Forbidden) as refused:
        await congress_votes.cast_ballot(uow, as_member(outsider), motion["id"], "for")
    assert refused.value.code == "not_a_representative"
