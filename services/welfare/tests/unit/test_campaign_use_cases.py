"""The health check, insurance and claim use cases on an in-memory unit of work: whom a campaign
enrols, what it asks finance for, when it may be paid or cancelled, and a claim's flow, in
milliseconds. The integration tests prove the same use cases against PostgreSQL and Kafka."""

import datetime as dt
import uuid

import pytest

from services.welfare.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_shared import finance_holds
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.finance import MoneyRequestSettledV1
from unionfed_shared.contracts.spending import WelfareHoldCancelledV1, WelfareHoldPaidV1, WelfareHoldRequestedV1
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound
from unionfed_welfare.domain.campaigns import Enrollee
from unionfed_welfare.service_layer import campaigns
from unionfed_welfare.service_layer.commands import (
    CancelCampaign,
    CreateCampaign,
    DecideClaim,
    FileClaim,
    PayCampaign,
)

OFFICER = Principal("officer-li", Role.UNION_OFFICER, "no1", "county")
PREMIUM = 380_00
INSURANCE = CreateCampaign(
    kind="insurance",
    title="女职工特殊疾病互助保障",
    provider="县职工互助保障会",
    cost_per_member_fen=PREMIUM,
    eligibility={"gender": "female"},
)


class School:
    """A county with two schools: no1 with two women (one retired) and a man, no2 with one woman."""

    def __init__(self) -> None:
        self.uow = FakeUnitOfWork()
        directory = self.uow.directory
        directory.paths.update({"county": ["county"], "no1": ["county", "no1"], "no2": ["county", "no2"]})
        self.chen = directory.add_member("no1", "陈老师", "female")
        self.wang = directory.add_member("no1", "王老师", "female")
        self.retired = directory.add_member("no1", "刘老师", "female", status="retired")
        self.man = directory.add_member("no1", "张老师", "male")
        self.elsewhere = directory.add_member("no2", "赵老师", "female")

    def next_use_case(self) -> FakeUnitOfWork:
        """The same stored state, seen by the next use case."""
        self.uow.emitted.clear()
        self.uow.committed = False
        return self.uow

    def finance_answered(self, campaign_id: uuid.UUID, status: str) -> None:
        self.uow.holds.rows[self.uow.campaigns.rows[campaign_id].hold_id]["status"] = status

    def nothing_happened(self) -> bool:
        return self.uow.staged == [] and self.uow.emitted == [] and not self.uow.committed


def answer(hold_id, operation: str, outcome: str) -> MoneyRequestSettledV1:
    return MoneyRequestSettledV1(
        organization_id="no1",
        federation_id="county",
        request_event_id="e1",
        journal_event_id="j1",
        operation=operation,
        outcome=outcome,
        reason="已结账期间" if outcome == "refused" else None,
        hold_id=hold_id,
    )


async def test_creating_enrols_the_eligible_members_and_asks_finance_to_reserve_the_whole_cost():
    school = School()

    campaign_id = await campaigns.create(school.uow, OFFICER, "no1", INSURANCE)

    campaign = school.uow.campaigns.rows[campaign_id]
    assert (campaign.federation_id, campaign.status, campaign.created_by) == ("county", "open", "officer-li")
    assert (campaign.eligible_gender, campaign.eligible_statuses) == ("female", ["active"])
    # The active women of the school's subtree: not the man, the retired teacher, nor another school's.
    assert {e.member_id for e in school.uow.campaigns.enrollees[campaign_id]} == {school.chen, school.wang}
    hold = school.uow.holds.rows[campaign.hold_id]
    assert (hold["status"], hold["amount_fen"], hold["reference"]) == (
        "requested",
        2 * PREMIUM,
        f"campaign/{campaign_id}",
    )
    [requested] = school.uow.emitted
    assert isinstance(requested, WelfareHoldRequestedV1) and school.uow.committed
    assert (requested.hold_id, requested.amount_fen, requested.category) == (campaign.hold_id, 2 * PREMIUM, "welfare")
    assert requested.purpose == "团体保险: 女职工特殊疾病互助保障"
    shown = await campaigns.read(school.next_use_case(), OFFICER, campaign_id)
    assert (shown["enrolled"], shown["total_cost_fen"], shown["money_status"]) == (2, 2 * PREMIUM, "requested")
    assert [m["display_name"] for m in shown["members"]] == ["王老师", "陈老师"]  # by name


