"""The rules of festival greetings: who is eligible, deterministic holds, answers, progress."""

import datetime as dt
import uuid

import pytest
from pydantic import ValidationError

from unionfed_welfare.domain import greetings as rules
from unionfed_welfare.service_layer.commands import CreateGreeting


def member(path=("county", "school-1"), **overrides) -> rules.MemberStanding:
    fields = {"organization_id": "school-1", "gender": "female", "status": "active", **overrides}
    return rules.MemberStanding(uuid.uuid4(), organization_path=list(path), **fields)


def test_women_staff_only_for_womens_day():
    women = rules.Eligibility(gender="female", statuses=["active"])
    assert women.refusal_of(member(), "county") is None
    assert women.refusal_of(member(gender="male"), "county") == (
        "本次只面向女会员",
        "the batch is for female members only",
    )


def test_a_member_who_left_or_moved_out_of_scope_is_refused_with_the_reason():
    active = rules.Eligibility()
    assert active.refusal_of(member(status="left"), "county") == (
        "会员状态为已离会，本次只面向在职会员",
        "status is left; the batch is for active",
    )
    moved = active.refusal_of(member(("other-county", "other"), organization_id="other"), "county")
    assert moved.en == "no longer in the scope of county (now in other)"
    assert moved.zh == "已不在 county 范围内（现属 other）"
    assert active.refusal_of(None, "county").en == "no longer in the directory"


def test_retirees_for_spring_festival():
    retirees = rules.Eligibility(statuses=["retired"])
    assert retirees.refusal_of(member(status="retired", gender="male"), "county") is None
    assert retirees.refusal_of(member(), "county").en.startswith("status is active")


def test_the_hold_of_a_recipient_is_the_same_every_time_and_differs_between_recipients_and_batches():
    batch, other_batch, a, b = (uuid.uuid4() for _ in range(4))
    assert rules.hold_id(batch, a) == rules.hold_id(batch, a)
    assert len({rules.hold_id(batch, a), rules.hold_id(batch, b), rules.hold_id(other_batch, a)}) == 3


def test_a_reference_names_batch_and_member_and_reads_back():
    batch, who = uuid.uuid4(), uuid.uuid4()
    ref = rules.reference(batch, who)
    assert ref == f"greeting/{batch}/{who}"
    assert rules.parse_reference(ref) == (batch, who)
    with pytest.raises(ValueError):
        rules.parse_reference(f"grant/{batch}/{who}")


def test_finance_answers_move_a_recipient_forward_and_never_out_of_a_final_status():
    assert rules.status_after_answer(rules.REQUESTED, "reserved") == rules.PAY_REQUESTED
    assert rules.status_after_answer(rules.REQUESTED, "refused") == rules.REFUSED
    assert rules.status_after_answer(rules.PAY_REQUESTED, "captured") == rules.PAID
    assert rules.status_after_answer(rules.PAY_REQUESTED, "refused") == rules.REFUSED
    for final in rules.FINAL:
        assert rules.status_after_answer(final, "reserved") is None
        assert rules.status_after_answer(final, "captured") is None


def test_progress_counts_processed_and_settled():
    progress = rules.Progress(total=10, counts={"pending": 4, "requested": 2, "paid": 3, "skipped": 1})
    assert (progress.processed, progress.settled, progress.done) == (6, 4, False)
    assert progress.line() == "processed 6/10; paid 3, waiting for finance 2, skipped 1, refused 0"
    assert rules.Progress(total=2, counts={"paid": 1, "refused": 1}).done


def test_a_command_takes_integer_fen_and_a_known_festival_only():
    ok = CreateGreeting(
        festival="womens_day", amount_fen=200_00, paid_on=dt.date(2027, 3, 8), eligibility={"gender": "female"}
    )
    assert ok.purpose() == "三八妇女节慰问" and ok.eligibility.statuses == ["active"]
    for bad in (
        {"amount_fen": 200.5},
        {"amount_fen": "20000"},
        {"amount_fen": 0},
        {"festival": "halloween"},
        {"eligibility": {"statuses": []}},
        {"eligibility": {"statuses": ["left"]}},
        {"surprise": 1},
    ):
        with pytest.raises(ValidationError):
            CreateGreeting(**{"festival": "mid_autumn", "amount_fen": 100_00, "paid_on": "2027-09-15", **bad})
