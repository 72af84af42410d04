"""audit log: who did what and when, for every state-changing HTTP call; append-only

Revision ID: 0003_audit_log
Revises: 0002_dues, 0002_lifecycle
"""

from collections.abc import Sequence

from alembic import op

from unionfed_shared.audit import create_audit_log_v1, drop_audit_log_v1

revision: str = "0003_audit_log"
down_revision: str | tuple[str, ...] | None = ("0002_dues", "0002_lifecycle")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The table and its triggers (UPDATE, DELETE and TRUNCATE refused) are defined once, in shared.
    create_audit_log_v1(op)


def downgrade() -> None:
    drop_audit_log_v1(op)
