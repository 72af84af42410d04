"""bulk greetings: the chunk loop's next pending recipients by member come straight from an index
(batch, status, member), instead of sorting every pending recipient of the batch for each chunk
(quadratic in the batch: 100,000 recipients are 500 chunks)

Revision ID: 0016_bulk_greetings
Revises: 0015_attachments
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0016_bulk_greetings"
down_revision: str | tuple[str, ...] | None = "0015_attachments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_greeting_recipients_batch_status_member", "greeting_recipients", ["batch_id", "status", "member_id"]
    )
    # Its prefix serves every query the two-column index served.
    op.drop_index("ix_greeting_recipients_batch_status", table_name="greeting_recipients")


def downgrade() -> None:
    op.create_index("ix_greeting_recipients_batch_status", "greeting_recipients", ["batch_id", "status"])
    op.drop_index("ix_greeting_recipients_batch_status_member", table_name="greeting_recipients")
