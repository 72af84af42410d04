"""Help beyond the members (送温暖 to non-members and organizations) on an in-memory unit of work: what
recording, approving and cancelling store and ask of finance, who reads a person's details, and how the
welfare report counts the help. The integration tests prove the same against PostgreSQL and finance."""

import datetime as dt

import pytest
from pydantic import ValidationError

from services.welfare.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_shared import finance_holds
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.contracts.spending import WelfareHoldCancelledV1, WelfareHoldPaidV1, WelfareHoldRequestedV1
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound
from unionfed_welfare.service_layer import outside_help, welfare_reports
from unionfed_welfare.service_layer.commands import ApproveGrant, CancelGrant, RecordOutsideGrant

OFFICER = Principal("officer-li", Role.WELFARE_OFFICER, "street", "street")
COLLEAGUE = Principal("officer-wu", Role.UNION_OFFICER, "street", "street")
ADMIN = Principal("admin-zhao", Role.FEDERATION_ADMIN, "street", "street")
AUDITOR = Principal("auditor-qian", Role.AUDITOR, "street", "street")
UNION_BELOW = Principal("officer-sun", Role.WELFARE_OFFICER, "no1", "street")
MEMBER = Principal("member-1", Role.MEMBER, "street", "street")
JAN = dt.date(2026, 1, 20)
MIGRANT_WORKERS = RecordOutsideGrant(
    recipient={
        "kind": "organization",
        "name": "城东工地农民工",
        "organization_kind": "migrant_workers",
        "headcount": 600,
    },
    given_on=JAN,
    goods=[
        {"item": "茶叶", "quantity": 300, "unit": "盒", "value_fen": 9000_00},
        {"item": "白糖", "quantity": 600, "unit": "袋", "value_fen": 4800_00},
        {"item": "篮球", "quantity": 20, "unit": "个", "value_fen": 2400_00},
    ],
)
A_WORKER = RecordOutsideGrant(
    recipient={
        "kind": "person",
        "name": "李四",
        "phone": "13800000000",
        "id_number": "51010119800101001x",
        "note": "农民工",
    },
    given_on=JAN,
    money_fen=500_00,
)


class NoGrantSums:
    """The report's sums of members' grants and hardship files: none here, only help beyond the members."""

    async def visits_made(self, *_period) -> list:
        return []

    async def grants_paid(self, *_period) -> list:
        return []

    async def welfare_paid_fen(self, *_period) -> int:
        return 0

    async def hardship(self, *_period) -> list:
        return []


def street() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.welfare_report = NoGrantSums()  # type: ignore[attr-defined]  # the report's own fake is its test's
    uow.directory.paths.update({"street": ["street"], "no1": ["street", "no1"]})
    return uow


def village_school(n: int, money_fen: int) -> RecordOutsideGrant:
    return RecordOutsideGrant(
        recipient={
            "kind": "organization",
            "name": f"第{n}村小",
            "organization_kind": "village_school",
            "headcount": 40,
        },
        given_on=JAN,
        money_fen=money_fen,
    )


async def test_goods_for_600_migrant_workers_are_reserved_at_their_value_in_one_hold():
    uow = street()

    answer = await outside_help.record(uow, OFFICER, "street", MIGRANT_WORKERS)

    [grant] = uow.outside_grants.rows.values()
    assert (grant.money_fen, grant.goods_fen, grant.amount_fen, grant.people_reached) == (0, 16200_00, 16200_00, 600)
    [requested] = uow.emitted
    assert isinstance(requested, WelfareHoldRequestedV1) and uow.committed
    assert (requested.amount_fen, requested.reference, requested.category) == (
        16200_00,
        f"outside-grant/{grant.id}",
        "welfare",
    )
    assert "城东工地农民工" in requested.purpose  # an organization is named in the books
    assert answer["state"] == "awaiting_finance" and answer["details_visible"]
    assert sum(g["value_fen"] for g in answer["goods"]) == 16200_00 and len(answer["goods"]) == 3


async def test_a_person_is_named_to_the_recorder_admins_and_auditors_and_a_pseudonym_to_other_officers():
    uow = street()
    answer = await outside_help.record(uow, OFFICER, "street", A_WORKER)

    assert (answer["recipient_name"], answer["phone"], answer["id_number"]) == (
        "李四",
        "13800000000",
        "51010119800101001X",  # upper-cased
    )
    [requested] = uow.emitted
    assert "李四" not in requested.purpose, "finance's books never carry a non-member's name"
    for reader in (ADMIN, AUDITOR):
        assert (await outside_help.read(uow, reader, answer["id"]))["recipient_name"] == "李四"
    for seen in (
        await outside_help.read(uow, COLLEAGUE, answer["id"]),
        *await outside_help.given_by(uow, COLLEAGUE, "street"),
    ):
        assert not seen["details_visible"] and seen["recipient_name"].startswith("受助人-")
        assert "李四" not in str(seen) and "13800000000" not in str(seen) and "001X" not in str(seen)
        assert seen["recipient_note"] == "农民工" and seen["amount_fen"] == 500_00


