"""bulk_dues: dues_payments.batch_id, the chunk (DuesBatchCollectedV1) that carried a payment
collected with its union's month to finance; null for a payment recorded alone

An expand step only: a nullable column is added without rewriting the table.

Revision ID: 0019_bulk_dues
Revises: 0018_pii_key_ids
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_bulk_dues"
down_revision: str | tuple[str, ...] | None = "0018_pii_key_ids"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("dues_payments", sa.Column("batch_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    op.drop_column("dues_payments", "batch_id")
