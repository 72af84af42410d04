"""Migrant and new-form workers on the in-memory unit of work: joint and trade unions, worker
categories, changing employer inside a joint union (membership kept, history written), 会籍接转
into the employer's union through the ordinary transfer, the counts, and labour-contract checks
(春暖行动) with their roll-up."""

import datetime as dt

import pytest

from services.membership.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_membership.domain.collective_contracts import Rate
from unionfed_membership.domain.labour_contracts import below
from unionfed_membership.domain.model import Member
from unionfed_membership.service_layer import (
    clock,
    commands,
    enterprises,
    founding,
    labour_contracts,
    members,
    mobile_workers,
)
from unionfed_shared.auth import Principal, Role, platform_admin
from unionfed_shared.contracts.membership import MemberTransferredV1
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound

TODAY = dt.date(2026, 12, 5)
ADMIN = Principal("admin-zhao", Role.FEDERATION_ADMIN, "street", "street")
RIDERS_OFFICER = Principal("officer-riders", Role.UNION_OFFICER, "riders", "street")
AUDITOR = Principal("auditor-qian", Role.AUDITOR, "street", "street")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    # 17:00 UTC on 4 December is 01:00 on 5 December in Shanghai: the federation's today is the 5th.
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 12, 4, 17, 0, tzinfo=dt.UTC))


def code(n: int) -> str:
    from unionfed_membership.domain.enterprises import credit_code_check_character

    body = f"91310115MA1K3YJ{n:02d}"
    return body + credit_code_check_character(body)


async def street() -> FakeUnitOfWork:
    """A street federation with a riders' union (to be designated) and an enterprise with its own union."""
    uow = FakeUnitOfWork()
    await founding.found_federation(
        uow, platform_admin("ops"), commands.FoundFederation(id="street", name="某街道总工会")
    )
    await founding.found_federation(uow, platform_admin("ops"), commands.FoundFederation(id="other", name="另一街道"))
    await founding.register_organization(
        uow,
        ADMIN,
        commands.RegisterOrganization(
            id="riders", name="快递外卖行业工会", kind="grassroots_union", parent_id="street"
        ),
    )
    await founding.register_organization(
        uow,
        ADMIN,
        commands.RegisterOrganization(id="riders-g1", name="一组", kind="union_group", parent_id="riders"),
    )
    uow.emitted.clear()
    return uow


async def enterprise(uow: FakeUnitOfWork, name: str, n: int, workers: int = 100, union: bool = True, org="street"):
    admin = ADMIN if org == "street" else Principal("admin-x", Role.FEDERATION_ADMIN, org, org)
    registered = await enterprises.register(
        uow, admin, org, commands.RegisterEnterprise(name=name, credit_code=code(n), workers=workers)
    )
    if not union:
        return registered
    return await enterprises.found_union(
        uow,
        admin,
        registered.id,
        commands.FoundEnterpriseUnion(union_id=f"union-{n}", union_name=f"{name}工会", founded_on=dt.date(2025, 6, 1)),
    )


async def rider(uow: FakeUnitOfWork, name="李骑手", joined_on=dt.date(2025, 3, 1), org="riders") -> Member:
    return await members.enrol_member(
        uow, ADMIN, org, commands.EnrolMember(display_name=name, gender="male", joined_on=joined_on)
    )


def employer(enterprise_id=None, name=None, on=dt.date(2026, 3, 1)) -> commands.ChangeEmployer:
    return commands.ChangeEmployer(enterprise_id=enterprise_id, employer_name=name, effective_on=on)


