"""Staff and workers' congresses (教代会/职代会): sessions, proposals and their answers, votes. Rules only."""

import datetime as dt
import enum
import uuid
from dataclasses import dataclass
from typing import overload
from zoneinfo import ZoneInfo

from unionfed_shared import business_time
from unionfed_shared.errors import Conflict, Forbidden, Invalid

# Stored and compared in UTC. Answers over HTTP show Beijing's offset (the same instant either
# way); what day a moment falls on is decided in the federation's zone.
SHANGHAI = business_time.DEFAULT_ZONE

DEFAULT_MIN_SECONDERS = 2
# A congress and a vote's result as a refusal says them to Chinese staff.
CONGRESS_ZH = {"staff": "教代会", "workers": "职代会"}
RESULT_ZH = {"passed": "已通过", "failed": "未通过", "no_quorum": "出席人数不足，表决无效"}
# What a refusal calls each text and time in Chinese (the English name is the caller's field or a phrase).
NAMES_ZH = {
    "a proposal's title": "提案标题",
    "a proposal's text": "提案内容",
    "a motion's title": "表决事项标题",
    "the citation": "推荐事迹",
    "the review note": "审核意见",
    "the answer": "答复内容",
    "department": "承办部门",
    "answer_deadline": "答复截止时间（answer_deadline）",
    "as_of": "统计时间（as_of）",
    "the proposal's title": "建议标题",
    "the proposal's content": "建议内容",
    "the department concerned": "涉及部门",
    "an item's title": "信息标题",
    "an item's body": "信息正文",
    "an item's author": "撰稿人",
    "the reason for declining": "不予采用的理由",
    "the decision note": "采纳意见",
    "the value note": "经济效益说明",
    "the follow-up": "整改情况",
    "the closing note": "销号意见",
}


@overload
def shown(moment: dt.datetime) -> dt.datetime: ...
@overload
def shown(moment: None) -> None: ...
def shown(moment: dt.datetime | None) -> dt.datetime | None:
    """The same instant, with the offset people in the federation read (+08:00)."""
    return None if moment is None else moment.astimezone(SHANGHAI)


def require_aware(moment: dt.datetime, name: str) -> dt.datetime:
    # A naive time is ambiguous (server zone? Beijing?): refuse it rather than guess.
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise Invalid(
            "time_zone_missing",
            zh=f"{NAMES_ZH.get(name, name)}须带时区，例如 2026-12-31T17:00:00+08:00",
            en=f"{name} must carry a time zone, e.g. 2026-12-31T17:00:00+08:00",
        )
    return moment.astimezone(dt.UTC)


def clean_text(value: str, name: str, limit: int = 200) -> str:
    value = value.strip()
    if not value or len(value) > limit:
        raise Invalid(
            "text_length_invalid",
            zh=f"{NAMES_ZH.get(name, name)}须为 1 到 {limit} 个字",
            en=f"{name} must have 1 to {limit} characters",
        )
    return value


@dataclass(frozen=True)
class SessionPlan:
    """A session of a congress: the 3rd session (session_number) of the 14th congress (congress_number)."""

    congress_number: int
    session_number: int
    starts_on: dt.date
    ends_on: dt.date
    answer_deadline: dt.datetime
    min_seconders: int

    @classmethod
    def of(
        cls, congress_number, session_number, starts_on, ends_on, answer_deadline, min_seconders, *, zone: ZoneInfo
    ) -> "SessionPlan":
        if congress_number < 1 or session_number < 1:
            raise Invalid(
                "congress_number_invalid", zh="届次和会次须从 1 开始", en="congress and session numbers start at 1"
            )
        if ends_on < starts_on:
            raise Invalid(
                "congress_session_ends_before_start",
                zh="会议结束日期不能早于开始日期",
                en="a session cannot end before it starts",
            )
        if not 0 <= min_seconders <= 50:
            raise Invalid(
                "min_seconders_out_of_range",
                zh="提案附议人数须在 0 到 50 之间",
                en="min_seconders must be between 0 and 50",
            )
        deadline = require_aware(answer_deadline, "answer_deadline")
        if business_time.business_date(deadline, zone) < starts_on:
            raise Invalid(
                "answer_deadline_before_session",
                zh="提案答复截止时间不能早于会议开始",
                en="the deadline for answers cannot be before the session starts",
            )
        return cls(congress_number, session_number, starts_on, ends_on, deadline, min_seconders)

    @property
    def title(self) -> str:
        return session_title(self.congress_number, self.session_number)


