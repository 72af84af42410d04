"""Information reporting on an in-memory unit of work: a school's officers write and submit, the
county adopts at a level (again later at a higher one) or declines, the points of the table in
force on the adoption day stay with the adoption when a new table is published, drafts stay in
their union, other unions answer as for a missing item, and the ranking shares ranks on ties.
The integration tests prove the same against PostgreSQL and HTTP."""

import datetime as dt

import pytest

from services.events.tests.unit.fake_unit_of_work import FakeUnitOfWork
from unionfed_events.domain.information import InfoFilter
from unionfed_events.service_layer import information, nominations
from unionfed_events.service_layer.commands import AdoptInfoItem, DeclineInfoItem, PublishPointsTable, WriteInfoItem
from unionfed_shared.auth import Principal, Role
from unionfed_shared.errors import Conflict, Forbidden, Invalid, NotFound

NOW = dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC)  # 10:00 on June 1st in Beijing
ADMIN = Principal("admin-zhao", Role.FEDERATION_ADMIN, "county", "county")
COUNTY_OFFICER = Principal("officer-county", Role.UNION_OFFICER, "county", "county")
NO1 = Principal("officer-no1", Role.UNION_OFFICER, "no1", "county")
NO2 = Principal("officer-no2", Role.UNION_OFFICER, "no2", "county")
AUDITOR = Principal("auditor-sun", Role.AUDITOR, "county", "county")
NO1_AUDITOR = Principal("auditor-no1", Role.AUDITOR, "no1", "county")
MEMBER = Principal("member-wang", Role.MEMBER, "no1", "county")
OTHER = Principal("admin-qian", Role.FEDERATION_ADMIN, "elsewhere", "elsewhere")


@pytest.fixture(autouse=True)
def june(monkeypatch):
    monkeypatch.setattr(nominations, "now", lambda: NOW)


def county() -> FakeUnitOfWork:
    uow = FakeUnitOfWork()
    uow.unions.add_organization("county", "federation", None)
    for school in ("no1", "no2", "no3"):
        uow.unions.add_organization(school, "grassroots_union", "county")
    uow.unions.add_organization("elsewhere", "federation", None)
    return uow


def text(title="第一小学开展教职工趣味运动会", **more) -> WriteInfoItem:
    values = dict(title=title, body="4月20日，第一小学工会组织全体教职工开展趣味运动会。", category="work_news")
    values.update(event_on="2026-04-20", author="张老师")
    values.update(more)
    return WriteInfoItem(**values)


def points(county_points=1, city=3, province=5, **more) -> PublishPointsTable:
    return PublishPointsTable(county=county_points, city=city, province=province, **more)


async def submitted(uow: FakeUnitOfWork, who: Principal = NO1, **more):
    draft = await information.write(uow, who, who.organization_id, text(**more))
    return await information.submit(uow, who, draft.id)


async def test_a_school_writes_a_draft_edits_it_and_submits_it_to_the_level_above():
    uow = county()
    draft = await information.write(uow, NO1, "no1", text())
    assert (draft.status, draft.organization_id, draft.federation_id, draft.created_by) == (
        "draft",
        "no1",
        "county",
        "officer-no1",
    )
    edited = await information.rewrite(uow, NO1, draft.id, text(title="趣味运动会凝心聚力", category="exemplary"))
    assert (edited.title, edited.category) == ("趣味运动会凝心聚力", "exemplary")
    sent = await information.submit(uow, NO1, draft.id)
    assert (sent.status, sent.submitted_on, sent.submitted_by) == ("submitted", dt.date(2026, 6, 1), "officer-no1")
    with pytest.raises(Conflict) as locked:
        await information.rewrite(uow, NO1, draft.id, text())
    assert locked.value.code == "info_item_locked"


async def test_drafts_stay_in_their_union_and_other_unions_get_the_answer_of_a_missing_item():
    uow = county()
    draft = await information.write(uow, NO1, "no1", text())
    assert (await information.get(uow, NO1_AUDITOR, draft.id)).id == draft.id
    for outsider in (ADMIN, AUDITOR, NO2, OTHER):
        with pytest.raises(NotFound) as hidden:
            await information.get(uow, outsider, draft.id)
        assert hidden.value.code == "info_item_not_found"
    listed, _ = await information.items_of(uow, ADMIN, "county")
    assert listed == []
    sent = await information.submit(uow, NO1, draft.id)
    assert (await information.get(uow, AUDITOR, sent.id)).status == "submitted"
    listed, _ = await information.items_of(uow, COUNTY_OFFICER, "county", InfoFilter(status="submitted"))
    assert [i.id for i in listed] == [sent.id]
    for outsider in (NO2, OTHER):
        with pytest.raises(NotFound):
            await information.get(uow, outsider, sent.id)
    with pytest.raises(Forbidden):
        await information.get(uow, MEMBER, sent.id)


