"""Activity rules without I/O: eligibility, deadlines, places and the waitlist, hold statuses, input."""

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from unionfed_events.domain.activities import (
    Eligibility,
    check_schedule,
    check_scope,
    placement,
    promotions,
    require_open_for_registration,
    shown,
)
from unionfed_events.domain.activity_budget import check_prize_total, prize_description
from unionfed_events.service_layer.commands import CreateActivity, RecordAward
from unionfed_shared.errors import Conflict, Invalid

UTC = dt.UTC
WOMENS_DAY = Eligibility(("school-a",), "female", ("active",))


def test_eligibility_names_the_reason():
    assert WOMENS_DAY.refusal("female", "active", ["county", "school-a", "group-1"]) is None
    men = WOMENS_DAY.refusal("male", "active", ["county", "school-a"])
    assert (men.code, men.zh, men.detail) == (
        "registration_gender_restricted",
        "本活动只面向女职工",
        "the activity is for women staff only",
    )
    elsewhere = WOMENS_DAY.refusal("female", "active", ["county", "school-b"])
    assert elsewhere.code == "registration_outside_scope" and "open to members of school-a only" in elsewhere.detail
    retired = WOMENS_DAY.refusal("female", "retired", ["county", "school-a"])
    assert retired.code == "registration_status_not_eligible"
    assert retired.detail == "the activity is open to active members; this member is retired"
    assert retired.zh == "本活动只面向在职会员，该会员为退休"
    everyone = Eligibility(("county",), None, ("active", "retired"))
    assert everyone.refusal("male", "retired", ["county", "school-b"]) is None


def test_the_deadline_is_compared_in_utc_and_shown_in_shanghai():
    deadline = dt.datetime(2026, 3, 5, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai
    shanghai = dt.timezone(dt.timedelta(hours=8))
    require_open_for_registration("published", deadline, dt.datetime(2026, 3, 5, 17, 59, tzinfo=shanghai))
    with pytest.raises(Invalid) as refused:
        require_open_for_registration("published", deadline, dt.datetime(2026, 3, 5, 18, 1, tzinfo=shanghai))
    assert refused.value.detail == "registration closed at 2026-03-05 18:00 (Asia/Shanghai)"
    assert shown(deadline) == "2026-03-05 18:00 (Asia/Shanghai)"
    with pytest.raises(Conflict, match="draft"):
        require_open_for_registration("draft", deadline, dt.datetime(2026, 1, 1, tzinfo=UTC))
    berlin = ZoneInfo("Europe/Berlin")
    with pytest.raises(Invalid) as refused:
        require_open_for_registration("published", deadline, dt.datetime(2026, 3, 5, 18, 1, tzinfo=shanghai), berlin)
    assert refused.value.detail == "registration closed at 2026-03-05 11:00 (Europe/Berlin)"


def test_places_then_waitlist_then_promotion():
    assert [placement(n, 2) for n in range(4)] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert placement(500, None) == "confirmed"
    assert promotions(confirmed=1, capacity=2, waitlist_size=3) == 1
    assert promotions(confirmed=2, capacity=2, waitlist_size=3) == 0
    assert promotions(confirmed=0, capacity=5, waitlist_size=2) == 2


def test_schedule_and_scope():
    start = dt.datetime(2026, 5, 1, 1, 0, tzinfo=UTC)
    with pytest.raises(Invalid, match="ends after it starts"):
        check_schedule(start, start, start)
    with pytest.raises(Invalid, match="no later than the activity starts"):
        check_schedule(start, start + dt.timedelta(hours=2), start + dt.timedelta(hours=1))
    check_scope("county", {"county": ["county"], "school-a": ["county", "school-a"]})
    with pytest.raises(Invalid, match="school-x is not the organizer school-a or under it"):
        check_scope("school-a", {"school-x": ["county", "school-x"]})


def test_the_prizes_stay_within_their_budget():
    check_prize_total(300_00, 300_00)
    with pytest.raises(Invalid, match="exceed the prize budget"):
        check_prize_total(300_01, 300_00)
    with pytest.raises(Invalid, match="no prize money"):
        check_prize_total(1, None)


ACTIVITY = {
    "title": "三八节趣味运动会",
    "kind": "sport",
    "starts_at": "2026-03-08T01:00:00Z",
    "ends_at": "2026-03-08T08:00:00Z",
    "registration_deadline": "2026-03-05T10:00:00Z",
}


def test_bad_input_is_refused_with_a_reason():
    CreateActivity.model_validate({**ACTIVITY, "budget": [{"kind": "prizes", "label": "奖金", "amount_fen": 100}]})
    bad = [
        {**ACTIVITY, "starts_at": "2026-03-08T01:00:00"},  # no time zone
        {**ACTIVITY, "capacity": 0},
        {**ACTIVITY, "kind": "party"},
        {**ACTIVITY, "colour": "red"},
        {**ACTIVITY, "budget": [{"kind": "cost", "label": "场地", "amount_fen": 12.5}]},
        {
            **ACTIVITY,
            "budget": [
                {"kind": "prizes", "label": "a", "amount_fen": 1},
                {"kind": "prizes", "label": "b", "amount_fen": 1},
            ],
        },
        {**ACTIVITY, "registration_deadline": "2026-03-09T00:00:00Z"},
    ]
    for body in bad:
        with pytest.raises(ValidationError):
            CreateActivity.model_validate(body)
    with pytest.raises(ValidationError, match="one member or one team"):
        RecordAward(category="团体", level="first", member_id=uuid.uuid4(), team_id=uuid.uuid4())
    with pytest.raises(ValidationError):
        RecordAward.model_validate(
            {"category": "x", "level": "first", "member_id": str(uuid.uuid4()), "prize_fen": 1.5}
        )


def test_prize_money_is_described_in_the_federations_language_only():
    assert prize_description("县羽毛球赛", "zh-CN") == "县羽毛球赛：奖金"
    assert prize_description("County badminton", "en") == "County badminton: prize money"
    assert prize_description("县羽毛球赛", "fr") == "县羽毛球赛：奖金"  # an unknown language: the default
