"""Survey rules: questions, answers, the return rate and results that expose no one."""

import pytest

from unionfed_events.domain import surveys as rules
from unionfed_shared.errors import Conflict, Invalid

QUESTIONS = [
    rules.Question.of("single_choice", "食堂满意吗?", ["满意", "一般", "不满意"], True),
    rules.Question.of("multiple_choice", "希望开展的活动", ["羽毛球", "拔河", "合唱"], True),
    rules.Question.of("rating", "校务公开", None, True),
    rules.Question.of("free_text", "意见建议", None, False),
]


@pytest.mark.parametrize(
    "responses, recipients, rate",
    [
        (41, 50, "82.0%"),
        (82, 100, "82.0%"),
        (1, 3, "33.3%"),
        (2, 3, "66.7%"),
        (1, 8, "12.5%"),
        (0, 7, "0.0%"),
        (7, 7, "100.0%"),
        (1, 2000, "0.1%"),
        (1, 2001, "0.0%"),
    ],
)
def test_the_return_rate_is_exact_with_one_decimal_rounded_half_up(responses, recipients, rate):
    assert rules.return_rate(responses, recipients) == rate


def test_no_recipients_has_no_rate():
    assert rules.return_rate(0, 0) is None


def test_questions_are_checked():
    with pytest.raises(Invalid, match="2 to 20 options"):
        rules.Question.of("single_choice", "one?", ["only"], True)
    with pytest.raises(Invalid, match="repeat"):
        rules.Question.of("multiple_choice", "twice?", ["a", "a"], True)
    with pytest.raises(Invalid, match="only choice"):
        rules.Question.of("rating", "stars", ["a", "b"], True)
    with pytest.raises(Invalid, match="1 to 100"):
        rules.check_questions([])


def test_answers_are_checked_and_normalised():
    assert rules.check_answers(QUESTIONS, [0, [2, 0], 5, None]) == [0, [0, 2], 5, None]
    assert rules.check_answers(QUESTIONS, [2, [1], 1, "  多开展活动 "])[3] == "多开展活动"
    for bad, reason in [
        ([3, [0], 5, None], "question 1"),
        ([True, [0], 5, None], "question 1"),
        ([0, [], 5, None], "question 2"),
        ([0, [0, 0], 5, None], "question 2"),
        ([0, [0], 6, None], "question 3"),
        ([0, [0], 0, None], "question 3"),
        ([None, [0], 5, None], "question 1 needs an answer"),
        ([0, [0], 5], "4 questions"),
        ([0, [0], 5, "   "], "question 4"),
    ]:
        with pytest.raises(Invalid, match=reason):
            rules.check_answers(QUESTIONS, bad)


def test_a_recipient_responds_once_while_the_survey_is_sent():
    rules.check_can_respond("sent", True, False)
    with pytest.raises(Conflict, match="already"):
        rules.check_can_respond("sent", True, True)
    with pytest.raises(Conflict, match="not sent to you"):
        rules.check_can_respond("sent", False, False)
    with pytest.raises(Conflict, match="closed"):
        rules.check_can_respond("closed", True, False)


def test_results_count_options_average_ratings_and_list_texts_sorted_without_names():
    answers = [[0, [0, 1], 5, "b 建议"], [0, [1], 4, None], [2, [1, 2], 4, "a 建议"]]
    single, multiple, rating, text = rules.summarize(QUESTIONS, answers)
    assert [o["count"] for o in single["options"]] == [2, 0, 1]
    assert [o["count"] for o in multiple["options"]] == [1, 3, 1]
    assert rating["ratings"] == {"1": 0, "2": 0, "3": 0, "4": 2, "5": 1} and rating["average"] == "4.3"
    assert text["texts"] == ["a 建议", "b 建议"] and text["answered"] == 2
    assert "texts" not in rules.summarize(QUESTIONS, answers, with_texts=False)[3]


@pytest.mark.parametrize(
    "sizes, shown, pooled",
    [
        ({"a": 5, "b": 4}, ["a", "b"], 0),
        ({"a": 5, "b": 1, "c": 1, "d": 1}, ["a"], 3),
        # A pool of 2 would show those two; the smallest shown group joins it.
        ({"a": 5, "b": 4, "c": 2}, ["a"], 6),
        # Only one shown group plus a small pool is everyone: no breakdown at all.
        ({"a": 5, "b": 2}, [], 0),
        ({"a": 2, "b": 1}, [], 0),
        ({"a": 3}, [], 0),
    ],
)
def test_groups_of_fewer_than_three_are_never_broken_down(sizes, shown, pooled):
    assert rules.groups_to_show(sizes) == (shown, pooled)
