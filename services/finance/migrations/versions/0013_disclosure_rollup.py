"""校务公开: the statements each union published to its staff, for the upper union's roll-up

Revision ID: 0013_disclosure_rollup
Revises: 0012_vouchers
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_disclosure_rollup"
down_revision: str | tuple[str, ...] | None = "0012_vouchers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "disclosure_publications",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=False),
        sa.Column("channel", sa.Text(), nullable=False),
        sa.Column("head_sequence", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("published_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint(
            "period_from <= period_to AND period_to <= published_on", name="ck_disclosure_publications_days"
        ),
        sa.CheckConstraint(
            "channel IN ('notice_board', 'staff_congress', 'website', 'other')",
            name="ck_disclosure_publications_channel",
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_disclosure_publications_organization", "disclosure_publications", ["organization_id", "published_on"]
    )


def downgrade() -> None:
    op.drop_table("disclosure_publications")
