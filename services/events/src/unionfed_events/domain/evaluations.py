"""Democratic evaluations of leaders (民主评议) and the annual 师德 assessment. Rules only.

An evaluation names its subjects (a leader and their post: 校长, 副校长, 中层干部…) and has two
kinds of forms: ``staff`` (the union's members, answering through their self-service) and
``outside`` (parents and other respondents who are not members: each gets a one-time answer code).
Like surveys (``domain.surveys``) it is anonymous by construction: who answered (a member, a code)
is marked apart from what was answered, and a form kind's results are shown only from
``MIN_GROUP`` answers on. The closed evaluation's results are submitted to the level above, which
sees them, never the answers.
"""

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from unionfed_events.domain.surveys import MIN_GROUP, return_rate
from unionfed_shared.errors import Conflict, Invalid, NotFound

SCALES: dict[str, tuple[str, ...]] = {
    "grades": ("优秀", "称职", "基本称职", "不称职"),
    "points": ("5", "4", "3", "2", "1"),
}
# The ratings counted as approval (the share reports quote: 优秀+称职, or 4 and 5 points).
APPROVING: dict[str, frozenset[str]] = {"grades": frozenset({"优秀", "称职"}), "points": frozenset({"5", "4"})}
FORMS = ("staff", "outside")
FORM_ZH = {"staff": "教职工评议表", "outside": "家长等校外评议表"}
MAX_CODES = 2000
MAX_SUBJECTS = 30
DRAFT, OPEN, CLOSED = "draft", "open", "closed"
STATUS_ZH = {DRAFT: "尚未开始", OPEN: "正在评议", CLOSED: "已结束"}
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read off paper
CODE_LENGTH = 8


@dataclass(frozen=True)
class Subject:
    name: str
    post: str

    @classmethod
    def of(cls, name: str, post: str) -> "Subject":
        name, post = name.strip(), post.strip()
        if not 1 <= len(name) <= 50 or not 1 <= len(post) <= 50:
            raise Invalid(
                "evaluation_subject_invalid",
                zh="被评议人的姓名和职务须各为 1 到 50 个字",
                en="a subject's name and post have 1 to 50 characters each",
            )
        return cls(name, post)


@dataclass(frozen=True)
class Evaluation:
    id: uuid.UUID
    organization_id: str
    federation_id: str
    title: str
    year: int
    scale: str  # grades, points
    subjects: tuple[Subject, ...]
    status: str  # draft, open, closed
    created_by: str
    outside_forms: int = 0  # one-time codes issued to outside respondents
    created_at: dt.datetime | None = None  # stamped by the store
    opened_at: dt.datetime | None = None
    closed_at: dt.datetime | None = None
    submitted_by: str | None = None
    submitted_at: dt.datetime | None = None
    submitted_results: dict | None = None  # what the level above sees: the results as submitted

    def opened(self, at: dt.datetime, outside_forms: int) -> "Evaluation":
        if self.status != DRAFT:
            raise Conflict(
                "evaluation_already_open",
                zh=f"该评议{STATUS_ZH.get(self.status, self.status)}，不能再开始",
                en=f"the evaluation is already {self.status}",
            )
        if not 0 <= outside_forms <= MAX_CODES:
            raise Invalid(
                "evaluation_codes_invalid",
                zh=f"校外评议表（评议码）须为 0 到 {MAX_CODES} 份",
                en=f"outside forms (answer codes) number 0 to {MAX_CODES}",
            )
        return replace(self, status=OPEN, opened_at=at, outside_forms=outside_forms)

    def closed(self, at: dt.datetime) -> "Evaluation":
        if self.status != OPEN:
            raise Conflict(
                "evaluation_not_open",
                zh=f"该评议{STATUS_ZH.get(self.status, self.status)}，只有正在进行的评议可以结束",
                en=f"the evaluation is {self.status}; only an open one is closed",
            )
        return replace(self, status=CLOSED, closed_at=at)

    def submitted(self, by: str, at: dt.datetime, results: dict) -> "Evaluation":
        if self.status != CLOSED:
            raise Conflict(
                "evaluation_not_closed",
                zh="评议结束后才能上报结果",
                en="the results are submitted once the evaluation is closed",
            )
        if self.submitted_at is not None:
            raise Conflict(
                "evaluation_already_submitted", zh="该评议结果已上报", en="the results were already submitted"
            )
        return replace(self, submitted_by=by, submitted_at=at, submitted_results=results)

    def check_open(self) -> None:
        if self.status != OPEN:
            raise Conflict(
                "evaluation_not_open",
                zh=f"该评议{STATUS_ZH.get(self.status, self.status)}，只在评议期间接受填写",
                en=f"the evaluation is {self.status}; it takes answers while open",
            )


