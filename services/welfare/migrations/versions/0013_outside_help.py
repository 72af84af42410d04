"""help beyond the members: grants to non-members and organizations, student aid schemes and applications

Revision ID: 0013_outside_help
Revises: 0012_rights_weeks
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013_outside_help"
down_revision: str | tuple[str, ...] | None = "0012_rights_weeks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "outside_grants",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("recipient_kind", sa.Text(), nullable=False),
        sa.Column("organization_kind", sa.Text()),
        sa.Column("recipient_name", sa.Text(), nullable=False),
        sa.Column("phone", sa.Text()),
        sa.Column("id_number", sa.Text()),
        sa.Column("recipient_note", sa.Text(), nullable=False, server_default=""),
        sa.Column("people_reached", sa.Integer(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("money_fen", sa.BigInteger(), nullable=False),
        sa.Column("goods_fen", sa.BigInteger(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("hold_id", sa.Uuid(), sa.ForeignKey("welfare_holds.hold_id"), nullable=False, unique=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("status", sa.Text(), nullable=False, server_default="recorded"),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("approved_by", sa.Text()),
        sa.Column("approved_at", sa.DateTime(timezone=True)),
        sa.Column("cancelled_by", sa.Text()),
        sa.Column("cancelled_at", sa.DateTime(timezone=True)),
        sa.Column("cancel_reason", sa.Text()),
        sa.CheckConstraint(
            "money_fen >= 0 AND goods_fen >= 0 AND amount_fen = money_fen + goods_fen AND amount_fen > 0",
            name="ck_outside_grants_amounts",
        ),
        sa.CheckConstraint(
            "(recipient_kind = 'person' AND organization_kind IS NULL AND people_reached = 1)"
            " OR (recipient_kind = 'organization' AND organization_kind IN"
            " ('village_school', 'migrant_workers', 'community', 'other')"
            " AND phone IS NULL AND id_number IS NULL AND people_reached > 0)",
            name="ck_outside_grants_recipient",
        ),
        sa.CheckConstraint("status IN ('recorded', 'approved', 'cancelled')", name="ck_outside_grants_status"),
    )
    op.create_index("ix_outside_grants_organization_id", "outside_grants", ["organization_id"])
    op.create_index("ix_outside_grants_given", "outside_grants", ["organization_id", "given_on"])
    op.create_table(
        "outside_grant_goods",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("grant_id", sa.Uuid(), sa.ForeignKey("outside_grants.id"), nullable=False),
        sa.Column("item", sa.Text(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit", sa.Text(), nullable=False),
        sa.Column("value_fen", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("quantity > 0 AND value_fen > 0", name="ck_outside_grant_goods_positive"),
    )
    op.create_index("ix_outside_grant_goods_grant_id", "outside_grant_goods", ["grant_id"])
    op.create_table(
        "student_aid_schemes",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("criteria", sa.Text(), nullable=False, server_default=""),
        sa.Column("levels", postgresql.JSONB(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index(
        "uq_student_aid_schemes_name", "student_aid_schemes", ["federation_id", "year", "name"], unique=True
    )
    op.create_table(
        "student_aid_applications",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("scheme_id", sa.Uuid(), sa.ForeignKey("student_aid_schemes.id"), nullable=False),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("student_kind", sa.Text(), nullable=False),
        sa.Column("member_id", sa.Uuid()),
        sa.Column("student_name", sa.Text(), nullable=False),
        sa.Column("id_number", sa.Text(), nullable=False),
        sa.Column("school", sa.Text(), nullable=False),
        sa.Column("level", sa.Text(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("hold_id", sa.Uuid(), sa.ForeignKey("welfare_holds.hold_id"), nullable=False, unique=True),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("status", sa.Text(), nullable=False, server_default="applied"),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("reviewed_by", sa.Text()),
        sa.Column("reviewed_at", sa.DateTime(timezone=True)),
        sa.Column("refuse_reason", sa.Text()),
        sa.CheckConstraint("amount_fen > 0", name="ck_student_aid_applications_amount"),
        sa.CheckConstraint("status IN ('applied', 'approved', 'refused')", name="ck_student_aid_applications_status"),
        sa.CheckConstraint(
            "(student_kind = 'member_child' AND member_id IS NOT NULL)"
            " OR (student_kind = 'non_member' AND member_id IS NULL)",
            name="ck_student_aid_applications_kind",
        ),
    )
    op.create_index("ix_student_aid_applications_scheme_id", "student_aid_applications", ["scheme_id"])
    op.create_index("ix_student_aid_applications_organization_id", "student_aid_applications", ["organization_id"])
    op.create_index(
        "uq_student_aid_applications_student",
        "student_aid_applications",
        ["scheme_id", "id_number"],
        unique=True,
        postgresql_where=sa.text("status <> 'refused'"),
    )


def downgrade() -> None:
    op.drop_table("student_aid_applications")
    op.drop_table("student_aid_schemes")
    op.drop_table("outside_grant_goods")
    op.drop_table("outside_grants")
