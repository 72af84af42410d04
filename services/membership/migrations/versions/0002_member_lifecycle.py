"""member lifecycle: moves, history, scheduled changes, committees, personal data

Revision ID: 0002_lifecycle
Revises: 0001
Create Date: 2026-11-24 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_lifecycle"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("members", sa.Column("staff_no", sa.Text(), nullable=True))
    op.add_column("members", sa.Column("base_salary_fen", sa.BigInteger(), nullable=True))
    op.add_column("members", sa.Column("id_number_ciphertext", sa.LargeBinary(), nullable=True))
    op.add_column("members", sa.Column("id_number_digest", sa.Text(), nullable=True))
    op.add_column("members", sa.Column("phone_ciphertext", sa.LargeBinary(), nullable=True))
    op.create_check_constraint("ck_members_base_salary_not_negative", "members", "base_salary_fen >= 0")
    op.create_index("uq_members_federation_id_number", "members", ["federation_id", "id_number_digest"], unique=True)

    op.create_table(
        "organization_moves",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("old_parent_id", sa.Text(), nullable=False),
        sa.Column("new_parent_id", sa.Text(), nullable=False),
        sa.Column("old_path", sa.ARRAY(sa.Text()), nullable=False),
        sa.Column("new_path", sa.ARRAY(sa.Text()), nullable=False),
        sa.Column("moved_on", sa.Date(), nullable=False),
        sa.Column("moved_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
        sa.ForeignKeyConstraint(["old_parent_id"], ["organizations.id"]),
        sa.ForeignKeyConstraint(["new_parent_id"], ["organizations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_organization_moves_organization_id", "organization_moves", ["organization_id"])

    op.create_table(
        "member_history",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.CheckConstraint(
            "change IN ('joined', 'transferred_out', 'transferred_in', 'retired', 'left', 'deceased', 'rejoined')",
            name="ck_member_history_change",
        ),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_member_history_member_id", "member_history", ["member_id"])
    op.create_index("ix_member_history_organization_effective", "member_history", ["organization_id", "effective_on"])
    # Members enrolled before history was kept get their joining as its first row.
    op.execute(
        "INSERT INTO member_history (member_id, organization_id, change, effective_on, recorded_at, recorded_by) "
        "SELECT id, organization_id, 'joined', joined_on, created_at, 'migration-0002' FROM members ORDER BY created_at"
    )

    op.create_table(
        "scheduled_member_changes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("change", sa.Text(), nullable=False),
        sa.Column("from_organization_id", sa.Text(), nullable=False),
        sa.Column("to_organization_id", sa.Text(), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("settled_by", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('scheduled', 'applied', 'cancelled')", name="ck_scheduled_change_status"),
        sa.ForeignKeyConstraint(["member_id"], ["members.id"]),
        sa.ForeignKeyConstraint(["from_organization_id"], ["organizations.id"]),
        sa.ForeignKeyConstraint(["to_organization_id"], ["organizations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "uq_scheduled_change_pending",
        "scheduled_member_changes",
        ["member_id"],
        unique=True,
        postgresql_where=sa.text("status = 'scheduled'"),
    )
    op.create_index(
        "ix_scheduled_change_due",
        "scheduled_member_changes",
        ["effective_on"],
        postgresql_where=sa.text("status = 'scheduled'"),
    )

    op.create_table(
        "committee_terms",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("elected_on", sa.Date(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["organization_id"], ["organizations.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organization_id", "number", name="uq_committee_term_number"),
    )
    op.create_index(
        "uq_committee_current_term",
        "committee_terms",
        ["organization_id"],
        unique=True,
        postgresql_where=sa.text("closed_on IS NULL"),
    )
    op.create_table(
        "committee_seats",
        sa.Column("term_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.Text(), nullable=False),
        sa.Column("subject", sa.Text(), nullable=False),
        sa.Column("display_name", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["term_id"], ["committee_terms.id"]),
        sa.PrimaryKeyConstraint("term_id", "role", "subject"),
    )


def downgrade() -> None:
    op.drop_table("committee_seats")
    op.drop_index("uq_committee_current_term", table_name="committee_terms")
    op.drop_table("committee_terms")
    op.drop_index("ix_scheduled_change_due", table_name="scheduled_member_changes")
    op.drop_index("uq_scheduled_change_pending", table_name="scheduled_member_changes")
    op.drop_table("scheduled_member_changes")
    op.drop_index("ix_member_history_organization_effective", table_name="member_history")
    op.drop_index("ix_member_history_member_id", table_name="member_history")
    op.drop_table("member_history")
    op.drop_index("ix_organization_moves_organization_id", table_name="organization_moves")
    op.drop_table("organization_moves")
    op.drop_index("uq_members_federation_id_number", table_name="members")
    op.drop_constraint("ck_members_base_salary_not_negative", "members")
    for column in ("phone_ciphertext", "id_number_digest", "id_number_ciphertext", "base_salary_fen", "staff_no"):
        op.drop_column("members", column)
