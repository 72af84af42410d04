"""A union's month collected set-based and sent to finance in chunks (DuesBatchCollectedV1): who owes
it, chunk boundaries of 1,000 members of one organization, every member on their own line, the
same ids when the month is collected again, and nobody recorded or sent twice."""

import datetime as dt
import uuid

import pytest

from services.membership.tests.unit.fake_unit_of_work import FakeUnitOfWork
from services.membership.tests.unit.test_use_cases import county_with_school, officer
from unionfed_membership.domain.dues import (
    DUES_CHUNK,
    DuesPolicy,
    MemberDues,
    chunks,
    payment_id_of,
    plan_month,
)
from unionfed_membership.service_layer import commands, dues, founding
from unionfed_shared.auth import Principal, Role
from unionfed_shared.contracts.membership import DuesBatchCollectedV1
from unionfed_shared.errors import Invalid, NotFound

NOW = dt.datetime(2026, 12, 5, 2, tzinfo=dt.UTC)
POLICY = DuesPolicy("county", dt.date(2026, 1, 1), 5)


def member(org: str = "no1", salary: int | None = 430_000, status: str = "active", **extra) -> MemberDues:
    fields = {"display_name": "会员", "joined_on": dt.date(2020, 9, 1)} | extra
    return MemberDues(uuid.uuid4(), org, status=status, base_salary_fen=salary, **fields)


async def union_with_roster(roster: list[MemberDues]) -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    await county_with_school(uow)
    admin = Principal("admin-wang", Role.FEDERATION_ADMIN, "county", "county")
    await founding.register_organization(
        uow, admin, commands.RegisterOrganization(id="maths", name="数学组", kind="union_group", parent_id="no1")
    )
    uow.dues_collection.saved_policies.append(POLICY)
    uow.dues_collection.roster.extend(roster)
    uow.emitted.clear()
    return uow


def test_the_plan_splits_members_into_owing_already_paid_and_not_collected():
    owing, paid, retired, unsalaried = member(), member(), member(status="retired"), member(salary=None)
    plan = plan_month([owing, paid, retired, unsalaried], "2026-11", POLICY, {paid.id})
    assert plan.due == [(owing, 2150)]
    assert plan.already_paid == [paid]
    assert [(m, a.outcome) for m, a in plan.not_collected] == [(retired, "exempt"), (unsalaried, "no_base_salary")]


def test_chunks_hold_at_most_1000_members_of_one_organization_in_order():
    due = [(member(), 1) for _ in range(2001)] + [(member("maths"), 2) for _ in range(3)]
    found = chunks(due)
    assert [len(c) for c in found] == [1000, 1000, 1, 3]
    assert [item for chunk in found for item in chunk] == due
    assert all(len({m.organization_id for m, _ in c}) == 1 for c in found)
    assert [len(c) for c in chunks(due[:4], size=2)] == [2, 2]
    with pytest.raises(Invalid):
        chunks(due, size=0)


async def test_a_month_is_recorded_in_one_statement_and_sent_in_chunks_each_member_on_their_own_line():
    roster = [member(salary=400_000 + i) for i in range(DUES_CHUNK + 1)] + [member("maths"), member(status="retired")]
    uow = await union_with_roster(roster)

    collection = await dues.collect_month(uow, officer(), "no1", dues.CollectDues(period="2026-11"), now=NOW)

    assert len(collection.collected) == DUES_CHUNK + 2 and len(collection.not_collected) == 1
    assert uow.dues_collection.statements == 1 and uow.committed
    batches = [e for e in uow.emitted if isinstance(e, DuesBatchCollectedV1)]
    assert [(b.organization_id, len(b.lines)) for b in batches] == [("maths", 1), ("no1", 1000), ("no1", 1)]
    lines = {line.member_id: line for b in batches for line in b.lines}
    assert set(lines) == {m.id for m in roster if m.status == "active"}
    for m, payment in collection.collected:
        line = lines[m.id]
        assert (line.payment_id, line.amount_fen) == (payment_id_of(m.id, "2026-11"), payment.amount_fen)
        assert uow.dues_collection.batch_of[payment.id] in {b.batch_id for b in batches}
    assert sum(line.amount_fen for line in lines.values()) == collection.total_fen
    assert all(b.federation_id == "county" and b.period == "2026-11" and b.collected_at == NOW for b in batches)


