"""职工之家 certification (建家达标): federations' versioned scoring checklists, unions'
self-assessments with their evidence, the upper level's review and the level awarded

Revision ID: 0013_home_certification
Revises: 0012_statistics_reports
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013_home_certification"
down_revision: str | tuple[str, ...] | None = "0012_statistics_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "home_checklists",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("federation_id", sa.Text(), sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("items", postgresql.JSONB(), nullable=False),
        sa.Column("qualified", sa.Integer(), nullable=False),
        sa.Column("advanced", sa.Integer(), nullable=False),
        sa.Column("model", sa.Integer(), nullable=False),
        sa.Column("valid_years", sa.Integer(), nullable=False),
        sa.Column("published_by", sa.Text(), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("federation_id", "version", name="uq_home_checklists_version"),
        sa.CheckConstraint(
            "0 < qualified AND qualified < advanced AND advanced < model", name="ck_home_checklists_levels"
        ),
        sa.CheckConstraint("valid_years BETWEEN 1 AND 10", name="ck_home_checklists_valid_years"),
    )
    op.create_table(
        "home_assessments",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("organization_id", sa.Text(), sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("checklist_id", sa.Uuid(), sa.ForeignKey("home_checklists.id"), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("scores", postgresql.JSONB(), nullable=False),
        sa.Column("submitted_on", sa.Date()),
        sa.Column("return_reason", sa.Text()),
        sa.Column("review_comment", sa.Text()),
        sa.Column("level", sa.Text()),
        sa.Column("awarded_on", sa.Date()),
        sa.Column("renew_by", sa.Date()),
        sa.Column("started_by", sa.Text(), nullable=False),
        sa.Column("submitted_by", sa.Text()),
        sa.Column("reviewed_by", sa.Text()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("organization_id", "year", name="uq_home_assessments_year"),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'returned', 'reviewed')", name="ck_home_assessments_status"
        ),
        sa.CheckConstraint(
            "level IS NULL OR level IN ('qualified', 'advanced', 'model')", name="ck_home_assessments_level"
        ),
        sa.CheckConstraint("(level IS NULL) = (renew_by IS NULL)", name="ck_home_assessments_renewal"),
        sa.CheckConstraint("renew_by IS NULL OR renew_by > awarded_on", name="ck_home_assessments_renew_after"),
    )
    op.create_index("ix_home_assessments_organization_id", "home_assessments", ["organization_id"])
    op.create_table(
        "home_evidence",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("assessment_id", sa.Uuid(), sa.ForeignKey("home_assessments.id"), nullable=False),
        sa.Column("item_code", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.Column("file_sha256", sa.Text()),
        sa.Column("file_name", sa.Text()),
        sa.Column("added_by", sa.Text(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("(file_sha256 IS NULL) = (file_name IS NULL)", name="ck_home_evidence_file"),
    )
    op.create_index("ix_home_evidence_assessment_id", "home_evidence", ["assessment_id"])


def downgrade() -> None:
    op.drop_table("home_evidence")
    op.drop_table("home_assessments")
    op.drop_table("home_checklists")
