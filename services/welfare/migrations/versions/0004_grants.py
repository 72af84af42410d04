"""welfare holds in finance, hardship files, visit policies and grants

Revision ID: 0004_grants
Revises: 0003_member_version
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004_grants"
down_revision: str | tuple[str, ...] | None = "0003_member_version"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_now = sa.text("now()")


def upgrade() -> None:
    op.create_table(
        "welfare_holds",
        sa.Column("hold_id", sa.Uuid(), primary_key=True),
        sa.Column("organization_id", sa.Text(), nullable=False, index=True),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("category", sa.Text(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=False, unique=True),
        sa.Column("status", sa.Text(), nullable=False, server_default="requested"),
        sa.Column("reason", sa.Text()),
        sa.Column("cancel_reason", sa.Text()),
        sa.Column("paid_fen", sa.BigInteger()),
        sa.Column("paid_on", sa.Date()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
        sa.CheckConstraint("amount_fen > 0", name="ck_welfare_holds_amount"),
        sa.CheckConstraint(
            "paid_fen IS NULL OR (paid_fen > 0 AND paid_fen <= amount_fen)", name="ck_welfare_holds_paid"
        ),
    )
    op.create_table(
        "welfare_hold_answers",
        sa.Column("journal_event_id", sa.Text(), primary_key=True),
        sa.Column("hold_id", sa.Uuid(), sa.ForeignKey("welfare_holds.hold_id"), nullable=False, index=True),
        sa.Column("operation", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text()),
        sa.Column("warnings", postgresql.ARRAY(sa.Text()), nullable=False, server_default="{}"),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
    )
    op.create_table(
        "hardship_files",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("organization_id", sa.Text(), nullable=False, index=True),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("pseudonym", sa.Text(), nullable=False),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("cause_detail", sa.Text(), nullable=False, server_default=""),
        sa.Column("family_situation", sa.Text(), nullable=False, server_default=""),
        sa.Column("documents", postgresql.ARRAY(sa.Text()), nullable=False, server_default="{}"),
        sa.Column("status", sa.Text(), nullable=False, server_default="open"),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("next_review_on", sa.Date()),
        sa.Column("closed_on", sa.Date()),
        sa.Column("close_reason", sa.Text()),
        sa.Column("opened_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
        sa.CheckConstraint("level IN ('hardship', 'special_hardship')", name="ck_hardship_files_level"),
        sa.CheckConstraint("status IN ('open', 'closed')", name="ck_hardship_files_status"),
    )
    op.create_index(
        "uq_hardship_files_open_member",
        "hardship_files",
        ["member_id"],
        unique=True,
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_index("ix_hardship_files_due", "hardship_files", ["organization_id", "next_review_on"])
    op.create_table(
        "hardship_reviews",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("file_id", sa.Uuid(), sa.ForeignKey("hardship_files.id"), nullable=False, index=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("reviewer", sa.Text(), nullable=False),
        sa.Column("level_before", sa.Text()),
        sa.Column("level_after", sa.Text()),
        sa.Column("notes", sa.Text(), nullable=False, server_default=""),
        sa.Column("next_review_on", sa.Date()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
    )
    op.create_table(
        "visit_policies",
        sa.Column("federation_id", sa.Text(), primary_key=True),
        sa.Column("amounts_fen", postgresql.JSONB(), nullable=False),
        sa.Column("yearly_cap_fen", sa.BigInteger(), nullable=False),
        sa.Column("updated_by", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
        sa.CheckConstraint("yearly_cap_fen > 0", name="ck_visit_policies_cap"),
    )
    op.create_table(
        "grants",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("organization_id", sa.Text(), nullable=False, index=True),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False, index=True),
        sa.Column("visit_type", sa.Text(), nullable=False),
        sa.Column("occasion_on", sa.Date(), nullable=False),
        sa.Column("occasion_ref", sa.Text(), nullable=False, server_default=""),
        sa.Column("occasion_key", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("money_fen", sa.BigInteger(), nullable=False),
        sa.Column("goods_fen", sa.BigInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("hardship_file_id", sa.Uuid(), sa.ForeignKey("hardship_files.id")),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("hold_id", sa.Uuid(), sa.ForeignKey("welfare_holds.hold_id"), nullable=False, unique=True),
        sa.Column("status", sa.Text(), nullable=False, server_default="recorded"),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=_now),
        sa.Column("approved_by", sa.Text()),
        sa.Column("approved_at", sa.DateTime(timezone=True)),
        sa.Column("cancelled_by", sa.Text()),
        sa.Column("cancelled_at", sa.DateTime(timezone=True)),
        sa.Column("cancel_reason", sa.Text()),
        sa.CheckConstraint(
            "money_fen >= 0 AND goods_fen >= 0 AND amount_fen = money_fen + goods_fen AND amount_fen > 0",
            name="ck_grants_amounts",
        ),
        sa.CheckConstraint("status IN ('recorded', 'approved', 'cancelled')", name="ck_grants_status"),
    )
    op.create_index(
        "uq_grants_occasion", "grants", ["occasion_key"], unique=True, postgresql_where=sa.text("status <> 'cancelled'")
    )
    op.create_index("ix_grants_cap", "grants", ["federation_id", "member_id", "year"])
    op.create_table(
        "grant_goods",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("grant_id", sa.Uuid(), sa.ForeignKey("grants.id"), nullable=False, index=True),
        sa.Column("item", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("value_fen", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("quantity > 0 AND value_fen > 0", name="ck_grant_goods_positive"),
    )


def downgrade() -> None:
    for table in (
        "grant_goods",
        "grants",
        "visit_policies",
        "hardship_reviews",
        "hardship_files",
        "welfare_hold_answers",
        "welfare_holds",
    ):
        op.drop_table(table)