def session_title(congress_number: int, session_number: int) -> str:
    return f"第{congress_number}届第{session_number}次"


def check_congress_union(kind: str | None) -> None:
    if kind != "grassroots_union":
        # 教代会/职代会 are the congress of one school or enterprise: its grassroots union runs it.
        raise Invalid(
            "congress_needs_grassroots_union",
            zh="教代会、职代会由基层工会召开",
            en="a staff or workers' congress is held by a grassroots union",
        )


def session_exists(organization_id: str, kind: str, plan: SessionPlan) -> Conflict:
    return Conflict(
        "congress_session_exists",
        zh=f"{organization_id} 已有{CONGRESS_ZH.get(kind, kind)}{plan.title}会议",
        en=f"{organization_id} already has session {plan.title} of its {kind} congress",
    )


@dataclass(frozen=True)
class CongressSession:
    """A planned session of a union's congress, as stored."""

    id: uuid.UUID
    organization_id: str
    federation_id: str
    kind: str  # staff (教代会) or workers (职代会)
    congress_number: int
    session_number: int
    starts_on: dt.date
    ends_on: dt.date
    answer_deadline: dt.datetime
    min_seconders: int
    created_by: str
    created_at: dt.datetime | None = None  # stamped by the store

    @property
    def title(self) -> str:
        return session_title(self.congress_number, self.session_number)


@dataclass(frozen=True)
class Representative:
    id: uuid.UUID  # the member
    display_name: str
    organization_id: str


def representatives_not_members(organization_id: str, missing: set[uuid.UUID]) -> Invalid:
    listed = ", ".join(sorted(str(m) for m in missing))
    return Invalid(
        "representatives_not_members",
        zh=f"代表须为 {organization_id} 的在职会员，以下人员不符合：{listed}",
        en=f"representatives are active members of {organization_id}; not: {listed}",
    )


# Proposals: collected seconders, then an answer; every proposal that stands must be answered.
AWAITING_SECONDERS = "awaiting_seconders"
SUBMITTED = "submitted"  # has enough seconders (提案成立) and waits for its answer
ANSWERED = "answered"


class AnswerKind(enum.StrEnum):
    ACCEPTED = "accepted"  # 立案
    MERGED = "merged"  # 并案: handled together with another proposal
    REFERRED = "referred"  # 转交: passed to a department as an opinion
    REJECTED = "rejected"  # 不予立案, with the reason


@dataclass(frozen=True)
class Proposal:
    """A proposal (提案) as stored, with its seconders in the order they seconded."""

    id: uuid.UUID
    session_id: uuid.UUID
    number: int  # 第N号提案, in order of filing within the session
    title: str
    body: str
    proposer_id: uuid.UUID
    status: str
    submitted_at: dt.datetime | None = None
    answer: str | None = None
    answer_text: str | None = None
    merged_into: uuid.UUID | None = None
    department: str | None = None
    answered_by: str | None = None
    answered_at: dt.datetime | None = None
    created_at: dt.datetime | None = None  # stamped by the store
    seconders: tuple[uuid.UUID, ...] = ()


def check_proposer(is_representative: bool) -> None:
    if not is_representative:
        raise Forbidden(
            "not_a_representative",
            zh="只有本次会议的代表才能提交提案",
            en="only the session's representatives file proposals",
        )


def status_on_filing(min_seconders: int) -> str:
    """A session that asks for no seconders lets a proposal stand as soon as it is filed."""
    return SUBMITTED if min_seconders == 0 else AWAITING_SECONDERS


def already_seconded() -> Conflict:
    return Conflict("proposal_already_seconded", zh="您已附议过该提案", en="you have already seconded this proposal")


def check_seconder(proposer_id, seconder_id, is_representative: bool, status: str) -> None:
    if not is_representative:
        raise Forbidden(
            "not_a_representative",
            zh="只有本次会议的代表才能附议提案",
            en="only the session's representatives second proposals",
        )
    if seconder_id == proposer_id:
        raise Invalid(
            "seconding_own_proposal", zh="提案人不能附议自己的提案", en="a proposer cannot second their own proposal"
        )
    if status == ANSWERED:
        raise Conflict("proposal_already_answered", zh="该提案已答复", en="the proposal was already answered")


def status_after_seconding(seconders: int, min_seconders: int, status: str) -> str:
    if status == AWAITING_SECONDERS and seconders >= min_seconders:
        return SUBMITTED
    return status


