"""Rationalization proposals and technical innovations on an in-memory unit of work: who files
them and for whom, the status moves (submitted → adopted | not_adopted, adopted → implemented),
the value created recorded only for adopted or implemented ones and revised with its history, and
the roll-up's counts. The integration tests prove the same against PostgreSQL and HTTP."""

import datetime as dt

import pydantic
import pytest

from services.events.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_events.domain.improvements import ImprovementFilter
from unionfed_events.service_layer import improvements, nominations
from unionfed_events.service_layer.commands import DecideImprovement, FileImprovement, ImplementImprovement, ValueFigure
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound

NOW = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)  # 10:00 on June 1st in Beijing
OFFICER = Principal("officer-li", Role.UNION_OFFICER, "plant", "street")
STREET_ADMIN = Principal("admin-zhao", Role.FEDERATION_ADMIN, "street", "street")
OTHER_ADMIN = Principal("admin-qian", Role.FEDERATION_ADMIN, "elsewhere", "elsewhere")
AUDITOR = Principal("auditor-sun", Role.AUDITOR, "street", "street")
MEMBER = Principal("member-wang", Role.MEMBER, "plant", "street")


@pytest.fixture(autouse=True)
def june(monkeypatch):
    monkeypatch.setattr(nominations, "now", lambda: NOW)
    monkeypatch.setattr(improvements, "now", lambda: NOW)


def street() -> FakeUnitOfWork:
    """A street federation with two enterprise unions, and another federation."""
    uow = FakeUnitOfWork()
    uow.unions.add_organization("street", "federation", None)
    uow.unions.add_organization("plant", "grassroots_union", "street")
    uow.unions.add_organization("mill", "grassroots_union", "street")
    uow.unions.add_organization("elsewhere", "federation", None)
    return uow


def proposal(proposer_ids, kind="rationalization", **more) -> FileImprovement:
    return FileImprovement(
        kind=kind,
        title="冷却水循环利用",
        content="将冲压车间冷却水回收后再用于清洗工序",
        department="冲压车间",
        proposer_ids=proposer_ids,
        **more,
    )


async def filed_one(uow: FakeUnitOfWork, **more):
    wang = uow.unions.add_member("王师傅", "plant")
    zhou = uow.unions.add_member("周师傅", "plant")
    return await improvements.file(uow, OFFICER, "plant", proposal([zhou.id, wang.id], **more))


async def test_an_officer_files_a_proposal_for_members_of_the_union_named_in_the_order_given():
    uow = street()
    filed = await filed_one(uow, filed_on=dt.date(2026, 5, 20))
    assert filed.proposer_names == ("周师傅", "王师傅")
    assert (filed.status, filed.filed_on, filed.organization_id, filed.federation_id) == (
        "submitted",
        dt.date(2026, 5, 20),
        "plant",
        "street",
    )
    assert (filed.value_fen, filed.value_history) == (None, ())
    default_day = await improvements.file(uow, OFFICER, "plant", proposal([filed.proposer_ids[0]]))
    assert default_day.filed_on == dt.date(2026, 6, 1), "today on the federation's calendar"


async def test_filing_refuses_outsiders_repeats_future_dates_federations_and_members_and_stores_nothing():
    uow = street()
    wang = uow.unions.add_member("王师傅", "plant")
    li = uow.unions.add_member("李师傅", "mill")  # another union's member
    refusals = [
        (Invalid, OFFICER, "plant", proposal([wang.id, li.id]), "improvement_proposer_not_member"),
        (Invalid, OFFICER, "plant", proposal([wang.id, wang.id]), "improvement_proposer_repeated"),
        (Invalid, OFFICER, "plant", proposal([wang.id], filed_on=dt.date(2026, 6, 2)), "improvement_date_in_future"),
        (Invalid, STREET_ADMIN, "street", proposal([wang.id]), "improvement_needs_grassroots_union"),
        (Forbidden, MEMBER, "plant", proposal([wang.id]), None),
        (Forbidden, AUDITOR, "plant", proposal([wang.id]), None),
        (NotFound, OTHER_ADMIN, "plant", proposal([wang.id]), None),
    ]
    for refusal, principal, union, command, code in refusals:
        with pytest.raises(refusal) as refused:
            await improvements.file(uow, principal, union, command)
        assert code is None or refused.value.code == code
    assert uow.improvements.rows == {} and not uow.committed


async def test_an_adopted_proposal_is_implemented_and_each_step_is_taken_once_in_order():
    uow = street()
    filed = await filed_one(uow, filed_on=dt.date(2026, 5, 20))
    with pytest.raises(Conflict) as refused:
        await improvements.implement(uow, OFFICER, filed.id, ImplementImprovement())
    assert refused.value.code == "improvement_not_adopted"
    with pytest.raises(Invalid) as refused:
        await improvements.decide(
            uow, OFFICER, filed.id, DecideImprovement(adopted=True, decided_on=dt.date(2026, 5, 19))
        )
    assert refused.value.code == "improvement_date_out_of_order"
    with pytest.raises(Forbidden):
        await improvements.decide(uow, AUDITOR, filed.id, DecideImprovement(adopted=True))

    adopted = await improvements.decide(
        uow, OFFICER, filed.id, DecideImprovement(adopted=True, decided_on=dt.date(2026, 5, 25), note=" 可行 ")
    )
    assert (adopted.status, adopted.decided_on, adopted.decision_note, adopted.decided_by) == (
        "adopted",
        dt.date(2026, 5, 25),
        "可行",
        "officer-li",
    )
    with pytest.raises(Conflict) as refused:
        await improvements.decide(uow, OFFICER, filed.id, DecideImprovement(adopted=False))
    assert refused.value.code == "improvement_already_decided"

    implemented = await improvements.implement(uow, STREET_ADMIN, filed.id, ImplementImprovement())
    assert (implemented.status, implemented.implemented_on) == ("implemented", dt.date(2026, 6, 1))
    with pytest.raises(Conflict) as refused:
        await improvements.implement(uow, OFFICER, filed.id, ImplementImprovement())
    assert refused.value.code == "improvement_not_adopted"
    assert (await improvements.get(uow, AUDITOR, filed.id)).status == "implemented"
    with pytest.raises(NotFound):
        await improvements.get(uow, OTHER_ADMIN, filed.id)


