"""What callers ask the events service to do. Unknown fields, float money and naive times are refused."""

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import (
    AwareDatetime,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from unionfed_events.domain.activities import check_deadline, check_end
from unionfed_events.domain.activity_budget import check_one_prizes_line
from unionfed_events.domain.congress import DEFAULT_MIN_SECONDERS, AnswerKind, Choice, PassRule
from unionfed_events.domain.improvements import MOST_PROPOSERS, ImprovementKind
from unionfed_events.domain.information import BODY_LIMIT, MOST_POINTS, TITLE_LIMIT, AdoptionLevel, InfoCategory
from unionfed_events.domain.nominations import Award
from unionfed_events.domain.skills import MOST_PEOPLE
from unionfed_events.domain.spot_checks import Subject
from unionfed_events.domain.surveys import QuestionKind
from unionfed_shared.commands import Command
from unionfed_shared.contracts.base import OrgId
from unionfed_shared.contracts.events import ActivityKind, AwardLevel
from unionfed_shared.errors import Invalid, field_refusal
from unionfed_shared.wire_values import Day, PositiveRequestFen, Whole, whole

# --- activities ---

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=r"\S")]
if TYPE_CHECKING:  # a type checker cannot evaluate whole(…): to it a bounded Whole is an int
    NonNegativeFen = int
else:
    NonNegativeFen = whole(ge=0, le=10**12)


class BudgetItem(Command):
    kind: Literal["cost", "prizes"] = Field(description="prizes: the prize money paid when awards are published")
    label: Text
    amount_fen: PositiveRequestFen


class CreateActivity(Command):
    title: Text
    kind: ActivityKind
    description: str = Field(default="", max_length=2000)
    scope_organization_ids: list[OrgId] | None = Field(
        default=None, min_length=1, max_length=200, description="default: the organizer's whole subtree"
    )
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    registration_deadline: AwareDatetime
    capacity: whole(ge=1, le=100_000) | None = Field(default=None, description="none: no limit")  # type: ignore[valid-type]  # whole(…) is built at run time; to mypy, Any
    eligible_gender: Literal["female", "male"] | None = None
    eligible_statuses: list[Literal["active", "retired"]] = Field(default=["active", "retired"], min_length=1)
    budget: list[BudgetItem] = Field(default_factory=list, max_length=50)

    # Field validators, not one for the model: the field error points at the time at fault
    # (``#/ends_at``), which pydantic can only do for the field being validated.
    @field_validator("ends_at")
    @classmethod
    def _ends_after_start(cls, ends_at: dt.datetime, info: ValidationInfo) -> dt.datetime:
        if "starts_at" in info.data:
            _as_field_error(check_end, info.data["starts_at"], ends_at)
        return ends_at

    @field_validator("registration_deadline")
    @classmethod
    def _closes_before_start(cls, deadline: dt.datetime, info: ValidationInfo) -> dt.datetime:
        if "starts_at" in info.data:
            _as_field_error(check_deadline, info.data["starts_at"], deadline)
        return deadline

    @field_validator("budget")
    @classmethod
    def _one_prizes_line(cls, budget: list[BudgetItem]) -> list[BudgetItem]:
        _as_field_error(check_one_prizes_line, [item.kind for item in budget])
        return budget


def _as_field_error(rule, *args) -> None:
    """Run a domain rule inside a validator: its refusal becomes the field's error, code and both languages kept."""
    try:
        rule(*args)
    except Invalid as refusal:
        raise field_refusal(refusal.code, zh=refusal.zh, en=refusal.en) from refusal


class CancelActivity(Command):
    reason: Text


class Register(Command):
    member_id: uuid.UUID


class RecordAttendance(Command):
    member_ids: list[uuid.UUID] = Field(min_length=1, max_length=1000)
    attended: bool = True


class CreateTeam(Command):
    name: Text
    member_ids: list[uuid.UUID] = Field(min_length=1, max_length=100)


class RecordAward(Command):
    category: Text = Field(examples=["女子单打", "团体"])
    level: AwardLevel = Field(description="first 一等奖, second 二等奖, third 三等奖, excellence 优秀奖")
    member_id: uuid.UUID | None = None
    team_id: uuid.UUID | None = None
    result: str | None = Field(default=None, max_length=200)
    prize_fen: NonNegativeFen = 0

    @model_validator(mode="after")
    def _one_winner(self) -> "RecordAward":
        if (self.member_id is None) == (self.team_id is None):
            raise field_refusal(
                "award_winner_ambiguous",
                zh="奖项须授予一名会员或一支队伍（二者选一）",
                en="an award goes to one member or one team",
            )
        return self