@dataclass(frozen=True)
class EvaluationAnswers:
    """One form's answers: under a random id, with its kind and nothing else (no member, no code, no time)."""

    id: uuid.UUID
    evaluation_id: uuid.UUID
    form: str  # staff, outside
    ratings: list[Any]  # per subject: [rating, comment or None]


def clean_title(title: str) -> str:
    title = title.strip()
    if not 1 <= len(title) <= 200:
        raise Invalid(
            "evaluation_title_length_invalid", zh="评议标题须为 1 到 200 个字", en="a title has 1 to 200 characters"
        )
    return title


def check_subjects(subjects: Sequence[Subject]) -> tuple[Subject, ...]:
    if not 1 <= len(subjects) <= MAX_SUBJECTS:
        raise Invalid(
            "evaluation_subject_count_invalid",
            zh=f"被评议人须为 1 到 {MAX_SUBJECTS} 人",
            en=f"an evaluation has 1 to {MAX_SUBJECTS} subjects",
        )
    if len(set(subjects)) != len(subjects):
        raise Invalid("evaluation_subject_repeated", zh="被评议人有重复", en="a subject is named twice")
    return tuple(subjects)


def check_ratings(evaluation: Evaluation, answers: Sequence[Any]) -> list[list]:
    """One answer per subject, ``{"rating": …, "comment": …}``, in the stored form ``[rating, comment]``."""
    options = SCALES[evaluation.scale]
    if len(answers) != len(evaluation.subjects):
        raise Invalid(
            "evaluation_answer_count_mismatch",
            zh=f"本次评议共 {len(evaluation.subjects)} 名被评议人，请逐一评议",
            en=f"the evaluation has {len(evaluation.subjects)} subjects; rate each once",
        )
    stored = []
    for number, (subject, answer) in enumerate(zip(evaluation.subjects, answers), start=1):
        rating = str(answer.get("rating")) if isinstance(answer, dict) and answer.get("rating") is not None else None
        if rating not in options:
            raise Invalid(
                "evaluation_rating_invalid",
                zh=f"第 {number} 位（{subject.post} {subject.name}）须评为：{'、'.join(options)}",
                en=f"subject {number} takes one of: {', '.join(options)}",
            )
        comment = answer.get("comment")
        if comment is not None:
            if not isinstance(comment, str) or len(comment.strip()) > 1000:
                raise Invalid(
                    "evaluation_comment_invalid",
                    zh=f"第 {number} 位的意见须为不超过 1000 字的文字",
                    en=f"the comment on subject {number} is a text of at most 1000 characters",
                )
            comment = comment.strip() or None
        stored.append([rating, comment])
    return stored


def check_staff_can_answer(evaluation: Evaluation, is_recipient: bool, already_answered: bool) -> None:
    if not is_recipient:
        raise Conflict("evaluation_not_sent_to_you", zh="此评议未发给您", en="the evaluation was not sent to you")
    evaluation.check_open()
    if already_answered:
        raise Conflict("evaluation_already_answered", zh="您已填写过此评议表", en="you have already answered")


def check_code(found: bool, used: bool) -> None:
    """An unknown code and a used one are told apart: the code is on the respondent's own slip."""
    if not found:
        raise NotFound(
            "evaluation_code_unknown",
            zh="评议码无效，请核对评议表上的评议码",
            en="unknown answer code; check the code on your form",
        )
    if used:
        raise Conflict(
            "evaluation_code_used",
            zh="此评议码已使用过，每个评议码只能提交一次",
            en="this answer code was already used",
        )


def normalize_code(code: str) -> str:
    return "".join(code.split()).upper().replace("-", "")


@dataclass(frozen=True)
class FormCounts:
    issued: int
    returned: int


def return_rates(counts: dict[str, FormCounts]) -> dict:
    """Issued, returned and the rate per form kind and overall: "two kinds of forms, 82 % returned"."""
    issued = sum(c.issued for c in counts.values())
    returned = sum(c.returned for c in counts.values())
    return {
        "forms": [
            {"form": form, "issued": c.issued, "returned": c.returned, "rate": return_rate(c.returned, c.issued)}
            for form, c in counts.items()
        ],
        "issued": issued,
        "returned": returned,
        "rate": return_rate(returned, issued),
    }


