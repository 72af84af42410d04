import datetime as dt

import pytest

from unionfed_membership.domain.model import DuesPayment, Member, Organization
from unionfed_shared.errors import Conflict, Invalid

TODAY = dt.date(2026, 11, 22)
NOW = dt.datetime(2026, 11, 22, 2, 0, tzinfo=dt.UTC)


def county_and_school():
    county = Organization.found_federation("county-edu", "某县教育工会")
    return county, county.found_child("school-1", "第一小学工会", "grassroots_union")


def test_the_tree_records_each_organizations_ancestry():
    county, school = county_and_school()
    group = school.found_child("group-maths", "数学组", "union_group")
    assert group.path == ("county-edu", "school-1", "group-maths")
    assert group.federation_id == "county-edu"


@pytest.mark.parametrize(
    "parent_kind, child_kind",
    [("grassroots_union", "grassroots_union"), ("union_group", "union_group"), ("federation", "union_group")],
)
def test_kinds_nest_only_as_federations_do(parent_kind, child_kind):
    parent = Organization("p", "parent", parent_kind, None, ("p",))
    with pytest.raises(Invalid):
        parent.found_child("c1", "child", child_kind)


def test_a_federations_zone_and_language_are_its_whole_trees_and_a_sector_is_each_organizations_own():
    street = Organization.found_federation(
        "street-fed", "某街道总工会", time_zone="Europe/Berlin", language="en", sector="enterprise"
    )
    union = street.found_child("acme", "Acme union", "grassroots_union")
    school = street.found_child("school-9", "School union", "grassroots_union", sector="education")
    assert (union.time_zone, union.language, union.sector) == ("Europe/Berlin", "en", None)
    assert (school.zone.key, school.sector) == ("Europe/Berlin", "education")
    with pytest.raises(Invalid, match="IANA"):
        Organization.found_federation("mars-fed", "x", time_zone="Mars/Olympus")


def test_ids_and_names_are_checked():
    with pytest.raises(Invalid):
        Organization.found_federation("Bad Id!", "x")
    with pytest.raises(Invalid):
        Organization.found_federation("ok-id", "   ")


def test_the_platforms_id_is_no_organizations():
    """A platform administrator's token names "platform"; an organization with that id would be in its scope."""
    with pytest.raises(Invalid) as founding:
        Organization.found_federation("platform", "平台")
    assert founding.value.code == "organization_id_reserved"
    county = Organization.found_federation("county-edu", "某县教育工会")
    with pytest.raises(Invalid, match="reserved"):
        county.found_child("platform", "平台", "grassroots_union")


def test_members_join_unions_not_federations():
    county, school = county_and_school()
    with pytest.raises(Invalid):
        Member.join(county, "陈老师", "female", dt.date(2020, 9, 1), TODAY)
    with pytest.raises(Invalid, match="future"):
        Member.join(school, "陈老师", "female", dt.date(2027, 1, 1), TODAY)
    member = Member.join(school, " 陈老师 ", "female", dt.date(2020, 9, 1), TODAY)
    assert (member.display_name, member.federation_id, member.status) == ("陈老师", "county-edu", "active")


def test_dues_are_positive_fen_once_per_month():
    _, school = county_and_school()
    member = Member.join(school, "陈老师", "female", dt.date(2020, 9, 1), TODAY)
    payment = DuesPayment.collect(member, "2026-10", 2150, set(), NOW)
    assert (payment.organization_id, payment.amount_fen) == ("school-1", 2150)
    with pytest.raises(Conflict):
        DuesPayment.collect(member, "2026-10", 2150, {"2026-10"}, NOW)
    for amount in (0, -1, 21.5, True):
        with pytest.raises(Invalid):
            DuesPayment.collect(member, "2026-11", amount, set(), NOW)
    with pytest.raises(Invalid):
        DuesPayment.collect(member, "2026-13", 2150, set(), NOW)
