"""job placements (再就业帮扶) for the skills and jobs roll-up

Revision ID: 0009_job_placements
Revises: 0008_improvements
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_job_placements"
down_revision: str | tuple[str, ...] | None = "0008_improvements"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "job_placements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("placed_on", sa.Date(), nullable=False),
        sa.Column("employer", sa.Text(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("training_activity_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("people > 0 AND members >= 0 AND members <= people", name="ck_job_placements_people"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_job_placements_organization_placed", "job_placements", ["organization_id", "placed_on", "id"])


def downgrade() -> None:
    op.drop_table("job_placements")
