"""The grant use cases on an in-memory unit of work: their rules, what they store and what they emit
to finance, in milliseconds. The integration tests prove the same use cases against PostgreSQL and Kafka."""

import datetime as dt

import pytest

from services.welfare.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_shared import finance_holds
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.contracts.spending import WelfareHoldCancelledV1, WelfareHoldPaidV1, WelfareHoldRequestedV1
from unionfed_shared.errors import Conflict, Invalid
from unionfed_welfare.domain import grants as rules
from unionfed_welfare.domain.grants import GoodsLine, VisitPolicy
from unionfed_welfare.service_layer import grants
from unionfed_welfare.service_layer.commands import ApproveGrant, CancelGrant, Goods, RecordGrant

OFFICER = Principal("officer-li", Role.WELFARE_OFFICER, "no1", "county")
STANDARD = {"hospitalised": 500_00, "wedding": 400_00}
CAP = 800_00


def county_with_teacher() -> tuple[FakeUnitOfWork, RecordGrant]:
    """A federation with one school, its visit policy and a member; and a hospital visit to record."""
    uow = FakeUnitOfWork()
    uow.directory.paths.update({"county": ["county"], "no1": ["county", "no1"]})
    member_id = uow.directory.add_member("no1", "陈老师")
    uow.visit_policies.rows["county"] = VisitPolicy("county", STANDARD, CAP, "admin-wang")
    visit = RecordGrant(
        member_id=member_id,
        visit_type="hospitalised",
        occasion_on=dt.date(2026, 3, 2),
        occasion_ref="ZY-2026-0042",
        goods=[Goods(item="牛奶", quantity=2, unit="箱", value_fen=100_00)],
    )
    return uow, visit


def after_commit(uow: FakeUnitOfWork) -> FakeUnitOfWork:
    """The same stored state, seen by the next use case."""
    uow.emitted.clear()
    uow.committed = False
    return uow


def finance_answered(uow: FakeUnitOfWork, hold_id, status: str) -> None:
    uow.holds.rows[hold_id]["status"] = status


async def test_recording_grants_the_standard_less_the_goods_and_asks_finance_to_reserve_it():
    uow, visit = county_with_teacher()

    answer = await grants.record(uow, OFFICER, "no1", visit)

    [grant] = uow.grants.rows.values()
    assert (grant.money_fen, grant.goods_fen, grant.amount_fen) == (400_00, 100_00, 500_00)
    assert (grant.status, grant.recorded_by, grant.year) == ("recorded", "officer-li", 2026)
    assert uow.grants.goods[grant.id] == [GoodsLine("牛奶", 2, "箱", 100_00)]
    hold = uow.holds.rows[grant.hold_id]
    assert (hold["status"], hold["amount_fen"], hold["reference"]) == ("requested", 500_00, f"grant/{grant.id}")
    [requested] = uow.emitted
    assert isinstance(requested, WelfareHoldRequestedV1) and uow.committed
    assert (requested.hold_id, requested.amount_fen, requested.category) == (grant.hold_id, 500_00, "welfare")
    assert requested.reference == f"grant/{grant.id}" and requested.purpose == "住院慰问 2026-03-02"
    assert answer["id"] == grant.id and answer["state"] == "awaiting_finance" and answer["member_name"] == "陈老师"
    assert "occasion_key" not in answer and answer["goods"] == [
        {"item": "牛奶", "quantity": 2, "unit": "箱", "value_fen": 100_00}
    ]


async def test_the_same_occasion_is_refused_naming_the_grant_that_has_it():
    uow, visit = county_with_teacher()
    first = await grants.record(uow, OFFICER, "no1", visit)
    after_commit(uow)
    county_officer = Principal("officer-zhao", Role.UNION_OFFICER, "county", "county")
    retyped = visit.model_copy(update={"occasion_ref": "  zy-2026-0042 "})  # the same stay, typed again

    with pytest.raises(Conflict) as taken:
        await grants.record(uow, county_officer, "county", retyped)

    assert taken.value.code == "grant_occasion_taken"
    assert str(first["id"]) in taken.value.en and "officer-li" in taken.value.en and "no1" in taken.value.en
    assert list(uow.grants.rows) == [first["id"]] and len(uow.holds.rows) == 1
    assert uow.staged == [] and uow.emitted == [] and not uow.committed


async def test_over_the_yearly_cap_is_refused_before_anything_reaches_finance():
    uow, visit = county_with_teacher()
    await grants.record(uow, OFFICER, "no1", visit)  # 500 of the 800 a year
    after_commit(uow)
    wedding = visit.model_copy(update={"visit_type": "wedding", "goods": [], "occasion_ref": ""})  # 400 more: 900

    with pytest.raises(Invalid) as over:
        await grants.record(uow, OFFICER, "no1", wedding)

    assert over.value.code == "grant_over_yearly_cap" and "50000 fen already granted, 30000 fen left" in over.value.en
    assert len(uow.grants.rows) == 1 and len(uow.holds.rows) == 1
    assert uow.staged == [] and uow.emitted == [] and not uow.committed


async def test_a_grant_whose_money_finance_refused_no_longer_counts_toward_the_cap():
    uow, visit = county_with_teacher()
    first = await grants.record(uow, OFFICER, "no1", visit)
    finance_answered(uow, first["hold_id"], finance_holds.REFUSED)
    after_commit(uow)
    another_stay = visit.model_copy(update={"occasion_ref": "ZY-2026-0077"})

    await grants.record(uow, OFFICER, "no1", another_stay)  # 500 + 500 > 800 had the first counted

    assert len(uow.grants.rows) == 2 and [type(e) for e in uow.emitted] == [WelfareHoldRequestedV1]


