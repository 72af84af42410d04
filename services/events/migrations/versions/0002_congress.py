"""staff congresses, surveys and award nominations

Revision ID: 0002_congress
Revises: 0001
Create Date: 2026-11-24 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002_congress"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _created_at() -> sa.Column:
    return sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False)


def upgrade() -> None:
    op.create_table(
        "congress_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("congress_number", sa.Integer(), nullable=False),
        sa.Column("session_number", sa.Integer(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("answer_deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("min_seconders", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        _created_at(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "organization_id", "kind", "congress_number", "session_number", name="uq_congress_sessions_number"
        ),
    )
    op.create_index(op.f("ix_congress_sessions_organization_id"), "congress_sessions", ["organization_id"])
    op.create_table(
        "congress_representatives",
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("added_by", sa.Text(), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(["session_id"], ["congress_sessions.id"]),
        sa.PrimaryKeyConstraint("session_id", "member_id"),
    )
    op.create_table(
        "congress_proposals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("proposer_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        _created_at(),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answer_text", sa.Text(), nullable=True),
        sa.Column("merged_into", sa.Uuid(), nullable=True),
        sa.Column("department", sa.Text(), nullable=True),
        sa.Column("answered_by", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["merged_into"], ["congress_proposals.id"]),
        sa.ForeignKeyConstraint(["session_id"], ["congress_sessions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("session_id", "number", name="uq_congress_proposals_number"),
    )
    op.create_table(
        "congress_seconders",
        sa.Column("proposal_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        _created_at(),
        sa.ForeignKeyConstraint(["proposal_id"], ["congress_proposals.id"]),
        sa.PrimaryKeyConstraint("proposal_id", "member_id"),
    )
    op.create_table(
        "congress_motions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("quorum_numerator", sa.Integer(), nullable=False),
        sa.Column("quorum_denominator", sa.Integer(), nullable=False),
        sa.Column("pass_rule", sa.Text(), nullable=False),
        sa.Column("representatives", sa.Integer(), nullable=False),
        sa.Column("present", sa.Integer(), nullable=False),
        sa.Column("votes_for", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("votes_against", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("votes_abstain", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("opened_by", sa.Text(), nullable=False),
        _created_at(),
        sa.Column("closed_by", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["session_id"], ["congress_sessions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_congress_motions_session_id"), "congress_motions", ["session_id"])
    op.create_table(
        "congress_attendance",
        sa.Column("motion_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["motion_id"], ["congress_motions.id"]),
        sa.PrimaryKeyConstraint("motion_id", "member_id"),
    )
    op.create_table(
        "congress_ballots",
        sa.Column("motion_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(["motion_id"], ["congress_motions.id"]),
        sa.PrimaryKeyConstraint("motion_id", "member_id"),
    )
    op.create_table(
        "surveys",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("questions", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        _created_at(),
        sa.Column("sent_by", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Text(), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_surveys_organization_id"), "surveys", ["organization_id"])
    op.create_table(
        "survey_recipients",
        sa.Column("survey_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("group_id", sa.Text(), nullable=False),
        sa.Column("responded", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"]),
        sa.PrimaryKeyConstraint("survey_id", "member_id"),
    )
    op.create_table(
        "survey_responses",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("survey_id", sa.Uuid(), nullable=False),
        sa.Column("group_id", sa.Text(), nullable=False),
        sa.Column("answers", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["surveys.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_survey_responses_survey_id"), "survey_responses", ["survey_id"])
    op.create_table(
        "award_nominations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sa.Text(), nullable=False),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("member_name", sa.Text(), nullable=False),
        sa.Column("award", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("citation", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("nominated_by", sa.Text(), nullable=False),
        _created_at(),
        sa.Column("reviewed_by", sa.Text(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_note", sa.Text(), nullable=True),
        sa.Column("approved_by", sa.Text(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notice_starts_on", sa.Date(), nullable=True),
        sa.Column("notice_ends_on", sa.Date(), nullable=True),
        sa.Column("rejected_by", sa.Text(), nullable=True),
        sa.Column("rejected_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rejected_at_stage", sa.Text(), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_award_nominations_organization_id"), "award_nominations", ["organization_id"])
    op.create_index(
        "uq_award_nominations_live",
        "award_nominations",
        ["member_id", "award", "year"],
        unique=True,
        postgresql_where=sa.text("status <> 'rejected'"),
    )


def downgrade() -> None:
    op.drop_table("award_nominations")
    op.drop_table("survey_responses")
    op.drop_table("survey_recipients")
    op.drop_table("surveys")
    op.drop_table("congress_ballots")
    op.drop_table("congress_attendance")
    op.drop_table("congress_motions")
    op.drop_table("congress_seconders")
    op.drop_table("congress_proposals")
    op.drop_table("congress_representatives")
    op.drop_table("congress_sessions")