class PublishAwards(Command):
    paid_on: dt.date


class PayCost(Command):
    amount_fen: PositiveRequestFen
    paid_on: dt.date
    description: Text


# --- congress, nominations and surveys ---

CongressTitle = Annotated[str, Field(min_length=1, max_length=200)]


class PlanSession(Command):
    kind: Literal["staff", "workers"] = "staff"  # 教代会 or 职代会
    congress_number: int = Field(ge=1, le=1000)
    session_number: int = Field(ge=1, le=1000)
    starts_on: dt.date
    ends_on: dt.date
    answer_deadline: AwareDatetime  # every proposal that stands is answered by then
    min_seconders: int = Field(default=DEFAULT_MIN_SECONDERS, ge=0, le=50)


class NameRepresentatives(Command):
    member_ids: list[uuid.UUID] = Field(min_length=1, max_length=2000)


class FileProposal(Command):
    title: CongressTitle
    body: str = Field(min_length=1, max_length=10_000)


class AnswerProposal(Command):
    answer: AnswerKind
    text: str | None = Field(default=None, max_length=2000)  # the answer, or the reason of a rejection
    merged_into: uuid.UUID | None = None
    department: str | None = Field(default=None, max_length=200)


class OpenVote(Command):
    title: CongressTitle
    present_member_ids: list[uuid.UUID] = Field(max_length=2000)  # signed in (签到) for this vote
    quorum_numerator: int = Field(default=2, ge=1, le=100)
    quorum_denominator: int = Field(default=3, ge=1, le=100)
    pass_rule: PassRule = PassRule.MAJORITY_OF_PRESENT


class Ballot(Command):
    choice: Choice


class Nominate(Command):
    member_id: uuid.UUID
    award: Award
    year: int = Field(ge=2000, le=2100)
    citation: str = Field(min_length=1, max_length=5000)  # 主要事迹


class Review(Command):
    note: str | None = Field(default=None, max_length=2000)


class Approve(Command):
    notice_starts_on: dt.date  # 公示, Beijing dates, both days included
    notice_ends_on: dt.date


class Reject(Command):
    reason: str = Field(min_length=1, max_length=500)


# --- rationalization proposals and technical innovations ---

LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=5000, pattern=r"\S")]
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500, pattern=r"\S")]


class FileImprovement(Command):
    kind: ImprovementKind
    title: Text
    content: LongText
    department: Text  # the department or workshop it concerns
    proposer_ids: list[uuid.UUID] = Field(min_length=1, max_length=MOST_PROPOSERS)
    filed_on: Day | None = Field(default=None, description="Default: today in the federation's time zone")


class ValueFigure(Command):
    """The economic value created (fen), an officer's estimate, with what it rests on."""

    value_fen: NonNegativeFen
    note: Note


class DecideImprovement(Command):
    adopted: bool
    decided_on: Day | None = Field(default=None, description="Default: today in the federation's time zone")
    note: str | None = Field(default=None, max_length=2000)
    value: ValueFigure | None = Field(default=None, description="The value created, if already known (adopted only)")

    @model_validator(mode="after")
    def _value_only_if_adopted(self) -> "DecideImprovement":
        if self.value is not None and not self.adopted:
            raise field_refusal(
                "improvement_value_needs_adoption",
                zh="未采纳的建议不记录经济效益",
                en="a proposal not adopted has no value created",
            )
        return self


class ImplementImprovement(Command):
    implemented_on: Day | None = Field(default=None, description="Default: today in the federation's time zone")
    value: ValueFigure | None = None


# --- information reporting (信息报送) ---

if TYPE_CHECKING:
    Points = int
else:
    Points = whole(ge=0, le=MOST_POINTS)


class WriteInfoItem(Command):
    """An information item's text: a draft written, or rewritten while it is a draft (or declined)."""

    title: str = Field(min_length=1, max_length=TITLE_LIMIT)
    body: str = Field(min_length=1, max_length=BODY_LIMIT, description="Plain text, no markup")
    category: InfoCategory
    event_on: Day = Field(description="When what it reports happened")
    author: str = Field(min_length=1, max_length=50, description="Who wrote it (撰稿人)")


