"""The donation drive use cases on an in-memory unit of work: whom a drive may be for, the gifts and
payments it records and announces to finance, never paying out beyond what it holds, and who sees
the beneficiary's name. The integration tests prove the same use cases against PostgreSQL and Kafka."""

import datetime as dt

import pytest

from services.welfare.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.donations import DonationReceivedV1, DonationsDisbursedV1
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound
from unionfed_welfare.service_layer import donations
from unionfed_welfare.service_layer.commands import CreateDrive, Disburse, RecordDonation

OFFICER = Principal("officer-li", Role.UNION_OFFICER, "no1", "county")
MEMBER = Principal("member-9", Role.MEMBER, "no1", "county")
DAY = dt.date(2026, 11, 20)


def school() -> tuple[FakeUnitOfWork, CreateDrive]:
    """A county with two schools, a teacher of no1 and a drive for her."""
    uow = FakeUnitOfWork()
    uow.directory.paths.update({"county": ["county"], "no1": ["county", "no1"], "no2": ["county", "no2"]})
    uow.directory.sectors["no1"] = "education"
    wang = uow.directory.add_member("no1", "王老师")
    return uow, CreateDrive(code="wang-leukemia-2026", title="为王老师献爱心", beneficiary_member_id=wang)


def next_use_case(uow: FakeUnitOfWork) -> FakeUnitOfWork:
    """The same stored state, seen by the next use case."""
    uow.emitted.clear()
    uow.committed = False
    return uow


def nothing_happened(uow: FakeUnitOfWork) -> bool:
    return uow.staged == [] and uow.emitted == [] and not uow.committed


async def test_a_drive_is_for_a_member_of_the_subtree_named_in_the_words_of_the_union():
    uow, drive = school()

    created = await donations.create(uow, OFFICER, "no1", drive)

    assert (created.code, created.federation_id, created.beneficiary_name) == ("wang-leukemia-2026", "county", "王老师")
    assert created.pseudonym == "受助教职工（wang-leukemia-2026）"  # a school's: 教职工
    assert (created.raised_fen, created.disbursed_fen) == (0, 0) and uow.committed and uow.emitted == []


async def test_a_beneficiary_outside_the_subtree_and_a_code_in_use_are_refused():
    uow, drive = school()
    other_school = uow.directory.add_member("no2", "赵老师")
    officer_no2 = Principal("officer-zhou", Role.UNION_OFFICER, "no2", "county")

    with pytest.raises(Invalid) as outside:
        await donations.create(uow, officer_no2, "no2", drive)  # 王老师 is no1's
    await donations.create(uow, officer_no2, "no2", drive.model_copy(update={"beneficiary_member_id": other_school}))
    uow = next_use_case(uow)
    with pytest.raises(Conflict) as taken:
        await donations.create(uow, OFFICER, "no1", drive)

    assert (outside.value.code, taken.value.code) == ("beneficiary_not_in_scope", "donation_drive_code_taken")
    assert [d.beneficiary_name for d in uow.drives.rows.values()] == ["赵老师"] and nothing_happened(uow)


async def test_a_gift_raises_the_drive_and_is_announced_to_finance_anonymous_donors_staying_anonymous():
    uow, drive = school()
    await donations.create(uow, OFFICER, "no1", drive)
    uow = next_use_case(uow)

    named = await donations.record(
        uow, OFFICER, drive.code, RecordDonation(amount_fen=500_00, received_on=DAY, donor=" 张老师 ")
    )
    anonymous = await donations.record(
        uow, OFFICER, drive.code, RecordDonation(amount_fen=100_00, received_on=DAY, anonymous=True)
    )

    assert (named["donor"], anonymous["donor"]) == ("张老师", "anonymous")
    assert uow.drives.rows[drive.code].raised_fen == 600_00
    first, second = uow.emitted
    assert isinstance(first, DonationReceivedV1) and uow.committed
    assert (first.donation_id, first.drive, first.amount_fen, first.donor, first.federation_id) == (
        named["id"],
        drive.code,
        500_00,
        "张老师",
        "county",
    )
    assert second.donor == "anonymous"