async def test_only_the_unions_own_officers_write_and_submit_and_only_the_level_above_adopts():
    uow = county()
    with pytest.raises(Forbidden) as upper:
        await information.write(uow, ADMIN, "no1", text())
    assert upper.value.code == "info_own_union_only"
    with pytest.raises(Invalid) as top:
        await information.write(uow, ADMIN, "county", text())
    assert top.value.code == "info_needs_upper_level"
    with pytest.raises(Forbidden):
        await information.write(uow, NO1_AUDITOR, "no1", text())
    uow.unions.add_organization("no1-group", "union_group", "no1")
    group = Principal("group-leader", Role.UNION_OFFICER, "no1-group", "county")
    with pytest.raises(Invalid) as grouped:
        await information.write(uow, group, "no1-group", text())
    assert grouped.value.code == "info_needs_union"
    await information.publish_points_table(uow, ADMIN, "county", points(effective_from=dt.date(2026, 1, 1)))
    sent = await submitted(uow)
    with pytest.raises(Forbidden) as own:
        await information.adopt(uow, NO1, sent.id, AdoptInfoItem(level="county"))
    assert own.value.code == "info_upper_level_only"
    with pytest.raises(Forbidden):
        await information.adopt(uow, AUDITOR, sent.id, AdoptInfoItem(level="county"))
    adopted = await information.adopt(uow, COUNTY_OFFICER, sent.id, AdoptInfoItem(level="county"))
    assert [(a.level, a.points, a.adopted_by_organization) for a in adopted.adoptions] == [("county", 1, "county")]


async def test_points_are_fixed_by_the_table_in_force_on_the_adoption_day_and_a_higher_level_adopts_again():
    uow = county()
    first = await information.publish_points_table(uow, ADMIN, "county", points(effective_from=dt.date(2026, 1, 1)))
    assert first.version == 1
    sent = await submitted(uow)
    at_county = await information.adopt(uow, ADMIN, sent.id, AdoptInfoItem(level="county", adopted_on="2026-06-01"))
    assert at_county.points == 1
    second = await information.publish_points_table(uow, ADMIN, "county", points(2, 6, 10))
    assert (second.version, second.effective_from) == (2, dt.date(2026, 6, 1))
    with pytest.raises(Conflict):
        await information.adopt(uow, ADMIN, sent.id, AdoptInfoItem(level="county"))
    at_city = await information.adopt(uow, ADMIN, sent.id, AdoptInfoItem(level="city"))
    assert [(a.level, a.points, a.table_version) for a in at_city.adoptions] == [("county", 1, 1), ("city", 6, 2)]
    assert (await information.get(uow, NO1, sent.id)).points == 7, "the county's point stayed at 1"
    with pytest.raises(Forbidden):
        await information.publish_points_table(uow, COUNTY_OFFICER, "county", points())
    with pytest.raises(NotFound):
        await information.publish_points_table(uow, OTHER, "county", points())
    assert [t.version for t in await information.points_tables(uow, NO2, "county")] == [1, 2]
    with pytest.raises(NotFound):
        await information.points_tables(uow, OTHER, "county")


async def test_the_level_above_declines_with_a_reason_and_the_school_rewrites_and_submits_again():
    uow = county()
    sent = await submitted(uow)
    declined = await information.decline(uow, ADMIN, sent.id, DeclineInfoItem(reason="与上月报送的信息重复"))
    assert (declined.status, declined.decline_reason, declined.declined_by) == (
        "declined",
        "与上月报送的信息重复",
        "admin-zhao",
    )
    with pytest.raises(Conflict) as no_table:
        await information.adopt(uow, ADMIN, sent.id, AdoptInfoItem(level="county"))
    assert no_table.value.code == "info_item_not_submitted"
    again = await information.rewrite(uow, NO1, sent.id, text(title="改写后再报"))
    assert again.status == "draft"
    assert (await information.submit(uow, NO1, sent.id)).status == "submitted"
    with pytest.raises(Conflict) as missing:
        await information.adopt(uow, ADMIN, sent.id, AdoptInfoItem(level="county"))
    assert missing.value.code == "info_points_table_missing"


async def test_the_yearly_ranking_counts_submissions_adoptions_per_level_and_points_with_shared_ranks():
    uow = county()
    await information.publish_points_table(uow, ADMIN, "county", points(effective_from=dt.date(2026, 1, 1)))
    one = await submitted(uow, NO1)
    await information.adopt(uow, ADMIN, one.id, AdoptInfoItem(level="county"))
    await information.adopt(uow, ADMIN, one.id, AdoptInfoItem(level="city"))  # 1 + 3
    two = await submitted(uow, NO2)
    await information.adopt(uow, ADMIN, two.id, AdoptInfoItem(level="city"))  # 3
    three = await submitted(uow, NO2)
    await information.adopt(uow, ADMIN, three.id, AdoptInfoItem(level="county"))  # 1, no2: 4
    await submitted(uow, NO1)  # submitted, not adopted
    await information.write(uow, NO1, "no1", text())  # a draft counts nowhere
    ranking = await information.ranking(uow, AUDITOR, "county", None)
    assert ranking.year == 2026
    rows = [(u.organization_id, u.rank, u.submitted, u.adopted, u.points) for u in ranking.unions]
    assert rows == [
        ("no1", 1, 2, {"county": 1, "city": 1, "province": 0}, 4),
        ("no2", 1, 2, {"county": 1, "city": 1, "province": 0}, 4),
        ("no3", 3, 0, {"county": 0, "city": 0, "province": 0}, 0),
    ]
    assert (ranking.total.submitted, ranking.total.adopted, ranking.total.points) == (
        4,
        {"county": 2, "city": 2, "province": 0},
        8,
    )
    assert (await information.ranking(uow, ADMIN, "county", 2025)).total.points == 0
    with pytest.raises(NotFound):
        await information.ranking(uow, OTHER, "county", None)
    with pytest.raises(Forbidden):
        await information.ranking(uow, MEMBER, "no1", None)
