"""spot checks (督查) of the unions under an upper union, and their follow-up

Revision ID: 0012_spot_checks
Revises: 0009_job_placements
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_spot_checks"
down_revision: str | tuple[str, ...] | None = "0011_information_items"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "spot_checks",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("checked_by_organization_id", sa.Text(), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("subject_detail", sa.Text(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("follow_up_required", sa.Boolean(), nullable=False),
        sa.Column("follow_up_due_on", sa.Date(), nullable=True),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("follow_up", sa.Text(), nullable=True),
        sa.Column("followed_up_on", sa.Date(), nullable=True),
        sa.Column("followed_up_by", sa.Text(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_by", sa.Text(), nullable=True),
        sa.Column("closing_note", sa.Text(), nullable=True),
        sa.CheckConstraint("subject IN ('congress', 'disclosure', 'other')", name="ck_spot_checks_subject"),
        sa.CheckConstraint("status IN ('open', 'followed_up', 'closed')", name="ck_spot_checks_status"),
        sa.CheckConstraint("follow_up_required = (follow_up_due_on IS NOT NULL)", name="ck_spot_checks_due"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_spot_checks_organization_checked", "spot_checks", ["organization_id", "checked_on", "id"])


def downgrade() -> None:
    op.drop_table("spot_checks")
