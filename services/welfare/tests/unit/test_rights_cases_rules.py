"""The rules of workers' rights cases, with no I/O: stages only forward, deadlines and their
defaults, closed in time, and the statistics of a cohort of cases."""

import datetime as dt
import uuid

import pytest

from unionfed_shared.errors import Conflict, Invalid
from unionfed_welfare.domain import rights_cases as rules
from unionfed_welfare.domain.rights_cases import RightsCase, Worker

AT = dt.datetime(2026, 11, 20, 2, tzinfo=dt.UTC)


def accepted(on=dt.date(2026, 11, 10), deadline=None, kind="wage_arrears", week=None) -> RightsCase:
    case, _entry = RightsCase.accepted(
        organization_id="no1",
        federation_id="street",
        employer_name="某某建材有限公司",
        employer_credit_code=None,
        claim_kind=kind,
        claimed_fen=1_260_000,
        accepted_on=on,
        deadline_on=deadline,
        rights_week=week,
        opened_by="officer-li",
    )
    return case


def move(case: RightsCase, stage: str, on: dt.date, last: dt.date | None = None, **extra):
    values = {"deadline_on": None, "recovered_fen": None, "outcome": None, "note": ""} | extra
    return case.move(stage, on, by="officer-li", last_entered_on=last or case.accepted_on, at=AT, **values)


def test_acceptance_gives_mediation_fifteen_days_by_default_and_the_given_deadline_otherwise():
    assert accepted().deadline_on == dt.date(2026, 11, 25)
    assert accepted(deadline=dt.date(2026, 12, 31)).deadline_on == dt.date(2026, 12, 31)
    with pytest.raises(Invalid) as refused:
        accepted(deadline=dt.date(2026, 11, 9))
    assert refused.value.code == "rights_case_deadline_before_stage"


def test_a_date_whose_default_deadline_falls_off_the_calendar_is_refused():
    with pytest.raises(Invalid) as refused:
        accepted(on=dt.date(9999, 12, 31))
    assert refused.value.code == "rights_case_date_out_of_range"


def test_a_case_moves_forward_through_mediation_to_its_closing_with_what_was_recovered():
    case = accepted()
    entry = move(case, "mediation", dt.date(2026, 11, 12))
    assert (entry.stage, entry.deadline_on) == ("mediation", dt.date(2026, 11, 27))
    move(case, "closed", dt.date(2026, 11, 20), dt.date(2026, 11, 12), recovered_fen=1_500_000, outcome="调解成功")
    # More than claimed is allowed: double wages and compensation can exceed the first claim.
    assert (case.stage, case.closed_on, case.recovered_fen, case.outcome) == (
        "closed",
        dt.date(2026, 11, 20),
        1_500_000,
        "调解成功",
    )
    assert case.closed_in_time


@pytest.mark.parametrize(
    ("path", "wrong", "code"),
    [
        (["mediation"], "mediation", "rights_case_stage_backward"),
        (["arbitration"], "mediation", "rights_case_stage_backward"),
        (["litigation"], "arbitration", "rights_case_stage_backward"),
        (["closed"], "litigation", "rights_case_closed"),
        (["mediation", "closed"], "closed", "rights_case_closed"),
    ],
)
def test_stages_never_move_back_nor_after_closing(path, wrong, code):
    case = accepted()
    for stage in path:
        move(case, stage, dt.date(2026, 11, 12))
    before = (case.stage, case.closed_on, case.referred_on)
    with pytest.raises(Conflict) as refused:
        move(case, wrong, dt.date(2026, 11, 13))
    assert refused.value.code == code
    assert (case.stage, case.closed_on, case.referred_on) == before


def test_a_stage_cannot_be_dated_before_the_stage_the_case_is_in():
    case = accepted()
    with pytest.raises(Invalid) as refused:
        move(case, "mediation", dt.date(2026, 11, 9))
    assert refused.value.code == "rights_case_date_before_stage"
    assert case.stage == "accepted"


def test_referral_is_dated_once_and_a_referred_case_may_close_when_the_award_is_known():
    case = accepted()
    entry = move(case, "arbitration", dt.date(2026, 11, 30))
    assert entry.deadline_on == dt.date(2027, 1, 14)  # arbitration: 45 days
    move(case, "litigation", dt.date(2027, 1, 20))
    assert case.referred_on == dt.date(2026, 11, 30)
    move(case, "closed", dt.date(2027, 3, 1))
    assert case.closed_on == dt.date(2027, 3, 1) and not case.closed_in_time  # long after mediation's deadline


def test_a_deadline_given_to_mediation_becomes_the_case_s_deadline():
    case = accepted()
    move(case, "mediation", dt.date(2026, 11, 12), deadline_on=dt.date(2026, 12, 10))
    move(case, "closed", dt.date(2026, 12, 10))
    assert case.deadline_on == dt.date(2026, 12, 10) and case.closed_in_time


def test_figures_count_the_cohort_by_kind_in_time_referred_recovered_and_distinct_workers():
    member = uuid.uuid4()
    in_time, late, referred, open_ = (
        accepted(week="2026-11"),
        accepted(week="2026-11"),
        accepted(kind="work_injury"),
        accepted(week="2026-12"),
    )
    move(in_time, "closed", dt.date(2026, 11, 20), recovered_fen=800_000)
    move(late, "closed", dt.date(2026, 12, 20), recovered_fen=300_000)
    move(referred, "arbitration", dt.date(2026, 11, 20))
    li = Worker(None, "李四", "138 0000 0000")
    figures = rules.figures(
        [
            (in_time, [Worker(member, None, None), li]),
            (late, [Worker(member, None, None)]),
            (referred, [Worker(None, "李四", "13800000000")]),  # the same phone: the same worker
            (open_, [Worker(None, "王五", "13900000000")]),
        ]
    )
    assert figures == rules.CaseFigures(
        opened=4,
        by_claim_kind={"wage_arrears": 3, "labour_contract": 0, "work_injury": 1, "other": 0},
        closed=2,
        closed_in_time=1,
        referred=1,
        claimed_fen=4 * 1_260_000,
        recovered_fen=1_100_000,
        workers_helped=3,
        by_rights_week={"2026-11": 2, "2026-12": 1},
        opened_at_rights_weeks=0,
    )


def test_a_worker_named_twice_is_refused():
    with pytest.raises(Invalid) as refused:
        rules.require_distinct_workers([Worker(None, "李四", "13800000000"), Worker(None, "李 四", "138-0000-0000")])
    assert refused.value.code == "rights_case_worker_repeated"