async def test_named_members_are_each_refused_unless_eligible_and_nothing_is_stored():
    school = School()
    named = INSURANCE.model_copy(update={"member_ids": [school.chen, school.man, school.elsewhere]})

    with pytest.raises(Invalid) as refused:
        await campaigns.create(school.uow, OFFICER, "no1", named)

    assert refused.value.code == "members_not_eligible"
    assert f"{school.man}: the batch is for female members only" in refused.value.en
    assert f"{school.elsewhere}: not a member of this organization's subtree" in refused.value.en
    assert str(school.chen) not in refused.value.en
    assert school.uow.campaigns.rows == {} and school.uow.holds.rows == {} and school.nothing_happened()


async def test_named_members_are_enrolled_even_when_others_are_eligible():
    school = School()
    named = INSURANCE.model_copy(update={"member_ids": [school.wang, school.wang]})  # named twice, enrolled once

    campaign_id = await campaigns.create(school.uow, OFFICER, "no1", named)

    assert school.uow.campaigns.enrollees[campaign_id] == [Enrollee(school.wang, "王老师", "no1")]
    assert school.uow.holds.rows[school.uow.campaigns.rows[campaign_id].hold_id]["amount_fen"] == PREMIUM


async def test_a_campaign_nobody_is_eligible_for_is_refused():
    school = School()
    for_men_retired = INSURANCE.model_copy(
        update={"eligibility": INSURANCE.eligibility.model_copy(update={"gender": "male", "statuses": ["retired"]})}
    )

    with pytest.raises(Invalid) as refused:
        await campaigns.create(school.uow, OFFICER, "no1", for_men_retired)

    assert refused.value.code == "no_eligible_members"
    assert school.uow.campaigns.rows == {} and school.nothing_happened()


async def test_an_auditor_reads_but_does_not_create():
    school = School()
    auditor = Principal("auditor-sun", Role.AUDITOR, "county", "county")

    with pytest.raises(Forbidden):
        await campaigns.create(school.uow, auditor, "no1", INSURANCE)

    assert school.uow.campaigns.rows == {} and school.nothing_happened()


async def test_paying_asks_finance_to_post_what_was_reserved_and_no_more():
    school = School()
    campaign_id = await campaigns.create(school.uow, OFFICER, "no1", INSURANCE)
    school.finance_answered(campaign_id, finance_holds.RESERVED)
    uow = school.next_use_case()

    with pytest.raises(Invalid) as over:
        await campaigns.pay(
            uow, OFFICER, campaign_id, PayCampaign(amount_fen=2 * PREMIUM + 1, paid_on="2026-12-01", description="保费")
        )
    assert over.value.code == "payment_over_reserved" and school.nothing_happened()
    assert uow.campaigns.rows[campaign_id].status == "open"

    shown = await campaigns.pay(
        uow, OFFICER, campaign_id, PayCampaign(amount_fen=2 * PREMIUM, paid_on="2026-12-01", description="保费")
    )

    campaign = uow.campaigns.rows[campaign_id]
    assert (campaign.status, campaign.paid_fen) == ("paid", 2 * PREMIUM)
    assert uow.holds.rows[campaign.hold_id]["status"] == finance_holds.CAPTURE_REQUESTED
    [paid] = uow.emitted
    assert isinstance(paid, WelfareHoldPaidV1) and uow.committed
    assert (paid.hold_id, paid.amount_fen, paid.paid_on, paid.description) == (
        campaign.hold_id,
        2 * PREMIUM,
        dt.date(2026, 12, 1),
        "保费",
    )
    assert (shown["status"], shown["money_status"]) == ("paid", finance_holds.CAPTURE_REQUESTED)


async def test_a_campaign_is_paid_only_once_its_cost_is_reserved_and_only_once():
    school = School()
    campaign_id = await campaigns.create(school.uow, OFFICER, "no1", INSURANCE)
    payment = PayCampaign(amount_fen=PREMIUM, paid_on="2026-12-01", description="保费")
    uow = school.next_use_case()

    with pytest.raises(Conflict) as unreserved:
        await campaigns.pay(uow, OFFICER, campaign_id, payment)
    assert unreserved.value.code == "money_not_reserved" and school.nothing_happened()
    assert uow.campaigns.rows[campaign_id].status == "open"

    school.finance_answered(campaign_id, finance_holds.RESERVED)
    await campaigns.pay(uow, OFFICER, campaign_id, payment)
    uow = school.next_use_case()
    with pytest.raises(Conflict) as again:
        await campaigns.pay(uow, OFFICER, campaign_id, payment)
    assert again.value.code == "campaign_not_open" and school.nothing_happened()