async def test_a_grassroots_union_is_designated_a_trade_or_joint_union_and_nothing_else():
    uow = await street()
    trade = await mobile_workers.designate_joint_union(
        uow,
        ADMIN,
        "riders",
        commands.DesignateJointUnion(form="trade", trade=" 外卖配送 ", designated_on=dt.date(2026, 5, 1)),
    )
    assert (trade.form, trade.trade) == ("trade", "外卖配送") and uow.committed
    company = await enterprise(uow, "甲物流", 1)
    refusals = {
        "joint_union_not_grassroots": ("riders-g1", commands.DesignateJointUnion(form="joint", designated_on=TODAY)),
        "joint_union_is_enterprise_union": (
            company.union_id,
            commands.DesignateJointUnion(form="joint", designated_on=TODAY),
        ),
        "trade_missing": ("riders", commands.DesignateJointUnion(form="trade", trade="  ", designated_on=TODAY)),
        "trade_on_joint_union": (
            "riders",
            commands.DesignateJointUnion(form="joint", trade="快递", designated_on=TODAY),
        ),
        "designation_date_in_future": (
            "riders",
            commands.DesignateJointUnion(form="joint", designated_on=TODAY + dt.timedelta(days=1)),
        ),
    }
    for expected, (org, command) in refusals.items():
        with pytest.raises((Invalid, Conflict)) as refused:
            await mobile_workers.designate_joint_union(uow, ADMIN, org, command)
        assert refused.value.code == expected
    assert list(uow.joint_unions.rows) == ["riders"] and uow.joint_unions.rows["riders"].form == "trade"
    with pytest.raises(Forbidden):  # the union's own officers do not designate it
        await mobile_workers.designate_joint_union(
            uow, RIDERS_OFFICER, "riders", commands.DesignateJointUnion(form="joint", designated_on=TODAY)
        )
    assert [j.organization_id for j in await mobile_workers.joint_unions(uow, AUDITOR, "street")] == ["riders"]
    assert [j.organization_id for j in await mobile_workers.joint_unions(uow, RIDERS_OFFICER, "riders")] == ["riders"]


async def test_the_category_is_dated_and_kept_and_refuses_what_rewrites_it():
    uow = await street()
    li = await rider(uow)
    await mobile_workers.record_category(
        uow,
        RIDERS_OFFICER,
        li.id,
        commands.RecordWorkerCategory(migrant_worker=True, new_form="courier", effective_on=dt.date(2025, 3, 1)),
    )
    await mobile_workers.record_category(
        uow,
        RIDERS_OFFICER,
        li.id,
        commands.RecordWorkerCategory(migrant_worker=True, new_form="delivery_rider", effective_on=dt.date(2026, 4, 1)),
    )
    record = await mobile_workers.worker_record(uow, AUDITOR, li.id)
    assert [(c.new_form, c.effective_on) for c in record.categories] == [
        ("courier", dt.date(2025, 3, 1)),
        ("delivery_rider", dt.date(2026, 4, 1)),
    ]
    for expected, on in (
        ("category_date_before_last", dt.date(2026, 3, 31)),
        ("category_date_in_future", TODAY + dt.timedelta(days=1)),
    ):
        with pytest.raises(Invalid) as refused:
            await mobile_workers.record_category(
                uow, ADMIN, li.id, commands.RecordWorkerCategory(migrant_worker=False, effective_on=on)
            )
        assert refused.value.code == expected
    late = await rider(uow, "王司机", joined_on=dt.date(2026, 6, 1))
    with pytest.raises(Invalid) as before_joining:
        await mobile_workers.record_category(
            uow, ADMIN, late.id, commands.RecordWorkerCategory(migrant_worker=True, effective_on=dt.date(2026, 5, 31))
        )
    assert before_joining.value.code == "category_date_before_joining"
    assert len(uow.worker_categories.rows) == 2
    other_officer = Principal("officer-x", Role.UNION_OFFICER, "union-9", "street")
    with pytest.raises(NotFound):  # another union's officer does not reach the joint union's member
        await mobile_workers.record_category(
            uow, other_officer, li.id, commands.RecordWorkerCategory(migrant_worker=False, effective_on=TODAY)
        )
    with pytest.raises(Forbidden):
        await mobile_workers.worker_record(uow, Principal("m", Role.MEMBER, "riders", "street"), li.id)


