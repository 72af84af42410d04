"""What callers ask the events service to do. Unknown fields, float money and naive times are refused."""

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import AwareDatetime, Field

from unionfed_events.domain.congress import DEFAULT_MIN_SECONDERS, AnswerKind, Choice, PassRule
from unionfed_events.domain.nominations import Award
from unionfed_events.domain.surveys import QuestionKind
from unionfed_shared.commands import Command
from unionfed_shared.wire_values import Whole

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