async def test_cancelling_an_open_campaign_releases_its_reservation_and_a_paid_one_is_not_cancelled():
    school = School()
    health_check = CreateCampaign(kind="health_check", title="2026年度教职工体检", cost_per_member_fen=300_00)
    open_one = await campaigns.create(school.uow, OFFICER, "no1", health_check)
    paid_one = await campaigns.create(school.uow, OFFICER, "no1", health_check)
    for campaign_id in (open_one, paid_one):
        school.finance_answered(campaign_id, finance_holds.RESERVED)
    await campaigns.pay(
        school.uow, OFFICER, paid_one, PayCampaign(amount_fen=100, paid_on="2026-12-01", description="x")
    )
    uow = school.next_use_case()

    shown = await campaigns.cancel(uow, OFFICER, open_one, CancelCampaign(reason="医院改期"))

    campaign = uow.campaigns.rows[open_one]
    assert (campaign.status, campaign.cancel_reason) == ("cancelled", "医院改期") and shown["status"] == "cancelled"
    hold = uow.holds.rows[campaign.hold_id]
    assert (hold["status"], hold["cancel_reason"]) == (finance_holds.VOID_REQUESTED, "campaign cancelled: 医院改期")
    [released] = uow.emitted
    assert isinstance(released, WelfareHoldCancelledV1) and released.hold_id == campaign.hold_id and uow.committed

    uow = school.next_use_case()
    with pytest.raises(Conflict) as paid:
        await campaigns.cancel(uow, OFFICER, paid_one, CancelCampaign(reason="不办了"))
    assert paid.value.code == "campaign_not_open" and "paid" in paid.value.en
    assert uow.campaigns.rows[paid_one].status == "paid" and school.nothing_happened()


async def test_finance_refusing_the_reservation_ends_the_campaign_and_refusing_the_payment_reopens_it():
    school = School()
    refused_one = await campaigns.create(school.uow, OFFICER, "no1", INSURANCE)
    paid_one = await campaigns.create(school.uow, OFFICER, "no1", INSURANCE)
    school.finance_answered(paid_one, finance_holds.RESERVED)
    await campaigns.pay(
        school.uow, OFFICER, paid_one, PayCampaign(amount_fen=PREMIUM, paid_on="2026-12-01", description="保费")
    )
    uow = school.next_use_case()
    refused_hold = uow.holds.rows[uow.campaigns.rows[refused_one].hold_id]
    paid_hold = uow.holds.rows[uow.campaigns.rows[paid_one].hold_id]

    await campaigns.on_campaign_settled(uow, refused_hold, answer(refused_hold["hold_id"], "reserve", "refused"))
    await campaigns.on_campaign_settled(uow, paid_hold, answer(paid_hold["hold_id"], "capture", "refused"))

    assert uow.campaigns.rows[refused_one].status == "refused"
    reopened = uow.campaigns.rows[paid_one]
    assert (reopened.status, reopened.paid_fen) == ("open", None)
    # An answer that changes nothing leaves the campaign as it is.
    await campaigns.on_campaign_settled(uow, paid_hold, answer(paid_hold["hold_id"], "reserve", "reserved"))
    assert uow.campaigns.rows[paid_one].status == "open"


async def test_a_campaign_outside_the_callers_scope_is_not_found():
    school = School()
    campaign_id = await campaigns.create(school.uow, OFFICER, "no1", INSURANCE)
    neighbour = Principal("officer-zhou", Role.UNION_OFFICER, "no2", "county")

    with pytest.raises(NotFound) as hidden:
        await campaigns.read(school.next_use_case(), neighbour, campaign_id)

    assert hidden.value.code == "campaign_not_found"


# Insurance claims