async def test_approving_pays_the_reserved_help_with_its_goods_and_cancelling_releases_it():
    uow = street()
    goods = await outside_help.record(uow, OFFICER, "street", MIGRANT_WORKERS)
    money = await outside_help.record(uow, OFFICER, "street", A_WORKER)
    uow.emitted.clear()

    with pytest.raises(Conflict) as early:  # finance has not reserved it yet
        await outside_help.approve(uow, OFFICER, goods["id"], ApproveGrant())
    assert early.value.code == "money_not_reserved"

    uow.holds.rows[goods["hold_id"]]["status"] = finance_holds.RESERVED
    paid = await outside_help.approve(uow, COLLEAGUE, goods["id"], ApproveGrant(paid_on=dt.date(2026, 1, 21)))
    [pay] = uow.emitted
    assert isinstance(pay, WelfareHoldPaidV1)
    assert (pay.amount_fen, pay.goods_fen, pay.paid_on) == (16200_00, 16200_00, dt.date(2026, 1, 21))
    assert (paid["status"], paid["state"]) == ("approved", "paying")
    with pytest.raises(Conflict) as twice:
        await outside_help.approve(uow, OFFICER, goods["id"], ApproveGrant())
    assert twice.value.code == "outside_grant_not_recorded"

    uow.emitted.clear()
    cancelled = await outside_help.cancel(uow, OFFICER, money["id"], CancelGrant(reason="重复登记"))
    [void] = uow.emitted
    assert isinstance(void, WelfareHoldCancelledV1) and void.hold_id == money["hold_id"]
    assert (cancelled["status"], cancelled["state"]) == ("cancelled", "cancelling")


async def test_help_without_money_or_goods_is_refused_and_nothing_reaches_finance():
    uow = street()
    with pytest.raises(Invalid) as refused:
        await outside_help.record(
            uow, OFFICER, "street", RecordOutsideGrant(recipient=A_WORKER.recipient, given_on=JAN)
        )
    assert refused.value.code == "outside_grant_empty"
    assert not uow.outside_grants.rows and not uow.holds.rows and not uow.emitted and not uow.staged


@pytest.mark.parametrize(
    ("recipient", "code"),
    [
        (
            {"kind": "organization", "name": "第一村小", "organization_kind": "village_school"},
            "outside_recipient_organization_incomplete",
        ),
        ({"kind": "person", "name": "李四", "headcount": 3}, "outside_recipient_person_with_organization"),
        (
            {
                "kind": "organization",
                "name": "第一村小",
                "organization_kind": "village_school",
                "headcount": 40,
                "phone": "13800000000",
            },
            "outside_recipient_organization_with_person",
        ),
    ],
)
def test_a_recipient_is_a_person_or_an_organization_never_both(recipient, code):
    with pytest.raises(ValidationError) as refused:
        RecordOutsideGrant(recipient=recipient, money_fen=100)
    assert refused.value.errors()[0]["type"] == code


async def test_members_are_refused_and_unions_below_do_not_see_the_federations_help():
    uow = street()
    answer = await outside_help.record(uow, OFFICER, "street", A_WORKER)
    with pytest.raises(Forbidden):
        await outside_help.record(uow, MEMBER, "street", A_WORKER)
    with pytest.raises(NotFound) as hidden:
        await outside_help.read(uow, UNION_BELOW, answer["id"])
    assert hidden.value.code == "outside_grant_not_found"
    with pytest.raises(Forbidden):
        await outside_help.approve(uow, AUDITOR, answer["id"], ApproveGrant())


async def test_the_welfare_report_counts_six_village_schools_31000_yuan_and_the_people_reached():
    uow = street()
    schools = [
        await outside_help.record(uow, OFFICER, "street", village_school(n, fen))
        for n, fen in enumerate([6000_00, 5000_00, 5000_00, 5000_00, 5000_00, 5000_00], start=1)
    ]
    await outside_help.record(uow, OFFICER, "street", MIGRANT_WORKERS)
    await outside_help.record(uow, OFFICER, "street", A_WORKER)
    refused = await outside_help.record(uow, OFFICER, "street", village_school(7, 1000_00))
    uow.holds.rows[refused["hold_id"]]["status"] = finance_holds.REFUSED  # finance had no money for it
    for school in schools[:2]:  # two paid in January, the rest not yet
        uow.holds.rows[school["hold_id"]] |= {"status": "captured", "paid_fen": school["amount_fen"], "paid_on": JAN}

    report = await welfare_reports.report(uow, AUDITOR, "street", dt.date(2026, 1, 1), dt.date(2026, 1, 31))

    lines = {line["group"]: line for line in report["outside_help"]}
    assert list(lines) == ["person", "village_school", "migrant_workers"]
    assert (lines["village_school"]["given"], lines["village_school"]["granted_fen"]) == (6, 31000_00)
    assert (lines["village_school"]["paid"], lines["village_school"]["paid_fen"]) == (2, 11000_00)
    assert lines["village_school"]["people_reached"] == 240 and lines["village_school"]["group_label"] == "村小"
    assert (lines["migrant_workers"]["people_reached"], lines["migrant_workers"]["granted_fen"]) == (600, 16200_00)
    assert (lines["person"]["given"], lines["person"]["people_reached"]) == (1, 1)
    february = await welfare_reports.report(uow, AUDITOR, "street", dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert february["outside_help"] == []


async def test_a_refused_payment_puts_the_help_back_to_be_approved_again():
    uow = street()
    recorded = await outside_help.record(uow, OFFICER, "street", A_WORKER)
    uow.holds.rows[recorded["hold_id"]]["status"] = finance_holds.RESERVED
    await outside_help.approve(uow, OFFICER, recorded["id"], ApproveGrant())
    uow.holds.rows[recorded["hold_id"]]["status"] = finance_holds.RESERVED  # as finance's refusal leaves it
    refused = MoneyRequestSettledV1(
        organization_id="street",
        federation_id="street",
        request_event_id="e1",
        journal_event_id="j1",
        operation="capture",
        outcome="refused",
        reason="预算不足",
        hold_id=recorded["hold_id"],
    )

    await outside_help.on_outside_grant_settled(uow, uow.holds.rows[recorded["hold_id"]], refused)

    grant = uow.outside_grants.rows[recorded["id"]]
    assert (grant.status, grant.approved_by) == ("recorded", None)
    again = await outside_help.approve(uow, OFFICER, recorded["id"], ApproveGrant())
    assert again["status"] == "approved"