async def test_changing_employer_keeps_the_membership_and_writes_the_history():
    uow = await street()
    jia = await enterprise(uow, "甲物流", 1)
    li = await rider(uow)
    uow.emitted.clear()
    first = await mobile_workers.change_employer(uow, RIDERS_OFFICER, li.id, employer(jia.id, on=dt.date(2025, 3, 1)))
    assert first.ended is None and first.started.employer_name == "甲物流"
    second = await mobile_workers.change_employer(
        uow, RIDERS_OFFICER, li.id, employer(name=" 某外卖平台 ", on=dt.date(2026, 9, 1))
    )
    assert (second.ended.employer_name, second.ended.ended_on) == ("甲物流", dt.date(2026, 8, 31))
    assert (second.started.employer_name, second.started.enterprise_id) == ("某外卖平台", None)
    member = uow.members.rows[li.id]
    assert (member.organization_id, member.status) == ("riders", "active")  # the membership stays
    assert [(e.change, e.organization_id, e.effective_on) for e in uow.history.entries if e.member_id == li.id] == [
        ("joined", "riders", dt.date(2025, 3, 1)),
        ("employer_changed", "riders", dt.date(2025, 3, 1)),
        ("employer_changed", "riders", dt.date(2026, 9, 1)),
    ]
    assert uow.emitted == []  # no other service needs an employer change
    record = await mobile_workers.worker_record(uow, ADMIN, li.id)
    assert [(e.employer_name, e.started_on, e.ended_on) for e in record.employments] == [
        ("甲物流", dt.date(2025, 3, 1), dt.date(2026, 8, 31)),
        ("某外卖平台", dt.date(2026, 9, 1), None),
    ]
    left = await mobile_workers.change_employer(uow, ADMIN, li.id, employer(on=dt.date(2026, 11, 1)))
    assert left.started is None and left.ended.ended_on == dt.date(2026, 10, 31)


async def test_employer_changes_refuse_what_cannot_be():
    uow = await street()
    jia = await enterprise(uow, "甲物流", 1)
    foreign = await enterprise(uow, "外区公司", 2, org="other")
    li = await rider(uow)
    with pytest.raises(Conflict) as none:
        await mobile_workers.change_employer(uow, ADMIN, li.id, employer())
    assert none.value.code == "no_current_employer"
    await mobile_workers.change_employer(uow, ADMIN, li.id, employer(jia.id))
    cases = {
        "employer_unchanged": employer(jia.id, on=dt.date(2026, 4, 1)),
        "employer_ambiguous": employer(jia.id, name="甲", on=dt.date(2026, 4, 1)),
        "enterprise_not_found": employer(foreign.id, on=dt.date(2026, 4, 1)),
        "effective_date_before_last_change": employer(name="乙", on=dt.date(2026, 2, 28)),
        "employment_date_in_future": employer(name="乙", on=TODAY + dt.timedelta(days=1)),
        "employer_name_invalid": employer(name="   ", on=dt.date(2026, 4, 1)),
    }
    for expected, command in cases.items():
        with pytest.raises((Invalid, Conflict, NotFound)) as refused:
            await mobile_workers.change_employer(uow, ADMIN, li.id, command)
        assert refused.value.code == expected, expected
    assert [e.employer_name for e in uow.employments.rows.values()] == ["甲物流"]
    assert sum(1 for e in uow.history.entries if e.change == "employer_changed") == 1


async def test_transfer_into_the_employers_union_is_the_ordinary_transfer_and_the_history_shows_both():
    uow = await street()
    jia = await enterprise(uow, "甲物流", 1)
    li = await rider(uow)
    await mobile_workers.change_employer(
        uow, RIDERS_OFFICER, li.id, employer(name="某外卖平台", on=dt.date(2026, 3, 1))
    )
    with pytest.raises(Conflict) as not_registered:
        await mobile_workers.transfer_to_employer_union(
            uow, ADMIN, li.id, commands.TransferToEmployerUnion(effective_on=TODAY)
        )
    assert not_registered.value.code == "employer_not_in_register"
    bing = await enterprise(uow, "丙快递", 2, union=False)
    await mobile_workers.change_employer(uow, RIDERS_OFFICER, li.id, employer(bing.id, on=dt.date(2026, 6, 1)))
    with pytest.raises(Conflict) as no_union:
        await mobile_workers.transfer_to_employer_union(
            uow, ADMIN, li.id, commands.TransferToEmployerUnion(effective_on=TODAY)
        )
    assert no_union.value.code == "employer_without_union"
    await mobile_workers.change_employer(uow, RIDERS_OFFICER, li.id, employer(jia.id, on=dt.date(2026, 10, 1)))
    with pytest.raises(NotFound):  # the joint union's officer does not reach the enterprise's union
        await mobile_workers.transfer_to_employer_union(
            uow, RIDERS_OFFICER, li.id, commands.TransferToEmployerUnion(effective_on=TODAY)
        )
    uow.emitted.clear()
    outcome = await mobile_workers.transfer_to_employer_union(
        uow, ADMIN, li.id, commands.TransferToEmployerUnion(effective_on=dt.date(2026, 11, 1))
    )
    assert outcome.applied and outcome.member.organization_id == jia.union_id
    [event] = uow.emitted
    assert isinstance(event, MemberTransferredV1)
    assert (event.organization_id, event.from_organization_id) == (jia.union_id, "riders")
    assert [(e.change, e.organization_id) for e in uow.history.entries if e.member_id == li.id] == [
        ("joined", "riders"),
        ("employer_changed", "riders"),
        ("employer_changed", "riders"),
        ("employer_changed", "riders"),
        ("transferred_out", "riders"),
        ("transferred_in", jia.union_id),
    ]
    # The employment goes on: the member works for the same employer, now in its union.
    assert (await uow.employments.current(li.id)).enterprise_id == jia.id


