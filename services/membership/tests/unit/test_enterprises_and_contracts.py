"""The street federation's register of enterprises, founding unions from it and collective
contracts, on the in-memory unit of work: the credit code, 应建未建, renewal, the expiry window and
the signing rates."""

import dataclasses
import datetime as dt

import pytest

from services.membership.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_membership.domain.collective_contracts import (
    UNION_OFFICERS,
    UNION_READERS,
    CollectiveContract,
    ContractFilter,
    Rate,
    contract_readers,
    rollup,
)
from unionfed_membership.domain.enterprises import REGISTER_READERS, Enterprise, checked_credit_code
from unionfed_membership.service_layer import clock, collective_contracts, commands, enterprises, founding
from unionfed_shared.auth import Principal, Role, platform_admin
from unionfed_shared.contracts.membership import OrganizationRegisteredV1
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound

# Real codes published by their holders: the GB 32100 check character is right.
HUAWEI = "91440300708461136T"
LENOVO = "91110000600037341L"
TODAY = dt.date(2026, 12, 5)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    # 02:00 UTC on 5 December is 10:00 in Shanghai: the federation's today is 5 December.
    monkeypatch.setattr(clock, "now", lambda: dt.datetime(2026, 12, 5, 2, 0, tzinfo=dt.UTC))


ADMIN = Principal("admin-zhao", Role.FEDERATION_ADMIN, "street", "street")


async def street() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    await founding.found_federation(
        uow, platform_admin("ops"), commands.FoundFederation(id="street", name="某街道总工会")
    )
    await founding.register_organization(
        uow,
        ADMIN,
        commands.RegisterOrganization(id="park", name="某园区联合工会", kind="federation", parent_id="street"),
    )
    uow.emitted.clear()
    return uow


def code(body: str) -> str:
    from unionfed_membership.domain.enterprises import credit_code_check_character

    return body + credit_code_check_character(body)


async def registered(uow: FakeUnitOfWork, name: str, workers: int, org: str = "street", n: int = 0) -> Enterprise:
    return await enterprises.register(
        uow,
        ADMIN,
        org,
        commands.RegisterEnterprise(name=name, credit_code=code(f"91310115MA1K3YJ{n:02d}"), workers=workers),
    )


def contract(kind="comprehensive", valid_from=dt.date(2026, 1, 1), valid_until=dt.date(2026, 12, 31), covered=30):
    return commands.SignCollectiveContract(
        kind=kind,
        employer_party="某公司",
        union_party="某公司工会",
        signed_on=dt.date(2025, 12, 20),
        valid_from=valid_from,
        valid_until=valid_until,
        workers_covered=covered,
        negotiation=commands.NegotiationRecord(rounds=3, wage_increase_per_mille=45) if kind == "wage" else None,
        filed_on=dt.date(2025, 12, 28),
    )


def test_credit_code_check_character_per_gb_32100():
    assert checked_credit_code(HUAWEI) == HUAWEI
    assert checked_credit_code(" 91110000600037341l ") == LENOVO  # upper-cased and trimmed
    for wrong in (
        HUAWEI[:17] + "U",  # wrong check character
        HUAWEI[:-1],  # 17 characters
        "91440300708461I36T",  # I is not in the character set
        "9144A300708461136T",  # the division code is digits
    ):
        with pytest.raises(Invalid) as refused:
            checked_credit_code(wrong)
        assert refused.value.code == "credit_code_invalid"


async def test_register_lists_in_scope_and_should_found_uses_the_threshold():
    uow = await street()
    big = await registered(uow, "甲公司", 40, n=1)
    await registered(uow, "乙公司", 22, org="park", n=2)
    await registered(uow, "丙公司", 5, n=3)
    assert [e.name for e in await enterprises.should_found(uow, ADMIN, "street")] == ["甲公司"]
    assert {e.name for e in await enterprises.should_found(uow, ADMIN, "street", threshold=20)} == {"甲公司", "乙公司"}
    assert {e.name for e in await enterprises.listed(uow, ADMIN, "street", twenty_plus=True)} == {"甲公司", "乙公司"}
    park_admin = Principal("admin-park", Role.FEDERATION_ADMIN, "park", "street")
    assert [e.name for e in await enterprises.listed(uow, park_admin, "park")] == ["乙公司"]
    with pytest.raises(NotFound):  # the street's own enterprise is above the park's subtree
        await enterprises.get(uow, park_admin, big.id)
    with pytest.raises(Conflict) as twice:
        await enterprises.register(
            uow, ADMIN, "street", commands.RegisterEnterprise(name="甲", credit_code=big.credit_code, workers=1)
        )
    assert twice.value.code == "credit_code_already_registered"


