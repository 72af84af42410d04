"""holds by posting: the holds a posting paid, each on its line

Revision ID: 0021_holds_by_posting
Revises: 0020_ledger_keys

The disclosure statement reads the holds of the postings in its term. Since a greeting's chunk
pays 1,000 holds in one posting (0017), finding them walked every hold of every union: at 42,000
holds a statement took seconds. The index finds a posting's holds, and the hold on one of its
lines, directly.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021_holds_by_posting"
down_revision: str | tuple[str, ...] | None = "0020_ledger_keys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_holds_posting_line", "holds", ["posting_id", "line_no"])


def downgrade() -> None:
    op.drop_index("ix_holds_posting_line", table_name="holds")
