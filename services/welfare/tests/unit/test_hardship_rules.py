"""Hardship file rules: review dates, levels and causes, who reads details."""

import datetime as dt
import uuid

import pytest

from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Invalid
from unionfed_welfare.domain import hardship as rules

PATH = ["county", "school-1"]


def test_special_hardship_is_reviewed_quarterly_and_hardship_twice_a_year():
    assert rules.next_review("special_hardship", dt.date(2026, 3, 2), None) == dt.date(2026, 6, 2)
    assert rules.next_review("hardship", dt.date(2026, 9, 15), None) == dt.date(2027, 3, 15)


def test_a_review_on_the_31st_falls_on_the_last_day_of_a_shorter_month():
    assert rules.add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert rules.add_months(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)


def test_an_asked_review_date_must_come_after_the_review():
    assert rules.next_review("hardship", dt.date(2026, 1, 1), dt.date(2026, 2, 1)) == dt.date(2026, 2, 1)
    with pytest.raises(Invalid, match="must come after"):
        rules.next_review("hardship", dt.date(2026, 1, 1), dt.date(2026, 1, 1))


def test_unknown_levels_and_causes_are_refused_naming_the_known_ones():
    rules.check_level("special_hardship")
    rules.check_cause("child_schooling")
    with pytest.raises(Invalid, match="hardship, special_hardship"):
        rules.check_level("poor")
    with pytest.raises(Invalid, match="serious_illness"):
        rules.check_cause("bad luck")


def test_a_closed_file_is_not_acted_on():
    rules.require_open("open")
    with pytest.raises(Conflict, match="closed"):
        rules.require_open("closed")


@pytest.mark.parametrize(
    ("role", "organization", "visible"),
    [
        (Role.WELFARE_OFFICER, "school-1", True),
        (Role.UNION_OFFICER, "school-1", True),
        (Role.AUDITOR, "county", True),
        (Role.MEMBER, "school-1", False),
        (Role.FEDERATION_ADMIN, "county", False),
        (Role.WELFARE_OFFICER, "school-2", False),
    ],
)
def test_details_are_for_welfare_officers_the_chair_and_auditors_in_scope(role, organization, visible):
    principal = Principal("someone", role, organization, "county")
    assert rules.may_read_details(principal, PATH) is visible


def test_the_pseudonym_is_stable_and_says_nothing_of_the_member():
    file_id = uuid.uuid4()
    assert rules.pseudonym(file_id) == rules.pseudonym(file_id) != rules.pseudonym(uuid.uuid4())
    shown = rules.redacted(
        {
            "id": file_id,
            "pseudonym": "困难档案-X",
            "organization_id": "school-1",
            "status": "open",
            "member_id": uuid.uuid4(),
            "cause_detail": "illness",
            "level": "hardship",
        }
    )
    assert set(shown) == {"id", "pseudonym", "organization_id", "status", "details_visible"}
