"""A term's sign-off (经审) records the voucher chain's head next to the ledger's

Revision ID: 0015_signed_heads
Revises: 0014_report_figures
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_signed_heads"
down_revision: str | tuple[str, ...] | None = "0014_report_figures"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # NULL on the records before (and on every record but a sign-off): their hashes cover the
    # columns they had, and a record with a voucher head is hashed as the scheme's version 2.
    op.add_column("audit_records", sa.Column("voucher_sequence", sa.BigInteger(), nullable=True))
    op.add_column("audit_records", sa.Column("voucher_hash", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("audit_records", "voucher_hash")
    op.drop_column("audit_records", "voucher_sequence")