async def test_a_claim_is_filed_for_an_insured_member_of_an_insurance_campaign_only():
    school = School()
    insurance = await campaigns.create(school.uow, OFFICER, "no1", INSURANCE)
    health_check = await campaigns.create(
        school.uow, OFFICER, "no1", CreateCampaign(kind="health_check", title="体检", cost_per_member_fen=300_00)
    )
    uow = school.next_use_case()

    with pytest.raises(Invalid) as not_insurance:
        await campaigns.file_claim(
            uow, OFFICER, health_check, FileClaim(member_id=school.chen, claimed_fen=100, description="住院")
        )
    with pytest.raises(Invalid) as not_insured:
        await campaigns.file_claim(
            uow, OFFICER, insurance, FileClaim(member_id=school.man, claimed_fen=100, description="住院")
        )

    assert (not_insurance.value.code, not_insured.value.code) == ("claim_needs_insurance", "claim_member_not_insured")
    assert uow.claims.rows == {} and school.nothing_happened()
    filed = await campaigns.file_claim(
        uow, OFFICER, insurance, FileClaim(member_id=school.chen, claimed_fen=10_000_00, description="乳腺疾病住院治疗")
    )
    assert (filed["status"], filed["claimed_fen"], filed["filed_by"]) == ("filed", 10_000_00, "officer-li")
    assert uow.committed and list(uow.claims.rows) == [filed["id"]]


async def test_a_claim_goes_filed_under_review_paid_in_order_and_a_rejection_keeps_its_reason():
    school = School()
    insurance = await campaigns.create(school.uow, OFFICER, "no1", INSURANCE)
    uow = school.next_use_case()
    first = await campaigns.file_claim(
        uow, OFFICER, insurance, FileClaim(member_id=school.chen, claimed_fen=10_000_00, description="住院")
    )
    second = await campaigns.file_claim(
        uow, OFFICER, insurance, FileClaim(member_id=school.wang, claimed_fen=2_000_00, description="门诊")
    )

    with pytest.raises(Conflict) as early:
        await campaigns.decide_claim(uow, OFFICER, first["id"], DecideClaim(action="pay", paid_fen=100))
    assert early.value.code == "claim_decision_not_allowed" and uow.claims.rows[first["id"]].status == "filed"
    reviewed = await campaigns.decide_claim(uow, OFFICER, first["id"], DecideClaim(action="review"))
    paid = await campaigns.decide_claim(uow, OFFICER, first["id"], DecideClaim(action="pay", paid_fen=8_000_00))
    with pytest.raises(Invalid) as no_reason:
        await campaigns.decide_claim(uow, OFFICER, second["id"], DecideClaim(action="reject"))
    rejected = await campaigns.decide_claim(
        uow, OFFICER, second["id"], DecideClaim(action="reject", reason="门诊不在保障范围")
    )

    assert reviewed["status"] == "under_review" and (paid["status"], paid["paid_fen"]) == ("paid", 8_000_00)
    assert paid["updated_at"] > first["updated_at"]
    assert no_reason.value.code == "claim_rejection_needs_reason"
    assert (rejected["status"], rejected["reason"], rejected["paid_fen"]) == ("rejected", "门诊不在保障范围", None)
    auditor = Principal("auditor-sun", Role.AUDITOR, "county", "county")
    listed = await campaigns.claims_of(uow, auditor, insurance)
    assert [(c["id"], c["status"]) for c in listed] == [(first["id"], "paid"), (second["id"], "rejected")]


async def test_a_claim_of_a_campaign_outside_the_callers_scope_is_not_found():
    school = School()
    insurance = await campaigns.create(school.uow, OFFICER, "no1", INSURANCE)
    filed = await campaigns.file_claim(
        school.uow, OFFICER, insurance, FileClaim(member_id=school.chen, claimed_fen=100, description="住院")
    )
    neighbour = Principal("officer-zhou", Role.UNION_OFFICER, "no2", "county")
    uow = school.next_use_case()

    for claim_id in (filed["id"], uuid.uuid4()):
        with pytest.raises(NotFound) as hidden:
            await campaigns.decide_claim(
                uow, neighbour if claim_id == filed["id"] else OFFICER, claim_id, DecideClaim(action="review")
            )
        assert hidden.value.code == "claim_not_found"
    assert uow.claims.rows[filed["id"]].status == "filed" and school.nothing_happened()
