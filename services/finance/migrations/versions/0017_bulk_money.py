"""bulk money: a hold names its own line of the posting that paid it (PayMany pays a chunk of
members' holds with one multi-line posting)

Revision ID: 0017_bulk_money
Revises: 0016_schedules
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_bulk_money"
down_revision: str | tuple[str, ...] | None = "0016_schedules"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("holds", sa.Column("line_no", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("holds", "line_no")
