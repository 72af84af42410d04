"""Lifecycle, personal data, committees and moves: domain rules without I/O."""

import datetime as dt

import pytest

from unionfed_membership.domain import lifecycle
from unionfed_membership.domain.committee import Seat, Term, check_action
from unionfed_membership.domain.model import Member, Organization
from unionfed_membership.domain.personal_data import id_check_character, mask_id_number, normalise_id_number
from unionfed_shared.errors import Invalid

TODAY = dt.date(2026, 11, 22)
NOW = dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC)


def valid_id(first_17: str = "33010619850315123") -> str:
    return first_17 + id_check_character(first_17)


def tree():
    county = Organization.found_federation("county-edu", "某县教育工会")
    east = county.found_child("east-fed", "东片工会联合会", "federation")
    school_a = county.found_child("school-a", "第一小学工会", "grassroots_union")
    school_b = east.found_child("school-b", "第二中学工会", "grassroots_union")
    group = school_a.found_child("group-maths", "数学组", "union_group")
    return county, east, school_a, school_b, group


def test_id_numbers_are_checked_by_gb_11643_and_never_echoed():
    assert normalise_id_number("11010519491231002x") == "11010519491231002X"  # the standard's own example
    number = valid_id()
    assert normalise_id_number(f" {number} ") == number
    wrong_digit = number[:17] + ("0" if number[17] != "0" else "1")
    for bad, reason in (
        (wrong_digit, "check digit"),
        (number[:17], "18 characters"),
        ("330106198502301234", "date of birth"),
    ):
        with pytest.raises(Invalid, match=reason) as refused:
            normalise_id_number(bad)
        assert bad not in refused.value.detail
    assert mask_id_number(number) == f"{number[:4]}**********{number[-4:]}"


def test_members_carry_personal_data_that_repr_never_shows():
    _, _, school_a, _, _ = tree()
    member = Member.join(
        school_a,
        "陈老师",
        "female",
        dt.date(2020, 9, 1),
        TODAY,
        id_number=valid_id(),
        phone="138 0013 8000",
        staff_no="T-001",
        base_salary_fen=430_000,
    )
    assert (member.phone, member.base_salary_fen) == ("13800138000", 430_000)
    assert valid_id() not in repr(member) and "13800138000" not in repr(member)
    with pytest.raises(Invalid, match="11-digit"):
        Member.join(school_a, "x", "male", TODAY, TODAY, phone="12345")
    with pytest.raises(Invalid, match="base_salary_fen"):
        Member.join(school_a, "x", "male", TODAY, TODAY, base_salary_fen=-1)


def test_moving_a_union_takes_its_subtree_and_refuses_cycles_and_kind_rules():
    county, east, school_a, school_b, group = tree()
    moved = school_a.moved_under(east)
    assert (moved.parent_id, moved.path) == ("east-fed", ("county-edu", "east-fed", "school-a"))
    with pytest.raises(Invalid, match="cycle"):
        east.moved_under(east)
    sub = east.found_child("east-sub", "东片小组联合会", "federation")
    with pytest.raises(Invalid, match="cycle"):
        east.moved_under(sub)
    with pytest.raises(Invalid, match="can hold"):
        school_a.moved_under(school_b)
    with pytest.raises(Invalid, match="can hold"):
        group.moved_under(county)
    with pytest.raises(Invalid, match="root"):
        county.moved_under(east)
    with pytest.raises(Invalid, match="already under"):
        school_a.moved_under(county)
    other = Organization.found_federation("other-fed", "另一工会")
    with pytest.raises(Invalid, match="within its federation"):
        school_a.moved_under(other)


def test_a_transfer_moves_the_member_and_writes_out_and_in():
    _, _, school_a, school_b, _ = tree()
    member = Member.join(school_a, "陈老师", "female", dt.date(2020, 9, 1), TODAY)
    change = lifecycle.plan_transfer(member, school_b, dt.date(2026, 12, 1), dt.date(2020, 9, 1), "admin", NOW)
    assert not change.is_due(TODAY) and change.is_due(dt.date(2026, 12, 1))
    after, entries = lifecycle.apply(member, change)
    assert after.organization_id == "school-b" and after.status == "active"
    assert [(e.organization_id, e.change) for e in entries] == [
        ("school-a", "transferred_out"),
        ("school-b", "transferred_in"),
    ]
    with pytest.raises(Invalid, match="already belongs"):
        lifecycle.plan_transfer(after, school_b, TODAY, TODAY, "admin", NOW)
    with pytest.raises(Invalid, match="before the member's last change"):
        lifecycle.plan_transfer(member, school_b, dt.date(2026, 1, 1), dt.date(2026, 6, 1), "admin", NOW)


def test_status_changes_follow_the_members_life():
    _, _, school_a, school_b, _ = tree()
    member = Member.join(school_a, "王老师", "male", dt.date(1990, 9, 1), TODAY)
    retire = lifecycle.plan_status_change(member, "retired", TODAY, member.joined_on, TODAY, "admin", NOW)
    retired, [entry] = lifecycle.apply(member, retire)
    assert (retired.status, entry.change) == ("retired", "retired")
    with pytest.raises(Invalid, match="only active members transfer"):
        lifecycle.plan_transfer(retired, school_b, TODAY, TODAY, "admin", NOW)
    with pytest.raises(Invalid, match="cannot become active"):
        lifecycle.plan_status_change(retired, "active", TODAY, TODAY, TODAY, "admin", NOW)
    with pytest.raises(Invalid, match="after it happened"):
        lifecycle.plan_status_change(retired, "deceased", TODAY + dt.timedelta(days=1), TODAY, TODAY, "admin", NOW)
    left, _ = lifecycle.apply(member, lifecycle.plan_status_change(member, "left", TODAY, TODAY, TODAY, "a", NOW))
    rejoined, [entry] = lifecycle.apply(
        left, lifecycle.plan_status_change(left, "active", TODAY, TODAY, TODAY, "a", NOW)
    )
    assert (rejoined.status, entry.change) == ("active", "rejoined")


def test_committee_roles_decide_what_an_officer_may_do():
    chair, treasurer = Seat("chair", "u-chair", "李主席"), Seat("treasurer", "u-treasurer", "张会计")
    first = Term.elect(
        "school-a",
        "grassroots_union",
        1,
        dt.date(2021, 9, 1),
        dt.date(2021, 9, 1),
        dt.date(2026, 8, 31),
        [chair, treasurer, Seat("member", "u-member", "赵委员")],
        None,
        TODAY,
        "a",
    )
    assert check_action(first, "u-treasurer", "record_dues") is None
    refusal = check_action(first, "u-member", "record_dues")
    assert refusal.code == "committee_role_not_allowed" and "needs one of: chair, treasurer" in refusal.detail
    assert "主席、财务委员/经审" in refusal.zh
    assert check_action(first, "u-member", "enrol_member") is None
    assert check_action(first, "u-stranger", "enrol_member").code == "not_on_committee"
    with pytest.raises(Invalid, match=r"next term .* is number 2"):
        Term.elect(
            "school-a", "grassroots_union", 3, TODAY, TODAY, TODAY.replace(year=2031), [chair], first, TODAY, "a"
        )
    with pytest.raises(Invalid, match="exactly one chair"):
        Term.elect(
            "school-a", "grassroots_union", 2, TODAY, TODAY, TODAY.replace(year=2031), [treasurer], first, TODAY, "a"
        )
    with pytest.raises(Invalid, match="union's committee"):
        Term.elect("group-maths", "union_group", 1, TODAY, TODAY, TODAY.replace(year=2031), [chair], None, TODAY, "a")
