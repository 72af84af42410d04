"""ledger_keys: federations whose journal is keyed by ledger, and the sides of movements between
ledgers posted under ledger keys (each side in its own ledger's order)

Revision ID: 0020_ledger_keys
Revises: 0019_bulk_dues
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_ledger_keys"
down_revision: str | tuple[str, ...] | None = "0019_bulk_dues"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "journal_keying",
        sa.Column("federation_id", sa.Text(), primary_key=True),
        sa.Column("ordering", sa.Text(), nullable=False),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()),
        sa.CheckConstraint("ordering IN ('federation', 'ledger')", name="ck_journal_keying_ordering"),
    )
    op.create_table(
        "transfer_legs",
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("posting_id", sa.Uuid(), nullable=False),
        sa.Column("other_organization_id", sa.Text(), nullable=False),
        sa.Column("other_posting_id", sa.Uuid(), nullable=False),
        sa.PrimaryKeyConstraint("posting_id", "other_posting_id"),
    )


def downgrade() -> None:
    op.drop_table("transfer_legs")
    op.drop_table("journal_keying")
