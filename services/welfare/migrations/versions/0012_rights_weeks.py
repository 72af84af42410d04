"""the monthly rights weeks (维权周) heard of from the events service, and the week a rights case was opened at

Revision ID: 0012_rights_weeks
Revises: 0011_mutual_aid
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_rights_weeks"
down_revision: str | tuple[str, ...] | None = "0011_mutual_aid"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "rights_weeks",
        sa.Column("activity_id", sa.Uuid(), primary_key=True),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("federation_id", sa.Text(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("scope_organization_ids", sa.ARRAY(sa.Text()), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True)),
        sa.Column("heard_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
    )
    op.create_index("ix_rights_weeks_organization_id", "rights_weeks", ["organization_id"])
    op.create_index("ix_rights_weeks_federation_id", "rights_weeks", ["federation_id"])
    op.add_column(
        "rights_cases",
        sa.Column("rights_week_id", sa.Uuid(), sa.ForeignKey("rights_weeks.activity_id"), nullable=True),
    )
    op.create_index("ix_rights_cases_rights_week_id", "rights_cases", ["rights_week_id"])


def downgrade() -> None:
    op.drop_index("ix_rights_cases_rights_week_id", table_name="rights_cases")
    op.drop_column("rights_cases", "rights_week_id")
    op.drop_table("rights_weeks")
