"""idempotency keys: the first answer to a keyed POST, stored with its effect, for safe retries

Revision ID: 0008_idempotency_keys
Revises: 0007_chain_every_column
"""

from collections.abc import Sequence

from alembic import op

from unionfed_shared.idempotency import create_idempotency_keys_v1, drop_idempotency_keys_v1

revision: str = "0008_idempotency_keys"
down_revision: str | tuple[str, ...] | None = "0007_chain_every_column"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The table is defined once, in shared, beside the code that reads and writes it.
    create_idempotency_keys_v1(op)


def downgrade() -> None:
    drop_idempotency_keys_v1(op)