async def test_never_more_is_paid_out_than_the_drive_holds_and_finance_hears_only_the_pseudonym():
    uow, drive = school()
    await donations.create(uow, OFFICER, "no1", drive)
    await donations.record(uow, OFFICER, drive.code, RecordDonation(amount_fen=985_00, received_on=DAY, donor="张老师"))
    await donations.disburse(uow, OFFICER, drive.code, Disburse(amount_fen=385_00, paid_on=DAY))
    uow = next_use_case(uow)

    with pytest.raises(Conflict) as over:
        await donations.disburse(uow, OFFICER, drive.code, Disburse(amount_fen=600_01, paid_on=DAY))
    assert over.value.code == "disbursement_over_balance" and "still holds: 60000 fen" in over.value.en
    assert uow.drives.rows[drive.code].disbursed_fen == 385_00 and len(uow.drives.disbursements) == 1
    assert nothing_happened(uow)

    paid = await donations.disburse(uow, OFFICER, drive.code, Disburse(amount_fen=600_00, paid_on=DAY))

    assert (uow.drives.rows[drive.code].disbursed_fen, paid["amount_fen"]) == (985_00, 600_00)
    [disbursed] = uow.emitted
    assert isinstance(disbursed, DonationsDisbursedV1) and uow.committed
    assert (disbursed.disbursement_id, disbursed.amount_fen, disbursed.beneficiary) == (
        paid["id"],
        600_00,
        "受助教职工（wang-leukemia-2026）",
    )


async def test_officers_see_whom_the_drive_is_for_and_members_the_pseudonym():
    uow, drive = school()
    await donations.create(uow, OFFICER, "no1", drive)
    await donations.record(uow, OFFICER, drive.code, RecordDonation(amount_fen=500_00, received_on=DAY, donor="张老师"))
    await donations.disburse(uow, OFFICER, drive.code, Disburse(amount_fen=200_00, paid_on=DAY))

    officers = await donations.view(uow, OFFICER, await donations.load(uow, OFFICER, drive.code))
    members = await donations.view(uow, MEMBER, await donations.load(uow, MEMBER, drive.code))
    [listed] = await donations.of_organization(uow, MEMBER, "no1")

    assert (officers["beneficiary"], officers["beneficiary_member_id"]) == ("王老师", drive.beneficiary_member_id)
    assert (members["beneficiary"], members["beneficiary_member_id"]) == ("受助教职工（wang-leukemia-2026）", None)
    assert (members["raised_fen"], members["disbursed_fen"], members["held_fen"]) == (500_00, 200_00, 300_00)
    assert [g["donor"] for g in members["donations"]] == ["张老师"] and len(members["disbursements"]) == 1
    assert (listed["beneficiary"], listed["held_fen"]) == ("受助教职工（wang-leukemia-2026）", 300_00)


async def test_a_member_may_not_record_a_gift_and_a_drive_out_of_scope_is_not_found():
    uow, drive = school()
    await donations.create(uow, OFFICER, "no1", drive)
    uow = next_use_case(uow)
    neighbour = Principal("officer-zhou", Role.UNION_OFFICER, "no2", "county")

    with pytest.raises(NotFound) as hidden:
        await donations.record(uow, neighbour, drive.code, RecordDonation(amount_fen=100, received_on=DAY, donor="x"))
    assert hidden.value.code == "donation_drive_not_found"
    with pytest.raises(Forbidden):
        await donations.record(uow, MEMBER, drive.code, RecordDonation(amount_fen=100, received_on=DAY, donor="x"))
    assert uow.drives.rows[drive.code].raised_fen == 0 and uow.drives.donations == [] and nothing_happened(uow)
