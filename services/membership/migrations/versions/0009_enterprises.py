"""the street federation's register of enterprises (with the union founded in each) and their collective contracts

Revision ID: 0009_enterprises
Revises: 0008_id_tail
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_enterprises"
down_revision: str | tuple[str, ...] | None = "0008_id_tail"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "enterprises",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("organization_id", sa.Text(), sa.ForeignKey("organizations.id"), nullable=False),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("credit_code", sa.Text(), nullable=False),
        sa.Column("workers", sa.Integer(), nullable=False),
        sa.Column("union_id", sa.Text(), sa.ForeignKey("organizations.id"), unique=True),
        sa.Column("union_founded_on", sa.Date()),
        sa.Column("registered_by", sa.Text(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("workers >= 0", name="ck_enterprises_workers"),
        sa.CheckConstraint("(union_id IS NULL) = (union_founded_on IS NULL)", name="ck_enterprises_union_founded"),
    )
    op.create_index("ix_enterprises_organization_id", "enterprises", ["organization_id"])
    op.create_index(
        "uq_enterprises_federation_credit_code", "enterprises", ["federation_id", "credit_code"], unique=True
    )
    op.create_table(
        "collective_contracts",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("enterprise_id", sa.Uuid(), sa.ForeignKey("enterprises.id"), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("employer_party", sa.Text(), nullable=False),
        sa.Column("union_party", sa.Text(), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("workers_covered", sa.Integer(), nullable=False),
        sa.Column("negotiation_rounds", sa.Integer()),
        sa.Column("wage_increase_per_mille", sa.Integer()),
        sa.Column("filed_on", sa.Date()),
        sa.Column("replaces_id", sa.Uuid(), sa.ForeignKey("collective_contracts.id"), unique=True),
        sa.Column("replaced_by_id", sa.Uuid()),
        sa.Column("replaced_from", sa.Date()),
        sa.Column("recorded_by", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("kind IN ('comprehensive', 'wage', 'women_workers')", name="ck_collective_contracts_kind"),
        sa.CheckConstraint("valid_until >= valid_from", name="ck_collective_contracts_term"),
        sa.CheckConstraint("workers_covered > 0", name="ck_collective_contracts_covered"),
    )
    op.create_index("ix_collective_contracts_enterprise_id", "collective_contracts", ["enterprise_id"])


def downgrade() -> None:
    op.drop_table("collective_contracts")
    op.drop_table("enterprises")
