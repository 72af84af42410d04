"""safety supervision in registered enterprises: workers' safety inspectors (群监员), inspections, hazards

Revision ID: 0011_safety_supervision
Revises: 0010_mobile_workers
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_safety_supervision"
down_revision: str | tuple[str, ...] | None = "0010_mobile_workers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "safety_inspectors",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("enterprise_id", sa.Uuid(), sa.ForeignKey("enterprises.id"), nullable=False),
        sa.Column("member_id", sa.Uuid(), sa.ForeignKey("members.id")),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("phone_ciphertext", sa.LargeBinary()),
        sa.Column("appointed_on", sa.Date(), nullable=False),
        sa.Column("retired_on", sa.Date()),
        sa.Column("appointed_by", sa.Text(), nullable=False),
        sa.Column("appointed_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("retired_on IS NULL OR retired_on >= appointed_on", name="ck_safety_inspectors_term"),
    )
    op.create_index("ix_safety_inspectors_enterprise_id", "safety_inspectors", ["enterprise_id"])
    op.create_table(
        "safety_inspections",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("enterprise_id", sa.Uuid(), sa.ForeignKey("enterprises.id"), nullable=False),
        sa.Column("inspector_id", sa.Uuid(), sa.ForeignKey("safety_inspectors.id"), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("findings", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_safety_inspections_enterprise_id", "safety_inspections", ["enterprise_id"])
    op.create_table(
        "safety_hazards",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("inspection_id", sa.Uuid(), sa.ForeignKey("safety_inspections.id"), nullable=False),
        sa.Column("enterprise_id", sa.Uuid(), sa.ForeignKey("enterprises.id"), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("severity", sa.Text(), nullable=False),
        sa.Column("found_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("fixed_on", sa.Date()),
        sa.Column("fixed_by", sa.Text()),
        sa.CheckConstraint("severity IN ('general', 'major')", name="ck_safety_hazards_severity"),
        sa.CheckConstraint("deadline >= found_on", name="ck_safety_hazards_deadline"),
        sa.CheckConstraint("fixed_on IS NULL OR fixed_on >= found_on", name="ck_safety_hazards_fixed"),
    )
    op.create_index("ix_safety_hazards_inspection_id", "safety_hazards", ["inspection_id"])
    op.create_index("ix_safety_hazards_enterprise_id", "safety_hazards", ["enterprise_id"])


def downgrade() -> None:
    op.drop_table("safety_hazards")
    op.drop_table("safety_inspections")
    op.drop_table("safety_inspectors")
