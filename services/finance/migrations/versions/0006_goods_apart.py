"""goods apart from cash: the part of a captured hold given as goods at their value

Revision ID: 0006_goods_apart
Revises: 0005_federation_locale
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_goods_apart"
down_revision: str | tuple[str, ...] | None = "0005_federation_locale"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # 0 for every hold posted before goods were told apart: they were all counted as cash.
    op.add_column("holds", sa.Column("posted_goods_fen", sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    op.drop_column("holds", "posted_goods_fen")
