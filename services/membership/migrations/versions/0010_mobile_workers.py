"""migrant and new-form workers: joint and trade unions, members' worker categories and employments
(with employer_changed in the member history), and labour-contract signing checks (春暖行动)

Revision ID: 0010_mobile_workers
Revises: 0009_enterprises
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_mobile_workers"
down_revision: str | tuple[str, ...] | None = "0009_enterprises"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HISTORY_CHANGES = "'joined', 'transferred_out', 'transferred_in', 'retired', 'left', 'deceased', 'rejoined'"
NEW_FORMS = "'delivery_rider', 'courier', 'ride_hailing_driver', 'truck_driver', 'other'"


def upgrade() -> None:
    op.create_table(
        "joint_unions",
        sa.Column("organization_id", sa.Text(), sa.ForeignKey("organizations.id"), primary_key=True),
        sa.Column("form", sa.Text(), nullable=False),
        sa.Column("trade", sa.Text()),
        sa.Column("designated_on", sa.Date(), nullable=False),
        sa.Column("designated_by", sa.Text(), nullable=False),
        sa.Column("designated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("form IN ('joint', 'trade')", name="ck_joint_unions_form"),
        sa.CheckConstraint("(form = 'trade') = (trade IS NOT NULL)", name="ck_joint_unions_trade"),
    )
    op.create_table(
        "member_worker_categories",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=True),
        sa.Column("member_id", sa.Uuid(), sa.ForeignKey("members.id"), nullable=False),
        sa.Column("migrant_worker", sa.Boolean(), nullable=False),
        sa.Column("new_form", sa.Text()),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(f"new_form IN ({NEW_FORMS})", name="ck_member_worker_categories_new_form"),
    )
    op.create_index(
        "ix_member_worker_categories_member", "member_worker_categories", ["member_id", "effective_on", "id"]
    )
    op.create_table(
        "member_employments",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("member_id", sa.Uuid(), sa.ForeignKey("members.id"), nullable=False),
        sa.Column("enterprise_id", sa.Uuid(), sa.ForeignKey("enterprises.id")),
        sa.Column("employer_name", sa.Text(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date()),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="ck_member_employments_term"),
    )
    op.create_index("ix_member_employments_member_id", "member_employments", ["member_id"])
    op.create_index(
        "uq_member_employments_current",
        "member_employments",
        ["member_id"],
        unique=True,
        postgresql_where=sa.text("ended_on IS NULL"),
    )
    op.create_table(
        "labour_contract_checks",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("enterprise_id", sa.Uuid(), sa.ForeignKey("enterprises.id"), nullable=False),
        sa.Column("checked_on", sa.Date(), nullable=False),
        sa.Column("workers_checked", sa.Integer(), nullable=False),
        sa.Column("workers_signed", sa.Integer(), nullable=False),
        sa.Column("migrant_checked", sa.Integer(), nullable=False),
        sa.Column("migrant_signed", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text()),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "workers_checked > 0 AND workers_signed BETWEEN 0 AND workers_checked "
            "AND migrant_checked BETWEEN 0 AND workers_checked AND migrant_signed BETWEEN 0 AND migrant_checked",
            name="ck_labour_contract_checks_counts",
        ),
    )
    op.create_index("ix_labour_contract_checks_enterprise_id", "labour_contract_checks", ["enterprise_id"])
    # A member of a joint union who changes employer keeps their membership; their history says so.
    op.drop_constraint("ck_member_history_change", "member_history", type_="check")
    op.create_check_constraint(
        "ck_member_history_change", "member_history", f"change IN ({HISTORY_CHANGES}, 'employer_changed')"
    )


def downgrade() -> None:
    op.execute("DELETE FROM member_history WHERE change = 'employer_changed'")
    op.drop_constraint("ck_member_history_change", "member_history", type_="check")
    op.create_check_constraint("ck_member_history_change", "member_history", f"change IN ({HISTORY_CHANGES})")
    op.drop_table("labour_contract_checks")
    op.drop_table("member_employments")
    op.drop_table("member_worker_categories")
    op.drop_table("joint_unions")