def tally(evaluation: Evaluation, answer_sets: Sequence[EvaluationAnswers]) -> list[dict]:
    """Per subject and form kind: counts per rating and the approving share; a form kind with fewer
    than MIN_GROUP answers is withheld (counts of one or two parents could be told apart), and so
    is the subjects' total when only one kind would show. Comments are listed unsigned and sorted."""
    options, approving = SCALES[evaluation.scale], APPROVING[evaluation.scale]
    by_form = {form: [a.ratings for a in answer_sets if a.form == form] for form in FORMS}
    shown = {form: sets for form, sets in by_form.items() if len(sets) >= MIN_GROUP}
    withheld = [form for form, sets in by_form.items() if 0 < len(sets) < MIN_GROUP]
    results = []
    for number, subject in enumerate(evaluation.subjects):
        item: dict = {"name": subject.name, "post": subject.post, "forms": [], "total": None, "comments": []}
        for form, sets in shown.items():
            item["forms"].append({"form": form, **_counts([s[number][0] for s in sets], options, approving)})
        if shown and not withheld:
            all_sets = [s for sets in shown.values() for s in sets]
            item["total"] = _counts([s[number][0] for s in all_sets], options, approving)
            item["comments"] = sorted(s[number][1] for s in all_sets if s[number][1])
        elif shown:
            item["comments"] = sorted(s[number][1] for sets in shown.values() for s in sets if s[number][1])
        results.append(item)
    return results


def withheld_forms(answer_sets: Sequence[EvaluationAnswers]) -> list[str]:
    sizes = Counter(a.form for a in answer_sets)
    return [form for form in FORMS if sizes[form] < MIN_GROUP]


def _counts(ratings: list[str], options: tuple[str, ...], approving: frozenset[str]) -> dict:
    counts = Counter(ratings)
    good = sum(counts[o] for o in approving)
    return {
        "answers": len(ratings),
        "counts": {o: counts[o] for o in options},
        "approving_share": return_rate(good, len(ratings)),
    }


# 师德考核: the annual professional-ethics assessment of each teacher

ETHICS_RESULTS = ("优秀", "合格", "基本合格", "不合格")
NEEDS_NOTE = frozenset({"基本合格", "不合格"})


@dataclass(frozen=True)
class EthicsAssessment:
    organization_id: str
    year: int
    member_id: uuid.UUID
    result: str
    note: str
    assessed_by: str
    assessed_at: dt.datetime | None = None  # stamped by the store


@dataclass(frozen=True)
class EthicsSubmission:
    organization_id: str
    year: int
    submitted_by: str
    submitted_at: dt.datetime | None = None


def check_ethics(result: str, note: str | None) -> str:
    note = (note or "").strip()
    if result not in ETHICS_RESULTS:
        raise Invalid(
            "ethics_result_invalid",
            zh=f"师德考核结果须为：{'、'.join(ETHICS_RESULTS)}",
            en=f"the result is one of: {', '.join(ETHICS_RESULTS)}",
        )
    if result in NEEDS_NOTE and not note:
        raise Invalid(
            "ethics_note_required",
            zh=f"考核结果为“{result}”时须写明情况说明",
            en="a result of 基本合格 or 不合格 needs a note",
        )
    if len(note) > 1000:
        raise Invalid("ethics_note_too_long", zh="情况说明不超过 1000 字", en="a note has at most 1000 characters")
    return note


def check_not_submitted(submission: EthicsSubmission | None, year: int) -> None:
    if submission is not None:
        raise Conflict(
            "ethics_year_submitted",
            zh=f"{year} 年度师德考核名单已上报县教育工会，不能再修改",
            en=f"the {year} list was already submitted",
        )


def check_all_assessed(missing: int, year: int) -> None:
    if missing:
        raise Conflict(
            "ethics_list_incomplete",
            zh=f"还有 {missing} 名会员未完成 {year} 年度师德考核，全部考核后才能上报",
            en=f"{missing} members are not yet assessed for {year}",
        )


def ethics_counts(results: Sequence[str], members: int) -> dict:
    counts = Counter(results)
    return {
        "members": members,
        "assessed": len(results),
        "not_assessed": members - len(results),
        "counts": {r: counts[r] for r in ETHICS_RESULTS},
    }