@dataclass(frozen=True)
class Answer:
    kind: AnswerKind
    text: str | None
    merged_into: uuid.UUID | None
    department: str | None

    @classmethod
    def give(cls, kind: AnswerKind, text, merged_into, department, proposal_id, status: str) -> "Answer":
        if status == AWAITING_SECONDERS:
            raise Conflict(
                "proposal_not_seconded",
                zh="该提案附议人数不足，尚未成立，无需答复",
                en="the proposal does not have enough seconders yet, so there is nothing to answer",
            )
        if status == ANSWERED:
            raise Conflict(
                "proposal_already_answered",
                zh="该提案已答复，每件提案只答复一次",
                en="the proposal was already answered; an answer is given once",
            )
        # Blank counts as missing, so "   " is not a reason.
        text = clean_text(text, "the answer", 2000) if text and text.strip() else None
        department = clean_text(department, "department") if department and department.strip() else None
        if kind == AnswerKind.REJECTED and not text:
            raise Invalid("proposal_rejection_needs_reason", zh="不予立案须说明理由", en="a rejection gives its reason")
        if kind == AnswerKind.REFERRED and not department:
            raise Invalid(
                "proposal_referral_needs_department",
                zh="转交须写明承办部门",
                en="a referral names the department it goes to",
            )
        if kind == AnswerKind.MERGED:
            if merged_into is None:
                raise Invalid(
                    "proposal_merge_target_missing",
                    zh="并案须写明并入哪件提案",
                    en="a merge names the proposal it merges into",
                )
            if merged_into == proposal_id:
                raise Invalid(
                    "proposal_merged_into_itself", zh="提案不能并入自身", en="a proposal cannot be merged into itself"
                )
        elif merged_into is not None:
            raise Invalid(
                "merged_into_not_a_merge",
                zh="只有并案的答复才填写 merged_into",
                en="merged_into is only for merged proposals",
            )
        return cls(kind, text, merged_into, department)


def check_merge_target(same_session: bool, target_status: str | None, target_answer: str | None) -> None:
    if target_status is None or not same_session:
        raise Invalid(
            "proposal_merge_target_invalid",
            zh="提案只能并入同一次会议的另一件提案",
            en="a proposal merges into another proposal of the same session",
        )
    if target_status == AWAITING_SECONDERS or target_answer in (AnswerKind.MERGED, AnswerKind.REJECTED):
        # The target carries the merged proposal's answer, so it must be a live one.
        raise Invalid(
            "proposal_merge_target_invalid",
            zh="提案只能并入已成立、且本身未被并案或不予立案的提案",
            en="a proposal merges into a proposal that stands and was not merged or rejected itself",
        )


def is_overdue(status: str, deadline: dt.datetime, as_of: dt.datetime) -> bool:
    return status == SUBMITTED and as_of > deadline


@dataclass
class CongressYear:
    """A union's congress in a year, or the sum over unions: sessions held, proposals filed,
    answered (in time: by their session's answer deadline; late: after it), and overdue (standing
    without an answer after their session's deadline)."""

    sessions: int = 0
    proposals: int = 0
    answered: int = 0
    overdue: int = 0
    answered_in_time: int = 0
    answered_late: int = 0

    def count_proposals(
        self, status: str, count: int, deadline: dt.datetime, as_of: dt.datetime, answered_at: dt.datetime | None = None
    ) -> None:
        """``answered_at``: when the ``count`` answered proposals were answered (groups are by lateness,
        so any one of theirs); an answer at the deadline itself is in time."""
        self.proposals += count
        if status == ANSWERED:
            self.answered += count
            late = answered_at is not None and answered_at > deadline
            self.answered_late += count if late else 0
            self.answered_in_time += 0 if late else count
        self.overdue += count if is_overdue(status, deadline, as_of) else 0

    def add(self, other: "CongressYear") -> None:
        self.sessions += other.sessions
        self.proposals += other.proposals
        self.answered += other.answered
        self.overdue += other.overdue
        self.answered_in_time += other.answered_in_time
        self.answered_late += other.answered_late


# Votes on motions (票决制)


class PassRule(enum.StrEnum):
    MAJORITY_OF_PRESENT = "majority_of_present"  # more than half of those present (过半数)
    TWO_THIRDS_OF_PRESENT = "two_thirds_of_present"  # at least two thirds of those present
    MAJORITY_OF_ALL = "majority_of_all"  # more than half of all representatives
    TWO_THIRDS_OF_ALL = "two_thirds_of_all"


