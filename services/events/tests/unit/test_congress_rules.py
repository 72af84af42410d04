"""Staff congress rules: sessions, seconders, answers, overdue proposals, quorum and counting."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest

from unionfed_events.domain import congress as rules
from unionfed_shared.errors import Conflict, Forbidden, Invalid

UTC = dt.UTC
DEADLINE = dt.datetime(2026, 12, 31, 9, 0, tzinfo=UTC)  # 17:00 in Beijing


def plan(zone=rules.SHANGHAI, **changes):
    values = dict(
        congress_number=14,
        session_number=3,
        starts_on=dt.date(2026, 11, 20),
        ends_on=dt.date(2026, 11, 21),
        answer_deadline=DEADLINE,
        min_seconders=2,
    )
    return rules.SessionPlan.of(**{**values, **changes}, zone=zone)


def test_a_session_is_named_by_congress_and_session_and_keeps_its_deadline_in_utc():
    beijing = dt.datetime(2026, 12, 31, 17, 0, tzinfo=rules.SHANGHAI)
    session = plan(answer_deadline=beijing)
    assert session.title == "第14届第3次"
    assert session.answer_deadline == DEADLINE and session.answer_deadline.tzinfo == UTC
    assert rules.shown(session.answer_deadline).isoformat() == "2026-12-31T17:00:00+08:00"


def test_the_day_of_the_answer_deadline_is_the_day_in_the_federations_zone():
    new_year = {
        "starts_on": dt.date(2027, 1, 1),
        "ends_on": dt.date(2027, 1, 2),
        "answer_deadline": dt.datetime(2026, 12, 31, 17, 0, tzinfo=UTC),
    }
    # 01:00 on January 1st in Beijing: the session's first day.
    assert plan(**new_year).answer_deadline == new_year["answer_deadline"]
    # 18:00 on December 31st in Berlin: before the session starts.
    with pytest.raises(Invalid, match="before the session"):
        plan(zone=ZoneInfo("Europe/Berlin"), **new_year)


@pytest.mark.parametrize(
    "changes, reason",
    [
        ({"congress_number": 0}, "start at 1"),
        ({"ends_on": dt.date(2026, 11, 19)}, "end before"),
        ({"answer_deadline": dt.datetime(2026, 12, 31, 9, 0)}, "time zone"),
        ({"answer_deadline": dt.datetime(2026, 11, 1, tzinfo=UTC)}, "before the session"),
        ({"min_seconders": -1}, "min_seconders"),
    ],
)
def test_a_session_plan_refuses_bad_input_with_a_reason(changes, reason):
    with pytest.raises(Invalid, match=reason):
        plan(**changes)


def test_seconders_are_other_representatives_and_a_proposal_stands_at_the_minimum():
    proposer, other = uuid.uuid4(), uuid.uuid4()
    with pytest.raises(Invalid, match="own proposal"):
        rules.check_seconder(proposer, proposer, True, rules.AWAITING_SECONDERS)
    with pytest.raises(Forbidden, match="representatives"):
        rules.check_seconder(proposer, other, False, rules.AWAITING_SECONDERS)
    rules.check_seconder(proposer, other, True, rules.AWAITING_SECONDERS)
    assert rules.status_after_seconding(1, 2, rules.AWAITING_SECONDERS) == rules.AWAITING_SECONDERS
    assert rules.status_after_seconding(2, 2, rules.AWAITING_SECONDERS) == rules.SUBMITTED
    assert rules.status_after_seconding(3, 2, rules.ANSWERED) == rules.ANSWERED


def test_every_kind_of_answer_says_what_it_needs():
    pid, other = uuid.uuid4(), uuid.uuid4()
    give = rules.Answer.give
    assert give(rules.AnswerKind.ACCEPTED, None, None, None, pid, rules.SUBMITTED).kind == "accepted"
    assert give(rules.AnswerKind.MERGED, None, other, None, pid, rules.SUBMITTED).merged_into == other
    assert give(rules.AnswerKind.REFERRED, None, None, " 总务处 ", pid, rules.SUBMITTED).department == "总务处"
    with pytest.raises(Invalid, match="reason"):
        give(rules.AnswerKind.REJECTED, "  ", None, None, pid, rules.SUBMITTED)
    with pytest.raises(Invalid, match="department"):
        give(rules.AnswerKind.REFERRED, None, None, None, pid, rules.SUBMITTED)
    with pytest.raises(Invalid, match="itself"):
        give(rules.AnswerKind.MERGED, None, pid, None, pid, rules.SUBMITTED)
    with pytest.raises(Conflict, match="once"):
        give(rules.AnswerKind.ACCEPTED, None, None, None, pid, rules.ANSWERED)
    with pytest.raises(Conflict, match="seconders"):
        give(rules.AnswerKind.ACCEPTED, None, None, None, pid, rules.AWAITING_SECONDERS)


def test_a_merge_goes_into_a_live_proposal_of_the_same_session():
    rules.check_merge_target(True, rules.SUBMITTED, None)
    rules.check_merge_target(True, rules.ANSWERED, "accepted")
    for same, status, answer in [
        (False, rules.SUBMITTED, None),
        (True, None, None),
        (True, rules.ANSWERED, "merged"),
        (True, rules.AWAITING_SECONDERS, None),
    ]:
        with pytest.raises(Invalid):
            rules.check_merge_target(same, status, answer)


def test_a_standing_proposal_without_an_answer_is_overdue_only_after_the_deadline():
    assert not rules.is_overdue(rules.SUBMITTED, DEADLINE, DEADLINE)
    assert rules.is_overdue(rules.SUBMITTED, DEADLINE, DEADLINE + dt.timedelta(seconds=1))
    assert not rules.is_overdue(rules.ANSWERED, DEADLINE, DEADLINE + dt.timedelta(days=1))
    assert not rules.is_overdue(rules.AWAITING_SECONDERS, DEADLINE, DEADLINE + dt.timedelta(days=1))


def test_a_union_year_counts_every_proposal_its_answered_ones_and_its_overdue_ones_and_sums_up():
    late = DEADLINE + dt.timedelta(days=1)
    school = rules.CongressYear(sessions=1)
    school.count_proposals(rules.SUBMITTED, 2, DEADLINE, late)
    school.count_proposals(rules.ANSWERED, 3, DEADLINE, late)
    school.count_proposals(rules.AWAITING_SECONDERS, 1, DEADLINE, late)
    assert (school.proposals, school.answered, school.overdue) == (6, 3, 2)
    within_deadline = rules.CongressYear(sessions=2)
    within_deadline.count_proposals(rules.SUBMITTED, 4, DEADLINE, DEADLINE)
    assert within_deadline.overdue == 0
    total = rules.CongressYear()
    total.add(school)
    total.add(within_deadline)
    assert (total.sessions, total.proposals, total.answered, total.overdue) == (3, 10, 3, 2)


def test_quorum_is_two_thirds_present_in_whole_numbers():
    two_thirds = rules.Quorum()
    assert two_thirds.met(20, 30) and not two_thirds.met(19, 30)
    assert two_thirds.met(2, 3) and not two_thirds.met(1, 3)
    assert not two_thirds.met(0, 0)
    with pytest.raises(Invalid):
        rules.Quorum(4, 3)


def test_counting_a_vote():
    tally, quorum, rules_ = rules.tally, rules.Quorum(), rules.PassRule
    assert tally(quorum, rules_.MAJORITY_OF_PRESENT, 30, 19, 19, 0, 0) == "no_quorum"
    assert tally(quorum, rules_.MAJORITY_OF_PRESENT, 30, 20, 11, 9, 0) == "passed"
    assert tally(quorum, rules_.MAJORITY_OF_PRESENT, 30, 20, 10, 5, 5) == "failed", "half is not a majority"
    assert tally(quorum, rules_.MAJORITY_OF_ALL, 30, 20, 15, 5, 0) == "failed"
    assert tally(quorum, rules_.MAJORITY_OF_ALL, 30, 20, 16, 4, 0) == "passed"
    assert tally(quorum, rules_.TWO_THIRDS_OF_PRESENT, 30, 21, 14, 7, 0) == "passed"
    assert tally(quorum, rules_.TWO_THIRDS_OF_PRESENT, 30, 21, 13, 8, 0) == "failed"
    assert tally(quorum, rules_.TWO_THIRDS_OF_ALL, 30, 30, 19, 11, 0) == "failed"


def test_only_present_representatives_vote_and_only_while_open():
    with pytest.raises(Invalid, match="not representatives"):
        rules.check_attendance({uuid.uuid4()}, set())
    with pytest.raises(Conflict, match="closed"):
        rules.check_ballot(False, True)
    with pytest.raises(Conflict, match="present"):
        rules.check_ballot(True, False)


def test_an_answer_by_the_deadline_is_in_time_and_one_after_it_late():
    school = rules.CongressYear(sessions=1)
    school.count_proposals(rules.ANSWERED, 2, DEADLINE, DEADLINE, answered_at=DEADLINE)
    school.count_proposals(rules.ANSWERED, 1, DEADLINE, DEADLINE, answered_at=DEADLINE + dt.timedelta(seconds=1))
    school.count_proposals(rules.SUBMITTED, 1, DEADLINE, DEADLINE + dt.timedelta(days=1))
    assert (school.answered, school.answered_in_time, school.answered_late, school.overdue) == (3, 2, 1, 1)
    total = rules.CongressYear()
    total.add(school)
    total.add(school)
    assert (total.answered_in_time, total.answered_late) == (4, 2)
