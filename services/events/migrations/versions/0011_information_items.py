"""information reporting (信息报送): items, adoptions per level with their points, points tables

Revision ID: 0011_information_items
Revises: 0009_job_placements
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011_information_items"
down_revision: str | tuple[str, ...] | None = "0010_evaluations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "info_items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("event_on", sa.Date(), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("submitted_by", sa.Text(), nullable=True),
        sa.Column("declined_on", sa.Date(), nullable=True),
        sa.Column("declined_by", sa.Text(), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_info_items_organization_event", "info_items", ["organization_id", "event_on", "id"])
    op.create_table(
        "info_adoptions",
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("adopted_on", sa.Date(), nullable=False),
        sa.Column("adopted_by", sa.Text(), nullable=False),
        sa.Column("adopted_by_organization", sa.Text(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("table_version", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["info_items.id"]),
        sa.PrimaryKeyConstraint("item_id", "level"),
    )
    op.create_index("ix_info_adoptions_adopted_on", "info_adoptions", ["adopted_on"])
    op.create_table(
        "info_points_tables",
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("points", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("note", sa.Text(), server_default="", nullable=False),
        sa.Column("published_by", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False),
        sa.PrimaryKeyConstraint("federation_id", "version"),
        sa.UniqueConstraint("federation_id", "effective_from", name="uq_info_points_tables_effective_from"),
    )


def downgrade() -> None:
    op.drop_table("info_points_tables")
    op.drop_index("ix_info_adoptions_adopted_on", table_name="info_adoptions")
    op.drop_table("info_adoptions")
    op.drop_index("ix_info_items_organization_event", table_name="info_items")
    op.drop_table("info_items")