class Choice(enum.StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


@dataclass(frozen=True)
class Quorum:
    """Share of the session's representatives who must be present, e.g. 2/3 (三分之二以上代表出席)."""

    numerator: int = 2
    denominator: int = 3

    def __post_init__(self):
        if not (0 < self.numerator <= self.denominator <= 100):
            raise Invalid(
                "quorum_invalid",
                zh="出席比例须大于 0 且不超过 1，例如 2/3",
                en="a quorum is a share between 0 (exclusive) and 1, e.g. 2/3",
            )

    def met(self, present: int, representatives: int) -> bool:
        # Integer arithmetic: present / representatives >= numerator / denominator.
        return representatives > 0 and present * self.denominator >= representatives * self.numerator


VOTE_OPEN, VOTE_CLOSED = "open", "closed"


@dataclass(frozen=True)
class Motion:
    """A vote on a motion, as stored. Secret ballot (无记名投票): only the counts are kept, never
    who voted how; the store records who voted only to refuse a second ballot."""

    id: uuid.UUID
    session_id: uuid.UUID
    title: str
    status: str  # open, closed
    quorum_numerator: int
    quorum_denominator: int
    pass_rule: str
    representatives: int  # how many the session had when the vote opened
    present: int
    opened_by: str
    votes_for: int = 0
    votes_against: int = 0
    votes_abstain: int = 0
    result: str | None = None  # passed, failed, no_quorum
    created_at: dt.datetime | None = None  # stamped by the store
    closed_by: str | None = None
    closed_at: dt.datetime | None = None

    @property
    def is_open(self) -> bool:
        return self.status == VOTE_OPEN

    def shown_counts(self) -> tuple[int | None, int | None, int | None]:
        """Running counts are not shown while the vote is open, so they cannot sway who has yet to vote."""
        if self.is_open:
            return None, None, None
        return self.votes_for, self.votes_against, self.votes_abstain

    def result_on_closing(self) -> str:
        if not self.is_open:
            raise Conflict(
                "vote_closed",
                zh=f"表决已结束：{RESULT_ZH.get(self.result or '', self.result)}",
                en=f"the vote was already closed: {self.result}",
            )
        return tally(
            Quorum(self.quorum_numerator, self.quorum_denominator),
            PassRule(self.pass_rule),
            self.representatives,
            self.present,
            self.votes_for,
            self.votes_against,
            self.votes_abstain,
        )


def check_has_representatives(representatives: set) -> None:
    if not representatives:
        raise Invalid(
            "session_has_no_representatives", zh="本次会议尚未确定代表", en="the session has no representatives yet"
        )


def check_voter(is_representative: bool) -> None:
    if not is_representative:
        raise Forbidden(
            "not_a_representative", zh="只有本次会议的代表才能投票", en="only the session's representatives vote"
        )


def already_voted() -> Conflict:
    return Conflict(
        "already_voted",
        zh="您已对该事项投过票，每位代表只能投一次",
        en="you have already voted on this motion; a representative votes once",
    )


def check_attendance(present: set, representatives: set) -> None:
    strangers = present - representatives
    if strangers:
        raise Invalid(
            "attendance_not_representatives",
            zh=f"登记出席的人中有 {len(strangers)} 人不是本次会议的代表",
            en=f"{len(strangers)} of those marked present are not representatives of this session",
        )


def check_ballot(is_open: bool, is_present: bool) -> None:
    if not is_open:
        raise Conflict("vote_closed", zh="表决已结束", en="the vote is closed")
    if not is_present:
        raise Conflict(
            "voter_not_present",
            zh="只有签到出席本次表决的代表才能投票",
            en="only representatives signed in as present at the vote may vote",
        )


def tally(
    quorum: Quorum, rule: PassRule, representatives: int, present: int, votes_for: int, against: int, abstain: int
) -> str:
    """The result of a closed vote: passed, failed, or no_quorum (recorded, never counted as a pass)."""
    if not quorum.met(present, representatives):
        return "no_quorum"
    base = present if rule in (PassRule.MAJORITY_OF_PRESENT, PassRule.TWO_THIRDS_OF_PRESENT) else representatives
    if rule in (PassRule.MAJORITY_OF_PRESENT, PassRule.MAJORITY_OF_ALL):
        passed = votes_for * 2 > base
    else:
        passed = votes_for * 3 >= base * 2
    return "passed" if passed else "failed"
