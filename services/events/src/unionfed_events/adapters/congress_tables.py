"""Staff congress, survey and award tables."""

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from unionfed_events.adapters.metadata import metadata


def _now() -> Column:
    return Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now())


# Staff and workers' congresses

congress_sessions = Table(
    "congress_sessions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False, index=True),
    Column("federation_id", Text, nullable=False),
    Column("kind", Text, nullable=False),  # staff (教代会) or workers (职代会)
    Column("congress_number", Integer, nullable=False),
    Column("session_number", Integer, nullable=False),
    Column("starts_on", Date, nullable=False),
    Column("ends_on", Date, nullable=False),
    Column("answer_deadline", DateTime(timezone=True), nullable=False),
    Column("min_seconders", Integer, nullable=False),
    Column("created_by", Text, nullable=False),
    _now(),
    UniqueConstraint(
        "organization_id", "kind", "congress_number", "session_number", name="uq_congress_sessions_number"
    ),
)

congress_representatives = Table(
    "congress_representatives",
    metadata,
    Column("session_id", Uuid, ForeignKey("congress_sessions.id"), primary_key=True),
    Column("member_id", Uuid, primary_key=True),
    Column("added_by", Text, nullable=False),
    _now(),
)

congress_proposals = Table(
    "congress_proposals",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("session_id", Uuid, ForeignKey("congress_sessions.id"), nullable=False),
    Column("number", Integer, nullable=False),  # 第N号提案, in order of filing within the session
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
    Column("proposer_id", Uuid, nullable=False),
    Column("status", Text, nullable=False),
    _now(),
    Column("submitted_at", DateTime(timezone=True)),
    Column("answer", Text),
    Column("answer_text", Text),
    Column("merged_into", Uuid, ForeignKey("congress_proposals.id")),
    Column("department", Text),
    Column("answered_by", Text),
    Column("answered_at", DateTime(timezone=True)),
    UniqueConstraint("session_id", "number", name="uq_congress_proposals_number"),
)

congress_seconders = Table(
    "congress_seconders",
    metadata,
    Column("proposal_id", Uuid, ForeignKey("congress_proposals.id"), primary_key=True),
    Column("member_id", Uuid, primary_key=True),
    _now(),
)

congress_motions = Table(
    "congress_motions",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("session_id", Uuid, ForeignKey("congress_sessions.id"), nullable=False, index=True),
    Column("title", Text, nullable=False),
    Column("status", Text, nullable=False),  # open, closed
    Column("quorum_numerator", Integer, nullable=False),
    Column("quorum_denominator", Integer, nullable=False),
    Column("pass_rule", Text, nullable=False),
    Column("representatives", Integer, nullable=False),  # how many the session had when the vote opened
    Column("present", Integer, nullable=False),
    # Secret ballot (无记名投票): only the counts are kept; congress_ballots records who voted.
    Column("votes_for", Integer, nullable=False, server_default=text("0")),
    Column("votes_against", Integer, nullable=False, server_default=text("0")),
    Column("votes_abstain", Integer, nullable=False, server_default=text("0")),
    Column("result", Text),  # passed, failed, no_quorum
    Column("opened_by", Text, nullable=False),
    _now(),
    Column("closed_by", Text),
    Column("closed_at", DateTime(timezone=True)),
)

congress_attendance = Table(
    "congress_attendance",
    metadata,
    Column("motion_id", Uuid, ForeignKey("congress_motions.id"), primary_key=True),
    Column("member_id", Uuid, primary_key=True),
)

congress_ballots = Table(
    "congress_ballots",
    metadata,
    Column("motion_id", Uuid, ForeignKey("congress_motions.id"), primary_key=True),
    Column("member_id", Uuid, primary_key=True),  # the key is what refuses a second vote
)

# Surveys and democratic evaluations

surveys = Table(
    "surveys",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False, index=True),  # the scope: this organization's subtree
    Column("federation_id", Text, nullable=False),
    Column("kind", Text, nullable=False),  # survey, evaluation
    Column("title", Text, nullable=False),
    Column("questions", JSONB, nullable=False),
    Column("status", Text, nullable=False),  # draft, sent, closed
    Column("created_by", Text, nullable=False),
    _now(),
    Column("sent_by", Text),
    Column("sent_at", DateTime(timezone=True)),
    Column("closed_by", Text),
    Column("closed_at", DateTime(timezone=True)),
)

# Who was asked and whether they answered, with no time and no link to the answers.
survey_recipients = Table(
    "survey_recipients",
    metadata,
    Column("survey_id", Uuid, ForeignKey("surveys.id"), primary_key=True),
    Column("member_id", Uuid, primary_key=True),
    # The branch of the scope the member belongs to (the scope's child on their path), for breakdowns.
    Column("group_id", Text, nullable=False),
    Column("responded", Boolean, nullable=False, server_default=text("false")),
)

# What was answered: a random id, the respondent's branch, no member id, no timestamp.
survey_responses = Table(
    "survey_responses",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("survey_id", Uuid, ForeignKey("surveys.id"), nullable=False, index=True),
    Column("group_id", Text, nullable=False),
    Column("answers", JSONB, nullable=False),
)

# Awards

award_nominations = Table(
    "award_nominations",
    metadata,
    Column("id", Uuid, primary_key=True),
    Column("organization_id", Text, nullable=False, index=True),  # the nominating union
    Column("reviewer_id", Text, nullable=False),  # its upper federation
    Column("federation_id", Text, nullable=False),  # approves
    Column("member_id", Uuid, nullable=False),
    Column("member_name", Text, nullable=False),
    Column("award", Text, nullable=False),
    Column("year", Integer, nullable=False),
    Column("citation", Text, nullable=False),  # 主要事迹
    Column("status", Text, nullable=False),
    Column("nominated_by", Text, nullable=False),
    _now(),
    Column("reviewed_by", Text),
    Column("reviewed_at", DateTime(timezone=True)),
    Column("review_note", Text),
    Column("approved_by", Text),
    Column("approved_at", DateTime(timezone=True)),
    Column("notice_starts_on", Date),
    Column("notice_ends_on", Date),
    Column("rejected_by", Text),
    Column("rejected_at", DateTime(timezone=True)),
    Column("rejected_at_stage", Text),
    Column("rejection_reason", Text),
    # One live nomination of a member for an award in a year; a rejected one may be followed by another.
    Index(
        "uq_award_nominations_live",
        "member_id",
        "award",
        "year",
        unique=True,
        postgresql_where=text("status <> 'rejected'"),
    ),
)
