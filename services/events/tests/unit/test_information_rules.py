"""Information reporting's rules: the points of an adoption are those of the table in force on the
adoption day and stay fixed; an item is adopted once per level, again only higher up; the ranking
puts equal points on one rank; a draft's text is plain and within its limits."""

import datetime as dt
import uuid

import pytest

from unionfed_events.domain.information import (
    DRAFT,
    InfoItem,
    PointsTable,
    UnionInfoFigures,
    check_points,
    item_content,
    next_table,
    ranked,
    table_in_force,
)
from unionfed_shared.errors import Conflict, Invalid

TODAY = dt.date(2026, 6, 1)
V1 = PointsTable("county-edu", 1, dt.date(2026, 1, 1), {"county": 1, "city": 3, "province": 5}, "admin")
V2 = PointsTable("county-edu", 2, dt.date(2026, 5, 1), {"county": 2, "city": 4, "province": 8}, "admin")


def submitted(on: dt.date = dt.date(2026, 3, 2)) -> InfoItem:
    item = InfoItem(
        id=uuid.uuid4(),
        organization_id="no1-primary",
        federation_id="county-edu",
        title="第一小学开展教职工趣味运动会",
        body="4月20日，第一小学工会组织全体教职工开展趣味运动会。",
        category="work_news",
        event_on=dt.date(2026, 3, 1),
        author="张老师",
        created_by="officer",
    )
    return item.submitted("officer", on)


def test_the_table_in_force_is_the_latest_that_took_effect_on_or_before_the_day():
    assert table_in_force([V1, V2], dt.date(2025, 12, 31)) is None
    assert table_in_force([V2, V1], dt.date(2026, 4, 30)) == V1
    assert table_in_force([V1, V2], dt.date(2026, 5, 1)) == V2


def test_an_adoption_earns_the_points_of_the_table_in_force_on_its_day_and_keeps_them():
    item = submitted().adopted("county", dt.date(2026, 4, 10), "admin", "county-edu", [V1], TODAY)
    assert [(a.level, a.points, a.table_version) for a in item.adoptions] == [("county", 1, 1)]
    # A later table changes nothing already recorded; the next adoption is scored by the new one.
    again = item.adopted("city", dt.date(2026, 5, 20), "admin", "county-edu", [V1, V2], TODAY)
    assert [(a.level, a.points, a.table_version) for a in again.adoptions] == [("county", 1, 1), ("city", 4, 2)]
    assert (again.status, again.points, again.highest_level) == ("adopted", 5, "city")


def test_an_item_is_adopted_once_per_level_and_again_only_at_a_higher_level():
    at_city = submitted().adopted("city", dt.date(2026, 4, 10), "admin", "county-edu", [V1], TODAY)
    with pytest.raises(Conflict) as twice:
        at_city.adopted("city", dt.date(2026, 4, 11), "admin", "county-edu", [V1], TODAY)
    assert twice.value.code == "info_item_already_adopted_at_level"
    with pytest.raises(Conflict) as lower:
        at_city.adopted("county", dt.date(2026, 4, 11), "admin", "county-edu", [V1], TODAY)
    assert lower.value.code == "info_adoption_level_not_higher"
    province = at_city.adopted("province", dt.date(2026, 4, 12), "admin", "county-edu", [V1], TODAY)
    assert [a.level for a in province.adoptions] == ["city", "province"]


def test_an_adoption_needs_a_submitted_item_a_table_in_force_and_a_day_in_order():
    draft = dataclass_draft()
    cases = [
        (lambda: draft.adopted("county", TODAY, "a", "f", [V1], TODAY), Conflict, "info_item_not_submitted"),
        (
            lambda: submitted().adopted("county", dt.date(2026, 6, 2), "a", "f", [V1], TODAY),
            Invalid,
            "info_date_in_future",
        ),
        (
            lambda: submitted().adopted("county", dt.date(2026, 3, 1), "a", "f", [V1], TODAY),
            Invalid,
            "info_date_out_of_order",
        ),
        (
            lambda: submitted().adopted("county", dt.date(2026, 4, 1), "a", "f", [V2], TODAY),
            Conflict,
            "info_points_table_missing",
        ),
    ]
    for attempt, kind, code in cases:
        with pytest.raises(kind) as refused:
            attempt()
        assert refused.value.code == code


