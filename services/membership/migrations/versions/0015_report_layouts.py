"""export layouts of statistics reports (报表样式): per federation, kind and key, versioned

Revision ID: 0015_report_layouts
Revises: 0014_record_chains
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015_report_layouts"
down_revision: str | tuple[str, ...] | None = "0014_record_chains"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_layouts",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("definition", postgresql.JSONB(), nullable=False),
        sa.Column("defined_by", sa.Text(), nullable=False),
        sa.Column("defined_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("kind IN ('monthly', 'annual')", name="ck_report_layouts_kind"),
        sa.UniqueConstraint("federation_id", "kind", "key", "version", name="uq_report_layouts_version"),
    )


def downgrade() -> None:
    op.drop_table("report_layouts")
