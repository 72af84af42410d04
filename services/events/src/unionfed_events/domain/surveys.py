"""Questionnaires and democratic evaluations (民主评议): questions, answers, return rate, results. Rules only.

Every survey is anonymous by construction: who responded and what was answered are kept apart,
and results are only shown for groups of at least MIN_GROUP respondents.
"""

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal

from unionfed_shared.errors import Conflict, Invalid

QuestionKind = Literal["single_choice", "multiple_choice", "rating", "free_text"]
RATINGS = range(1, 6)
# Fewer respondents than this in a group and their answers could be told apart: show no breakdown.
MIN_GROUP = 3
OTHERS = "others"
# A survey's status as a refusal says it to Chinese staff.
STATUS_ZH = {"draft": "尚未发放", "sent": "正在发放", "closed": "已结束"}


@dataclass(frozen=True)
class Question:
    kind: QuestionKind
    text: str
    options: tuple[str, ...] = ()
    required: bool = True

    @classmethod
    def of(cls, kind: QuestionKind, text: str, options: Sequence[str] | None, required: bool) -> "Question":
        text = text.strip()
        if not 1 <= len(text) <= 500:
            raise Invalid(
                "survey_question_length_invalid", zh="每道题须为 1 到 500 个字", en="a question has 1 to 500 characters"
            )
        options = tuple(o.strip() for o in options or ())
        if kind in ("single_choice", "multiple_choice"):
            if not 2 <= len(options) <= 20 or any(not o or len(o) > 200 for o in options):
                raise Invalid(
                    "survey_options_invalid",
                    zh=f"选择题须有 2 到 20 个选项，每个选项 1 到 200 个字：{text!r}",
                    en=f"a choice question has 2 to 20 options of 1 to 200 characters: {text!r}",
                )
            if len(set(options)) != len(options):
                raise Invalid("survey_options_repeated", zh=f"选项有重复：{text!r}", en=f"options repeat in {text!r}")
        elif options:
            raise Invalid(
                "survey_options_not_allowed",
                zh=f"只有选择题才设选项：{text!r}",
                en=f"only choice questions have options: {text!r}",
            )
        return cls(kind, text, options, required)

    def check(self, answer, number: int):
        """The answer in its stored form, or Invalid naming the question."""
        where, where_zh = f"question {number}", f"第 {number} 题"
        last = len(self.options) - 1
        if answer is None:
            if self.required:
                raise Invalid("survey_answer_missing", zh=f"{where_zh}为必答题", en=f"{where} needs an answer")
            return None
        if self.kind == "single_choice":
            if not _is_int(answer) or answer not in range(len(self.options)):
                raise Invalid(
                    "survey_answer_invalid",
                    zh=f"{where_zh}须选一个选项序号（0 到 {last}）",
                    en=f"{where} takes one option number from 0 to {last}",
                )
            return answer
        if self.kind == "multiple_choice":
            if not isinstance(answer, list) or not answer or not all(_is_int(a) for a in answer):
                raise Invalid(
                    "survey_answer_invalid",
                    zh=f"{where_zh}须填写选项序号列表，至少选一项",
                    en=f"{where} takes a non-empty list of option numbers",
                )
            if len(set(answer)) != len(answer) or any(a not in range(len(self.options)) for a in answer):
                raise Invalid(
                    "survey_answer_invalid",
                    zh=f"{where_zh}的选项序号不能重复，须在 0 到 {last} 之间",
                    en=f"{where}: option numbers must be distinct, from 0 to {last}",
                )
            return sorted(answer)
        if self.kind == "rating":
            if not _is_int(answer) or answer not in RATINGS:
                raise Invalid(
                    "survey_answer_invalid", zh=f"{where_zh}须评 1 到 5 分", en=f"{where} takes a rating from 1 to 5"
                )
            return answer
        if not isinstance(answer, str) or not 1 <= len(answer.strip()) <= 2000:
            raise Invalid(
                "survey_answer_invalid",
                zh=f"{where_zh}须填写 1 到 2000 个字",
                en=f"{where} takes a text of 1 to 2000 characters",
            )
        return answer.strip()


DRAFT, SENT, CLOSED = "draft", "sent", "closed"


@dataclass(frozen=True)
class Survey:
    id: uuid.UUID
    organization_id: str  # the scope: this organization's subtree
    federation_id: str
    kind: str  # survey, evaluation
    title: str
    questions: tuple[Question, ...]
    status: str  # draft, sent, closed
    created_by: str
    created_at: dt.datetime | None = None  # stamped by the store
    sent_by: str | None = None
    sent_at: dt.datetime | None = None
    closed_by: str | None = None
    closed_at: dt.datetime | None = None

    def sent(self, by: str, at: dt.datetime) -> "Survey":
        if self.status != DRAFT:
            raise Conflict(
                "survey_already_sent",
                zh=f"该问卷{STATUS_ZH.get(self.status, self.status)}，不能再发放",
                en=f"the survey was already {self.status}",
            )
        return replace(self, status=SENT, sent_by=by, sent_at=at)

    def closed(self, by: str, at: dt.datetime) -> "Survey":
        if self.status != SENT:
            raise Conflict(
                "survey_not_open",
                zh=f"该问卷{STATUS_ZH.get(self.status, self.status)}，只有正在发放的问卷可以结束",
                en=f"the survey is {self.status}; only a sent survey is closed",
            )
        return replace(self, status=CLOSED, closed_by=by, closed_at=at)


