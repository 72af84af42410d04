"""校务公开 rules and sheet: the year or term a roll-up reads, a statement published after the period
it shows and not in the future, and the sheet's row for a union that published nothing."""

import datetime as dt

import pytest

from unionfed_finance.domain import disclosures as rules
from unionfed_finance.domain.disclosures import Publication, Term, UnionDisclosures
from unionfed_finance.service_layer.disclosure_rollup import DisclosureRollup, sheet_rows
from unionfed_shared.errors import Invalid

TODAY = dt.date(2026, 12, 5)


def test_a_year_or_a_school_term():
    assert rules.window(2026, None) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert rules.window(2026, Term.SPRING) == (dt.date(2026, 2, 1), dt.date(2026, 7, 31))
    assert rules.window(2026, Term.AUTUMN) == (dt.date(2026, 8, 1), dt.date(2027, 1, 31))


@pytest.mark.parametrize(
    "period_from, period_to, published_on, code",
    [
        ("2026-07-01", "2026-06-30", "2026-07-05", "disclosure_period_reversed"),
        ("2026-01-01", "2026-06-30", "2026-12-06", "disclosure_published_in_future"),
        ("2026-01-01", "2026-06-30", "2026-06-29", "disclosure_published_before_period_end"),
    ],
)
def test_a_statement_is_published_after_its_period_and_not_in_the_future(period_from, period_to, published_on, code):
    days = [dt.date.fromisoformat(d) for d in (period_from, period_to, published_on)]
    with pytest.raises(Invalid) as refused:
        rules.check_publication(*days, TODAY)
    assert refused.value.code == code


def test_published_on_the_periods_last_day_or_today_is_fine():
    rules.check_publication(dt.date(2026, 1, 1), dt.date(2026, 6, 30), dt.date(2026, 6, 30), TODAY)
    rules.check_publication(dt.date(2026, 7, 1), dt.date(2026, 12, 5), TODAY, TODAY)


def test_the_sheet_lists_each_publication_and_each_union_that_published_none():
    published = Publication(
        "school-1", dt.date(2026, 1, 1), dt.date(2026, 6, 30), dt.date(2026, 7, 5), "notice_board", 42, "li"
    )
    rollup = DisclosureRollup(
        "county",
        2026,
        None,
        dt.date(2026, 1, 1),
        dt.date(2026, 12, 31),
        [UnionDisclosures("school-1", "第一小学工会", [published]), UnionDisclosures("school-2", "实验中学工会", [])],
    )
    assert [u.organization_id for u in rollup.without] == ["school-2"]
    assert sheet_rows(rollup, "zh-CN") == [
        ["第一小学工会", "是", dt.date(2026, 1, 1), dt.date(2026, 6, 30), dt.date(2026, 7, 5), "公示栏", 42, None],
        ["实验中学工会", "否（未公开）", None, None, None, None, None, None],
    ]
    assert sheet_rows(rollup, "en")[0][5] == "notice_board"
