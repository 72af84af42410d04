"""book_snapshots: checkpoints of the books (input topics' offsets and every ledger's verified
head) from which a rebuild replays only the tail

Revision ID: 0018_book_snapshots
Revises: 0017_bulk_money
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0018_book_snapshots"
down_revision: str | tuple[str, ...] | None = "0017_bulk_money"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "book_snapshots",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offsets", JSONB(), nullable=False),
        sa.Column("heads", JSONB(), nullable=False),
        sa.Column("messages", sa.BigInteger(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("book_snapshots")