@dataclass(frozen=True)
class Recipient:
    """Who was asked and whether they answered: no time, and no link to what they answered."""

    survey_id: uuid.UUID
    member_id: uuid.UUID
    group_id: str  # the branch of the scope the member belongs to, for breakdowns
    responded: bool = False


@dataclass(frozen=True)
class Answers:
    """What was answered: under a random id, with the respondent's branch and nothing else."""

    id: uuid.UUID
    survey_id: uuid.UUID
    group_id: str
    answers: list[Any]


def clean_title(title: str) -> str:
    title = title.strip()
    if not 1 <= len(title) <= 200:
        raise Invalid(
            "survey_title_length_invalid",
            zh="问卷标题须为 1 到 200 个字",
            en="a survey's title has 1 to 200 characters",
        )
    return title


def check_has_recipients(organization_id: str, recipients: int) -> None:
    # The recipients are fixed when the survey is sent: members who join later are not asked,
    # and do not lower the rate.
    if not recipients:
        raise Invalid(
            "no_eligible_members",
            zh=f"{organization_id} 没有可发放问卷的在职会员",
            en=f"{organization_id} has no active members to send the survey to",
        )


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_questions(questions: list[Question]) -> None:
    if not 1 <= len(questions) <= 100:
        raise Invalid(
            "survey_question_count_invalid", zh="问卷须有 1 到 100 道题", en="a survey has 1 to 100 questions"
        )


def check_answers(questions: list[Question], answers: list) -> list:
    if len(answers) != len(questions):
        raise Invalid(
            "survey_answer_count_mismatch",
            zh=f"问卷共 {len(questions)} 道题，请每题作答一次（不答填 null）",
            en=f"the survey has {len(questions)} questions; give one answer (or null) for each",
        )
    return [q.check(a, i + 1) for i, (q, a) in enumerate(zip(questions, answers))]


def check_can_respond(status: str, is_recipient: bool, already_responded: bool) -> None:
    if not is_recipient:
        raise Conflict("survey_not_sent_to_you", zh="此问卷未发给您", en="the survey was not sent to you")
    if status != "sent":
        raise Conflict(
            "survey_not_open",
            zh=f"该问卷{STATUS_ZH.get(status, '状态为 ' + status)}，只在发放期间接受填答",
            en=f"the survey is {status}; it takes responses while sent",
        )
    if already_responded:
        raise Conflict("survey_already_answered", zh="您已填答过此问卷", en="you have already responded to this survey")


def return_rate(responses: int, recipients: int) -> str | None:
    """Responses per recipients as a percentage with one decimal, rounded half up: 41 of 50 → '82.0%'."""
    if recipients == 0:
        return None
    # Integer arithmetic throughout: tenths of a percent = per mille, rounded half up.
    per_mille = (2000 * responses + recipients) // (2 * recipients)
    return f"{per_mille // 10}.{per_mille % 10}%"


def summarize(questions: list[Question], answer_sets: list[list], with_texts: bool = True) -> list[dict]:
    """Counts per option and rating, rating averages, free texts without names (sorted, not in arrival order)."""
    summary = []
    for number, question in enumerate(questions):
        given = [answers[number] for answers in answer_sets if answers[number] is not None]
        item: dict = {"question": number + 1, "kind": question.kind, "text": question.text, "answered": len(given)}
        if question.kind in ("single_choice", "multiple_choice"):
            counts = Counter(a for answer in given for a in (answer if isinstance(answer, list) else [answer]))
            item["options"] = [{"option": o, "count": counts[i]} for i, o in enumerate(question.options)]
        elif question.kind == "rating":
            counts = Counter(given)
            item["ratings"] = {str(r): counts[r] for r in RATINGS}
            item["average"] = _average(given)
        elif with_texts:
            item["texts"] = sorted(given)
        summary.append(item)
    return summary


def _average(ratings: list[int]) -> str | None:
    if not ratings:
        return None
    tenths = (20 * sum(ratings) + len(ratings)) // (2 * len(ratings))  # rounded half up
    return f"{tenths // 10}.{tenths % 10}"


def groups_to_show(sizes: dict[str, int]) -> tuple[list[str], int]:
    """Which groups get their own breakdown, and how many respondents are pooled as 'others'.

    Groups under MIN_GROUP are pooled. A pool of 1 or 2 would itself expose them, and could be
    worked out from the total anyway, so the smallest shown groups join it until it is empty or
    big enough.
    """
    shown = {group: n for group, n in sizes.items() if n >= MIN_GROUP}
    others = sum(sizes.values()) - sum(shown.values())
    while 0 < others < MIN_GROUP and shown:
        smallest = min(shown, key=lambda g: (shown[g], g))
        others += shown.pop(smallest)
    if others == sum(sizes.values()) or (len(shown) == 1 and not others):
        return [], 0  # one group of everybody is the overall result, not a breakdown
    return sorted(shown), others
