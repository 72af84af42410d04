"""rationalization proposals and technical innovations (合理化建议, 技术革新)

Revision ID: 0008_improvements
Revises: 0007_dead_letter_last_failure
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008_improvements"
down_revision: str | tuple[str, ...] | None = "0007_dead_letter_last_failure"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "improvements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("department", sa.Text(), nullable=False),
        sa.Column("proposer_ids", sa.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("proposer_names", sa.ARRAY(sa.Text()), nullable=False),
        sa.Column("filed_on", sa.Date(), nullable=False),
        sa.Column("filed_by", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.Column("implemented_on", sa.Date(), nullable=True),
        sa.Column("implemented_by", sa.Text(), nullable=True),
        sa.Column("value_fen", sa.BigInteger(), nullable=True),
        sa.Column("value_history", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_improvements_organization_filed", "improvements", ["organization_id", "filed_on", "id"])


def downgrade() -> None:
    op.drop_table("improvements")
