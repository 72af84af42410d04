"""the mutual-aid fund (互助金): each union's fund, contributions, loans, instalments, repayments

Revision ID: 0011_mutual_aid
Revises: 0010_rights_cases
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_mutual_aid"
down_revision: str | tuple[str, ...] | None = "0010_rights_cases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mutual_aid_funds",
        sa.Column("organization_id", sa.Text(), primary_key=True),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("contributed_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("lent_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("repaid_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.CheckConstraint(
            "repaid_fen >= 0 AND repaid_fen <= lent_fen AND lent_fen - repaid_fen <= contributed_fen",
            name="ck_mutual_aid_funds_totals",
        ),
    )
    op.create_table(
        "mutual_aid_contributions",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("contributor", sa.Text(), nullable=False),
        sa.Column("member_id", sa.Uuid()),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("contributor IN ('member', 'union')", name="ck_mutual_aid_contributions_contributor"),
        sa.CheckConstraint("amount_fen > 0", name="ck_mutual_aid_contributions_amount"),
    )
    op.create_index("ix_mutual_aid_contributions_organization_id", "mutual_aid_contributions", ["organization_id"])
    op.create_table(
        "mutual_aid_loans",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("months", sa.Integer(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("applied_by", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date()),
        sa.Column("decided_by", sa.Text()),
        sa.Column("decision_note", sa.Text(), nullable=False, server_default=""),
        sa.Column("repaid_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("status IN ('applied', 'lent', 'repaid', 'rejected')", name="ck_mutual_aid_loans_status"),
        sa.CheckConstraint(
            "amount_fen > 0 AND repaid_fen >= 0 AND repaid_fen <= amount_fen", name="ck_mutual_aid_loans_fen"
        ),
        sa.CheckConstraint("months BETWEEN 1 AND 12", name="ck_mutual_aid_loans_months"),
    )
    op.create_index("ix_mutual_aid_loans_organization_id", "mutual_aid_loans", ["organization_id"])
    op.create_index("ix_mutual_aid_loans_member_id", "mutual_aid_loans", ["member_id"])
    op.create_table(
        "mutual_aid_instalments",
        sa.Column("loan_id", sa.Uuid(), sa.ForeignKey("mutual_aid_loans.id"), primary_key=True),
        sa.Column("number", sa.Integer(), primary_key=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("repaid_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.CheckConstraint(
            "amount_fen > 0 AND repaid_fen >= 0 AND repaid_fen <= amount_fen", name="ck_mutual_aid_instalments_fen"
        ),
    )
    op.create_table(
        "mutual_aid_repayments",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("loan_id", sa.Uuid(), sa.ForeignKey("mutual_aid_loans.id"), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("repaid_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("amount_fen > 0", name="ck_mutual_aid_repayments_amount"),
    )
    op.create_index("ix_mutual_aid_repayments_loan_id", "mutual_aid_repayments", ["loan_id"])


def downgrade() -> None:
    op.drop_table("mutual_aid_repayments")
    op.drop_table("mutual_aid_instalments")
    op.drop_table("mutual_aid_loans")
    op.drop_table("mutual_aid_contributions")
    op.drop_table("mutual_aid_funds")
