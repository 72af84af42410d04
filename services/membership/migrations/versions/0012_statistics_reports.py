"""statistics reports that roll up (工会月报 / 工会统计年报): forms per federation, versioned; reports per union and period

Revision ID: 0012_statistics_reports
Revises: 0011_safety_supervision
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012_statistics_reports"
down_revision: str | tuple[str, ...] | None = "0011_safety_supervision"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_forms",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("indicators", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("manual", postgresql.JSONB(), nullable=False),
        sa.Column("deadline_days", sa.Integer(), nullable=False),
        sa.Column("defined_by", sa.Text(), nullable=False),
        sa.Column("defined_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("kind IN ('monthly', 'annual')", name="ck_report_forms_kind"),
        sa.UniqueConstraint("federation_id", "kind", "version", name="uq_report_forms_version"),
    )
    op.create_table(
        "statistics_reports",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("form_version", sa.Integer(), nullable=False),
        sa.Column("form_indicators", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("form_manual", postgresql.JSONB(), nullable=False),
        sa.Column("deadline_days", sa.Integer(), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=False),
        sa.Column("figures", postgresql.JSONB(), nullable=False),
        sa.Column("sections", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("manual", postgresql.JSONB(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("return_reason", sa.Text()),
        sa.Column("opened_by", sa.Text(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("submitted_by", sa.Text()),
        sa.Column("submitted_at", sa.DateTime(timezone=True)),
        sa.Column("reviewed_by", sa.Text()),
        sa.Column("reviewed_at", sa.DateTime(timezone=True)),
        sa.CheckConstraint("kind IN ('monthly', 'annual')", name="ck_statistics_reports_kind"),
        sa.CheckConstraint(
            "state IN ('open', 'submitted', 'returned', 'accepted')", name="ck_statistics_reports_state"
        ),
        sa.UniqueConstraint("organization_id", "kind", "period", "version", name="uq_statistics_reports_version"),
    )
    op.create_index("ix_statistics_reports_period", "statistics_reports", ["federation_id", "kind", "period"])
    op.create_index("ix_statistics_reports_request", "statistics_reports", ["request_id"])
    op.create_index(
        "uq_statistics_reports_one_open",
        "statistics_reports",
        ["organization_id", "kind", "period"],
        unique=True,
        postgresql_where=sa.text("state <> 'accepted'"),
    )
    # An accepted report is locked: not even a bug in the service can change or delete it.
    op.execute(
        """
        CREATE FUNCTION statistics_report_locked() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'statistics report % is accepted and locked', OLD.id;
        END $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER statistics_reports_locked BEFORE UPDATE OR DELETE ON statistics_reports
            FOR EACH ROW WHEN (OLD.state = 'accepted') EXECUTE FUNCTION statistics_report_locked();
        """
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER statistics_reports_locked ON statistics_reports")
    op.execute("DROP FUNCTION statistics_report_locked()")
    op.drop_table("statistics_reports")
    op.drop_table("report_forms")