async def test_value_is_recorded_only_for_adopted_or_implemented_proposals():
    uow = street()
    submitted = await filed_one(uow)
    figure = ValueFigure(value_fen=1_000_00, note="按节约用水估算")
    with pytest.raises(Conflict) as refused:
        await improvements.record_value(uow, OFFICER, submitted.id, figure)
    assert refused.value.code == "improvement_value_needs_adoption"

    await improvements.decide(uow, OFFICER, submitted.id, DecideImprovement(adopted=False, note="成本过高"))
    with pytest.raises(Conflict) as refused:
        await improvements.record_value(uow, OFFICER, submitted.id, figure)
    assert refused.value.code == "improvement_value_needs_adoption"
    assert uow.improvements.rows[submitted.id].value_fen is None

    with pytest.raises(pydantic.ValidationError) as invalid:
        DecideImprovement(adopted=False, value=figure)
    assert invalid.value.errors()[0]["type"] == "improvement_value_needs_adoption"
    with pytest.raises(pydantic.ValidationError):
        ValueFigure(value_fen=-1, note="负数")


async def test_the_value_is_revised_and_every_figure_stays_in_its_history():
    uow = street()
    filed = await filed_one(uow)
    first = ValueFigure(value_fen=20_000_00, note="采纳时估算")
    adopted = await improvements.decide(uow, OFFICER, filed.id, DecideImprovement(adopted=True, value=first))
    assert adopted.value_fen == 20_000_00
    implemented = await improvements.implement(
        uow,
        OFFICER,
        filed.id,
        ImplementImprovement(value=ValueFigure(value_fen=26_500_00, note="实施后按半年节约核算")),
    )
    revised = await improvements.record_value(
        uow, STREET_ADMIN, filed.id, ValueFigure(value_fen=28_800_00, note="财务科全年核定")
    )
    assert implemented.value_fen == 26_500_00 and revised.value_fen == 28_800_00
    assert [(r.value_fen, r.note, r.recorded_by) for r in uow.improvements.rows[filed.id].value_history] == [
        (20_000_00, "采纳时估算", "officer-li"),
        (26_500_00, "实施后按半年节约核算", "officer-li"),
        (28_800_00, "财务科全年核定", "admin-zhao"),
    ]


async def test_the_rollup_counts_a_years_proposals_per_union_and_kind_and_lists_page_with_filters():
    uow = street()
    wang = uow.unions.add_member("王师傅", "plant")
    li = uow.unions.add_member("李师傅", "mill")
    values = {"plant": [3_000_00, 5_000_00], "mill": [7_000_00]}
    for union, member in (("plant", wang), ("mill", li)):
        officer = Principal("officer", Role.UNION_OFFICER, union, "street")
        for value in values[union]:
            filed = await improvements.file(
                uow, officer, union, proposal([member.id], kind="innovation", filed_on=dt.date(2026, 3, 1))
            )
            await improvements.decide(
                uow, officer, filed.id, DecideImprovement(adopted=True, value=ValueFigure(value_fen=value, note="估"))
            )
        await improvements.file(uow, officer, union, proposal([member.id], filed_on=dt.date(2026, 4, 1)))
    last_year = await improvements.file(uow, OFFICER, "plant", proposal([wang.id], filed_on=dt.date(2025, 12, 31)))
    await improvements.decide(
        uow, OFFICER, last_year.id, DecideImprovement(adopted=True, value=ValueFigure(value_fen=99_00, note="旧"))
    )

    rollup = await improvements.rollup(uow, STREET_ADMIN, "street", None)
    assert rollup.year == 2026
    assert (rollup.total.filed, rollup.total.adopted, rollup.total.implemented, rollup.total.value_fen) == (
        5,
        3,
        0,
        15_000_00,
    )
    assert (rollup.by_kind["innovation"].filed, rollup.by_kind["rationalization"].filed) == (3, 2)
    assert [(u.organization_id, u.figures.filed, u.figures.value_fen) for u in rollup.unions] == [
        ("mill", 2, 7_000_00),
        ("plant", 3, 8_000_00),
    ]
    assert (await improvements.rollup(uow, STREET_ADMIN, "street", 2025)).total.value_fen == 99_00
    with pytest.raises(Forbidden):
        await improvements.rollup(uow, MEMBER, "plant", None)

    wanted = ImprovementFilter(year=2026)
    first, cursor = await improvements.improvements_of(uow, STREET_ADMIN, "street", wanted, None, 3)
    rest, end = await improvements.improvements_of(uow, STREET_ADMIN, "street", wanted, cursor, 3)
    assert (len(first), len(rest), end) == (3, 2, None)
    assert len({i.id for i in first + rest}) == 5
    adopted, _ = await improvements.improvements_of(uow, AUDITOR, "street", ImprovementFilter(status="adopted"))
    assert len(adopted) == 4
    with pytest.raises(Invalid) as refused:
        await improvements.improvements_of(uow, STREET_ADMIN, "street", wanted, "bm90LWEtY3Vyc29y", 3)
    assert refused.value.code == "cursor_invalid"