async def test_counts_by_form_and_joined_in_the_period_over_the_subtree():
    uow = await street()
    people = [
        ("骑手甲", dt.date(2025, 3, 1), True, "delivery_rider"),
        ("骑手乙", dt.date(2026, 2, 1), False, "delivery_rider"),
        ("快递员", dt.date(2026, 7, 1), True, "courier"),
        ("网约车", dt.date(2024, 7, 1), False, "ride_hailing_driver"),
        ("建筑工", dt.date(2026, 8, 1), True, None),
        ("会计", dt.date(2026, 8, 1), False, None),
    ]
    for name, joined_on, migrant, form in people:
        member = await rider(uow, name, joined_on)
        await mobile_workers.record_category(
            uow,
            ADMIN,
            member.id,
            commands.RecordWorkerCategory(migrant_worker=migrant, new_form=form, effective_on=joined_on),
        )
    retired = await rider(uow, "退休骑手", dt.date(2026, 1, 5))
    await mobile_workers.record_category(
        uow, ADMIN, retired.id, commands.RecordWorkerCategory(migrant_worker=True, effective_on=dt.date(2026, 1, 5))
    )
    uow.members.rows[retired.id] = Member(**{**retired.__dict__, "status": "retired"})
    found = await mobile_workers.counts(uow, AUDITOR, "street", dt.date(2026, 1, 1), TODAY)
    assert (found.migrant_workers.members, found.migrant_workers.joined) == (3, 2)
    assert (found.new_form_workers.members, found.new_form_workers.joined) == (4, 2)
    assert (found.migrant_and_new_form.members, found.migrant_and_new_form.joined) == (2, 1)
    by_form = {form: (t.members, t.joined) for form, t in found.by_form}
    assert by_form == {
        "delivery_rider": (2, 1),
        "courier": (1, 1),
        "ride_hailing_driver": (1, 0),
        "truck_driver": (0, 0),
        "other": (0, 0),
    }
    # As on 30 June: the courier and the builder had no category yet.
    june = await mobile_workers.counts(uow, ADMIN, "street", dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert (june.migrant_workers.members, june.new_form_workers.members) == (1, 3)
    defaulted = await mobile_workers.counts(uow, ADMIN, "street")
    assert (defaulted.first, defaulted.last) == (dt.date(2026, 1, 1), TODAY)
    with pytest.raises(Invalid) as reversed_period:
        await mobile_workers.counts(uow, ADMIN, "street", TODAY, dt.date(2026, 1, 1))
    assert reversed_period.value.code == "period_reversed"
    with pytest.raises(Forbidden):
        await mobile_workers.counts(uow, Principal("officer", Role.UNION_OFFICER, "street", "street"), "street")


def check(workers=(50, 49), migrant=(40, 39), on=dt.date(2026, 3, 15)) -> commands.RecordLabourContractCheck:
    return commands.RecordLabourContractCheck(
        checked_on=on,
        workers_checked=workers[0],
        workers_signed=workers[1],
        migrant_checked=migrant[0],
        migrant_signed=migrant[1],
    )


async def test_a_check_refuses_counts_that_do_not_add_up():
    uow = await street()
    jia = await enterprise(uow, "甲物流", 1, workers=60, union=False)
    cases = {
        "workers_checked_out_of_range": check(workers=(61, 50), migrant=(0, 0)),
        "signed_exceeds_checked": check(workers=(50, 51)),
        "migrant_checked_exceeds_checked": check(migrant=(51, 40)),
        "migrant_signed_exceeds_checked": check(migrant=(40, 41)),
        # 10 other workers checked, but 15 other workers signed.
        "signed_counts_inconsistent": check(workers=(50, 45), migrant=(40, 30)),
        "check_date_in_future": check(on=TODAY + dt.timedelta(days=1)),
    }
    for expected, command in cases.items():
        with pytest.raises(Invalid) as refused:
            await labour_contracts.record_check(uow, ADMIN, jia.id, command)
        assert refused.value.code == expected, expected
    assert uow.labour_contract_checks.rows == []
    with pytest.raises(Forbidden):
        await labour_contracts.record_check(uow, AUDITOR, jia.id, check())


async def test_the_spring_campaign_rollup_counts_each_enterprise_by_its_latest_check():
    uow = await street()
    jia = await enterprise(uow, "甲物流", 1, union=False)
    yi = await enterprise(uow, "乙建筑", 2, union=False)
    bing = await enterprise(uow, "丙餐饮", 3, union=False)
    foreign = await enterprise(uow, "外区公司", 4, union=False, org="other")
    # 甲: 90 % in March, put right by April (the April check counts, not both).
    await labour_contracts.record_check(uow, ADMIN, jia.id, check((50, 45), (40, 36), dt.date(2026, 3, 10)))
    await labour_contracts.record_check(uow, ADMIN, jia.id, check((50, 50), (40, 40), dt.date(2026, 4, 10)))
    # 乙: 980 ‰ overall, 975 ‰ for migrant workers (39 of 40).
    await labour_contracts.record_check(uow, ADMIN, yi.id, check((50, 49), (40, 39), dt.date(2026, 3, 20)))
    # 丙: 9 of 10, checked last year: outside the period.
    await labour_contracts.record_check(uow, ADMIN, bing.id, check((10, 9), (5, 4), dt.date(2025, 12, 1)))
    other_admin = Principal("admin-x", Role.FEDERATION_ADMIN, "other", "other")
    await labour_contracts.record_check(uow, other_admin, foreign.id, check((10, 1), (10, 1), dt.date(2026, 3, 1)))
    found = await labour_contracts.signing_rollup(uow, AUDITOR, "street", dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert found.enterprises_checked == 2
    assert (found.overall, found.overall.per_mille) == (Rate(99, 100), 990)
    assert (found.migrant, found.migrant.per_mille) == (Rate(79, 80), 988)
    assert [(e.name, c.checked_on) for e, c in found.below] == [("乙建筑", dt.date(2026, 3, 20))]
    # Before April, 甲 stood at its March check and was the lowest.
    march = await labour_contracts.signing_rollup(uow, ADMIN, "street", dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert [e.name for e, _ in march.below] == ["甲物流", "乙建筑"]
    assert march.overall == Rate(94, 100)
    lenient = await labour_contracts.signing_rollup(uow, ADMIN, "street", dt.date(2026, 1, 1), TODAY, 900)
    assert lenient.below == ()
    assert [c.checked_on for c in await labour_contracts.checks_of(uow, AUDITOR, jia.id)] == [
        dt.date(2026, 3, 10),
        dt.date(2026, 4, 10),
    ]
    with pytest.raises(NotFound):
        await labour_contracts.checks_of(uow, other_admin, jia.id)
    with pytest.raises(Forbidden):
        await labour_contracts.signing_rollup(uow, Principal("m", Role.MEMBER, "street", "street"), "street")


def test_below_compares_exactly_not_by_the_rounded_rate():
    # 979.6 ‰ rounds to 980 ‰ yet is below 98 %.
    assert Rate(2449, 2500).per_mille == 980 and below(Rate(2449, 2500), 980)
    assert not below(Rate(49, 50), 980) and not below(Rate(0, 0), 980)