async def test_approving_asks_finance_to_pay_the_reserved_grant_with_its_goods_apart():
    uow, visit = county_with_teacher()
    recorded = await grants.record(uow, OFFICER, "no1", visit)
    finance_answered(uow, recorded["hold_id"], finance_holds.RESERVED)
    after_commit(uow)

    answer = await grants.approve(uow, OFFICER, recorded["id"], ApproveGrant(paid_on=dt.date(2026, 3, 5)))

    grant = uow.grants.rows[recorded["id"]]
    assert (grant.status, grant.approved_by) == ("approved", "officer-li") and grant.approved_at is not None
    assert uow.holds.rows[grant.hold_id]["status"] == finance_holds.CAPTURE_REQUESTED
    [paid] = uow.emitted
    assert isinstance(paid, WelfareHoldPaidV1) and uow.committed
    assert (paid.hold_id, paid.amount_fen, paid.goods_fen, paid.paid_on) == (
        grant.hold_id,
        500_00,
        100_00,
        dt.date(2026, 3, 5),
    )
    assert paid.description == f"住院慰问（慰问单 {grant.id}）" and answer["state"] == "paying"


async def test_only_a_reserved_grant_is_approved():
    uow, visit = county_with_teacher()
    recorded = await grants.record(uow, OFFICER, "no1", visit)  # finance has not reserved it yet
    after_commit(uow)

    with pytest.raises(Conflict) as unreserved:
        await grants.approve(uow, OFFICER, recorded["id"], ApproveGrant())

    assert unreserved.value.code == "money_not_reserved"
    assert uow.grants.rows[recorded["id"]].status == "recorded"
    assert uow.holds.rows[recorded["hold_id"]]["status"] == finance_holds.REQUESTED
    assert uow.staged == [] and uow.emitted == [] and not uow.committed


async def test_cancelling_releases_the_open_hold_and_frees_the_occasion():
    uow, visit = county_with_teacher()
    recorded = await grants.record(uow, OFFICER, "no1", visit)
    finance_answered(uow, recorded["hold_id"], finance_holds.RESERVED)
    after_commit(uow)

    answer = await grants.cancel(uow, OFFICER, recorded["id"], CancelGrant(reason="重复登记"))

    grant = uow.grants.rows[recorded["id"]]
    assert (grant.status, grant.cancelled_by, grant.cancel_reason) == ("cancelled", "officer-li", "重复登记")
    hold = uow.holds.rows[grant.hold_id]
    assert (hold["status"], hold["cancel_reason"]) == (finance_holds.VOID_REQUESTED, "grant cancelled: 重复登记")
    [released] = uow.emitted
    assert isinstance(released, WelfareHoldCancelledV1) and released.hold_id == grant.hold_id and uow.committed
    assert answer["state"] == "cancelling"
    after_commit(uow)
    await grants.record(uow, OFFICER, "no1", visit)  # the occasion is free again
    assert len(uow.grants.rows) == 2


async def test_a_paid_grant_is_not_cancelled():
    uow, visit = county_with_teacher()
    recorded = await grants.record(uow, OFFICER, "no1", visit)
    finance_answered(uow, recorded["hold_id"], finance_holds.RESERVED)
    await grants.approve(uow, OFFICER, recorded["id"], ApproveGrant(paid_on=dt.date(2026, 3, 5)))
    finance_answered(uow, recorded["hold_id"], finance_holds.CAPTURED)
    after_commit(uow)

    with pytest.raises(Conflict) as paid:
        await grants.cancel(uow, OFFICER, recorded["id"], CancelGrant(reason="不该发"))

    assert paid.value.code == "grant_not_cancellable" and "captured" in paid.value.en
    assert uow.grants.rows[recorded["id"]].status == "approved"
    assert uow.staged == [] and uow.emitted == [] and not uow.committed


async def test_a_refused_payment_puts_the_grant_back_to_be_approved_again():
    uow, visit = county_with_teacher()
    recorded = await grants.record(uow, OFFICER, "no1", visit)
    finance_answered(uow, recorded["hold_id"], finance_holds.RESERVED)
    await grants.approve(uow, OFFICER, recorded["id"], ApproveGrant(paid_on=dt.date(2026, 3, 5)))
    finance_answered(uow, recorded["hold_id"], finance_holds.RESERVED)  # as finance's refusal leaves it
    refused = MoneyRequestSettledV1(
        organization_id="no1",
        federation_id="county",
        request_event_id="e1",
        journal_event_id="j1",
        operation="capture",
        outcome="refused",
        reason="预算不足",
        hold_id=recorded["hold_id"],
    )

    await grants.on_grant_settled(uow, uow.holds.rows[recorded["hold_id"]], refused)

    grant = uow.grants.rows[recorded["id"]]
    assert (grant.status, grant.approved_by, grant.approved_at) == ("recorded", None, None)


def test_what_counts_toward_the_cap_is_decided_with_the_comparison():
    year = [
        rules.YearGrant(300_00, "recorded", finance_holds.RESERVED),
        rules.YearGrant(200_00, "approved", finance_holds.CAPTURED),
        rules.YearGrant(500_00, "cancelled", finance_holds.VOID_REQUESTED),
        rules.YearGrant(400_00, "recorded", finance_holds.REFUSED),
        rules.YearGrant(100_00, "approved", finance_holds.VOIDED),
    ]
    assert rules.granted_in_year(year) == 500_00
    rules.check_yearly_cap(year, 300_00, CAP, 2026)
    with pytest.raises(Invalid, match="50000 fen already granted, 30000 fen left"):
        rules.check_yearly_cap(year, 300_01, CAP, 2026)
