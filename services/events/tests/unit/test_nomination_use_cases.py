"""Award nominations' use cases on an in-memory unit of work: who takes each step, in what order,
the one live nomination per member, award and year, and the award_approved event. The integration
tests prove the same use cases against PostgreSQL."""

import datetime as dt

import pytest

from services.events.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_events.service_layer import nominations
from unionfed_events.service_layer.commands import Approve, Nominate
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.congress import AwardApprovedV1
from unionfed_shared.errors import Conflict, Forbidden, Invalid

TODAY = dt.date(2026, 4, 1)
SCHOOL_OFFICER = Principal("officer-li", Role.UNION_OFFICER, "no1", "province")
COUNTY_ADMIN = Principal("admin-zhao", Role.FEDERATION_ADMIN, "county", "province")
PROVINCE_ADMIN = Principal("admin-qian", Role.FEDERATION_ADMIN, "province", "province")
SCHOOL_ADMIN = Principal("admin-sun", Role.FEDERATION_ADMIN, "no1", "province")  # sees the school, not the county


@pytest.fixture(autouse=True)
def spring(monkeypatch):
    monkeypatch.setattr(nominations, "now", lambda: dt.datetime(2026, 4, 1, 2, 0, tzinfo=dt.UTC))


def province() -> FakeUnitOfWork:
    """A school union under a county federation (which reviews) under the province (which approves)."""
    uow = FakeUnitOfWork()
    uow.unions.add_organization("province", "federation", None)
    uow.unions.add_organization("county", "federation", "province")
    uow.unions.add_organization("no1", "grassroots_union", "county")
    return uow


async def nominate_wang(uow: FakeUnitOfWork) -> dict:
    wang = uow.unions.add_member("王老师", "no1")
    command = Nominate(member_id=wang.id, award="model_worker", year=2026, citation=" 三十年扎根乡村 ")
    return await nominations.nominate(uow, SCHOOL_OFFICER, "no1", command)


async def test_a_union_nominates_its_member_once_per_award_and_year():
    uow = province()
    nominated = await nominate_wang(uow)
    assert (nominated["status"], nominated["reviewer_id"], nominated["federation_id"]) == (
        "nominated",
        "county",
        "province",
    )
    assert (nominated["member_name"], nominated["citation"]) == ("王老师", "三十年扎根乡村")

    again = Nominate(member_id=nominated["member_id"], award="model_worker", year=2026, citation="再次推荐")
    with pytest.raises(Conflict) as refused:
        await nominations.nominate(uow, SCHOOL_OFFICER, "no1", again)
    assert refused.value.code == "already_nominated" and len(uow.nominations.rows) == 1

    await nominations.reject(uow, COUNTY_ADMIN, nominated["id"], "事迹材料不全")
    renewed = await nominations.nominate(uow, SCHOOL_OFFICER, "no1", again)
    assert renewed["status"] == "nominated", "after a rejection the union may nominate again"


async def test_the_county_reviews_then_the_province_approves_and_award_approved_goes_out_with_the_commit():
    uow = province()
    nominated = await nominate_wang(uow)
    notice = Approve(notice_starts_on=dt.date(2026, 4, 2), notice_ends_on=dt.date(2026, 4, 8))

    with pytest.raises(Conflict) as refused:
        await nominations.approve(uow, PROVINCE_ADMIN, nominated["id"], notice)
    assert refused.value.code == "nomination_step_out_of_order" and uow.staged == []
    with pytest.raises(Forbidden) as refused:
        await nominations.review(uow, SCHOOL_ADMIN, nominated["id"], None)
    assert refused.value.code == "nomination_step_not_yours"

    reviewed = await nominations.review(uow, COUNTY_ADMIN, nominated["id"], " 属实 ")
    assert (reviewed["status"], reviewed["review_note"], reviewed["reviewed_by"]) == ("reviewed", "属实", "admin-zhao")
    with pytest.raises(Forbidden) as refused:
        await nominations.approve(uow, COUNTY_ADMIN, nominated["id"], notice)
    assert refused.value.code == "nomination_step_not_yours"

    approved = await nominations.approve(uow, PROVINCE_ADMIN, nominated["id"], notice)
    assert (approved["status"], approved["notice_starts_on"], approved["approved_by"]) == (
        "approved",
        dt.date(2026, 4, 2),
        "admin-qian",
    )
    [event] = uow.emitted
    assert isinstance(event, AwardApprovedV1)
    assert (event.nomination_id, event.member_id, event.award, event.approved_by_federation) == (
        nominated["id"],
        nominated["member_id"],
        "model_worker",
        "province",
    )
    assert (event.notice_starts_on, event.notice_ends_on, event.approved_at) == (
        dt.date(2026, 4, 2),
        dt.date(2026, 4, 8),
        approved["approved_at"],
    )


async def test_a_public_notice_starts_no_earlier_than_the_day_of_approval():
    uow = province()
    nominated = await nominate_wang(uow)
    await nominations.review(uow, COUNTY_ADMIN, nominated["id"], None)
    uow.committed = False
    early = Approve(notice_starts_on=TODAY - dt.timedelta(days=1), notice_ends_on=TODAY + dt.timedelta(days=5))
    with pytest.raises(Invalid) as refused:
        await nominations.approve(uow, PROVINCE_ADMIN, nominated["id"], early)
    assert refused.value.code == "notice_starts_before_approval"
    assert not uow.committed and uow.staged == [] and uow.nominations.rows[nominated["id"]].status == "reviewed"


async def test_the_body_deciding_the_current_stage_rejects_with_a_reason():
    uow = province()
    nominated = await nominate_wang(uow)
    await nominations.review(uow, COUNTY_ADMIN, nominated["id"], None)
    # Reviewed: the decision is now the province's, no longer the county's.
    with pytest.raises(Forbidden) as refused:
        await nominations.reject(uow, COUNTY_ADMIN, nominated["id"], "名额已满")
    assert refused.value.code == "nomination_step_not_yours"

    rejected = await nominations.reject(uow, PROVINCE_ADMIN, nominated["id"], " 名额已满 ")
    assert (rejected["status"], rejected["rejected_at_stage"], rejected["rejection_reason"]) == (
        "rejected",
        "reviewed",
        "名额已满",
    )
    with pytest.raises(Conflict) as refused:
        await nominations.reject(uow, PROVINCE_ADMIN, nominated["id"], "again")
    assert refused.value.code == "nomination_already_decided"


async def test_public_notices_list_only_the_approved_nominations_in_notice_that_day():
    uow = province()
    shown = await nominate_wang(uow)
    waiting = await nominate_wang(uow)
    await nominations.review(uow, COUNTY_ADMIN, shown["id"], None)
    await nominations.approve(
        uow,
        PROVINCE_ADMIN,
        shown["id"],
        Approve(notice_starts_on=dt.date(2026, 4, 2), notice_ends_on=dt.date(2026, 4, 8)),
    )
    member = Principal("m", Role.MEMBER, "no1", "province", member_id=str(shown["member_id"]))

    def listed(day: dt.date) -> list:
        return nominations.nominations_under(uow, member, "no1", notices_on=day)

    assert [n["id"] for n in await listed(dt.date(2026, 4, 2))] == [shown["id"]]
    assert await listed(dt.date(2026, 4, 1)) == [] and await listed(dt.date(2026, 4, 9)) == []
    everything = await nominations.nominations_under(uow, PROVINCE_ADMIN, "no1")
    assert {n["id"] for n in everything} == {shown["id"], waiting["id"]}
    with pytest.raises(Forbidden):
        await nominations.nominations_under(uow, member, "no1")
