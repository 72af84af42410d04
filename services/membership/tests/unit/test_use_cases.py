"""The membership use cases on an in-memory unit of work: their rules, what they store and what they
emit, in milliseconds. The integration tests prove the same use cases against PostgreSQL and Kafka."""

import datetime as dt
import uuid

import pytest

from services.membership.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_membership.domain.committee import Seat, Term
from unionfed_membership.service_layer import commands, dues, founding, members
from unionfed_shared.auth import Principal, Role, platform_admin
from unionfed_shared.contracts.membership import DuesCollectedV1, MemberJoinedV1, OrganizationRegisteredV1
from unionfed_shared.errors import Conflict, Forbidden, NotFound

ID_NUMBER = "110101198511120025"  # a valid GB 11643 number (female, born 1985-11-12)


async def county_with_school(uow: FakeUnitOfWork) -> tuple[str, str]:
    await founding.found_federation(
        uow, platform_admin("ops"), commands.FoundFederation(id="county", name="某县教育工会")
    )
    admin = Principal("admin-wang", Role.FEDERATION_ADMIN, "county", "county")
    await founding.register_organization(
        uow,
        admin,
        commands.RegisterOrganization(id="no1", name="第一小学工会", kind="grassroots_union", parent_id="county"),
    )
    uow.emitted.clear()
    return "county", "no1"


def officer(org: str = "no1", subject: str = "officer-li") -> Principal:
    return Principal(subject, Role.UNION_OFFICER, org, "county")


def joining(name: str = "陈老师", id_number: str | None = ID_NUMBER) -> commands.EnrolMember:
    return commands.EnrolMember(
        display_name=name, gender="female", joined_on=dt.date(2015, 9, 1), id_number=id_number, base_salary_fen=430_000
    )


async def test_founding_a_federation_is_the_platform_admins_and_registers_it_once():
    uow = FakeUnitOfWork()
    federation = await founding.found_federation(
        uow, platform_admin("ops"), commands.FoundFederation(id="county", name="某县教育工会")
    )
    assert (federation.path, uow.committed) == (("county",), True)
    [registered] = uow.emitted
    assert isinstance(registered, OrganizationRegisteredV1) and registered.path == ["county"]

    again = FakeUnitOfWork(organizations=uow.organizations)
    with pytest.raises(Conflict) as twice:
        await founding.found_federation(again, platform_admin("ops"), commands.FoundFederation(id="county", name="x"))
    assert twice.value.code == "organization_already_exists" and again.emitted == [] and not again.committed
    with pytest.raises(Forbidden):
        await founding.found_federation(
            FakeUnitOfWork(),
            Principal("admin", Role.FEDERATION_ADMIN, "city", "city"),
            commands.FoundFederation(id="another", name="某市总工会"),
        )


async def test_an_organization_is_registered_only_under_a_parent_in_the_callers_scope():
    uow = FakeUnitOfWork()
    await county_with_school(uow)
    assert uow.organizations.rows["no1"].path == ("county", "no1")
    stranger = Principal("admin-zhao", Role.FEDERATION_ADMIN, "elsewhere", "elsewhere")
    with pytest.raises(NotFound) as hidden:
        await founding.register_organization(
            uow,
            stranger,
            commands.RegisterOrganization(id="no2", name="第二中学工会", kind="grassroots_union", parent_id="county"),
        )
    assert hidden.value.code == "organization_not_found" and "no2" not in uow.organizations.rows


async def test_enrolling_stores_the_member_and_emits_no_personal_data():
    uow = FakeUnitOfWork()
    await county_with_school(uow)
    member = await members.enrol_member(uow, officer(), "no1", joining())
    assert uow.members.rows[member.id].id_number == ID_NUMBER
    assert [e.change for e in uow.history.entries] == ["joined"]
    [joined] = uow.emitted
    assert isinstance(joined, MemberJoinedV1) and joined.member_id == member.id
    # The ID number, phone and salary stay in membership's database.
    assert ID_NUMBER not in joined.model_dump_json() and "430000" not in joined.model_dump_json()


async def test_the_same_person_is_refused_a_second_time_and_nothing_is_written():
    uow = FakeUnitOfWork()
    await county_with_school(uow)
    first = await members.enrol_member(uow, officer(), "no1", joining())
    uow.emitted.clear()
    retry = FakeUnitOfWork(organizations=uow.organizations, members=uow.members, committees=uow.committees)
    with pytest.raises(Conflict) as twice:
        await members.enrol_member(retry, officer(), "no1", joining("陈老师（重复）"))
    assert twice.value.code == "already_a_member" and str(first.id) in twice.value.en
    assert (len(retry.members.rows), retry.history.entries, retry.emitted, retry.committed) == (1, [], [], False)


async def test_once_a_committee_is_elected_only_its_roster_enrols_for_the_union():
    uow = FakeUnitOfWork()
    await county_with_school(uow)
    uow.committees.current_terms["no1"] = Term(
        id=uuid.uuid4(),
        organization_id="no1",
        number=3,
        elected_on=dt.date(2024, 6, 1),
        starts_on=dt.date(2024, 6, 1),
        ends_on=dt.date(2029, 5, 31),
        roster=(Seat("chair", "officer-li", "李主席"),),
    )
    with pytest.raises(Forbidden):
        await members.enrol_member(uow, officer(subject="someone-else"), "no1", joining())
    assert uow.members.rows == {}
    assert await members.enrol_member(uow, officer(subject="officer-li"), "no1", joining())


async def test_a_month_of_dues_is_collected_once_and_only_in_the_members_union():
    uow = FakeUnitOfWork()
    await county_with_school(uow)
    member = await members.enrol_member(uow, officer(), "no1", joining())
    uow.emitted.clear()
    month = commands.RecordDuesPayment(member_id=member.id, period="2026-11", amount_fen=2150)
    payment = await dues.record_dues_payment(uow, officer(), "no1", month)
    [collected] = uow.emitted
    assert isinstance(collected, DuesCollectedV1) and (collected.payment_id, collected.amount_fen) == (payment.id, 2150)
    with pytest.raises(Conflict) as twice:
        await dues.record_dues_payment(uow, officer(), "no1", month)
    assert twice.value.code == "dues_already_collected" and len(uow.dues.payments) == 1
    with pytest.raises(NotFound):
        await dues.record_dues_payment(
            uow, Principal("admin-wang", Role.FEDERATION_ADMIN, "county", "county"), "county", month
        )