class AdoptInfoItem(Command):
    level: AdoptionLevel
    adopted_on: Day | None = Field(default=None, description="Default: today in the federation's time zone")


class DeclineInfoItem(Command):
    reason: Note


class PublishPointsTable(Command):
    """The points an adoption earns at each level, from ``effective_from`` on."""

    effective_from: Day | None = Field(default=None, description="Default: today in the federation's time zone")
    county: Points
    city: Points
    province: Points
    note: str = Field(default="", max_length=500)


# An answer: an option number, a list of option numbers, a rating, a text, or null (skipped).
AnswerValue = Whole | list[Whole] | str | None


class QuestionIn(Command):
    kind: QuestionKind
    text: str = Field(min_length=1, max_length=500)
    options: list[str] | None = Field(default=None, max_length=20)
    required: bool = True


class DraftSurvey(Command):
    title: str = Field(min_length=1, max_length=200)
    kind: Literal["survey", "evaluation"] = "survey"
    questions: list[QuestionIn] = Field(min_length=1, max_length=100)


class Response(Command):
    answers: list[AnswerValue] = Field(max_length=100)  # one per question, in order


class RecordJobPlacement(Command):
    """再就业帮扶: people the union helped into work with one employer, counted, not named."""

    employer: Text
    people: Annotated[int, Field(ge=1, le=MOST_PEOPLE, description="people placed")]
    members: Annotated[int, Field(ge=0, le=MOST_PEOPLE, description="of them, union members")] = 0
    placed_on: Day | None = Field(default=None, description="Default: today in the federation's time zone")
    training_activity_id: uuid.UUID | None = Field(
        default=None, description="the union's training course (an activity of kind training) that prepared them"
    )
    note: str = Field(default="", max_length=2000)


# Democratic evaluations (民主评议) and the annual 师德 assessment


class SubjectIn(Command):
    name: str = Field(min_length=1, max_length=50, description="the leader evaluated")
    post: str = Field(min_length=1, max_length=50, description="their post: 校长, 副校长, 中层干部…")


class DraftEvaluation(Command):
    title: str = Field(min_length=1, max_length=200)
    year: int | None = Field(default=None, ge=2000, le=2100, description="Default: this year in the federation's zone")
    scale: Literal["grades", "points"] = Field(
        default="grades", description="`grades`: 优秀/称职/基本称职/不称职; `points`: 5 to 1"
    )
    subjects: list[SubjectIn] = Field(min_length=1, max_length=30)


class OpenEvaluation(Command):
    outside_forms: int = Field(
        default=0, ge=0, le=2000, description="one-time answer codes to print for parents and other outside respondents"
    )


class RatingIn(Command):
    rating: str | Whole = Field(description="a grade (优秀, 称职, 基本称职, 不称职) or points 1–5, per the scale")
    comment: str | None = Field(default=None, max_length=1000)


class EvaluationResponse(Command):
    ratings: list[RatingIn] = Field(max_length=30, description="one per subject, in order")


class OutsideEvaluationResponse(EvaluationResponse):
    code: str = Field(min_length=1, max_length=40, description="the one-time answer code printed on the form")


class AssessEthics(Command):
    member_id: uuid.UUID
    year: int | None = Field(default=None, ge=2000, le=2100, description="Default: this year in the federation's zone")
    result: Literal["优秀", "合格", "基本合格", "不合格"]
    note: str | None = Field(default=None, max_length=1000, description="required for 基本合格 and 不合格")


# Spot checks (督查)


class RecordSpotCheck(Command):
    checked_on: Day | None = Field(default=None, description="Default: today in the federation's time zone")
    subject: Subject = Field(description="congress (教代会), disclosure (校务公开) or other")
    subject_detail: Text = Field(description="What was checked, in a line")
    findings: LongText
    follow_up_required: bool
    follow_up_due_on: Day | None = Field(default=None, description="Required with follow_up_required, only then")


class FollowUpSpotCheck(Command):
    follow_up: LongText = Field(description="What the union rectified (整改情况)")
    followed_up_on: Day | None = Field(default=None, description="Default: today in the federation's time zone")


class CloseSpotCheck(Command):
    closed_on: Day | None = Field(default=None, description="Default: today in the federation's time zone")
    note: str | None = Field(default=None, max_length=2000)
