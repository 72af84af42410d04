"""dead letters: when each last failed (a replay that fails again), beside when it first did

Revision ID: 0007_dead_letter_last_failure
Revises: 0006_search
"""

from collections.abc import Sequence

from alembic import op

from unionfed_shared.messaging.tables import add_dead_letter_last_failure_v1, drop_dead_letter_last_failure_v1

revision: str = "0007_dead_letter_last_failure"
down_revision: str | tuple[str, ...] | None = "0006_search"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The column is defined once, in shared, beside the consumer that writes it.
    add_dead_letter_last_failure_v1(op)


def downgrade() -> None:
    drop_dead_letter_last_failure_v1(op)
