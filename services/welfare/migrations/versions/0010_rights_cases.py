"""workers' rights cases (维权): the case, its workers and its stages

Revision ID: 0010_rights_cases
Revises: 0009_hold_states
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010_rights_cases"
down_revision: str | tuple[str, ...] | None = "0009_hold_states"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rights_cases",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("employer_name", sa.Text(), nullable=False),
        sa.Column("employer_credit_code", sa.Text()),
        sa.Column("claim_kind", sa.Text(), nullable=False),
        sa.Column("claimed_fen", sa.BigInteger(), nullable=False),
        sa.Column("recovered_fen", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("stage", sa.Text(), nullable=False),
        sa.Column("accepted_on", sa.Date(), nullable=False),
        sa.Column("deadline_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date()),
        sa.Column("referred_on", sa.Date()),
        sa.Column("outcome", sa.Text(), nullable=False, server_default=""),
        sa.Column("rights_week", sa.Text()),
        sa.Column("opened_by", sa.Text(), nullable=False),
        sa.Column("handled_by", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint(
            "claim_kind IN ('wage_arrears', 'labour_contract', 'work_injury', 'other')",
            name="ck_rights_cases_claim_kind",
        ),
        sa.CheckConstraint(
            "stage IN ('accepted', 'mediation', 'arbitration', 'litigation', 'closed')", name="ck_rights_cases_stage"
        ),
        sa.CheckConstraint("claimed_fen >= 0 AND recovered_fen >= 0", name="ck_rights_cases_fen"),
    )
    op.create_index("ix_rights_cases_organization_id", "rights_cases", ["organization_id"])
    op.create_table(
        "rights_case_workers",
        sa.Column("case_id", sa.Uuid(), sa.ForeignKey("rights_cases.id"), primary_key=True),
        sa.Column("position", sa.Integer(), primary_key=True),
        sa.Column("member_id", sa.Uuid()),
        sa.Column("name", sa.Text()),
        sa.Column("phone", sa.Text()),
        sa.CheckConstraint(
            "(member_id IS NOT NULL AND name IS NULL AND phone IS NULL)"
            " OR (member_id IS NULL AND name IS NOT NULL AND phone IS NOT NULL)",
            name="ck_rights_case_workers_who",
        ),
    )
    op.create_table(
        "rights_case_stages",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("case_id", sa.Uuid(), sa.ForeignKey("rights_cases.id"), nullable=False),
        sa.Column("stage", sa.Text(), nullable=False),
        sa.Column("entered_on", sa.Date(), nullable=False),
        sa.Column("deadline_on", sa.Date()),
        sa.Column("moved_by", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_rights_case_stages_case_id", "rights_case_stages", ["case_id"])


def downgrade() -> None:
    op.drop_table("rights_case_stages")
    op.drop_table("rights_case_workers")
    op.drop_table("rights_cases")
