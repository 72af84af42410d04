"""activities and competitions

Revision ID: 0002_activities
Revises: 0001
Create Date: 2026-11-23 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_activities"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "activities",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), server_default="", nullable=False),
        sa.Column("scope_organization_ids", sa.ARRAY(sa.Text()), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registration_deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("eligible_gender", sa.Text(), nullable=True),
        sa.Column("eligible_statuses", sa.ARRAY(sa.Text()), nullable=False),
        sa.Column("status", sa.Text(), server_default="draft", nullable=False),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("next_sequence", sa.BigInteger(), server_default="1", nullable=False),
        sa.Column("awards_published_on", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="ck_activities_capacity"),
        sa.CheckConstraint("starts_at < ends_at", name="ck_activities_dates"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_activities_organization_id"), "activities", ["organization_id"], unique=False)
    op.create_table(
        "activity_teams",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("activity_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("activity_id", "name", name="uq_activity_teams_name"),
    )
    op.create_table(
        "activity_registrations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("activity_id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("sequence", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("team_id", sa.Uuid(), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.Column("registered_by", sa.Text(), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["activity_teams.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "uq_activity_registrations_live",
        "activity_registrations",
        ["activity_id", "member_id"],
        unique=True,
        postgresql_where=sa.text("status <> 'cancelled'"),
    )
    op.create_index(
        "ix_activity_registrations_queue", "activity_registrations", ["activity_id", "status", "sequence"], unique=False
    )
    op.create_table(
        "activity_awards",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("activity_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=True),
        sa.Column("team_id", sa.Uuid(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("prize_fen", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("(member_id IS NULL) <> (team_id IS NULL)", name="ck_activity_awards_winner"),
        sa.CheckConstraint("prize_fen >= 0", name="ck_activity_awards_prize"),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"]),
        sa.ForeignKeyConstraint(["team_id"], ["activity_teams.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_activity_awards_activity_id"), "activity_awards", ["activity_id"], unique=False)
    op.create_table(
        "activity_budget_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("activity_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("hold_id", sa.Uuid(), nullable=False),
        sa.Column("hold_status", sa.Text(), server_default="not_requested", nullable=False),
        sa.Column("finance_reason", sa.Text(), nullable=True),
        sa.Column("paid_fen", sa.BigInteger(), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("amount_fen > 0", name="ck_activity_budget_items_amount"),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("hold_id"),
    )
    op.create_index(
        op.f("ix_activity_budget_items_activity_id"), "activity_budget_items", ["activity_id"], unique=False
    )
    op.create_table(
        "activity_hold_outcomes",
        sa.Column("journal_event_id", sa.Text(), nullable=False),
        sa.Column("budget_item_id", sa.Uuid(), nullable=False),
        sa.Column("operation", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("warnings", sa.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["budget_item_id"], ["activity_budget_items.id"]),
        sa.PrimaryKeyConstraint("journal_event_id"),
    )
    op.create_index(
        op.f("ix_activity_hold_outcomes_budget_item_id"), "activity_hold_outcomes", ["budget_item_id"], unique=False
    )


def downgrade() -> None:
    op.drop_table("activity_hold_outcomes")
    op.drop_table("activity_budget_items")
    op.drop_table("activity_awards")
    op.drop_table("activity_registrations")
    op.drop_table("activity_teams")
    op.drop_index(op.f("ix_activities_organization_id"), table_name="activities")
    op.drop_table("activities")