async def test_collecting_the_month_again_records_and_sends_nobody_twice_with_the_same_ids():
    roster = [member() for _ in range(3)]
    uow = await union_with_roster(roster)
    first = await dues.collect_month(uow, officer(), "no1", dues.CollectDues(period="2026-11"), now=NOW)
    sent = list(uow.emitted)

    # A crash before commit redoes the whole month: the payments and chunks get the same ids.
    redo = FakeUnitOfWork(organizations=uow.organizations, dues_collection=uow.dues_collection)
    redo.dues_collection.payments.clear()
    redone = await dues.collect_month(redo, officer(), "no1", dues.CollectDues(period="2026-11"), now=NOW)
    assert [p.id for _, p in redone.collected] == [p.id for _, p in first.collected]
    assert [e.batch_id for e in redo.emitted] == [e.batch_id for e in sent]

    again = FakeUnitOfWork(organizations=uow.organizations, dues_collection=uow.dues_collection)
    repeat = await dues.collect_month(again, officer(), "no1", dues.CollectDues(period="2026-11"), now=NOW)
    assert (len(repeat.collected), len(repeat.already_paid), again.emitted) == (0, 3, [])


async def test_a_member_paid_meanwhile_is_answered_as_already_paid_and_left_out_of_the_chunk():
    roster = [member(), member()]
    uow = await union_with_roster(roster)
    store = uow.dues_collection
    real_paid_for = store.paid_for

    async def paid_before_the_insert(member_ids, period):
        found = await real_paid_for(member_ids, period)
        # Another collection records the second member between the read and the insert.
        store.payments[(roster[1].id, period)] = object()  # type: ignore[assignment]
        return found

    store.paid_for = paid_before_the_insert  # type: ignore[method-assign]
    collection = await dues.collect_month(uow, officer(), "no1", dues.CollectDues(period="2026-11"), now=NOW)
    assert [m.id for m, _ in collection.collected] == [roster[0].id]
    assert collection.already_paid == [roster[1]]
    [batch] = uow.emitted
    assert [line.member_id for line in batch.lines] == [roster[0].id]


async def test_a_federation_collects_every_union_in_one_transaction_each_union_as_its_own_command_would():
    roster = [member(), member("maths"), member("no2"), member("no2", status="retired")]
    uow = await union_with_roster(roster)
    admin = Principal("admin-wang", Role.FEDERATION_ADMIN, "county", "county")
    await founding.register_organization(
        uow,
        admin,
        commands.RegisterOrganization(id="no2", name="第二中学工会", kind="grassroots_union", parent_id="county"),
    )
    uow.emitted.clear()

    collections = await dues.collect_federation_month(uow, admin, "county", dues.CollectDues(period="2026-11"), now=NOW)

    # The school's maths group is collected with its school, not as a union of its own.
    assert [(c.organization_id, len(c.collected), len(c.not_collected)) for c in collections] == [
        ("no1", 2, 0),
        ("no2", 1, 1),
    ]
    assert uow.committed and uow.dues_collection.statements == 2
    assert sorted((e.organization_id, len(e.lines)) for e in uow.emitted) == [("maths", 1), ("no1", 1), ("no2", 1)]
    again = FakeUnitOfWork(organizations=uow.organizations, dues_collection=uow.dues_collection)
    repeat = await dues.collect_federation_month(again, admin, "county", dues.CollectDues(period="2026-11"), now=NOW)
    assert [len(c.already_paid) for c in repeat] == [2, 1] and again.emitted == []


async def test_a_unions_officer_cannot_collect_the_federations_month_nor_name_a_union_as_the_federation():
    uow = await union_with_roster([member()])
    with pytest.raises(NotFound):
        await dues.collect_federation_month(uow, officer(), "county", dues.CollectDues(period="2026-11"), now=NOW)
    admin = Principal("admin-wang", Role.FEDERATION_ADMIN, "county", "county")
    with pytest.raises(Invalid) as not_root:
        await dues.collect_federation_month(uow, admin, "no1", dues.CollectDues(period="2026-11"), now=NOW)
    assert not_root.value.code == "organization_not_root_federation"
    assert uow.emitted == [] and not uow.dues_collection.payments
