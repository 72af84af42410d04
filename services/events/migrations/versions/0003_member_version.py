"""directory_members.version: a member's newest change wins, whatever partition order

Revision ID: 0003_member_version
Revises: ("0002_activities", "0002_congress")
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_member_version"
down_revision: str | tuple[str, ...] | None = ("0002_activities", "0002_congress")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("directory_members", sa.Column("version", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    op.drop_column("directory_members", "version")
