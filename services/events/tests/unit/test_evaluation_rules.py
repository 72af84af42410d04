"""The rules of democratic evaluations and the 师德 assessment: subjects, ratings, codes, return
rates, tallies withheld below MIN_GROUP, and the 师德 results with their notes."""

import uuid

import pytest

from unionfed_events.domain import evaluations as rules
from unionfed_events.domain.evaluations import Evaluation, EvaluationAnswers, FormCounts, Subject
from unionfed_shared.errors import Conflict, Invalid, NotFound


def evaluation(scale: str = "grades") -> Evaluation:
    subjects = (Subject("王校长", "校长"), Subject("李主任", "中层干部"))
    return Evaluation(uuid.uuid4(), "no1", "county", "2026 年度民主评议", 2026, scale, subjects, "open", "li")


def form(e: Evaluation, kind: str, *ratings: tuple[str, str | None]) -> EvaluationAnswers:
    return EvaluationAnswers(uuid.uuid4(), e.id, kind, [list(r) for r in ratings])


def test_subjects_are_named_with_their_post_once_each():
    assert Subject.of(" 王校长 ", " 校长 ") == Subject("王校长", "校长")
    with pytest.raises(Invalid) as refused:
        Subject.of("", "校长")
    assert refused.value.code == "evaluation_subject_invalid"
    with pytest.raises(Invalid) as refused:
        rules.check_subjects([Subject("王", "校长"), Subject("王", "校长")])
    assert refused.value.code == "evaluation_subject_repeated"
    with pytest.raises(Invalid):
        rules.check_subjects([])


def test_ratings_take_one_grade_per_subject_with_an_optional_comment():
    e = evaluation()
    assert rules.check_ratings(e, [{"rating": "优秀", "comment": " 很好 "}, {"rating": "称职"}]) == [
        ["优秀", "很好"],
        ["称职", None],
    ]
    with pytest.raises(Invalid) as refused:
        rules.check_ratings(e, [{"rating": "优秀"}])
    assert refused.value.code == "evaluation_answer_count_mismatch"
    with pytest.raises(Invalid) as refused:
        rules.check_ratings(e, [{"rating": "优秀"}, {"rating": "5"}])
    assert refused.value.code == "evaluation_rating_invalid" and "中层干部 李主任" in refused.value.zh
    points = evaluation("points")
    assert rules.check_ratings(points, [{"rating": 5}, {"rating": "1"}]) == [["5", None], ["1", None]]


def test_the_life_of_an_evaluation_draft_open_closed_submitted_once():
    e = Evaluation(uuid.uuid4(), "no1", "county", "t", 2026, "grades", (Subject("a", "b"),), "draft", "li")
    with pytest.raises(Invalid):
        e.opened(rules_now(), rules.MAX_CODES + 1)
    opened = e.opened(rules_now(), 40)
    assert (opened.status, opened.outside_forms) == ("open", 40)
    with pytest.raises(Conflict):
        opened.opened(rules_now(), 1)
    with pytest.raises(Conflict) as refused:
        opened.submitted("li", rules_now(), {})
    assert refused.value.code == "evaluation_not_closed"
    submitted = opened.closed(rules_now()).submitted("li", rules_now(), {"x": 1})
    with pytest.raises(Conflict) as refused:
        submitted.submitted("li", rules_now(), {})
    assert refused.value.code == "evaluation_already_submitted"


def rules_now():
    import datetime as dt

    return dt.datetime(2026, 12, 1, tzinfo=dt.UTC)


def test_a_code_unknown_or_used_is_refused_clearly_and_read_forgivingly():
    with pytest.raises(NotFound) as unknown:
        rules.check_code(False, False)
    assert unknown.value.code == "evaluation_code_unknown"
    with pytest.raises(Conflict) as used:
        rules.check_code(True, True)
    assert used.value.code == "evaluation_code_used"
    assert rules.normalize_code(" abcd-efgh ") == "ABCDEFGH"


def test_return_rates_per_form_kind_and_overall():
    rates = rules.return_rates({"staff": FormCounts(50, 45), "outside": FormCounts(50, 37)})
    assert [(f["form"], f["rate"]) for f in rates["forms"]] == [("staff", "90.0%"), ("outside", "74.0%")]
    assert (rates["issued"], rates["returned"], rates["rate"]) == (100, 82, "82.0%")
    assert rules.return_rates({"staff": FormCounts(0, 0), "outside": FormCounts(0, 0)})["rate"] is None


def test_tallies_count_ratings_per_form_kind_and_withhold_a_kind_under_min_group():
    e = evaluation()
    staff = [form(e, "staff", ("优秀", "好"), ("称职", None)) for _ in range(3)]
    outside = [form(e, "outside", ("不称职", "差"), ("基本称职", None)) for _ in range(2)]
    [head, _] = rules.tally(e, staff + outside)
    assert [f["form"] for f in head["forms"]] == ["staff"]  # two parents could be told apart
    assert head["forms"][0]["counts"] == {"优秀": 3, "称职": 0, "基本称职": 0, "不称职": 0}
    assert head["forms"][0]["approving_share"] == "100.0%"
    assert head["total"] is None and head["comments"] == ["好", "好", "好"]  # the withheld kind's "差" is not shown
    assert rules.withheld_forms(staff + outside) == ["outside"]

    outside.append(form(e, "outside", ("称职", None), ("称职", None)))
    [head, deputy] = rules.tally(e, staff + outside)
    assert [f["form"] for f in head["forms"]] == ["staff", "outside"]
    assert head["total"] == {
        "answers": 6,
        "counts": {"优秀": 3, "称职": 1, "基本称职": 0, "不称职": 2},
        "approving_share": "66.7%",
    }
    assert deputy["total"]["approving_share"] == "66.7%"


def test_nothing_is_shown_below_min_group_of_either_kind():
    e = evaluation()
    [head, _] = rules.tally(e, [form(e, "staff", ("优秀", "x"), ("优秀", None))])
    assert head["forms"] == [] and head["total"] is None and head["comments"] == []


def test_ethics_results_need_a_note_for_the_two_lower_ones():
    assert rules.check_ethics("优秀", None) == ""
    with pytest.raises(Invalid) as refused:
        rules.check_ethics("基本合格", " ")
    assert refused.value.code == "ethics_note_required"
    assert rules.check_ethics("不合格", " 体罚学生 ") == "体罚学生"
    with pytest.raises(Invalid):
        rules.check_ethics("良好", None)
    assert rules.ethics_counts(["优秀", "合格", "合格"], 5) == {
        "members": 5,
        "assessed": 3,
        "not_assessed": 2,
        "counts": {"优秀": 1, "合格": 2, "基本合格": 0, "不合格": 0},
    }