async def test_founding_a_union_registers_it_in_the_tree_and_links_it():
    uow = await street()
    company = await registered(uow, "甲公司", 40, n=1)
    founded = await enterprises.found_union(
        uow,
        ADMIN,
        company.id,
        commands.FoundEnterpriseUnion(union_id="jia-union", union_name="甲公司工会", founded_on=dt.date(2026, 3, 8)),
    )
    assert (founded.union_id, founded.union_founded_on) == ("jia-union", dt.date(2026, 3, 8))
    union = uow.organizations.rows["jia-union"]
    assert (union.kind, union.path) == ("grassroots_union", ("street", "jia-union"))
    [event] = uow.emitted
    assert isinstance(event, OrganizationRegisteredV1) and event.organization_id == "jia-union" and uow.committed
    period = await enterprises.founded_between(uow, ADMIN, "street", dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert [e.name for e in period.enterprises] == ["甲公司"]
    assert await enterprises.should_found(uow, ADMIN, "street") == []
    with pytest.raises(Conflict) as twice:
        await enterprises.found_union(
            uow, ADMIN, company.id, commands.FoundEnterpriseUnion(union_id="x-union", union_name="x", founded_on=TODAY)
        )
    assert twice.value.code == "enterprise_has_union" and "x-union" not in uow.organizations.rows


async def test_founding_refuses_a_future_date_and_a_member():
    uow = await street()
    company = await registered(uow, "甲公司", 40, n=1)
    uow.committed = False
    with pytest.raises(Invalid) as future:
        await enterprises.found_union(
            uow,
            ADMIN,
            company.id,
            commands.FoundEnterpriseUnion(union_id="yi-union", union_name="u", founded_on=TODAY + dt.timedelta(days=1)),
        )
    assert (
        future.value.code == "founding_date_in_future"
        and not uow.committed
        and "yi-union" not in uow.organizations.rows
    )
    with pytest.raises(Forbidden):
        await enterprises.get(uow, Principal("m", Role.MEMBER, "street", "street"), company.id)


async def with_union(uow: FakeUnitOfWork, name: str, workers: int, n: int) -> Enterprise:
    company = await registered(uow, name, workers, n=n)
    return await enterprises.found_union(
        uow,
        ADMIN,
        company.id,
        commands.FoundEnterpriseUnion(union_id=f"union-{n}", union_name=f"{name}工会", founded_on=dt.date(2025, 6, 1)),
    )


async def test_contract_rules_refuse_what_cannot_be():
    uow = await street()
    without = await registered(uow, "无工会公司", 40, n=1)
    with pytest.raises(Conflict) as no_union:
        await collective_contracts.sign(uow, ADMIN, without.id, contract())
    assert no_union.value.code == "enterprise_without_union"
    company = await with_union(uow, "甲公司", 40, n=2)
    refusals = {
        "contract_term_reversed": contract(valid_from=dt.date(2026, 6, 1), valid_until=dt.date(2026, 5, 31)),
        "contract_term_too_long": contract(valid_until=dt.date(2029, 1, 2)),
        "workers_covered_out_of_range": contract(covered=41),
    }
    for expected, command in refusals.items():
        with pytest.raises(Invalid) as refused:
            await collective_contracts.sign(uow, ADMIN, company.id, command)
        assert refused.value.code == expected
    assert uow.collective_contracts.rows == {}


async def test_renewal_replaces_and_links_and_ends_the_old_contract():
    uow = await street()
    company = await with_union(uow, "甲公司", 40, n=1)
    old = await collective_contracts.sign(uow, ADMIN, company.id, contract("wage"))
    new = await collective_contracts.renew(
        uow, ADMIN, old.id, contract("wage", valid_from=dt.date(2026, 12, 1), valid_until=dt.date(2027, 11, 30))
    )
    old = uow.collective_contracts.rows[old.id]
    assert (new.replaces_id, old.replaced_by_id, old.replaced_from) == (old.id, new.id, dt.date(2026, 12, 1))
    assert old.in_force_on(dt.date(2026, 11, 30)) and not old.in_force_on(dt.date(2026, 12, 1))
    with pytest.raises(Conflict) as again:
        await collective_contracts.renew(
            uow, ADMIN, old.id, contract("wage", valid_from=dt.date(2026, 12, 2), valid_until=dt.date(2027, 11, 30))
        )
    assert again.value.code == "contract_already_renewed"
    with pytest.raises(Invalid) as other_kind:
        await collective_contracts.renew(
            uow,
            ADMIN,
            new.id,
            contract("women_workers", valid_from=dt.date(2027, 1, 1), valid_until=dt.date(2027, 12, 31)),
        )
    assert other_kind.value.code == "renewal_kind_differs"


async def test_expiring_lists_contracts_ending_within_the_window_from_the_federations_today():
    uow = await street()
    company = await with_union(uow, "甲公司", 40, n=1)
    ends_today = await collective_contracts.sign(uow, ADMIN, company.id, contract(valid_until=TODAY))
    in_30 = await collective_contracts.sign(
        uow, ADMIN, company.id, contract("wage", valid_until=TODAY + dt.timedelta(days=30))
    )
    await collective_contracts.sign(
        uow, ADMIN, company.id, contract("women_workers", valid_until=TODAY + dt.timedelta(days=31))
    )
    await collective_contracts.sign(uow, ADMIN, company.id, contract(valid_until=TODAY - dt.timedelta(days=1)))
    found = await collective_contracts.expiring(uow, ADMIN, "street", 30)
    assert found.today == TODAY
    assert [c.id for c, _ in found.contracts] == [ends_today.id, in_30.id]
    assert [c.id for c, _ in (await collective_contracts.expiring(uow, ADMIN, "street", 0)).contracts] == [
        ends_today.id
    ]
    # A renewed contract is no longer a reminder.
    await collective_contracts.renew(
        uow,
        ADMIN,
        in_30.id,
        contract("wage", valid_from=TODAY + dt.timedelta(days=31), valid_until=dt.date(2027, 12, 31)),
    )
    assert [c.id for c, _ in (await collective_contracts.expiring(uow, ADMIN, "street", 30)).contracts] == [
        ends_today.id
    ]


def _contract(enterprise: Enterprise, kind: str, covered: int, until=dt.date(2026, 12, 31)) -> CollectiveContract:
    return CollectiveContract.sign(
        enterprise,
        kind=kind,  # type: ignore[arg-type]
        employer_party="e",
        union_party="u",
        signed_on=dt.date(2026, 1, 1),
        valid_from=dt.date(2026, 1, 1),
        valid_until=until,
        workers_covered=covered,
        negotiation=None,
        filed_on=None,
        today=TODAY,
    )


def test_rollup_counts_rates_over_enterprises_with_a_union_and_with_twenty_plus_workers():
    def firm(workers: int, union: bool, founded=dt.date(2026, 5, 1)) -> Enterprise:
        e = Enterprise.register("street", "x", HUAWEI, workers)
        return e.union_founded("u", founded, TODAY) if union else e

    a, b, c = firm(100, True), firm(30, True, dt.date(2025, 5, 1)), firm(10, True)
    d = firm(50, False)  # 20+ workers without a union: in the 20+ denominator, never signed
    contracts = [
        _contract(a, "comprehensive", 100),
        _contract(a, "wage", 90),
        _contract(b, "wage", 30),
        _contract(c, "women_workers", 4),
        _contract(c, "comprehensive", 10, until=dt.date(2026, 6, 30)),  # expired by 5 December
    ]
    r = rollup([a, b, c, d], contracts, TODAY)
    assert (r.enterprises, r.with_union, r.twenty_plus, r.twenty_plus_with_union) == (4, 3, 3, 2)
    assert r.unions_founded_in_year == 2
    kinds = {k.kind: k for k in r.by_kind}
    assert (kinds["comprehensive"].contracts, kinds["comprehensive"].workers_covered) == (1, 100)
    assert kinds["wage"].among_with_union == Rate(2, 3) and kinds["wage"].among_with_union.per_mille == 667
    assert kinds["wage"].among_twenty_plus == Rate(2, 3)
    # "any": a, b and c signed something; a's workers counted once (its largest coverage).
    assert kinds["any"].among_with_union == Rate(3, 3) and kinds["any"].among_twenty_plus == Rate(2, 3)
    assert kinds["any"].workers_covered == 100 + 30 + 4
    assert Rate(0, 0).per_mille is None


def test_a_term_at_the_calendars_end_is_checked_not_a_crash():
    firm = Enterprise.register("street", "x", HUAWEI, 10).union_founded("u", dt.date(2026, 1, 1), TODAY)
    signed = CollectiveContract.sign(
        firm,
        kind="wage",
        employer_party="e",
        union_party="u",
        signed_on=TODAY,
        valid_from=dt.date(9998, 6, 1),
        valid_until=dt.date(9999, 12, 31),
        workers_covered=10,
        negotiation=None,
        filed_on=None,
        today=TODAY,
    )
    assert signed.valid_until == dt.date(9999, 12, 31)


def test_a_contracts_state_on_a_day_follows_its_term_and_its_renewal():
    company = Enterprise.register("street", "甲公司", HUAWEI, 40)
    company = company.union_founded("jia-union", dt.date(2025, 6, 1), TODAY)
    old = _contract(company, "wage", 40)  # 2026-01-01 .. 2026-12-31
    assert [old.state_on(d) for d in (dt.date(2025, 12, 31), dt.date(2026, 1, 1), dt.date(2026, 12, 31))] == [
        "pending",
        "in_force",
        "in_force",
    ]
    assert old.state_on(dt.date(2027, 1, 1)) == "expired"
    renewal = _contract(company, "wage", 40)
    renewed = old.replaced_by(dataclasses.replace(renewal, valid_from=dt.date(2026, 12, 1)))
    assert renewed.state_on(dt.date(2026, 11, 30)) == "in_force"
    # From the renewal's first day the old one is superseded, also after its own term would have ended.
    assert renewed.state_on(dt.date(2026, 12, 1)) == renewed.state_on(dt.date(2027, 3, 1)) == "superseded"
    assert [renewed.in_force_on(d) for d in (dt.date(2026, 11, 30), dt.date(2026, 12, 1))] == [True, False]


def test_contract_readers_are_the_registers_readers_and_the_enterprises_own_union_officers_and_auditor():
    company = Enterprise.register("street", "甲公司", HUAWEI, 40).union_founded("jia-union", dt.date(2025, 6, 1), TODAY)
    path = ["county", "street"]
    for organization in ("county", "street"):  # the registering federation and those above it
        assert contract_readers(Principal("p", Role.UNION_OFFICER, organization, "county"), company, path) == (
            REGISTER_READERS
        )
    officer = Principal("chair-jia", Role.UNION_OFFICER, "jia-union", "county")
    assert contract_readers(officer, company, path) == UNION_READERS == (*UNION_OFFICERS, Role.AUDITOR)
    assert Role.UNION_OFFICER in UNION_OFFICERS and Role.UNION_OFFICER not in REGISTER_READERS
    assert Role.MEMBER not in UNION_OFFICERS and Role.AUDITOR not in UNION_OFFICERS
    # Out of reach: a group under the union, another enterprise's union, another federation, the platform.
    other = Enterprise.register("street", "乙公司", LENOVO, 40).union_founded("yi-union", dt.date(2025, 6, 1), TODAY)
    without_union = Enterprise.register("street", "丙公司", LENOVO, 40)
    for principal, enterprise in (
        (Principal("g", Role.UNION_OFFICER, "jia-union-group", "county"), company),
        (officer, other),
        (officer, without_union),
        (Principal("x", Role.FEDERATION_ADMIN, "elsewhere", "elsewhere"), company),
        (platform_admin("ops"), company),
    ):
        assert contract_readers(principal, enterprise, path) is None


async def test_the_register_lists_by_signing_date_filtered_and_a_union_officer_reads_their_enterprises_only():
    uow = await street()
    jia = await with_union(uow, "甲公司", 40, n=1)
    yi = await with_union(uow, "乙公司", 40, n=2)
    signed = [
        await collective_contracts.sign(uow, ADMIN, jia.id, contract("wage")),
        await collective_contracts.sign(uow, ADMIN, yi.id, contract(valid_until=TODAY - dt.timedelta(days=1))),
        await collective_contracts.sign(uow, ADMIN, jia.id, contract("women_workers")),
    ]
    register = await collective_contracts.register_of(uow, ADMIN, "street", ContractFilter())
    first, cursor = await collective_contracts.page(uow, register, None, 2)
    rest, last = await collective_contracts.page(uow, register, cursor, 2)
    assert last is None and sorted(c.id for c, _ in first + rest) == sorted(c.id for c in signed)
    expired = await collective_contracts.register_of(uow, ADMIN, "street", ContractFilter(state="expired"))
    assert [(c.id, name) for c, name in (await collective_contracts.page(uow, expired))[0]] == [
        (signed[1].id, "乙公司")
    ]

    chair = Principal("chair-jia", Role.UNION_OFFICER, "union-1", "street")
    own = await collective_contracts.register_of(uow, chair, "union-1", ContractFilter())
    assert {c.id for c, _ in (await collective_contracts.page(uow, own))[0]} == {signed[0].id, signed[2].id}
    assert {c.id for c in await collective_contracts.of_enterprise(uow, chair, jia.id)} == {signed[0].id, signed[2].id}
    for refused in (
        collective_contracts.of_enterprise(uow, chair, yi.id),
        collective_contracts.register_of(uow, chair, "union-2", ContractFilter()),
        collective_contracts.register_of(uow, chair, "street", ContractFilter()),
    ):
        with pytest.raises(NotFound):
            await refused
    member = Principal("m", Role.MEMBER, "union-1", "street")
    with pytest.raises(Forbidden):
        await collective_contracts.of_enterprise(uow, member, jia.id)
    with pytest.raises(Forbidden):  # the register's readers do not include the street's union officers
        await collective_contracts.register_of(
            uow, Principal("o", Role.UNION_OFFICER, "street", "street"), "street", ContractFilter()
        )
    with pytest.raises(NotFound):  # writing stays with the register's subtree: the union does not reach it
        await collective_contracts.sign(uow, chair, jia.id, contract("wage"))