def dataclass_draft() -> InfoItem:
    item = submitted()
    return InfoItem(**{**item.__dict__, "status": DRAFT, "submitted_on": None, "submitted_by": None})


def test_an_adopted_item_is_locked_and_a_declined_one_goes_back_to_a_draft_when_edited():
    adopted = submitted().adopted("county", dt.date(2026, 4, 10), "admin", "county-edu", [V1], TODAY)
    for attempt in (
        lambda: adopted.edited("新标题", "正文", "other", TODAY, "李老师", TODAY),
        lambda: adopted.declined("内容重复", "admin", TODAY),
        lambda: adopted.submitted("officer", TODAY),
    ):
        with pytest.raises(Conflict):
            attempt()
    declined = submitted().declined("  内容与上月重复  ", "admin", TODAY)
    assert (declined.status, declined.decline_reason) == ("declined", "内容与上月重复")
    edited = declined.edited("改写后的标题", "改写后的正文", "experience", dt.date(2026, 5, 30), "李老师", TODAY)
    assert (edited.status, edited.decline_reason, edited.category) == ("draft", None, "experience")


def test_an_items_text_is_plain_within_its_limits_and_its_event_not_in_the_future():
    item = dataclass_draft()
    cases = [
        (dict(body="<script>alert(1)</script>"), "info_body_not_plain_text"),
        (dict(body='见<a href="http://x">链接</a>'), "info_body_not_plain_text"),
        (dict(title="x" * 101), "text_length_invalid"),
        (dict(body="   "), "text_length_invalid"),
        (dict(event_on=dt.date(2026, 6, 2)), "info_event_in_future"),
    ]
    for change, code in cases:
        values = dict(
            title="标题", body="正文 a<b 且 c>d 的比较不是标记", category="other", event_on=TODAY, author="张"
        )
        values.update(change)
        with pytest.raises(Invalid) as refused:
            item_content(item, today=TODAY, **values)  # type: ignore[arg-type]
        assert refused.value.code == code
    fine = item_content(item, "标题", "正文 a<b 且 c>d", "other", TODAY, "张", TODAY)
    assert fine.body == "正文 a<b 且 c>d"


def test_a_points_table_names_every_level_ascending_and_new_versions_come_later():
    assert check_points({"province": 5, "county": 1, "city": 3}) == {"county": 1, "city": 3, "province": 5}
    for points, code in (
        ({"county": 1, "city": 3}, "info_points_levels_invalid"),
        ({"county": 1, "city": 3, "province": 5, "nation": 9}, "info_points_levels_invalid"),
        ({"county": 3, "city": 1, "province": 5}, "info_points_not_ascending"),
        ({"county": 1, "city": 3, "province": 500}, "info_points_out_of_range"),
    ):
        with pytest.raises(Invalid) as refused:
            check_points(points)
        assert refused.value.code == code
    first = next_table([], "county-edu", dt.date(2026, 1, 1), V1.points, "admin", "", TODAY)
    assert (first.version, first.effective_from) == (1, dt.date(2026, 1, 1)), "the first may start in the past"
    second = next_table([first], "county-edu", TODAY, V2.points, "admin", "", TODAY)
    assert second.version == 2
    with pytest.raises(Conflict):
        next_table([first, second], "county-edu", TODAY, V2.points, "admin", "", TODAY)
    with pytest.raises(Invalid) as backdated:
        next_table([first], "county-edu", dt.date(2026, 5, 31), V2.points, "admin", "", TODAY)
    assert backdated.value.code == "info_points_table_backdated"


def test_the_ranking_orders_by_points_and_equal_points_share_a_rank():
    def union(name: str, points: int, adoptions: int = 0) -> UnionInfoFigures:
        figures = UnionInfoFigures(name, name, points=points)
        figures.adopted["county"] = adoptions
        return figures

    order = ranked([union("a", 3, 3), union("b", 8), union("c", 3, 1), union("d", 0), union("e", 3, 3)])
    assert [(u.name, u.rank) for u in order] == [("b", 1), ("a", 2), ("e", 2), ("c", 2), ("d", 5)]
    assert [u.rank for u in ranked([union("x", 0), union("y", 0)])] == [1, 1]
