"""dues policies, staff counts, roster imports

Revision ID: 0002_dues
Revises: 0001
Create Date: 2026-11-23 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_dues"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Only tables of its own: the sibling 0002_lifecycle changes members, and upgrades run to
    # every head, so nothing here may rely on its columns.
    op.create_table(
        "dues_policies",
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("rate_per_mille", sa.Integer(), nullable=False),
        sa.Column("exempt_statuses", sa.ARRAY(sa.Text()), nullable=False),
        sa.Column("exempt_member_ids", sa.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("set_by", sa.Text(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("rate_per_mille > 0 AND rate_per_mille <= 100", name="ck_dues_policies_rate"),
        sa.PrimaryKeyConstraint("federation_id", "valid_from"),
    )
    op.create_table(
        "staff_counts",
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("staff_count", sa.Integer(), nullable=False),
        sa.Column("set_by", sa.Text(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.CheckConstraint("staff_count >= 0", name="ck_staff_counts_non_negative"),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
        sa.PrimaryKeyConstraint("organization_id"),
    )
    op.create_table(
        "roster_imports",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("sha256", sa.Text(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("skipped", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("imported", sa.Boolean(), nullable=False),
        sa.Column("imported_by", sa.Text(), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_roster_imports_organization_id"), "roster_imports", ["organization_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_roster_imports_organization_id"), table_name="roster_imports")
    op.drop_table("roster_imports")
    op.drop_table("staff_counts")
    op.drop_table("dues_policies")
