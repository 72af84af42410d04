"""bulk_dues: dues_receipts, each member's dues booked by a chunk (one posting per up to 1,000
members): the payment once, with the posting and line that booked it

Revision ID: 0019_bulk_dues
Revises: 0018_book_snapshots
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_bulk_dues"
down_revision: str | tuple[str, ...] | None = "0018_book_snapshots"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dues_receipts",
        sa.Column("payment_id", sa.Uuid(), primary_key=True),
        sa.Column("member_id", sa.Uuid(), nullable=False),
        sa.Column("organization_id", sa.Text(), nullable=False),
        sa.Column("period", sa.Text(), nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.Column("posting_id", sa.Uuid(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("journal_event_id", sa.Text(), nullable=False),
    )
    op.create_index("ix_dues_receipts_member_id", "dues_receipts", ["member_id"])


def downgrade() -> None:
    op.drop_index("ix_dues_receipts_member_id", table_name="dues_receipts")
    op.drop_table("dues_receipts")
